package io.sluice.channel;

import java.util.ArrayDeque;
import java.util.List;
import java.util.TreeMap;

/**
 * The deferred lane's events in release order: by due time, and by arrival within a due time.
 *
 * <p>Due times are monotonic milliseconds ({@link DueTimes}). Events are kept in one FIFO bucket
 * per due millisecond. The interceptor spaces a key's due
 * times by its rate, so a burst lands many events on few milliseconds: most adds append to the
 * bucket the previous add used, and a take reads the head bucket, both without a tree search.
 * Not thread-safe: the store guards it with its take lock.
 */
final class DeferredQueue<E> {

  private final TreeMap<Long, ArrayDeque<Taken<E>>> byDueTime = new TreeMap<>();
  private ArrayDeque<Taken<E>> head; // the earliest bucket, or null when empty
  private long headDue = Long.MAX_VALUE;
  private ArrayDeque<Taken<E>> lastAdded; // the bucket of the previous add, while it is held
  private long lastAddedDue;
  private int size;

  void add(Taken<E> t) {
    long due = t.dueMillis();
    ArrayDeque<Taken<E>> bucket;
    if (lastAdded != null && lastAddedDue == due) {
      bucket = lastAdded;
    } else {
      bucket = byDueTime.computeIfAbsent(due, d -> new ArrayDeque<>());
      lastAdded = bucket;
      lastAddedDue = due;
    }
    bucket.addLast(t);
    size++;
    if (due < headDue) {
      head = bucket;
      headDue = due;
    }
  }

  /** The due time of the next event, or {@code Long.MAX_VALUE} when none is held. */
  long nextDue() {
    return headDue;
  }

  Taken<E> poll() {
    if (head == null) {
      return null;
    }
    Taken<E> t = head.pollFirst();
    size--;
    if (head.isEmpty()) {
      byDueTime.remove(headDue);
      if (lastAdded == head) {
        lastAdded = null;
      }
      var next = byDueTime.firstEntry();
      head = next == null ? null : next.getValue();
      headDue = next == null ? Long.MAX_VALUE : next.getKey();
    }
    return t;
  }

  int size() {
    return size;
  }

  /** Appends every event held to {@code out}, in release order. */
  void copyTo(List<Taken<E>> out) {
    for (ArrayDeque<Taken<E>> bucket : byDueTime.values()) {
      out.addAll(bucket);
    }
  }
}
