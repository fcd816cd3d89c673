package io.sluice.core.limit;

import java.util.Arrays;

/**
 * One key's buckets and the due times of its deferred events. The due times are kept in order
 * (the governor never lets a later event of a key come due before an earlier one), so the queue is
 * a plain ring that grows on demand up to the per-key bound and is dropped when empty.
 * Guarded by its own monitor.
 */
final class KeyState {

  final String key;
  final Tier tier;
  final Buckets buckets;
  /**
   * Due time of events of this key still deferred elsewhere when this state was created (in the
   * shared overflow state, or in an evicted state of the same key): its events queue behind them.
   */
  private final long inheritedDue;
  /** Bookings so far; lets a cancel tell whether anything was booked after the one it undoes. */
  long bookings;
  /**
   * Deferred room of this key promised to calls in flight to the shared store ({@link
   * SharedGovernor}), whose due times are not known yet.
   */
  int promised;
  /** Tokens leased from the shared store, not yet spent, and until when they may be. */
  int lease;
  long leaseUntil;
  /** Whether a call in flight is asking the shared store for a lease for this key. */
  boolean leasing;

  private long[] pending; // ring of due times, oldest at head; null when nothing is deferred
  private int head;
  private int size;

  KeyState(String key, Tier tier, long nowNanos, long inheritedDue) {
    this.key = key;
    this.tier = tier;
    this.buckets = new Buckets(tier.limits(), nowNanos);
    this.inheritedDue = inheritedDue;
  }

  /** Forgets deferred events that have come due. */
  void releaseDue(long nowNanos) {
    while (size > 0 && pending[head] <= nowNanos) {
      head = (head + 1) % pending.length;
      size--;
    }
    if (size == 0) {
      pending = null;
      head = 0;
    }
  }

  int pendingCount() {
    return size;
  }

  /** Due time of the latest deferred event of this key, or {@code Long.MIN_VALUE} if none. */
  long lastDue() {
    return size == 0 ? inheritedDue : pending[(head + size - 1) % pending.length];
  }

  void addPending(long dueNanos) {
    if (pending == null) {
      pending = new long[4];
    } else if (size == pending.length) {
      long[] grown = new long[pending.length * 2];
      for (int i = 0; i < size; i++) {
        grown[i] = pending[(head + i) % pending.length];
      }
      pending = grown;
      head = 0;
    }
    pending[(head + size) % pending.length] = dueNanos;
    size++;
  }

  /** Removes the latest deferred event (undoing the most recent {@link #addPending}). */
  void removeLastPending(long dueNanos) {
    if (size > 0 && lastDue() == dueNanos) {
      size--;
      if (size == 0) {
        pending = null;
        head = 0;
      }
    }
  }

  @Override
  public String toString() {
    return key + "/" + tier.name() + " pending=" + size
        + (size == 0 ? "" : " " + Arrays.toString(pending));
  }
}
