package io.sluice.source.tcp;

import io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Time and timers for a connection, all on its I/O thread: Netty's event loop in the source, a
 * hand-driven clock in tests ({@code ManualScheduler}), so that timeouts and retries are tested
 * without sleeping.
 */
interface Scheduler {

  /** Monotonic nanoseconds. */
  long nanoTime();

  /** Runs {@code task} on the connection's I/O thread after {@code delayNanos}. */
  Cancellable schedule(Runnable task, long delayNanos);

  /** A planned task. */
  interface Cancellable {
    void cancel();
  }

  /** The scheduler of a Netty event loop. */
  static Scheduler of(EventExecutor loop) {
    return new Scheduler() {
      @Override
      public long nanoTime() {
        return System.nanoTime();
      }

      @Override
      public Cancellable schedule(Runnable task, long delayNanos) {
        io.netty.util.concurrent.Future<?> f = loop.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
        return () -> f.cancel(false);
      }
    };
  }
}
