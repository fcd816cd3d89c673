package io.sluice.tools.load;

/**
 * Time as the senders see it. The pacing loop and the HEC retries only read and wait through this,
 * so tests run them on a fake clock that moves only when they wait: no sleeps, no timing flakes.
 */
interface Clock {

  /** A monotonic reading in nanoseconds (any origin). */
  long nanoTime();

  /** Wall-clock milliseconds, as recorded in the run directory. */
  long epochMillis();

  /** Returns once {@link #nanoTime()} has reached {@code deadline} (at once if it has). */
  void sleepUntil(long deadline) throws InterruptedException;

  /** The real clock. */
  static Clock system() {
    return SystemClock.INSTANCE;
  }
}
