package io.sluice.core.limit;

import static io.sluice.core.limit.GovernorSim.describe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.core.Disposition;
import io.sluice.core.time.ManualClock;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Bounded per-key state under a flood of distinct (spoofed) keys: the new-key limit bounds how
 * many keys get state, maxKeys bounds how many are kept, keys beyond the budget share the overflow
 * state, and an established key keeps its own bucket throughout.
 */
class GovernorKeysTest {

  private static final int FLOOD = 1_000_000;
  private static final Rate NEW_KEYS = Rate.of(10, "s");

  private static GovernorConfig.Builder config() {
    return GovernorConfig.builder()
        .tier("default", List.of(Rate.of(100, "s", 50)))
        .maxDelay(Duration.ofMillis(100))
        .maxKeys(1_000)
        .newKeyLimit(List.of(NEW_KEYS));
  }

  @Test
  void floodOfDistinctKeysAtAFrozenClock() {
    flood(0);
  }

  @Test
  void floodOfDistinctKeysAtASlowlyMovingClock() {
    flood(1_000); // 1 us per event: the flood lasts 1 s
  }

  /**
   * {@link #FLOOD} distinct keys, one event each, {@code stepNanos} apart; a known key "vip"
   * sends one event every 10000 flood events. A reference governor sees only vip's events at
   * the same times: vip's decisions must be identical (its bucket is neither reset nor shared).
   */
  private void flood(long stepNanos) {
    ManualClock clock = new ManualClock(0, GovernorSim.EPOCH_MS);
    ManualClock refClock = new ManualClock(0, GovernorSim.EPOCH_MS);
    Governor g = new Governor(config().build(), clock);
    Governor ref = new Governor(config().build(), refClock);

    // vip is established before the flood and has used part of its burst.
    for (int i = 0; i < 30; i++) {
      assertEquals(describe(ref.decide("vip", null, false)), describe(g.decide("vip", null, false)));
    }
    long created = 1; // vip
    long overflow = 0;
    long overflowAdmitted = 0;
    long vipEvents = 0;
    for (int i = 0; i < FLOOD; i++) {
      clock.advanceNanos(stepNanos);
      refClock.advanceNanos(stepNanos);
      Decision d = g.decide("spoof-" + i, null, false);
      if (d.limitKey().equals(Governor.OVERFLOW_KEY)) {
        overflow++;
        if (d.disposition() != Disposition.THROTTLED) {
          overflowAdmitted++;
        }
      } else {
        assertEquals("spoof-" + i, d.limitKey());
        created++;
      }
      if (i % 10_000 == 0) {
        Decision mine = g.decide("vip", null, false);
        assertEquals("vip", mine.limitKey(), "vip lost its own state during the flood");
        assertEquals(describe(ref.decide("vip", null, false)), describe(mine),
            "vip's decision changed by the flood at event " + i);
        vipEvents++;
        assertTrue(g.keyCount() <= 1_000, "keyCount " + g.keyCount() + " > maxKeys");
      }
    }
    long elapsed = clock.nanoTime();
    // Keys created (vip included) obey the new-key limit over the flood: exactly
    // created * P <= burst * P + count * elapsed.
    assertTrue(BigInteger.valueOf(created).multiply(BigInteger.valueOf(NEW_KEYS.periodNanos()))
            .compareTo(BigInteger.valueOf(NEW_KEYS.burst() * NEW_KEYS.periodNanos())
                .add(BigInteger.valueOf(NEW_KEYS.count()).multiply(BigInteger.valueOf(elapsed))))
            <= 0,
        created + " keys created in " + elapsed + " ns");
    if (stepNanos == 0) {
      assertEquals(10, created, "at a frozen clock exactly the new-key burst is created");
    }
    assertEquals(FLOOD - (created - 1), overflow, "every other flood key is decided as overflow");
    // All overflow keys share one bucket of the tier: 50 + 100/s over the flood, plus what
    // 100 ms of deferral can reserve.
    long bound = 50 + 100 * (elapsed + 100_000_000L) / 1_000_000_000L;
    assertTrue(overflowAdmitted <= bound, overflowAdmitted + " overflow events admitted > " + bound);
    assertTrue(vipEvents > 0);

    g.cleanUp();
    assertEquals(created, g.keyCount(), "keys with state of their own");
  }

  @Test
  void keyCountNeverExceedsMaxKeysWhenKeysAreCreatedFasterThanKept() {
    ManualClock clock = new ManualClock(0, GovernorSim.EPOCH_MS);
    Governor g = new Governor(GovernorConfig.builder()
        .tier("default", List.of(Rate.of(100, "s")))
        .maxKeys(50)
        .newKeyLimit(List.of(Rate.of(100_000, "s")))
        .build(), clock);
    long own = 0;
    for (int i = 0; i < 200_000; i++) {
      clock.advanceNanos(1_000);
      if (g.decide("k" + i, null, false).limitKey().equals("k" + i)) {
        own++;
      }
      if (i % 1_000 == 0) {
        assertTrue(g.keyCount() <= 50, "keyCount " + g.keyCount() + " at event " + i);
      }
    }
    assertTrue(own > 50, "the test creates more keys than maxKeys: " + own);
    g.cleanUp();
    assertTrue(g.keyCount() <= 50, "keyCount " + g.keyCount());
  }

  @Test
  void overflowEventsAreLimitedByTheirTiersLimitsAndSayWhy() {
    ManualClock clock = new ManualClock(0, GovernorSim.EPOCH_MS);
    Governor g = new Governor(GovernorConfig.builder()
        .tier("default", List.of(Rate.of(5, "s")))
        .maxDelay(Duration.ZERO)
        .newKeyLimit(List.of(Rate.of(1, "s")))
        .build(), clock);
    assertEquals("first", g.decide("first", null, false).limitKey());
    int processed = 0;
    for (int i = 0; i < 20; i++) {
      Decision d = g.decide("new-" + i, null, false);
      assertEquals(Governor.OVERFLOW_KEY, d.limitKey());
      if (d.disposition() == Disposition.PROCESSED) {
        processed++;
      } else {
        assertEquals(ThrottleReason.OVERFLOW, d.reason());
      }
    }
    assertEquals(5, processed, "the overflow state has the tier's burst, shared");
  }
}
