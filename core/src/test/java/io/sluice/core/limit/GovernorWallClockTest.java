package io.sluice.core.limit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.core.Disposition;
import io.sluice.core.time.ManualClock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.junit.jupiter.api.Test;

/**
 * {@code sluice.releaseAt} labels when the wall clock is stepped (NTP, {@code date}, a resumed
 * virtual machine) while decisions keep to the monotonic clock: a batched event's label stays
 * within {@code defer.maxDelay} of the wall clock of its time, so a channel comparing labels with
 * the wall clock holds it no longer than that.
 */
class GovernorWallClockTest {

  private static final long MS = 1_000_000L;
  private static final Duration HOUR = Duration.ofHours(1);
  private static final Duration MAX_DELAY = Duration.ofSeconds(2);

  private final ManualClock clock = new ManualClock(0, GovernorSim.EPOCH_MS);

  /** 100/s burst 1: a key's second event in a tick is batched 10 ms later, and so on. */
  private static GovernorConfig.Builder config() {
    return GovernorConfig.builder()
        .tier("default", List.of(Rate.of(100, "s", 1)))
        .maxDelay(MAX_DELAY)
        .maxDeferredPerKey(1_000_000)
        .maxDeferred(1_000_000)
        .newKeyLimit(List.of());
  }

  /** As in production: the wall clock is read once a tick (a millisecond). */
  private Governor governor() {
    return new Governor(config().build(), clock);
  }

  /** How long a channel comparing the label with the wall clock now would hold the event, in ms. */
  private long hold(Decision d) {
    return d.releaseAtMillis() - clock.currentTimeMillis();
  }

  /**
   * The label is the due time on the wall clock of now: the wait, within the clocks' millisecond
   * grain (the tests here decide at whole milliseconds).
   */
  private void assertHeldForItsWait(Decision d) {
    assertEquals(Disposition.BATCHED, d.disposition(), d.toString());
    double waitMs = (d.atNanos() - clock.nanoTime()) / (double) MS;
    long hold = hold(d);
    assertTrue(Math.abs(hold - waitMs) <= 1,
        "held " + hold + " ms for a wait of " + waitMs + " ms: " + d);
    assertTrue(hold <= MAX_DELAY.toMillis() + 1, "held beyond maxDelay: " + hold + " ms");
  }

  @Test
  void aWallClockSetBackAnHourDoesNotHoldBatchedEventsAnHourLonger() {
    Governor g = governor();
    g.decide("k", null, false);
    assertHeldForItsWait(g.decide("k", null, false));

    clock.stepWall(HOUR.negated());
    clock.advance(Duration.ofMillis(1));
    assertHeldForItsWait(g.decide("k", null, false));
    assertEquals(Disposition.PROCESSED, g.decide("other", null, false).disposition());
    assertHeldForItsWait(g.decide("other", null, false));
    assertEquals(1, g.wallClockSteps());
  }

  @Test
  void aWallClockSetForwardAnHourDoesNotReleaseBatchedEventsEarly() {
    Governor g = governor();
    g.decide("k", null, false);
    assertHeldForItsWait(g.decide("k", null, false));

    clock.stepWall(HOUR);
    clock.advance(Duration.ofMillis(1));
    assertHeldForItsWait(g.decide("k", null, false));
    assertEquals(1, g.wallClockSteps());
  }

  /**
   * The documented window: the wall clock is read once a tick, so decisions in the tick of a step
   * still label through the old anchor; the first decision a tick later follows the step.
   */
  @Test
  void decisionsInTheTickOfAStepStillUseTheOldAnchor() {
    Governor g = governor();
    g.decide("k", null, false);
    Decision before = g.decide("k", null, false);
    clock.stepWall(HOUR.negated());
    Decision sameTick = g.decide("k", null, false);
    assertEquals(before.releaseAtMillis() + 10, sameTick.releaseAtMillis());
    assertEquals(HOUR.toMillis(), hold(sameTick) - 20, "still an hour ahead of the wall clock");

    clock.advance(Duration.ofMillis(1));
    assertHeldForItsWait(g.decide("k", null, false));
  }

  /**
   * Across a re-anchoring a key's labels move with the wall clock (here an hour back, below its
   * earlier ones), while its due times keep their order: a channel that turns each label into its
   * monotonic clock when the event is put keeps the key's order.
   */
  @Test
  void acrossAStepAKeysDueTimesKeepTheirOrderWhileItsLabelsFollowTheWallClock() {
    Governor g = governor();
    g.decide("k", null, false);
    Decision before = g.decide("k", null, false);
    clock.stepWall(HOUR.negated());
    clock.advance(Duration.ofMillis(1));
    Decision after = g.decide("k", null, false);

    assertEquals(before.atNanos() + 10 * MS, after.atNanos(), "due times in order");
    assertEquals(before.releaseAtMillis() + 10 - HOUR.toMillis(), after.releaseAtMillis());
  }

