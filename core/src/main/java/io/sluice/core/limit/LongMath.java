package io.sluice.core.limit;

/** Integer arithmetic the limiter needs and Java 17's {@link Math} lacks. */
final class LongMath {

  private LongMath() {}

  /** {@code a / b} rounded towards positive infinity, for {@code b > 0} (Java 18 has {@code Math.ceilDiv}). */
  static long ceilDiv(long a, long b) {
    return -Math.floorDiv(-a, b);
  }
}
