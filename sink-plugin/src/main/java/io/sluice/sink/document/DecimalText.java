package io.sluice.sink.document;

/**
 * Reads a header's decimal text as a number without throwing: a header that is not a number is an
 * ordinary outcome here (it stays under {@code headers}), and an exception per such header would
 * let a sender make every event cost a stack trace.
 */
final class DecimalText {

  /** What {@link #parse} returns for text that is not a number; no text it accepts reads as this. */
  static final long NOT_A_NUMBER = Long.MIN_VALUE;

  /** 18 digits always fit in a long: no overflow check needed. */
  private static final int MAX_DIGITS = 18;

  private DecimalText() {}

  /**
   * The value of {@code text} when it is an optional {@code -} and 1 to 18 decimal digits, nothing
   * else (no sign {@code +}, no spaces, no fraction); otherwise {@link #NOT_A_NUMBER}.
   */
  static long parse(String text) {
    int n = text.length();
    int i = n > 0 && text.charAt(0) == '-' ? 1 : 0;
    if (n == i || n - i > MAX_DIGITS) {
      return NOT_A_NUMBER;
    }
    long v = 0;
    for (int k = i; k < n; k++) {
      int d = text.charAt(k) - '0';
      if (d < 0 || d > 9) {
        return NOT_A_NUMBER;
      }
      v = v * 10 + d;
    }
    return i == 1 ? -v : v;
  }
}
