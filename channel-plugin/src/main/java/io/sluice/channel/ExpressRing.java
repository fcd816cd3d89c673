package io.sluice.channel;

import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import java.util.List;

/**
 * The express lane: an LMAX Disruptor ring with many producers and one consuming sequence.
 *
 * <p>Producers publish a whole transaction at once (one claim, one publish), and only after
 * reserving room in a {@link Space} no larger than the ring, so a claim never waits on consumers;
 * a claimed slot is always published (an unpublished claim would stall every consumer). Consumers
 * poll one slot at a time under the store's take lock; a taken slot is cleared and freed at once,
 * and the event's room is released only when its take commits (see {@link EventStore}).
 */
final class ExpressRing<E> {

  private static final class Slot<E> {
    E value;
  }

  private final RingBuffer<Slot<E>> ring;
  private final Sequence consumed = new Sequence(RingBuffer.INITIAL_CURSOR_VALUE);

  ExpressRing(int size) {
    this.ring = RingBuffer.createMultiProducer(Slot::new, size);
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

  /** The next published event, or null. Callers serialize (the store's take lock). */
  E poll() {
    long next = consumed.get() + 1;
    if (next > ring.getCursor() || !ring.isAvailable(next)) {
      return null;
    }
    Slot<E> slot = ring.get(next);
    E e = slot.value;
    slot.value = null; // the ring must not keep taken events reachable
    consumed.set(next);
    return e;
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
