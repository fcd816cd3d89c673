package io.sluice.source.net;

import io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.RejectedExecutionException;

/** Getting back onto a connection's event loop from another thread (an answer from Redis). */
public final class EventLoops {

  private EventLoops() {}

  /**
   * Runs {@code task} on {@code loop}: now if this is its thread, else as its next task. Dropped
   * when the loop has shut down: the source is stopping, and the connection went with the loop.
   */
  public static void runOn(EventExecutor loop, Runnable task) {
    if (loop.inEventLoop()) {
      task.run();
      return;
    }
    try {
      loop.execute(task);
    } catch (RejectedExecutionException e) {
      // see above
    }
  }
}
