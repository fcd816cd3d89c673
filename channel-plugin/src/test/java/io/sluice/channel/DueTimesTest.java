package io.sluice.channel;

import io.sluice.core.time.ManualClock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.core.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import org.junit.jupiter.api.Test;

/** Wall-clock labels to monotonic due times: bounds, anchoring and steps. */
class DueTimesTest {

  private static final long MAX_HOLD = 60_000;

  private final ManualClock clock = new ManualClock();
  private final DueTimes dueTimes = new DueTimes(clock, "c1");

  private long wall() {
    return clock.currentTimeMillis();
  }

  private long mono() {
    return DueTimes.monotonicMillis(clock);
  }

  @Test
  void aLabelIsDueAsFarAheadOnTheMonotonicClockAsItIsAheadOfTheWallClock() {
    DueTimes.Reading r = dueTimes.read(MAX_HOLD);
    assertEquals(mono(), r.nowMillis());
    assertEquals(mono() + 250, r.dueMillis(wall() + 250));
    assertFalse(r.beyondMaxHold(wall() + 250));
    assertEquals(wall() + 250, r.epochMillis(r.dueMillis(wall() + 250)), "and back");
  }

  @Test
  void aLabelInThePastIsDueNow() {
    DueTimes.Reading r = dueTimes.read(MAX_HOLD);
    assertEquals(mono(), r.dueMillis(wall() - 10_000));
    assertEquals(mono(), r.dueMillis(wall()));
  }

  @Test
  void aLabelBeyondMaxHoldIsHeldMaxHold() {
    DueTimes.Reading r = dueTimes.read(MAX_HOLD);
    assertEquals(mono() + MAX_HOLD, r.dueMillis(wall() + MAX_HOLD));
    assertFalse(r.beyondMaxHold(wall() + MAX_HOLD));
    assertEquals(mono() + MAX_HOLD, r.dueMillis(wall() + MAX_HOLD + 1));
    assertTrue(r.beyondMaxHold(wall() + MAX_HOLD + 1));
    assertEquals(mono() + MAX_HOLD, r.dueMillis(wall() + Duration.ofDays(365).toMillis()));
  }

  @Test
  void extremeLabelsDoNotOverflow() {
    DueTimes.Reading r = dueTimes.read(MAX_HOLD);
    assertEquals(mono() + MAX_HOLD, r.dueMillis(Long.MAX_VALUE));
    assertTrue(r.beyondMaxHold(Long.MAX_VALUE));
    assertEquals(mono(), r.dueMillis(Long.MIN_VALUE));
    assertFalse(r.beyondMaxHold(Long.MIN_VALUE));
    assertEquals(mono(), r.dueMillis(-1));
  }

  @Test
  void aWallClockStepIsSeenAtTheNextReadingAndLabelsAreThenReadInTheNewTime() {
    long before = wall();
    clock.stepWall(Duration.ofHours(-1));
    DueTimes.Reading r = dueTimes.read(MAX_HOLD);
    assertEquals(wall() - mono(), r.offsetMillis(), "re-anchored");
    assertEquals(mono() + 500, r.dueMillis(wall() + 500), "a label made after the step");
    assertEquals(mono() + MAX_HOLD, r.dueMillis(before + 500),
        "a label of the old time is now an hour ahead: held maxHold at most");
  }

  @Test
  void driftWithinTheToleranceKeepsTheAnchorSoEqualLabelsKeepTheirOrder() {
    long offset = dueTimes.read(MAX_HOLD).offsetMillis();
    long label = wall() + 1_000;
    long previous = Long.MIN_VALUE;
    for (int i = 0; i < 50; i++) {
      clock.advanceMillis(1);
      // The wall clock wobbles against the monotonic one by a little each reading.
      clock.stepWall(Duration.ofMillis(i % 2 == 0 ? DueTimes.STEP_MILLIS : -DueTimes.STEP_MILLIS));
      DueTimes.Reading r = dueTimes.read(MAX_HOLD);
      assertEquals(offset, r.offsetMillis());
      long due = r.dueMillis(label);
      assertTrue(due >= previous, "due times of one label never go back");
      previous = due;
    }
  }

