package io.sluice.core.limit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.core.Disposition;
import io.sluice.core.limit.redis.RedisServer;
import io.sluice.core.limit.redis.RedisStore;
import io.sluice.core.time.Clock;
import io.sluice.core.time.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link SharedGovernor} on a real Redis: limits shared by two agents, what each {@code onFailure}
 * does while Redis is down and how the agents come back, a script Redis forgot, idle keys.
 */
class SharedGovernorStoreTest {

  private static final long SECOND = 1_000_000_000L;

  private RedisServer redis;
  private final List<AutoCloseable> open = new ArrayList<>();

  @BeforeEach
  void start() {
    redis = RedisServer.start();
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
    redis.close();
  }

  private SharedGovernor governor(GovernorConfig cfg, Clock clock, SharedGovernor.OnFailure mode,
      int agents, boolean storeClock) {
    return governor(cfg, clock, mode, agents, storeClock, 0);
  }

  private SharedGovernor governor(GovernorConfig cfg, Clock clock, SharedGovernor.OnFailure mode,
      int agents, boolean storeClock, int leaseSize) {
    RedisStore store = RedisStore.open(redis.uri(), false, Duration.ofMillis(500));
    SharedGovernor g = new SharedGovernor(cfg, clock, store,
        new SharedGovernor.Options("test:", mode, agents, 2, SECOND, leaseSize), storeClock);
    open.add(g);
    return g;
  }

  private static GovernorConfig limit(Rate rate) {
    return GovernorConfig.builder().tier("default", List.of(rate)).maxDelay(Duration.ZERO)
        .newKeyLimit(List.of()).build();
  }

  private static Decision[] decide(Limiter g, String key, int n) {
    String[] keys = new String[n];
    Arrays.fill(keys, key);
    Decision[] out = new Decision[n];
    g.decideAll(n, keys, new String[n], new boolean[n], false, out);
    return out;
  }

