package io.sluice.core.limit;

import java.math.BigInteger;
import java.util.concurrent.TimeUnit;

/**
 * One limit: {@code count} events per {@code period}, of which up to {@code burst} may arrive at
 * once. Enforced as GCRA (the generic cell rate algorithm): one event is due every emission
 * interval {@code T = period / count}, and an event may arrive up to {@code tau = (burst - 1) * T}
 * ahead of its due time. That admits at most {@code burst + rate * d} events in any window of
 * length {@code d}, exactly as a token bucket of capacity {@code burst} would.
 *
 * <p>{@code T} is rarely a whole number of nanoseconds (3000/s is 333333.3 ns), and rounding it
 * would drift by thousands of events an hour. So times are kept as a whole part in nanoseconds
 * plus a fraction in units of {@code 1 / count} ns: every step below is exact integer arithmetic.
 */
public final class Rate {

  final long count;
  final long periodNanos;
  final long burst;

  /** {@code T = periodNanos / count} as whole nanos {@code q} plus {@code r / count}. */
  final long q;
  final long r;

  /** {@code tau = (burst - 1) * T} as whole nanos {@code tauQ} plus {@code tauR / count}. */
  final long tauQ;
  final long tauR;

  private final String unit;

  private Rate(long count, long periodNanos, long burst, String unit) {
    if (count <= 0) {
      throw new IllegalArgumentException("a limit needs a positive count, got " + count);
    }
    if (burst <= 0) {
      throw new IllegalArgumentException("a burst must be positive, got " + burst);
    }
    this.count = count;
    this.periodNanos = periodNanos;
    this.burst = burst;
    this.unit = unit;
    this.q = periodNanos / count;
    this.r = periodNanos % count;
    BigInteger[] tau =
        BigInteger.valueOf(burst - 1)
            .multiply(BigInteger.valueOf(periodNanos))
            .divideAndRemainder(BigInteger.valueOf(count));
    if (tau[0].bitLength() > 61) {
      throw new IllegalArgumentException(
          "burst " + burst + " at " + count + "/" + unit + " spans more time than can be tracked");
    }
    this.tauQ = tau[0].longValueExact();
    this.tauR = tau[1].longValueExact();
  }

  /**
   * This limit shared by {@code agents}: the same count over a period {@code agents} times as long,
   * with the burst divided (rounded up). What one agent may admit alone when it cannot reach the
   * store the agents share ({@code redis.onFailure = local}).
   */
  Rate dividedAmong(int agents) {
    if (agents == 1) {
      return this;
    }
    return new Rate(count, Math.multiplyExact(periodNanos, agents),
        Math.max(1, LongMath.ceilDiv(burst, agents)), unit + " / " + agents + " agents");
  }

  /** {@code count} per second, minute or hour ({@code unit} is {@code s}, {@code m} or {@code h}). */
  public static Rate of(long count, String unit, long burst) {
    return new Rate(count, periodNanos(unit), burst, unit);
  }

  /** {@code count} per unit with the default burst of one period's worth ({@code count}). */
  public static Rate of(long count, String unit) {
    return of(count, unit, count);
  }

  static long periodNanos(String unit) {
    switch (unit) {
      case "s":
        return TimeUnit.SECONDS.toNanos(1);
      case "m":
        return TimeUnit.MINUTES.toNanos(1);
      case "h":
        return TimeUnit.HOURS.toNanos(1);
      default:
        throw new IllegalArgumentException("unknown unit '" + unit + "'");
    }
  }

  public long count() {
    return count;
  }

  public long periodNanos() {
    return periodNanos;
  }

  public long burst() {
    return burst;
  }

  public double perSecond() {
    return count * 1e9 / periodNanos;
  }

  /**
   * How long an untouched cell takes to become indistinguishable from a fresh one: the longest a
   * key's state must be kept so that forgetting it resets nothing. A cell's TAT runs at most
   * {@code tau + T = (tauQ + q) + (tauR + r) / count} ahead of its last admission, and the two
   * fractions can add up to almost 2 ns, so whole nanos {@code tauQ + q + 2} always cover it.
   */
  long memoryNanos() {
    return tauQ + q + 2;
  }

  @Override
  public String toString() {
    return count + "/" + unit + (burst == count ? "" : " burst " + burst);
  }
}
