package io.sluice.core.limit;

import java.util.List;

/**
 * The GCRA cells of one set of limits that must all allow: a key's tier, the global limit, or the
 * budget for creating new keys. Each cell holds a theoretical arrival time (TAT) in exact
 * fixed point (see {@link Rate}). Not thread-safe: the owner synchronizes.
 */
final class Buckets {

  private final Rate[] rates;
  private final long[] tat;
  private final long[] frac;

  Buckets(List<Rate> rates, long nowNanos) {
    this.rates = rates.toArray(new Rate[0]);
    this.tat = new long[this.rates.length];
    this.frac = new long[this.rates.length];
    java.util.Arrays.fill(tat, nowNanos);
  }

  /** The earliest time at which every cell admits one more event. */
  long allowAt() {
    long at = Long.MIN_VALUE;
    for (int i = 0; i < rates.length; i++) {
      Rate rate = rates[i];
      long ns = tat[i] - rate.tauQ;
      long fr = frac[i] - rate.tauR;
      if (fr < 0) {
        ns--;
        fr += rate.count;
      }
      if (fr > 0) {
        ns++; // times are whole nanoseconds: round the due time up
      }
      at = Math.max(at, ns);
    }
    return at;
  }

  /** Books one event admitted at {@code at}, which must be at or after {@link #allowAt()}. */
  void consume(long at) {
    for (int i = 0; i < rates.length; i++) {
      Rate rate = rates[i];
      if (tat[i] < at) {
        tat[i] = at;
        frac[i] = 0;
      }
      tat[i] += rate.q;
      frac[i] += rate.r;
      if (frac[i] >= rate.count) {
        frac[i] -= rate.count;
        tat[i]++;
      }
    }
  }

  /** Gives back one event's worth, as when a reserved event was refused downstream after all. */
  void refund() {
    for (int i = 0; i < rates.length; i++) {
      Rate rate = rates[i];
      tat[i] -= rate.q;
      frac[i] -= rate.r;
      if (frac[i] < 0) {
        frac[i] += rate.count;
        tat[i]--;
      }
    }
  }

  /** A copy of every cell, for {@link #restore} when a booking is taken back. */
  long[] snapshot() {
    long[] copy = new long[2 * tat.length];
    System.arraycopy(tat, 0, copy, 0, tat.length);
    System.arraycopy(frac, 0, copy, tat.length, frac.length);
    return copy;
  }

  void restore(long[] snapshot) {
    System.arraycopy(snapshot, 0, tat, 0, tat.length);
    System.arraycopy(snapshot, tat.length, frac, 0, frac.length);
  }

  /** Admits one event now if every cell allows, for the budgets that have no deferral. */
  boolean tryAcquire(long nowNanos) {
    if (allowAt() > nowNanos) {
      return false;
    }
    consume(nowNanos);
    return true;
  }
}
