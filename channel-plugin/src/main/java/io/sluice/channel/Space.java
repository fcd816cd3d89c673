package io.sluice.channel;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Room for a bounded number of events. Reserving is one CAS while room is left; a producer that
 * finds none waits, up to its timeout, for a release. Released room wakes waiters only when there
 * are any, so the uncontended path never touches the lock.
 */
final class Space {

  private volatile long capacity;
  private final AtomicLong used = new AtomicLong();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition freed = lock.newCondition();
  private volatile int waiters;

  Space(long capacity) {
    this.capacity = capacity;
  }

  /** Reserves room for {@code n}, waiting up to {@code timeoutNanos}; false if none came free. */
  boolean tryReserve(int n, long timeoutNanos) throws InterruptedException {
    if (tryReserveNow(n)) {
      return true;
    }
    long deadline = System.nanoTime() + timeoutNanos;
    lock.lock();
    try {
      waiters++;
      try {
        while (!tryReserveNow(n)) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            return false;
          }
          freed.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
        }
        return true;
      } finally {
        waiters--;
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
    used.addAndGet(-n);
    if (waiters > 0) {
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
    release(0);
  }
}