  @Test
  void aStepJustBeyondTheToleranceMovesTheAnchor() {
    long offset = dueTimes.read(MAX_HOLD).offsetMillis();
    clock.stepWall(Duration.ofMillis(DueTimes.STEP_MILLIS + 1));
    clock.advanceMillis(1);
    assertEquals(offset + DueTimes.STEP_MILLIS + 1, dueTimes.read(MAX_HOLD).offsetMillis());
  }

  @Test
  void theWallClockIsLookedAtOnceAMillisecondAtMost() {
    CountingClock counting = new CountingClock(clock);
    DueTimes d = new DueTimes(counting, "c1");
    for (int i = 0; i < 100; i++) {
      d.read(MAX_HOLD);
    }
    assertEquals(2, counting.wallReadings, "at construction, and at the first read");
    clock.stepWall(Duration.ofHours(1));
    long offset = d.read(MAX_HOLD).offsetMillis();
    assertEquals(2, counting.wallReadings);
    clock.advance(Duration.ofNanos(DueTimes.CHECK_NANOS));
    assertEquals(offset + Duration.ofHours(1).toMillis(), d.read(MAX_HOLD).offsetMillis(),
        "the step is seen a millisecond later");
    assertEquals(3, counting.wallReadings);
    clock.stepWall(Duration.ofHours(-1));
    assertEquals(offset, d.readChecked(MAX_HOLD).offsetMillis(), "readChecked looks in any case");
  }

  /** Counts how often the wall clock is read. */
  private static final class CountingClock implements Clock {
    private final Clock clock;
    int wallReadings;

    CountingClock(Clock clock) {
      this.clock = clock;
    }

    @Override
    public long nanoTime() {
      return clock.nanoTime();
    }

    @Override
    public long currentTimeMillis() {
      wallReadings++;
      return clock.currentTimeMillis();
    }
  }

  @Test
  void aReadingInterruptedBetweenItsClockReadsDoesNotMoveTheAnchor() {
    ScriptedClock scripted = new ScriptedClock();
    scripted.walls(1_700_000_000_000L).nanos(1_000_000_000L);
    DueTimes d = new DueTimes(scripted, "c1");
    long offset = 1_700_000_000_000L - 1_000;
    // 5 ms between the two monotonic readings (a pause): the wall reading between them cannot be
    // placed, so its apparent step of 500 ms is not believed.
    scripted.nanos(2_000_000_000L, 2_005_000_000L).walls(1_700_000_000_000L + 1_000 + 500);
    assertEquals(offset, d.read(MAX_HOLD).offsetMillis());
    scripted.nanos(3_000_000_000L, 3_000_000_000L).walls(1_700_000_000_000L + 2_000 + 500);
    assertEquals(offset + 500, d.read(MAX_HOLD).offsetMillis(), "an uninterrupted reading is");
    assertTrue(scripted.nanos.isEmpty() && scripted.walls.isEmpty(), "each reading was used");
  }

  @Test
  void theOffsetIsRoundedSoThatAnEventIsNeverReleasedBeforeItsLabel() {
    // Wall 1 700 000 000 000 ms, then monotonic 1000.0005 ms: the wall clock may have read up to
    // a millisecond more, the monotonic clock is rounded up, so the offset can only be too small.
    ScriptedClock scripted = new ScriptedClock();
    scripted.walls(1_700_000_000_000L).nanos(1_000_000_500L);
    DueTimes d = new DueTimes(scripted, "c1");
    scripted.nanos(1_000_000_500L, 1_000_000_500L).walls(1_700_000_000_000L);
    long due = d.read(MAX_HOLD).dueMillis(1_700_000_000_010L);
    // Released once the monotonic clock reads due ms: at least the 10 ms after the reading.
    assertTrue(due * 1_000_000L - 1_000_000_500L >= 10_000_000L, "due at " + due + " ms");
  }

  /** A clock whose readings are given in advance. */
  private static final class ScriptedClock implements Clock {
    private final Deque<Long> nanos = new ArrayDeque<>();
    private final Deque<Long> walls = new ArrayDeque<>();

    ScriptedClock nanos(long... readings) {
      for (long n : readings) {
        nanos.add(n);
      }
      return this;
    }

    ScriptedClock walls(long... readings) {
      for (long w : readings) {
        walls.add(w);
      }
      return this;
    }

    @Override
    public long nanoTime() {
      return nanos.remove();
    }

    @Override
    public long currentTimeMillis() {
      return walls.remove();
    }
  }
}
