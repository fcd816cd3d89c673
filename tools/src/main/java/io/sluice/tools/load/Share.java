package io.sluice.tools.load;

/**
 * One sender's part of a pattern shared by N senders: the pattern's events are dealt round-robin,
 * event k (counting from 0 over the whole pattern) to sender k mod N. So each sender sends rate/N
 * at every moment, the senders together send exactly the pattern at every moment (not just in the
 * end), and each share is itself a non-decreasing function of time.
 */
record Share(LoadPattern whole, int sender, int senders) implements LoadPattern {

  Share {
    if (senders < 1 || sender < 0 || sender >= senders) {
      throw new IllegalArgumentException("sender " + sender + " of " + senders);
    }
  }

  @Override
  public long dueBy(long elapsedNanos) {
    return of(whole.dueBy(elapsedNanos), sender, senders);
  }

  /** How many of the first {@code due} events are sender i's: the k < due with k mod n = i. */
  static long of(long due, int i, int n) {
    return due <= i ? 0 : (due - i + n - 1) / n;
  }

  @Override
  public long endNanos() {
    return whole.endNanos();
  }
}
