package io.sluice.tools.load;

import java.util.concurrent.locks.LockSupport;

/**
 * The real clock. Its wall-clock milliseconds are the monotonic clock offset once, at start: a run's
 * timestamps then never step back or jump if the system clock is adjusted during the run.
 */
final class SystemClock implements Clock {

  static final SystemClock INSTANCE = new SystemClock();

  private final long anchorNanos = System.nanoTime();
  private final long anchorMillis = System.currentTimeMillis();

  private SystemClock() {}

  @Override
  public long nanoTime() {
    return System.nanoTime();
  }

  @Override
  public long epochMillis() {
    return anchorMillis + (System.nanoTime() - anchorNanos) / 1_000_000L;
  }

  @Override
  public void sleepUntil(long deadline) throws InterruptedException {
    for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
      LockSupport.parkNanos(left);
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
    }
  }
}
