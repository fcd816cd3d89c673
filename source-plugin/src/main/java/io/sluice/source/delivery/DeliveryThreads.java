package io.sluice.source.delivery;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where attempts run when a channel's commit may wait: each I/O thread has a delivery thread of
 * its own, which takes its connections' attempts while it is free; an attempt that finds it busy
 * (another connection's commit is waiting on a full channel, or it is simply behind) goes to a
 * shared pool whose threads are made as needed, up to {@value #MAX_SHARED}, so that no connection
 * waits behind another's full channel.
 *
 * <p>Why a thread per I/O thread first: under load the same thread then commits a connection's
 * batches one after the other, staying on its core with the channel's counters in its cache; a
 * pool hands each batch to whichever thread is idle, and the channel's shared counters bounce
 * between them (measured: 15% more CPU per event with two connections into a MemoryChannel).
 */
final class DeliveryThreads {

  static final int MAX_SHARED = 64;

  private final String sourceName;
  private final Map<Executor, Own> own = new ConcurrentHashMap<>();
  private final ThreadPoolExecutor shared;

  DeliveryThreads(String sourceName) {
    this.sourceName = sourceName;
    this.shared = new ThreadPoolExecutor(0, MAX_SHARED, 60, TimeUnit.SECONDS,
        new SynchronousQueue<>(), r -> daemon(r, "sluice-delivery-" + sourceName));
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /**
   * Runs {@code task} for a connection of I/O thread {@code loop}: on that thread's delivery
   * thread if it is free, else on a shared one.
   *
   * @throws RejectedExecutionException when every shared thread is taken too
   */
  void execute(Executor loop, Runnable task) {
    Own o = own.computeIfAbsent(loop, l -> new Own(Executors.newSingleThreadExecutor(
        r -> daemon(r, "sluice-delivery-" + sourceName + "-" + own.size()))));
    if (o.busy.compareAndSet(0, 1)) {
      try {
        o.thread.execute(() -> {
          try {
            task.run();
          } finally {
            o.busy.set(0);
          }
        });
        return;
      } catch (RejectedExecutionException stopped) {
        o.busy.set(0);
      }
    }
    shared.execute(task);
  }

  /** Whether {@code loop}'s own delivery thread is free (for tests). */
  boolean ownIsFree(Executor loop) {
    Own o = own.get(loop);
    return o != null && o.busy.get() == 0;
  }

  void shutdown() {
    shared.shutdown();
    own.values().forEach(o -> o.thread.shutdown());
  }

  private record Own(ExecutorService thread, AtomicInteger busy) {
    Own(ExecutorService thread) {
      this(thread, new AtomicInteger());
    }
  }
}
