package io.sluice.core;

/** What the governor decided for an event; the value of the {@code sluice.disposition} header. */
public enum Disposition {
  /** Every bucket granted: the event goes on now. */
  PROCESSED("processed"),
  /** Tokens reserved for a due time within {@code defer.maxDelay}: held until {@code sluice.releaseAt}. */
  BATCHED("batched"),
  /** Refused: dropped and counted, kept for routing, or pushed back to the sender. */
  THROTTLED("throttled");

  private final String value;

  Disposition(String value) {
    this.value = value;
  }

  /** The header value. */
  public String value() {
    return value;
  }

  /** Parses a header value; {@code null} for a missing or unknown one. */
  public static Disposition fromHeader(String value) {
    if (value == null) {
      return null;
    }
    switch (value) {
      case "processed":
        return PROCESSED;
      case "batched":
        return BATCHED;
      case "throttled":
        return THROTTLED;
      default:
        return null;
    }
  }
}
