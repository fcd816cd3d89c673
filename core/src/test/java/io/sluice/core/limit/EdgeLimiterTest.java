package io.sluice.core.limit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.core.Disposition;
import io.sluice.core.limit.redis.RedisServer;
import io.sluice.core.limit.redis.RedisStore;
import io.sluice.core.time.Clock;
import io.sluice.core.time.ManualClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link EdgeLimiter}: decisions for I/O threads, at once from a limiter in this process, queued
 * and asked for together from a shared one (a real {@code redis-server}, frozen with SIGSTOP to
 * stand for a Redis that does not answer).
 */
@Timeout(60)
class EdgeLimiterTest {

  private static final int BURST = 5;

  private RedisServer redis;

  @BeforeEach
  void startRedis() {
    redis = RedisServer.start();
  }

  @AfterEach
  void stopRedis() {
    redis.close();
  }

  private static GovernorConfig perKey() {
    return GovernorConfig.builder()
        .tier("edge", List.of(Rate.of(1, "m", BURST)))
        .defaultTier("edge")
        .maxDelay(Duration.ZERO)
        .build();
  }

  private SharedGovernor shared(Duration timeout) {
    return new SharedGovernor(perKey(), Clock.SYSTEM,
        RedisStore.open(redis.uri(), false, timeout),
        new SharedGovernor.Options("edge-test:", SharedGovernor.OnFailure.CLOSED, 1, 3,
            1_000_000_000L, 0));
  }

  /** Decisions by key, and the threads they came on. */
  private static final class Answers {
    final Map<String, Disposition> byKey = new ConcurrentHashMap<>();
    final Map<String, Thread> threadByKey = new ConcurrentHashMap<>();
    final Map<String, ThrottleReason> reasonByKey = new ConcurrentHashMap<>();
    final CountDownLatch all;

    Answers(int expected) {
      all = new CountDownLatch(expected);
    }

    void ask(EdgeLimiter l, String key) {
      l.decide(key, d -> {
        byKey.put(key, d.disposition());
        threadByKey.put(key, Thread.currentThread());
        if (d.reason() != null) {
          reasonByKey.put(key, d.reason());
        }
        all.countDown();
      });
    }

    void await() throws InterruptedException {
      assertTrue(all.await(30, TimeUnit.SECONDS), "every decision answered");
    }
  }

  @Test
  void aLimiterInThisProcessDecidesAtOnceOnTheCallersThread() throws Exception {
    try (EdgeLimiter l = EdgeLimiter.of(new Governor(perKey(), new ManualClock()), 10, "t")) {
      Answers a = new Answers(BURST + 1);
      for (int i = 0; i <= BURST; i++) {
        a.ask(l, "k"); // one key: its burst, then a refusal
        assertEquals(BURST - i, a.all.getCount(), "decided before decide() returned");
      }
      assertSame(Thread.currentThread(), a.threadByKey.get("k"));
      assertEquals(Disposition.THROTTLED, a.byKey.get("k"), "the burst is spent");
      assertEquals(0, l.pending());
    }
  }

  @Test
  void sharedDecisionsComeOnTheDecidersThreadAndWhatQueuedWhileRedisStalledGoesInFewCalls()
      throws Exception {
    SharedGovernor g = shared(Duration.ofSeconds(20));
    try (EdgeLimiter l = EdgeLimiter.of(g, 10_000, "edge-decider")) {
      Answers warm = new Answers(1);
      warm.ask(l, "warm-up"); // connects and loads the script
      warm.await();
      assertNotSame(Thread.currentThread(), warm.threadByKey.get("warm-up"));
      assertEquals("edge-decider", warm.threadByKey.get("warm-up").getName());

      redis.freeze();
      int n = 1000;
      Answers a = new Answers(n);
      long trips0 = g.roundTrips();
      try {
        for (int i = 0; i < n; i++) {
          a.ask(l, "addr-" + i); // returns at once: the caller (an I/O thread) never waits
        }
        Thread.sleep(300);
        assertEquals(n, a.all.getCount(), "nothing is decided while Redis does not answer");
      } finally {
        redis.resume();
      }
      a.await();
      for (int i = 0; i < n; i++) {
        assertEquals(Disposition.PROCESSED, a.byKey.get("addr-" + i), "a new address: its burst");
      }
      // The one call that was waiting for Redis, then the rest in calls of MAX_CALL keys.
      long trips = g.roundTrips() - trips0;
      assertTrue(trips <= 1 + (n + EdgeLimiter.MAX_CALL - 1) / EdgeLimiter.MAX_CALL,
          n + " decisions took " + trips + " round trips");
    }
  }

