package io.sluice.core.limit;

/**
 * Counts deferred events across all keys until they come due, so the deferred room
 * ({@code defer.maxEvents}) can be enforced without a queue of every event.
 *
 * <p>A timing wheel: one counter per slot of {@code slotNanos}, covering {@code maxDelay}. Slots
 * are swept as time passes, which makes every operation amortised O(1). An event is counted
 * until the end of its slot, so the count errs by at most one slot's worth, on the safe side.
 * Thread-safe by its own monitor; callers may hold a key's monitor (lock order: key, global,
 * ledger).
 */
final class DeferredLedger {

  private static final int MAX_SLOTS = 4096;

  private final long capacity;
  private final long slotNanos;
  private final long[] counts;
  private long sweptSlot; // absolute index of the oldest slot not yet swept
  private long total; // booked and reserved
  private long reserved; // room promised to calls in flight to a shared store, not yet booked

  DeferredLedger(long capacity, long maxDelayNanos, long nowNanos) {
    this.capacity = capacity;
    this.slotNanos = Math.max(1_000_000L, LongMath.ceilDiv(maxDelayNanos, MAX_SLOTS - 2));
    this.counts = new long[(int) (maxDelayNanos / slotNanos) + 2];
    this.sweptSlot = Math.floorDiv(nowNanos, slotNanos);
  }

  /** Books one event due at {@code dueNanos} if room is left. */
  synchronized boolean tryAdd(long dueNanos, long nowNanos) {
    sweep(nowNanos);
    if (total >= capacity) {
      return false;
    }
    counts[slotOf(dueNanos)]++;
    total++;
    return true;
  }

  /** Unbooks one event added with {@link #tryAdd}, if it has not come due yet. */
  synchronized void remove(long dueNanos, long nowNanos) {
    sweep(nowNanos);
    long abs = Math.floorDiv(dueNanos, slotNanos);
    if (abs >= sweptSlot) {
      int i = slotOf(dueNanos);
      if (counts[i] > 0) {
        counts[i]--;
        total--;
      }
    }
  }

  /**
   * Promises up to {@code wanted} events' room to a decision made elsewhere (the shared store),
   * before its answer says how many it deferred and when they come due; returns how many.
   */
  synchronized int reserve(int wanted, long nowNanos) {
    sweep(nowNanos);
    int k = (int) Math.max(0, Math.min(wanted, capacity - total));
    total += k;
    reserved += k;
    return k;
  }

  /** Books one reserved event, due at {@code dueNanos}. */
  synchronized void settle(long dueNanos) {
    reserved--;
    counts[slotOf(dueNanos)]++;
  }

  /** Gives back {@code k} reserved events' room that no deferred event took. */
  synchronized void unreserve(int k) {
    reserved -= k;
    total -= k;
  }

  synchronized long depth(long nowNanos) {
    sweep(nowNanos);
    return total;
  }

  /** Fraction of the deferred room in use, 0 to 1. */
  synchronized double fill(long nowNanos) {
    sweep(nowNanos);
    return capacity == 0 ? 1.0 : (double) total / capacity;
  }

  long capacity() {
    return capacity;
  }

  private int slotOf(long dueNanos) {
    return (int) Math.floorMod(Math.floorDiv(dueNanos, slotNanos), (long) counts.length);
  }

  private void sweep(long nowNanos) {
    long target = Math.floorDiv(nowNanos, slotNanos);
    if (target - sweptSlot >= counts.length) {
      java.util.Arrays.fill(counts, 0);
      total = reserved;
      sweptSlot = target;
      return;
    }
    while (sweptSlot < target) {
      int i = (int) Math.floorMod(sweptSlot, (long) counts.length);
      total -= counts[i];
      counts[i] = 0;
      sweptSlot++;
    }
  }
}
