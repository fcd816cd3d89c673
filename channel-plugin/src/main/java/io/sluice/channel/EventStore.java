package io.sluice.channel;

import io.sluice.core.time.Clock;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The channel's storage, free of Flume: an express lane (a Disruptor ring) for events to deliver
 * now, a deferred lane ({@link DeferredQueue}, in due-time order) for events to hold until they
 * are due, and a redelivery queue for taken events whose transaction rolled back.
 *
 * <p>Time here is monotonic milliseconds ({@link DueTimes#monotonicMillis}): due times arrive
 * converted from their wall-clock labels, and a wall-clock step neither holds nor releases events.
 *
 * <p>Room is accounted per lane as MemoryChannel accounts it: an event holds its room from the
 * put's commit until its take commits, so a rolled-back take always has room to go back, at the
 * head, in its order. Takes serve, in this order: rolled-back events; a due deferred event late by
 * more than {@code maxLagMillis} (so a steady express stream cannot starve the deferred lane);
 * express events; due deferred events. A take on an empty store waits, up to its timeout, for a
 * put or for the next deferred event to come due.
 */
final class EventStore<E> {

  /** Thrown when a lane has no room for a transaction's events within the timeout. */
  static final class FullException extends Exception {
    private static final long serialVersionUID = 1L;

    FullException(String message) {
      super(message, null, false, false);
    }
  }

  private final Clock clock;
  private final ExpressRing<E> express;
  private final Space expressSpace;
  private final Space deferredSpace;
  private volatile long maxLagMillis;

  private final ReentrantLock takeLock = new ReentrantLock();
  private final Condition available = takeLock.newCondition();
  private volatile int takersWaiting; // written under takeLock
  private final ArrayDeque<Taken<E>> redelivery = new ArrayDeque<>(); // under takeLock
  private final DeferredQueue<E> deferred = new DeferredQueue<>(); // under takeLock
  // What a take reads without the lock to learn whether only the express lane can serve it:
  // written under takeLock whenever the redelivery queue or the deferred lane's head changes.
  private volatile int redeliveries;
  private volatile long nextDeferredDue = Long.MAX_VALUE;
  private volatile int deferredHeld; // deferred.size(), for readers without the lock

  // When takers nap rather than announce their wait (see streaming()): under takeLock.
  private static final long NAP_NANOS = 50_000;
  private static final long STREAM_NANOS = 1_000_000;
  private long cursorSeen = Long.MIN_VALUE;
  private long streamSeenAt;

  EventStore(int ringSize, long deferredCapacity, long maxLagMillis, Clock clock) {
    this.clock = clock;
    this.express = new ExpressRing<>(ringSize);
    this.expressSpace = new Space(express.bufferSize());
    this.deferredSpace = new Space(deferredCapacity);
    this.maxLagMillis = maxLagMillis;
  }

  /**
   * Commits a transaction: stores its puts ({@code now} to the express lane, {@code later}, each
   * with its due time, to the deferred lane) and frees the room its takes held ({@code taken}, of
   * which {@code takenDeferred} from the deferred lane).
   *
   * <p>Room is netted per lane, as MemoryChannel nets its one queue: a lane's takes make room for
   * the same number of puts to that lane, so the commit waits (up to {@code timeoutNanos}) only
   * for the puts beyond its takes, and frees what its takes leave over. A taken express event frees
   * no room for a deferred put, nor the reverse: the lanes are bounded apart, the express one by
   * the ring's slots. All or nothing: a {@link FullException} stores nothing and frees nothing, the
   * takes keep their room for a rollback.
   */
  void commit(List<E> now, List<Taken<E>> later, List<Taken<E>> taken, int takenDeferred,
      long timeoutNanos) throws FullException, InterruptedException {
    int expressMore = now.size() - (taken.size() - takenDeferred);
    int deferredMore = later.size() - takenDeferred;
    // A clock read only when two waits share the timeout.
    long start = expressMore > 0 && deferredMore > 0 ? System.nanoTime() : 0;
    if (expressMore > 0 && !expressSpace.tryReserve(expressMore, timeoutNanos)) {
      throw new FullException("no room for " + expressMore + " more events in the express lane ("
          + expressSpace.capacity() + ")");
    }
    boolean reserved = false;
    try {
      reserved = deferredMore <= 0 || deferredSpace.tryReserve(deferredMore,
          start == 0 ? timeoutNanos : Math.max(0, timeoutNanos - (System.nanoTime() - start)));
    } finally {
      if (!reserved && expressMore > 0) { // no room, or interrupted: give the express room back
        expressSpace.release(expressMore);
      }
    }
    if (!reserved) {
      throw new FullException("no room for " + deferredMore + " more events in the deferred lane ("
          + deferredSpace.capacity() + ")");
    }
    publish(now, later);
    // The takes' room left over. Their events were read before this commit (a take reads its
    // slot before returning), so the ring may hand their slots to the next lap at once.
    if (expressMore < 0) {
      expressSpace.release(-expressMore);
    }
    if (deferredMore < 0) {
      deferredSpace.release(-deferredMore);
    }
  }

  /** Makes a committed transaction's puts visible to takers; their room is reserved. */
  private void publish(List<E> now, List<Taken<E>> later) {
    express.publish(now);
    if (!later.isEmpty()) {
      takeLock.lock();
      try {
        for (Taken<E> t : later) {
          deferred.add(t);
        }
        deferredChanged();
        available.signalAll();
      } finally {
        takeLock.unlock();
      }
    } else if (!now.isEmpty()) {
      wakeTakers();
    }
  }

  /** Takes the next event to deliver, waiting up to {@code waitNanos}; null if none came. */
  Taken<E> take(long waitNanos) throws InterruptedException {
    if (onlyExpressCanServe()) {
      E e = express.poll(); // lock-free: the common case of a steady express stream
      if (e != null) {
        return Taken.express(e);
      }
    }
    takeLock.lock();
    try {
      Taken<E> t = poll();
      if (t != null || waitNanos <= 0) {
        return t;
      }
      long deadline = System.nanoTime() + waitNanos;
      while (true) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return null;
        }
        long nextDue = deferred.nextDue();
        if (nextDue != Long.MAX_VALUE) {
          long untilDue = nextDue - nowMillis();
          left = Math.min(left, TimeUnit.MILLISECONDS.toNanos(Math.max(1, untilDue)));
        }
        if (streaming()) {
          // Events keep coming: nap briefly, unannounced, so producers need not wake anyone.
          available.awaitNanos(Math.min(left, NAP_NANOS));
          t = poll();
          if (t != null) {
            return t;
          }
          continue;
        }
        // Announce the wait, then look once more: a producer either sees the announcement and
        // signals, or published before it, and then this second look finds its events.
        takersWaiting++;
        try {
          t = poll();
          if (t != null) {
            return t;
          }
          available.awaitNanos(left);
        } finally {
          takersWaiting--;
        }
      }
    } finally {
      takeLock.unlock();
    }
  }

  /**
   * Whether the express lane is in a steady stream: something was published within the last
   * {@value #STREAM_NANOS} ns, as seen by takers finding the lane empty. A taker then naps {@value
   * #NAP_NANOS} ns at a time instead of announcing its wait; producers, seeing no announced taker,
   * publish without a wake-up, which costs a system call on each side and, at one event per
   * transaction, was the largest cost of the channel. The price: up to a nap's delay per event
   * while a stream lasts, and a wake-up per nap for a sink whose stream has just stopped.
   * Under takeLock.
   */
  private boolean streaming() {
    long now = System.nanoTime();
    long cursor = express.cursor();
    if (cursor != cursorSeen) {
      cursorSeen = cursor;
      streamSeenAt = now;
      return true;
    }
    return now - streamSeenAt < STREAM_NANOS;
  }

  /** No rolled-back event waits and no deferred event is due: the next take is an express one. */
  private boolean onlyExpressCanServe() {
    if (redeliveries != 0) {
      return false;
    }
    long nextDue = nextDeferredDue;
    return nextDue == Long.MAX_VALUE || nowMillis() < nextDue;
  }

  /** The next event by the order of the class comment; null if none. Under takeLock. */
  private Taken<E> poll() {
    Taken<E> t = redelivery.pollFirst();
    if (t != null) {
      redeliveries = redelivery.size();
      return t;
    }
    long due = deferred.nextDue();
    long nowMillis = due == Long.MAX_VALUE ? 0 : nowMillis(); // no clock read when none held
    boolean isDue = due <= nowMillis;
    if (isDue && nowMillis - due > maxLagMillis) {
      return pollDeferred(); // late: goes before express events
    }
    E e = express.poll();
    if (e != null) {
      return Taken.express(e);
    }
    return isDue ? pollDeferred() : null;
  }

  /** The lanes' time (monotonic ms). */
  long nowMillis() {
    return DueTimes.monotonicMillis(clock);
  }

  private Taken<E> pollDeferred() {
    Taken<E> t = deferred.poll();
    deferredChanged();
    return t;
  }

  /** Publishes the deferred lane's head and size to readers without the lock. Under takeLock. */
  private void deferredChanged() {
    nextDeferredDue = deferred.nextDue();
    deferredHeld = deferred.size();
  }

  /** The takes rolled back: the events go back to the head, in the order they were taken. */
  void rollback(List<Taken<E>> taken) {
    if (taken.isEmpty()) {
      return;
    }
    takeLock.lock();
    try {
      for (int i = taken.size() - 1; i >= 0; i--) {
        redelivery.addFirst(taken.get(i));
      }
      redeliveries = redelivery.size();
      available.signalAll();
    } finally {
      takeLock.unlock();
    }
  }

  private void wakeTakers() {
    // The ring publishes with a release store, which a later volatile read may pass (store-load
    // reordering): without a full fence, this read and a taker's second look in take() can both
    // miss, and the taker sleeps until its timeout with the events in the ring.
    VarHandle.fullFence();
    if (takersWaiting > 0) {
      takeLock.lock();
      try {
        available.signalAll();
      } finally {
        takeLock.unlock();
      }
    }
  }

  /** Everything held, in delivery order per lane (for a checkpoint of a quiescent store). */
  List<Taken<E>> snapshot() {
    takeLock.lock();
    try {
      List<Taken<E>> out = new ArrayList<>(redelivery);
      List<E> ring = new ArrayList<>();
      express.copyTo(ring);
      for (E e : ring) {
        out.add(Taken.express(e));
      }
      deferred.copyTo(out);
      return out;
    } finally {
      takeLock.unlock();
    }
  }

  /** Puts back events from a checkpoint, ahead of anything put since, whatever the bounds. */
  void restore(List<Taken<E>> events) {
    takeLock.lock();
    try {
      int nDeferred = 0;
      for (Taken<E> t : events) {
        if (t.deferred()) {
          nDeferred++;
          deferred.add(t);
        } else {
          redelivery.addLast(t);
        }
      }
      redeliveries = redelivery.size();
      deferredChanged();
      expressSpace.force(events.size() - nDeferred);
      deferredSpace.force(nDeferred);
      available.signalAll();
    } finally {
      takeLock.unlock();
    }
  }

  int ringSize() {
    return express.bufferSize();
  }

  /** Events held in the express lane, rolled-back ones included (approximate under load). */
  long expressDepth() {
    return express.size() + redeliveries;
  }

  /** Events held in the deferred lane, due or not. */
  long deferredDepth() {
    return deferredHeld;
  }

  /**
   * Events in the channel, as MemoryChannel's {@code ChannelSize} counts them: both lanes and the
   * rolled-back events, but not events taken by transactions that have not committed (they still
   * hold their room: see {@link #used}). Approximate while puts and takes run.
   */
  long held() {
    return express.size() + redeliveries + deferredHeld;
  }

  /** How late the most overdue deferred event is, in ms; 0 when none is due. */
  long deferredLagMillis() {
    takeLock.lock();
    try {
      long due = deferred.nextDue();
      return due == Long.MAX_VALUE ? 0 : Math.max(0, nowMillis() - due);
    } finally {
      takeLock.unlock();
    }
  }

  /** Room in use in both lanes, including events taken by uncommitted transactions. */
  long used() {
    return expressSpace.used() + deferredSpace.used();
  }

  long deferredCapacity() {
    return deferredSpace.capacity();
  }

  void setDeferredCapacity(long capacity) {
    deferredSpace.setCapacity(capacity);
  }

  void setMaxLagMillis(long maxLagMillis) {
    this.maxLagMillis = maxLagMillis;
  }
}
