package io.sluice.core.limit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.core.Disposition;
import io.sluice.core.time.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Exact, table-like expectations for small governor scenarios on a manual clock. */
class GovernorExamplesTest {

  private static final long MS = 1_000_000L;
  private static final long EPOCH_MS = 1_700_000_000_000L;

  private final ManualClock clock = new ManualClock(0, EPOCH_MS);

  private Governor governor(GovernorConfig.Builder b) {
    return new Governor(b.build(), clock, 0); // exact expiry
  }

  @Test
  void burstThenEmissionIntervalWithExactFractions() {
    // 3000/s: T = 333333.33 ns. Burst 2 processed at 0, then one due every T, rounded up.
    Governor g = governor(GovernorConfig.builder()
        .tier("default", List.of(Rate.of(3000, "s", 2)))
        .maxDelay(Duration.ofMillis(1)));
    assertEquals(Disposition.PROCESSED, g.decide("k", null, false).disposition());
    assertEquals(Disposition.PROCESSED, g.decide("k", null, false).disposition());
    long[] expected = {333_334, 666_667, 1_000_000};
    for (long at : expected) {
      Decision d = g.decide("k", null, false);
      assertEquals(Disposition.BATCHED, d.disposition(), d.toString());
      assertEquals(at, d.atNanos());
      assertEquals(EPOCH_MS + (at + MS - 1) / MS, d.releaseAtMillis());
    }
    Decision d = g.decide("k", null, false); // would be due at 1333334: beyond maxDelay
    assertEquals(Disposition.THROTTLED, d.disposition());
    assertEquals(ThrottleReason.RATE, d.reason());
    assertEquals(1_333_334, d.retryAfterNanos());
  }

  @Test
  void noDriftOverTenMinutesOfFullDemand() {
    // 3000/s burst 2 (T is not a whole number of ns): reserving as fast as allowed for ten
    // minutes admits exactly burst + 3000 * 600 events, not hundreds fewer from rounding T.
    Governor g = governor(GovernorConfig.builder()
        .tier("default", List.of(Rate.of(3000, "s", 2)))
        .maxDelay(Duration.ofSeconds(1))
        .maxDeferred(10_000_000)
        .maxDeferredPerKey(10_000_000));
    long window = 600_000_000_000L;
    long admitted = 0;
    long lastAt = -1;
    while (true) {
      Decision d = g.decide("k", null, false);
      if (d.disposition() == Disposition.THROTTLED) {
        clock.advanceNanos(d.retryAfterNanos() - 1_000_000_000L); // next one just within reach
        continue;
      }
      if (d.atNanos() > window) {
        break;
      }
      assertTrue(d.atNanos() >= lastAt);
      lastAt = d.atNanos();
      admitted++;
    }
    // burst + rate * 600 s events fall in [0, 600 s]: two at 0, then the k-th at ceil(k * T).
    assertEquals(2 + 3000L * 600, admitted);
  }

