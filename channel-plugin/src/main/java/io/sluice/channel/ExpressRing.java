package io.sluice.channel;

import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import java.util.List;

/**
 * The express lane: an LMAX Disruptor ring with many producers and many consumers.
 *
 * <p>Producers publish a whole transaction at once (one claim, one publish), and only after
 * reserving room in a {@link Space} no larger than the ring, so a claim never waits on consumers;
 * a claimed slot is always published (an unpublished claim would stall every consumer). Consumers
 * claim one slot at a time with a CAS on the consumed sequence, then read and clear it. The claim
 * moves the ring's gating sequence before the slot is read; that is safe only because of the
 * {@link Space}: the event's room is released when its take commits, after the read, so no
 * producer can claim the slot's next lap while it is being read.
 */
final class ExpressRing<E> {

  private static final class Slot<E> {
    E value;
  }

  private final RingBuffer<Slot<E>> ring;
  private final Sequence consumed = new Sequence(RingBuffer.INITIAL_CURSOR_VALUE);

  ExpressRing(int size) {
    // No consumer ever waits on the ring itself (takers wait in the store), so a wait strategy
    // whose signal is a no-op: the default one takes a monitor and notifies on every publish.
    this.ring = RingBuffer.createMultiProducer(Slot::new, size, new BusySpinWaitStrategy());
    ring.addGatingSequences(consumed);
  }

  int bufferSize() {
    return ring.getBufferSize();
  }

  /** Publishes {@code events}; the caller has reserved room for them. */
  void publish(List<E> events) {
    int n = events.size();
    if (n == 0) {
      return;
    }
    long hi = ring.next(n);
    long lo = hi - n + 1;
    for (int i = 0; i < n; i++) {
      ring.get(lo + i).value = events.get(i);
    }
    ring.publish(lo, hi);
  }

  /** The next published event, or null. Safe to call from any number of threads at once. */
  E poll() {
    while (true) {
      long last = consumed.get();
      long next = last + 1;
      if (next > ring.getCursor() || !ring.isAvailable(next)) {
        return null;
      }
      if (consumed.compareAndSet(last, next)) {
        Slot<E> slot = ring.get(next);
        E e = slot.value;
        slot.value = null; // the ring must not keep taken events reachable
        return e;
      }
    }
  }

  /** The highest sequence claimed by a producer: it moves with every put. */
  long cursor() {
    return ring.getCursor();
  }

  /** Published and claimed events not yet taken (approximate under concurrent puts). */
  long size() {
    return Math.max(0, ring.getCursor() - consumed.get());
  }

  /** Appends the published events not yet taken to {@code out}, in order (a quiescent store). */
  void copyTo(List<E> out) {
    long cursor = ring.getCursor();
    for (long s = consumed.get() + 1; s <= cursor && ring.isAvailable(s); s++) {
      out.add(ring.get(s).value);
    }
  }
}