  @Test
  void theQueueIsBoundedAndWhatDoesNotFitIsRefusedAtOnce() throws Exception {
    int max = 50;
    try (EdgeLimiter l = EdgeLimiter.of(shared(Duration.ofSeconds(20)), max, "edge-decider")) {
      Answers warm = new Answers(1);
      warm.ask(l, "warm-up");
      warm.await();

      redis.freeze();
      int n = 500;
      Answers a = new Answers(n);
      AtomicInteger refusedAtOnce = new AtomicInteger();
      try {
        for (int i = 0; i < n; i++) {
          long before = a.all.getCount();
          a.ask(l, "flood-" + i);
          if (a.all.getCount() < before) {
            refusedAtOnce.incrementAndGet();
            assertSame(Thread.currentThread(), a.threadByKey.get("flood-" + i));
            assertEquals(ThrottleReason.STORE, a.reasonByKey.get("flood-" + i));
          }
        }
        // The decider holds one call's keys while it waits, the queue at most max more.
        assertTrue(refusedAtOnce.get() >= n - max - EdgeLimiter.MAX_CALL,
            refusedAtOnce.get() + " of " + n + " refused at once");
      } finally {
        redis.resume();
      }
      a.await();
    }
  }

  @Test
  void aLimiterThatFailsRefusesThatCallAndTheDeciderGoesOn() throws Exception {
    // Not a store's failure (SharedGovernor turns those into onFailure decisions): a fault of its
    // own, even an Error, which would otherwise end the decider and leave every caller waiting.
    AtomicInteger calls = new AtomicInteger();
    Limiter failingFirst = new Limiter() {
      final SharedGovernor g = shared(Duration.ofSeconds(20));

      @Override
      public GovernorConfig config() {
        return g.config();
      }

      @Override
      public void decideAll(int n, String[] keys, String[] tiers, boolean[] lows,
          boolean cancellable, Decision[] out) {
        if (calls.incrementAndGet() == 1) {
          throw new StackOverflowError("a fault of the limiter");
        }
        g.decideAll(n, keys, tiers, lows, cancellable, out);
      }

      @Override
      public void cancelAll(List<Decision> granted) {
        g.cancelAll(granted);
      }

      @Override
      public long keyCount() {
        return g.keyCount();
      }

      @Override
      public long deferredDepth() {
        return g.deferredDepth();
      }

      @Override
      public double deferredFill() {
        return g.deferredFill();
      }

      @Override
      public void close() {
        g.close();
      }
    };
    try (EdgeLimiter l = EdgeLimiter.of(failingFirst, 100, "edge-decider")) {
      Answers first = new Answers(1);
      first.ask(l, "a");
      first.await();
      assertEquals(ThrottleReason.STORE, first.reasonByKey.get("a"), "refused, not left waiting");
      Answers next = new Answers(1);
      l.decide("b", d -> {
        throw new IllegalStateException("a callback that fails");
      });
      next.ask(l, "c");
      next.await();
      assertEquals(Disposition.PROCESSED, next.byKey.get("c"), "the decider went on");
    }
  }

  @Test
  void closingRefusesWhatIsQueued() throws Exception {
    EdgeLimiter l = EdgeLimiter.of(shared(Duration.ofSeconds(20)), 100, "edge-decider");
    Answers warm = new Answers(1);
    warm.ask(l, "warm-up");
    warm.await();
    redis.freeze();
    Answers a = new Answers(20);
    try {
      for (int i = 0; i < 20; i++) {
        a.ask(l, "q-" + i);
      }
      l.close(); // interrupts the waiting call; nothing is left waiting for ever
      a.await();
    } finally {
      redis.resume();
    }
    for (int i = 0; i < 20; i++) {
      assertEquals(Disposition.THROTTLED, a.byKey.get("q-" + i));
    }
    Answers after = new Answers(1);
    after.ask(l, "late");
    after.await();
    assertEquals(ThrottleReason.STORE, after.reasonByKey.get("late"), "a closed limiter refuses");
  }
}
