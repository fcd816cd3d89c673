package io.sluice.channel;

import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;

/**
 * The express lane: an LMAX Disruptor ring with many producers and many consumers.
 *
 * <p>Producers publish a whole transaction at once (one claim, one publish), and only after
 * reserving room in a {@link Space} no larger than the ring, so a claim never waits on consumers
 * for long; a claimed slot is always published (an unpublished claim would stall every consumer).
 * Consumers claim one slot at a time with a CAS on the consumed sequence, then read and clear it.
 *
 * <p>The claim moves the ring's gating sequence before the slot is read, and room is counted, not
 * placed: with two consumers, one can win slot 5 and be descheduled before reading it while the
 * other takes and commits slot 6, which frees the one event of room a producer needs to claim
 * slot 5's next lap. So a producer writes a slot only once its last value was read: a consumer
 * clears the slot with a release store after reading it, and the producer waits (briefly: the
 * consumer has already won the slot) until it sees it cleared.
 */
final class ExpressRing<E> {

  // Not padded to a cache line: that measured slower at transactions of 100 and 1000 events (a
  // consumer reading a producer's batch then pulls four times the lines) and no faster at 1.
  private static final class Slot<E> {
    E value; // null once read: written by VALUE's release store, read by its acquire load
  }

  private static final VarHandle VALUE;

  static {
    try {
      VALUE = MethodHandles.lookup().findVarHandle(Slot.class, "value", Object.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
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
      Slot<E> slot = ring.get(lo + i);
      awaitRead(slot);
      slot.value = events.get(i); // made visible by the publish below
    }
    ring.publish(lo, hi);
  }

  /** Waits until the consumer that won {@code slot}'s last lap has read it (see the class). */
  private static void awaitRead(Slot<?> slot) {
    for (int spins = 0; VALUE.getAcquire(slot) != null; spins++) {
      if (spins < 100) {
        Thread.onSpinWait();
      } else {
        Thread.yield(); // the reader was descheduled: on two cores, let it run
      }
    }
  }

  /** The next published event, or null. Safe to call from any number of threads at once. */
  E poll() {
    long seq = claim();
    return seq < 0 ? null : read(seq);
  }

  /** Claims the next published slot for the caller to {@link #read}; -1 if there is none. */
  long claim() {
    while (true) {
      long last = consumed.get();
      long next = last + 1;
      if (next > ring.getCursor() || !ring.isAvailable(next)) {
        return -1;
      }
      if (consumed.compareAndSet(last, next)) {
        return next;
      }
    }
  }

  /** Reads and clears the slot the caller claimed: the ring keeps no taken event reachable. */
  E read(long seq) {
    Slot<E> slot = ring.get(seq);
    @SuppressWarnings("unchecked")
    E e = (E) slot.value;
    VALUE.setRelease(slot, null); // after the read: a producer may now fill the slot's next lap
    return e;
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
