package io.sluice.tools.load;

/**
 * {@code burst BASE xFACTOR D1 then D2 silence}: cycles of BASE×FACTOR events a second for D1, then
 * nothing for D2, from the start of the run.
 */
record Burst(long base, long factor, long burstNanos, long silenceNanos) implements LoadPattern {

  Burst {
    if (base <= 0 || factor <= 0) {
      throw new IllegalArgumentException("burst: the base rate and the factor must be positive");
    }
    if (burstNanos <= 0 || silenceNanos < 0) {
      throw new IllegalArgumentException("burst: the burst must last some time and the silence cannot be negative");
    }
  }

  long rate() {
    return base * factor;
  }

  /** Events of one whole cycle: the burst's, as {@link Steady#at} counts them. */
  long perCycle() {
    return Steady.at(rate(), burstNanos);
  }

  @Override
  public long dueBy(long elapsedNanos) {
    if (elapsedNanos <= 0) {
      return 0;
    }
    long cycle = burstNanos + silenceNanos;
    long cycles = elapsedNanos / cycle;
    long into = elapsedNanos % cycle;
    return cycles * perCycle() + Steady.at(rate(), Math.min(into, burstNanos));
  }
}
