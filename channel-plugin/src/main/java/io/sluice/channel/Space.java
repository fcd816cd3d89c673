package io.sluice.channel;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Room for a bounded number of events. Reserving is one CAS while room is left; a producer that
 * finds none waits, up to its timeout, for a release. Released room wakes waiters only when there
 * are any, so the uncontended path never touches the lock, and only once an eighth of the room (or
 * what a waiter asked for, if more) is free: a full channel drained by a sink would otherwise cost
 * the sink a wake-up of every waiting producer at each of its commits, and the producers a sleep
 * after each small put. A waiter also looks again every {@value #RECHECK_MILLIS} ms.
 */
final class Space {

  private volatile long capacity;
  private final AtomicLong used = new AtomicLong();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition freed = lock.newCondition();
  private volatile int waiters;
  private volatile long wakeAtUsed = -1; // a release wakes waiters once used is at most this

  private static final long RECHECK_MILLIS = 100;

  Space(long capacity) {
    this.capacity = capacity;
  }

  /** Reserves room for {@code n}, waiting up to {@code timeoutNanos}; false if none came free. */
  boolean tryReserve(int n, long timeoutNanos) throws InterruptedException {
    if (tryReserveNow(n)) {
      return true;
    }
    if (timeoutNanos <= 0) {
      return false; // an immediate commit (a Netty I/O thread): not even the lock
    }
    long deadline = System.nanoTime() + timeoutNanos;
    lock.lock();
    try {
      long cap = capacity;
      wakeAtUsed = Math.max(wakeAtUsed, cap - Math.min(cap, Math.max(n, cap >>> 3)));
      waiters++;
      try {
        while (!tryReserveNow(n)) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            return false;
          }
          freed.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(RECHECK_MILLIS)));
        }
        return true;
      } finally {
        if (--waiters == 0) {
          wakeAtUsed = -1;
        }
      }
    } finally {
      lock.unlock();
    }
  }

  private boolean tryReserveNow(int n) {
    long cap = capacity;
    while (true) {
      long u = used.get();
      if (u + n > cap) {
        return false;
      }
      if (used.compareAndSet(u, u + n)) {
        return true;
      }
    }
  }

  void release(int n) {
    if (n == 0) {
      return;
    }
    long u = used.addAndGet(-n);
    if (waiters > 0 && u <= wakeAtUsed) {
      lock.lock();
      try {
        freed.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }

  /** Takes room without checking the bound: for events restored from a checkpoint. */
  void force(int n) {
    used.addAndGet(n);
  }

  long used() {
    return used.get();
  }

  long capacity() {
    return capacity;
  }

  void setCapacity(long capacity) {
    this.capacity = capacity;
    lock.lock();
    try {
      freed.signalAll(); // waiters look again with the new bound
    } finally {
      lock.unlock();
    }
  }
}
