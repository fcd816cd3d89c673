package io.sluice.tools.load;

import java.math.BigInteger;

/**
 * {@code ramp FROM TO OVER}: a rate rising (or falling) linearly from FROM to TO events a second
 * over OVER, then holding TO. What is due is the integral of that rate, floored; computed exactly
 * (t² in nanoseconds does not fit a long) so that, for instance, {@code ramp 100 5000 60s} has due
 * exactly (100 + 5000) / 2 × 60 = 153,000 events at 60 s.
 */
record Ramp(long from, long to, long overNanos) implements LoadPattern {

  private static final BigInteger TWO_BILLION = BigInteger.valueOf(2 * NANOS_PER_SECOND);

  Ramp {
    if (from < 0 || to < 0 || from == 0 && to == 0) {
      throw new IllegalArgumentException("ramp: the rates cannot be negative, nor both 0");
    }
    if (overNanos <= 0) {
      throw new IllegalArgumentException("ramp: it must last some time");
    }
  }

  @Override
  public long dueBy(long elapsedNanos) {
    if (elapsedNanos <= 0) {
      return 0;
    }
    BigInteger f = BigInteger.valueOf(from);
    BigInteger d = BigInteger.valueOf(to - from);
    BigInteger over = BigInteger.valueOf(overNanos);
    if (elapsedNanos <= overNanos) {
      // ∫0^t (from + d·s/over) ds = from·t + d·t²/(2·over), over the common denominator 2·over·10^9
      BigInteger t = BigInteger.valueOf(elapsedNanos);
      BigInteger numerator = f.multiply(t).multiply(over).shiftLeft(1).add(d.multiply(t).multiply(t));
      return numerator.divide(TWO_BILLION.multiply(over)).longValueExact();
    }
    // the whole ramp, (from + to)·over/2, plus to for the time after it
    BigInteger after = BigInteger.valueOf(elapsedNanos - overNanos);
    BigInteger numerator = BigInteger.valueOf(from + to).multiply(over)
        .add(BigInteger.valueOf(to).multiply(after).shiftLeft(1));
    return numerator.divide(TWO_BILLION).longValueExact();
  }
}