  private static void pause(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  private static int count(Decision[] ds, Disposition what) {
    return (int) Arrays.stream(ds).filter(d -> d.disposition() == what).count();
  }

  @Test
  void twoAgentsTogetherAdmitNoMoreThanTheLimitEachWouldAdmitAlone() {
    // 60/m with a burst of 50: within the few seconds of this test, at most 50 + 1/s may pass.
    GovernorConfig cfg = limit(Rate.of(60, "m", 50));
    SharedGovernor a = governor(cfg, Clock.SYSTEM, SharedGovernor.OnFailure.CLOSED, 1, true);
    SharedGovernor b = governor(cfg, Clock.SYSTEM, SharedGovernor.OnFailure.CLOSED, 1, true);
    long start = System.nanoTime();
    int admitted = 0;
    for (int round = 0; round < 20; round++) {
      admitted += count(decide(a, "10.0.0.1", 10), Disposition.PROCESSED);
      admitted += count(decide(b, "10.0.0.1", 10), Disposition.PROCESSED);
    }
    long seconds = (System.nanoTime() - start) / SECOND + 1;
    assertTrue(admitted >= 50 && admitted <= 50 + seconds, "admitted " + admitted);
    assertEquals(0, a.failures() + b.failures());
    assertEquals(20, a.roundTrips(), "one round trip per batch");

    // Alone, on a key of its own, either agent admits the whole burst.
    assertEquals(50, count(decide(a, "10.0.0.2", 60), Disposition.PROCESSED));
  }

  @Test
  void leasedTokensSaveRoundTripsAndOverAdmitAtMostALeasePerAgent() {
    // 10/s, burst 10, leases of 10, two agents on one clock. Agent a takes one event at 0 and
    // leases the other nine tokens; b finds the bucket empty. Just before a second has passed, b
    // gets the nine tokens refilled meanwhile while a spends its lease: 18 events at one instant,
    // more than the burst, within burst + leaseSize x agents.
    ManualClock clock = new ManualClock(0, 1_700_000_000_000L);
    GovernorConfig cfg = limit(Rate.of(10, "s", 10));
    SharedGovernor a = governor(cfg, clock, SharedGovernor.OnFailure.CLOSED, 1, false, 10);
    SharedGovernor b = governor(cfg, clock, SharedGovernor.OnFailure.CLOSED, 1, false, 10);
    List<Long> admittedAt = new ArrayList<>();

    record(admittedAt, clock, decide(a, "k", 1));
    assertEquals(1, admittedAt.size());
    assertEquals(0, count(decide(b, "k", 10), Disposition.PROCESSED));
    clock.advanceNanos(999_000_000L);
    record(admittedAt, clock, decide(b, "k", 10));
    for (int i = 0; i < 10; i++) {
      record(admittedAt, clock, decide(a, "k", 1)); // one event a batch, as HEC requests may be
    }
    assertEquals(1 + 9 + 9, admittedAt.size());
    assertEquals(9, a.leaseHits());
    assertEquals(2, a.roundTrips(), "one call leased nine events' tokens");

    long[] times = admittedAt.stream().mapToLong(Long::longValue).toArray();
    Rate rate = Rate.of(10, "s", 10);
    org.junit.jupiter.api.Assertions.assertNotNull(
        GovernorSim.upperBoundViolation(rate, times), "leases did over-admit here");
    for (int i = 0; i < times.length; i++) {
      for (int j = i; j < times.length; j++) {
        long allowed = 10 + (10 * (times[j] - times[i])) / SECOND + 10 * 2;
        assertTrue(j - i + 1 <= allowed, "window " + i + ".." + j);
      }
    }

    // A lease not spent within a second is dropped: the next event asks Redis again.
    SharedGovernor c = governor(cfg, clock, SharedGovernor.OnFailure.CLOSED, 1, false, 5);
    clock.advanceNanos(10 * SECOND);
    assertEquals(1, count(decide(c, "other", 1), Disposition.PROCESSED));
    clock.advanceNanos(SharedGovernor.LEASE_NANOS);
    assertEquals(1, count(decide(c, "other", 1), Disposition.PROCESSED));
    assertEquals(0, c.leaseHits());
    assertEquals(2, c.roundTrips());
  }

  private static void record(List<Long> admittedAt, ManualClock clock, Decision[] ds) {
    for (Decision d : ds) {
      if (d.disposition() == Disposition.PROCESSED) {
        admittedAt.add(clock.nanoTime());
      }
    }
  }

  @Test
  void closedThrottlesWhileRedisIsDownAndTheBreakerStopsAskingUntilItIsBack() {
    ManualClock clock = new ManualClock(0, 1_700_000_000_000L);
    SharedGovernor g = governor(limit(Rate.of(100, "s")), clock, SharedGovernor.OnFailure.CLOSED,
        1, false);
    assertEquals(10, count(decide(g, "k", 10), Disposition.PROCESSED));

    redis.kill();
    for (int i = 0; i < 2; i++) { // two failures open the breaker
      Decision[] ds = decide(g, "k", 5);
      assertEquals(5, count(ds, Disposition.THROTTLED));
      assertEquals(ThrottleReason.STORE, ds[0].reason());
    }
    assertEquals(2, g.failures());
    assertEquals(1, g.breakerState(), "open");
    for (int i = 0; i < 100; i++) {
      decide(g, "k", 5);
    }
    assertEquals(2, g.failures(), "an open breaker does not ask Redis");
    assertEquals(510, g.fallbackDecisions());

    redis.restart();
    // Once a second (of the breaker's clock) one batch probes; the first probes may fail while
    // the connection is made again (it retries every second at most).
    long deadline = System.nanoTime() + 10 * SECOND;
    int processed = 0;
    while (processed == 0 && System.nanoTime() < deadline) {
      clock.advanceNanos(SECOND);
      processed = count(decide(g, "k", 5), Disposition.PROCESSED);
      pause(50);
    }
    assertEquals(5, processed, "decided by Redis again");
    assertEquals(0, g.breakerState(), "closed again");
  }

  @Test
  void openAdmitsEverythingWhileRedisIsDown() {
    ManualClock clock = new ManualClock(0, 1_700_000_000_000L);
    SharedGovernor g = governor(limit(Rate.of(1, "s")), clock, SharedGovernor.OnFailure.OPEN, 1,
        false);
    assertEquals(1, count(decide(g, "k", 3), Disposition.PROCESSED));
    redis.kill();
    assertEquals(50, count(decide(g, "k", 50), Disposition.PROCESSED));
  }

  @Test
  void localDecidesWithTheLimitDividedAmongTheAgents() {
    ManualClock clock = new ManualClock(0, 1_700_000_000_000L);
    SharedGovernor g = governor(limit(Rate.of(90, "s")), clock, SharedGovernor.OnFailure.LOCAL, 3,
        false);
    redis.kill();
    assertEquals(30, count(decide(g, "k", 100), Disposition.PROCESSED), "a burst of 90 / 3");
    clock.advanceNanos(SECOND);
    assertEquals(30, count(decide(g, "k", 100), Disposition.PROCESSED), "then 30/s");
  }

  @Test
  void aBatchPushedBackToItsSenderGivesItsTokensBack() {
    // throttled = reject: the interceptor cancels what a refused batch had booked, so the
    // sender's retry finds the tokens there again, on its key and on the global limit.
    ManualClock clock = new ManualClock(0, 1_700_000_000_000L);
    GovernorConfig cfg = GovernorConfig.builder().tier("default", List.of(Rate.of(1, "m", 5)))
        .global(List.of(Rate.of(1, "m", 8))).maxDelay(Duration.ZERO).newKeyLimit(List.of())
        .build();
    SharedGovernor g = governor(cfg, clock, SharedGovernor.OnFailure.CLOSED, 1, false);
    String[] keys = {"a", "a", "a", "b", "b"};
    Decision[] out = new Decision[keys.length];
    g.decideAll(keys.length, keys, new String[keys.length], new boolean[keys.length], true, out);
    assertEquals(5, count(out, Disposition.PROCESSED));

    g.cancelAll(List.of(out));
    assertEquals(2, g.roundTrips(), "the refunds of a batch are one round trip");
    assertEquals(5, count(decide(g, "a", 10), Disposition.PROCESSED), "a's burst is whole again");
    assertEquals(3, count(decide(g, "b", 10), Disposition.PROCESSED), "the global limit's 8 too");
    assertEquals(0, g.failures());
  }

  @Test
  void aScriptRedisForgotIsSentAgainWithTheCallThatMissedIt() {
    SharedGovernor g = governor(limit(Rate.of(100, "s")), Clock.SYSTEM,
        SharedGovernor.OnFailure.CLOSED, 1, true);
    assertEquals(5, count(decide(g, "k", 5), Disposition.PROCESSED));
    assertEquals("+OK", redis.command("SCRIPT FLUSH"));
    assertEquals(5, count(decide(g, "k", 5), Disposition.PROCESSED));
    assertEquals(0, g.failures());
  }

  @Test
  void keysExpireInRedisOnceIdleLongEnoughThatForgettingThemChangesNothing() {
    GovernorConfig cfg = GovernorConfig.builder().tier("default", List.of(Rate.of(100, "s")))
        .idleTimeout(Duration.ofSeconds(30)).newKeyLimit(List.of()).build();
    SharedGovernor g = governor(cfg, Clock.SYSTEM, SharedGovernor.OnFailure.CLOSED, 1, true);
    decide(g, "10.1.2.3", 1);
    String ttl = redis.command("PTTL test:default:{10.1.2.3}");
    long ms = Long.parseLong(ttl.substring(1));
    long idleMs = cfg.effectiveIdleNanos() / 1_000_000L;
    assertTrue(ms > idleMs - 5_000 && ms <= idleMs + 1, "PTTL " + ms + " for idle " + idleMs);
  }
}