  /**
   * The wall clock read with noise below the tolerance around the monotonic one: labels never
   * re-anchor, so every key's labels stay in order and are exactly its due times rounded up.
   */
  @Test
  void jitterBelowTheToleranceNeverMovesTheLabels() {
    long jitter = EpochLabels.TOLERANCE_MILLIS / 2 - 1; // the anchor's own reading is noisy too
    SplittableRandom rnd = new SplittableRandom(20261203);
    Governor g = new Governor(config().build(), clock, 0); // reads the wall clock every decision
    Map<String, Long> lastLabel = new HashMap<>();
    int batched = 0;
    for (int i = 0; i < 20_000; i++) {
      clock.setWallStep(rnd.nextLong(-jitter, jitter + 1));
      clock.advanceNanos(rnd.nextLong(2 * MS));
      String key = "k" + rnd.nextInt(3);
      Decision d = g.decide(key, null, false);
      if (d.disposition() != Disposition.BATCHED) {
        continue;
      }
      batched++;
      assertEquals(GovernorSim.EPOCH_MS - Math.floorDiv(-d.atNanos(), MS), d.releaseAtMillis(),
          "the due time rounded up, through the first anchor");
      Long last = lastLabel.put(key, d.releaseAtMillis());
      assertTrue(last == null || d.releaseAtMillis() >= last, "label went back: " + d);
    }
    assertEquals(0, g.wallClockSteps());
    assertTrue(batched > 5_000, "the test batched only " + batched + " events");
  }

  // ---------------------------------------------------------------------------------------------
  // Any sequence of steps

  /** A step of the wall clock (ms, either way), then decisions of random keys at random gaps. */
  record Phase(long stepMillis, int decisions, long seed) {}

  @Provide
  Arbitrary<List<Phase>> phases() {
    Arbitrary<Long> step =
        Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(3, Arbitraries.of(0L)),
            net.jqwik.api.Tuple.of(2, Arbitraries.of(
                3_600_000L, -3_600_000L, 86_400_000L, -86_400_000L, 101L, -101L, 100L, -100L)),
            net.jqwik.api.Tuple.of(2, Arbitraries.longs().between(-99, 99)),
            net.jqwik.api.Tuple.of(2, Arbitraries.longs().between(-600_000, 600_000)));
    Arbitrary<Phase> phase =
        Combinators.combine(step, Arbitraries.integers().between(1, 300), Arbitraries.longs())
            .as(Phase::new);
    return phase.list().ofMinSize(1).ofMaxSize(12);
  }

  /**
   * Whatever the steps, a batched event decided a tick or more after the last step is labelled
   * within the tolerance of its wait on the wall clock of its time (exactly, after a step beyond
   * the tolerance), so no channel holds it much longer than {@code defer.maxDelay}; and a key's
   * labels never go backwards between two re-anchorings.
   */
  @Property(tries = 200, seed = "20261203")
  void afterAnyStepsLabelsStayWithinMaxDelayOfTheWallClock(@ForAll("phases") List<Phase> phases) {
    Governor g = governor();
    long tolerance = EpochLabels.TOLERANCE_MILLIS;
    long drift = 0; // how far the wall clock is from the labels' anchor, while not re-anchored
    Map<String, Long> lastLabel = new HashMap<>();
    long steps = 0;
    for (Phase p : phases) {
      clock.stepWall(Duration.ofMillis(p.stepMillis()));
      clock.advance(Duration.ofMillis(1)); // a tick: the next decision reads the wall clock
      drift += p.stepMillis();
      SplittableRandom rnd = new SplittableRandom(p.seed());
      for (int i = 0; i < p.decisions(); i++) {
        clock.advanceNanos(rnd.nextLong(3 * MS));
        String key = "k" + rnd.nextInt(3);
        Decision d = g.decide(key, null, false);
        if (g.wallClockSteps() != steps) {
          steps = g.wallClockSteps();
          drift = 0;
          lastLabel.clear(); // the labels moved with the wall clock
        }
        if (d.disposition() != Disposition.BATCHED) {
          continue;
        }
        double waitMs = (d.atNanos() - clock.nanoTime()) / (double) MS;
        long hold = hold(d);
        // Two milliseconds of grain: the label is rounded up, the wall clock read rounded down.
        assertTrue(Math.abs(hold - waitMs) < Math.abs(drift) + 2,
            "held " + hold + " ms for a wait of " + waitMs + " ms, wall clock " + drift
                + " ms from the anchor: " + d);
        // The anchor's prediction is rounded too: a drift of 100 or 101 ms may read either way.
        assertTrue(Math.abs(drift) <= tolerance + 1, "a step beyond the tolerance was not followed");
        assertTrue(hold < MAX_DELAY.toMillis() + tolerance + 3, "held " + hold + " ms");
        Long last = lastLabel.put(key, d.releaseAtMillis());
        assertTrue(last == null || d.releaseAtMillis() >= last, "label went back: " + d);
      }
    }
    Statistics.label("re-anchored").collect(steps > 0);
    Statistics.label("re-anchored").coverage(c -> c.check(true).percentage(pc -> pc >= 30));
  }
}
