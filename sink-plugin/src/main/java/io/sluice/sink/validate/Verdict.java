package io.sluice.sink.validate;

/**
 * What a {@link CompiledSchema} check says of an instance: valid, invalid, or that it cannot tell
 * (a keyword it does not compile, a number it will not compare); then networknt decides.
 */
enum Verdict {
  VALID,
  INVALID,
  UNKNOWN;

  /** Both must hold: one certain failure decides, else one doubt does. */
  Verdict and(Verdict other) {
    if (this == INVALID || other == INVALID) {
      return INVALID;
    }
    return this == UNKNOWN || other == UNKNOWN ? UNKNOWN : VALID;
  }

  Verdict not() {
    return switch (this) {
      case VALID -> INVALID;
      case INVALID -> VALID;
      case UNKNOWN -> UNKNOWN;
    };
  }

  static Verdict of(boolean valid) {
    return valid ? VALID : INVALID;
  }
}