  @Test
  void releaseAtIsTheDueTimeRoundedUpAndKeepsAKeysOrder() {
    // Reservations of one key due at 0.2 .. 1.2 ms decided at 0, then one due at 1.4 ms decided
    // at 0.5 ms: labels are ceil(due) in epoch ms, so never early and never backwards.
    Governor g = governor(GovernorConfig.builder()
        .tier("default", List.of(Rate.of(5000, "s", 2)))
        .maxDelay(Duration.ofSeconds(2)));
    List<Decision> batched = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      Decision d = g.decide("k", null, false);
      if (d.disposition() == Disposition.BATCHED) {
        batched.add(d);
      }
    }
    clock.advanceNanos(500_000);
    batched.add(g.decide("k", null, false));
    long[] dueNanos = {200_000, 400_000, 600_000, 800_000, 1_000_000, 1_200_000, 1_400_000};
    long[] labels = {1, 1, 1, 1, 1, 2, 2};
    assertEquals(dueNanos.length, batched.size());
    for (int i = 0; i < dueNanos.length; i++) {
      assertEquals(dueNanos[i], batched.get(i).atNanos());
      assertEquals(EPOCH_MS + labels[i], batched.get(i).releaseAtMillis(), batched.get(i).toString());
    }
  }

  @Test
  void aKeyForgottenExactlyWhenItMayBeIsIndistinguishableFromOneRemembered() {
    // Regression: 7/s burst 2 has T = 142857142 + 6/7 ns; after a full burst the TAT is
    // 285714285 + 5/7 ns ahead. effectiveIdleNanos used to be 285714285 (one ns short), so a key
    // forgotten at that instant got a fresh burst: two events instead of one.
    GovernorConfig.Builder cfg = GovernorConfig.builder()
        .tier("default", List.of(Rate.of(7, "s", 2)))
        .maxDelay(Duration.ZERO)
        .newKeyLimit(List.of());
    Governor forgetful = governor(cfg.idleTimeout(Duration.ZERO));
    ManualClock otherClock = new ManualClock(0, EPOCH_MS);
    Governor keeping = new Governor(cfg.idleTimeout(Duration.ofDays(1)).build(), otherClock, 0);
    long idle = forgetful.config().effectiveIdleNanos();

    for (Governor g : List.of(forgetful, keeping)) {
      assertEquals(Disposition.PROCESSED, g.decide("k", null, false).disposition());
      assertEquals(Disposition.PROCESSED, g.decide("k", null, false).disposition());
    }
    clock.advanceNanos(idle);
    otherClock.advanceNanos(idle);
    forgetful.cleanUp();
    assertEquals(0, forgetful.keyCount(), "forgotten after effectiveIdleNanos");
    for (int i = 0; i < 3; i++) {
      assertEquals(GovernorSim.describe(keeping.decide("k", null, false)),
          GovernorSim.describe(forgetful.decide("k", null, false)), "event " + i);
    }
    assertTrue(idle >= 285_714_286L, "must cover burst * T = 285714285.71 ns, is " + idle);
  }

  /** The production cache sees time up to a millisecond late: it may forget later, never earlier. */
  @Test
  void withTheCoarseCacheClockIdleKeysAreForgottenNoEarlierAndAtMostTwoMillisecondsLater() {
    Governor g = new Governor(GovernorConfig.builder()
        .tier("default", List.of(Rate.of(10, "s")))
        .idleTimeout(Duration.ofSeconds(30))
        .newKeyLimit(List.of()).build(), clock);
    long idle = g.config().effectiveIdleNanos();
    clock.advanceNanos(999_999); // the cache's view of time now lags by almost a millisecond
    g.decide("k", null, false);
    clock.advanceNanos(idle);
    g.cleanUp();
    assertEquals(1, g.keyCount(), "forgotten before effectiveIdleNanos");
    clock.advanceNanos(2_000_000);
    g.cleanUp();
    assertEquals(0, g.keyCount(), "kept more than 2 ms beyond effectiveIdleNanos");
  }

  @Test
  void idleKeysAreForgottenAndActiveOnesKept() {
    Governor g = governor(GovernorConfig.builder()
        .tier("default", List.of(Rate.of(10, "s")))
        .maxDelay(Duration.ofMillis(500))
        .idleTimeout(Duration.ofSeconds(30))
        .newKeyLimit(List.of()));
    long idle = g.config().effectiveIdleNanos();
    assertEquals(Duration.ofSeconds(30).toNanos(), idle, "the idle timeout exceeds what 10/s needs");
    g.decide("old", null, false);
    clock.advanceNanos(idle / 2);
    g.decide("recent", null, false);
    clock.advanceNanos(idle / 2 + 1);
    g.cleanUp();
    assertEquals(1, g.keyCount(), "'old' idle longer than effectiveIdleNanos, 'recent' not");
    clock.advanceNanos(idle);
    g.cleanUp();
    assertEquals(0, g.keyCount());
  }

  @Test
  void effectiveIdleCoversTheSlowestLimitAndMaxDelay() {
    GovernorConfig cfg = GovernorConfig.builder()
        .tier("default", List.of(Rate.of(100, "s")))
        .tier("slow", List.of(Rate.of(2, "h", 3)))
        .maxDelay(Duration.ofSeconds(2))
        .idleTimeout(Duration.ofMinutes(10))
        .build();
    long need = Duration.ofMinutes(90).toNanos() + Duration.ofSeconds(2).toNanos(); // 3 * 30 min
    assertTrue(cfg.effectiveIdleNanos() >= need, "" + cfg.effectiveIdleNanos());
    assertTrue(cfg.effectiveIdleNanos() <= need + 10, "" + cfg.effectiveIdleNanos());
  }

  @Test
  void tiersAreSeparateStatesAndUnknownTierNamesUseTheDefault() {
    Governor g = governor(GovernorConfig.builder()
        .tier("default", List.of(Rate.of(1, "s")))
        .tier("gold", List.of(Rate.of(1, "s", 3)))
        .maxDelay(Duration.ZERO)
        .newKeyLimit(List.of()));
    assertEquals(Disposition.PROCESSED, g.decide("k", null, false).disposition());
    assertEquals(ThrottleReason.RATE, g.decide("k", "default", false).reason());
    assertEquals(ThrottleReason.RATE, g.decide("k", "no-such-tier", false).reason());
    for (int i = 0; i < 3; i++) {
      assertEquals(Disposition.PROCESSED, g.decide("k", "gold", false).disposition());
    }
    assertEquals(ThrottleReason.RATE, g.decide("k", "gold", false).reason());
    assertEquals(2, g.keyCount());
  }

  @Test
  void globalLimitThrottlesWithItsOwnReason() {
    Governor g = governor(GovernorConfig.builder()
        .tier("default", List.of(Rate.of(10, "s")))
        .global(List.of(Rate.of(3, "s")))
        .maxDelay(Duration.ZERO)
        .newKeyLimit(List.of()));
    for (int i = 0; i < 3; i++) {
      assertEquals(Disposition.PROCESSED, g.decide("k" + i, null, false).disposition());
    }
    Decision d = g.decide("k9", null, false);
    assertEquals(ThrottleReason.GLOBAL, d.reason());
    assertEquals(333_333_334, d.retryAfterNanos()); // ceil(1 s / 3), burst 3 used up at 0
    assertEquals(0, g.decide("k9", null, false).releaseAtMillis(), "no label on a throttle");
  }

  @Test
  void cancellingAThrottledDecisionDoesNothing() {
    Governor g = governor(GovernorConfig.builder()
        .tier("default", List.of(Rate.of(1, "s")))
        .maxDelay(Duration.ZERO));
    g.decide("k", null, false);
    Decision throttled = g.decide("k", null, false);
    assertEquals(Disposition.THROTTLED, throttled.disposition());
    g.cancel(throttled);
    Decision again = g.decide("k", null, false);
    assertEquals(Disposition.THROTTLED, again.disposition());
    assertEquals(throttled.retryAfterNanos(), again.retryAfterNanos());
  }
}
