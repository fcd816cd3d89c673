package io.sluice.source.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Where a connection's attempts run when its channels may wait. */
class DeliveryThreadsTest {

  private final Executor loopA = Runnable::run;
  private final Executor loopB = Runnable::run;

  private static CompletableFuture<String> threadOf(DeliveryThreads t, Executor loop) {
    CompletableFuture<String> name = new CompletableFuture<>();
    t.execute(loop, () -> name.complete(Thread.currentThread().getName()));
    return name;
  }

  @Test
  void anIoThreadsAttemptsRunOnAThreadOfItsOwnWhileItIsFree() throws Exception {
    DeliveryThreads t = new DeliveryThreads("dt-own");
    try {
      String first = threadOf(t, loopA).get(5, TimeUnit.SECONDS);
      // It is free again once the attempt has returned, a moment after its future completed.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (!t.ownIsFree(loopA)) {
        assertTrue(System.nanoTime() < deadline, "the own thread never became free");
        Thread.onSpinWait();
      }
      assertEquals(first, threadOf(t, loopA).get(5, TimeUnit.SECONDS), "the same thread again");
      assertNotEquals(first, threadOf(t, loopB).get(5, TimeUnit.SECONDS), "another I/O thread's own");
    } finally {
      t.shutdown();
    }
  }

  @Test
  void anAttemptThatFindsItBusyRunsOnASharedThreadAtOnce() throws Exception {
    DeliveryThreads t = new DeliveryThreads("dt-busy");
    CountDownLatch stuck = new CountDownLatch(1);
    CountDownLatch running = new CountDownLatch(1);
    String[] own = new String[1];
    try {
      t.execute(loopA, () -> { // a commit waiting on a full channel
        own[0] = Thread.currentThread().getName();
        running.countDown();
        try {
          stuck.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      assertTrue(running.await(5, TimeUnit.SECONDS));
      String other = threadOf(t, loopA).get(5, TimeUnit.SECONDS);
      assertNotEquals(own[0], other, "not behind the waiting commit");
    } finally {
      stuck.countDown();
      t.shutdown();
    }
  }
}
