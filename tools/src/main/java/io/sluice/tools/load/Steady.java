package io.sluice.tools.load;

/** {@code steady RATE}: RATE events each second, spread evenly. */
record Steady(long rate) implements LoadPattern {

  Steady {
    if (rate <= 0) {
      throw new IllegalArgumentException("steady: the rate must be a positive number of events a second");
    }
  }

  @Override
  public long dueBy(long elapsedNanos) {
    return at(rate, elapsedNanos);
  }

  /**
   * floor(rate × t) for t in nanoseconds, exactly: whole seconds and the rest apart, so nothing
   * overflows for any rate up to 10^9 and whole seconds give whole multiples of the rate.
   */
  static long at(long rate, long elapsedNanos) {
    if (elapsedNanos <= 0) {
      return 0;
    }
    return rate * (elapsedNanos / NANOS_PER_SECOND) + rate * (elapsedNanos % NANOS_PER_SECOND) / NANOS_PER_SECOND;
  }
}
