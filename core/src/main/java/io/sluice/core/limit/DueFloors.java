package io.sluice.core.limit;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Remembers, for keys whose deferred events are held by a state other than their own, when the
 * last of those comes due: events decided by the shared overflow state before the key got a state
 * of its own, and events of a state evicted from the cache. A state created for such a key starts
 * behind them, so no key ever overtakes its own deferred events.
 *
 * <p>Bounded: entries go once due, and there are never more than {@code capacity} (the deferred
 * room), oldest dropped first. Thread-safe by its monitor, which is always taken last.
 */
final class DueFloors {

  private final int capacity;
  private final Map<String, Long> dueByKey = new LinkedHashMap<>();

  DueFloors(long capacity) {
    this.capacity = (int) Math.min(Integer.MAX_VALUE, Math.max(1, capacity));
  }

  synchronized void record(String mapKey, long dueNanos, long nowNanos) {
    prune(nowNanos);
    Long previous = dueByKey.remove(mapKey); // re-insert: the newest entries stay at the tail
    dueByKey.put(mapKey, previous == null ? dueNanos : Math.max(previous, dueNanos));
    if (dueByKey.size() > capacity) {
      Iterator<String> eldest = dueByKey.keySet().iterator();
      eldest.next();
      eldest.remove();
    }
  }

  /** The due time a new state for {@code mapKey} must queue behind, or {@code Long.MIN_VALUE}. */
  synchronized long floorFor(String mapKey, long nowNanos) {
    if (dueByKey.isEmpty()) {
      return Long.MIN_VALUE;
    }
    Long due = dueByKey.remove(mapKey);
    return due == null || due <= nowNanos ? Long.MIN_VALUE : due;
  }

  synchronized int size() {
    return dueByKey.size();
  }

  private void prune(long nowNanos) {
    Iterator<Long> it = dueByKey.values().iterator();
    while (it.hasNext()) {
      if (it.next() > nowNanos) {
        return;
      }
      it.remove();
    }
  }
}
