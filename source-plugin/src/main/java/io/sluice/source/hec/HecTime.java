package io.sluice.source.hec;

import java.math.BigDecimal;
import java.util.regex.Pattern;

/**
 * An HEC {@code time} as epoch milliseconds: epoch seconds with an optional fraction, as a JSON
 * number or as a numeric string (Splunk's own libraries and Docker's driver send strings); a value
 * that can only be milliseconds (from 13,569,465,600, the year 2400 in seconds, up) is read as
 * milliseconds, as splunk-events sends them. Anything else (negative, ISO text, exponents in a
 * string) is refused: Splunk answers those with code 15.
 */
final class HecTime {

  /** The year 2400 in epoch seconds: no later second is meant; larger values are milliseconds. */
  static final long MILLIS_FROM = 13_569_465_600L;
  private static final BigDecimal MILLIS_FROM_DECIMAL = BigDecimal.valueOf(MILLIS_FROM);
  /** 9999-12-31T23:59:59.999Z: what a document's {@code @timestamp} can say. */
  private static final long MAX_MILLIS = 253_402_300_799_999L;
  private static final Pattern DECIMAL = Pattern.compile("\\d{1,20}(\\.\\d{1,20})?");

  /** Not a time: the value that says so. */
  static final long INVALID = Long.MIN_VALUE;

  private HecTime() {}

  /** Epoch milliseconds of a {@code time} given as text; {@link #INVALID} if it is none. */
  static long parse(String text) {
    String t = text.trim();
    if (!DECIMAL.matcher(t).matches()) {
      return INVALID;
    }
    return of(new BigDecimal(t));
  }

  /** Epoch milliseconds of a {@code time} given as a number; {@link #INVALID} if it is none. */
  static long of(BigDecimal value) {
    if (value.signum() < 0) {
      return INVALID;
    }
    BigDecimal millis = value.compareTo(MILLIS_FROM_DECIMAL) >= 0 ? value : value.movePointRight(3);
    if (millis.compareTo(BigDecimal.valueOf(MAX_MILLIS)) > 0) {
      return INVALID;
    }
    return millis.longValue(); // a fraction of a millisecond is dropped
  }
}
