package io.sluice.sink.validate;

import java.util.List;
import java.util.Objects;

/**
 * Whether a document passed, and if not why: at most {@link #MAX_ERRORS} messages of at most
 * {@link #MAX_ERROR_CHARS} characters each, each naming where in the document (a JSON path such as
 * {@code $.severity}), so that a hostile document cannot make its dead-letter record or a log line
 * large. {@link #errorCount} says how many there were in all.
 */
public final class Validation {

  public static final int MAX_ERRORS = 10;
  public static final int MAX_ERROR_CHARS = 300;

  private static final Validation NO_SCHEMA = new Validation(null, List.of(), 0);

  private final String schema;
  private final List<String> errors;
  private final int errorCount;

  private Validation(String schema, List<String> errors, int errorCount) {
    this.schema = schema;
    this.errors = errors;
    this.errorCount = errorCount;
  }

  /** Valid, with no schema to check against: every document is. */
  public static Validation noSchema() {
    return NO_SCHEMA;
  }

  /** Valid against {@code schema}. */
  static Validation valid(String schema) {
    return new Validation(Objects.requireNonNull(schema), List.of(), 0);
  }

  /**
   * Invalid: the first {@link #MAX_ERRORS} of {@code errors} (cut to {@link #MAX_ERROR_CHARS}),
   * against {@code schema} (null when no schema decided it, e.g. a limit).
   */
  static Validation invalid(String schema, List<String> errors, int errorCount) {
    if (errors.isEmpty() || errorCount < errors.size()) {
      throw new IllegalArgumentException("an invalid document has errors: " + errors + ", " + errorCount);
    }
    int n = Math.min(errors.size(), MAX_ERRORS);
    String[] kept = new String[n];
    for (int i = 0; i < n; i++) {
      kept[i] = cut(errors.get(i));
    }
    return new Validation(schema, List.of(kept), errorCount);
  }

  /** Invalid for one reason no schema gave (a limit, a failure): {@code reason} names it. */
  public static Validation refused(String reason) {
    return invalid(null, List.of(reason), 1);
  }

  public boolean isValid() {
    return errorCount == 0;
  }

  /** At most {@link #MAX_ERRORS} messages, each at most {@link #MAX_ERROR_CHARS} characters. */
  public List<String> errors() {
    return errors;
  }

  /** How many errors there were, including those not kept in {@link #errors}. */
  public int errorCount() {
    return errorCount;
  }

  /** The schema's path as configured; null when no schema decided (none configured, or a limit). */
  public String schema() {
    return schema;
  }

  /** {@code s} cut to {@link #MAX_ERROR_CHARS}, never between the two halves of a surrogate pair. */
  static String cut(String s) {
    if (s.length() <= MAX_ERROR_CHARS) {
      return s;
    }
    int end = MAX_ERROR_CHARS - 3;
    if (Character.isHighSurrogate(s.charAt(end - 1))) {
      end--;
    }
    return s.substring(0, end) + "...";
  }

  @Override
  public String toString() {
    return isValid() ? "valid" + (schema == null ? "" : " (" + schema + ")")
        : "invalid" + (schema == null ? "" : " (" + schema + ")") + ": " + errorCount + " " + errors;
  }
}
