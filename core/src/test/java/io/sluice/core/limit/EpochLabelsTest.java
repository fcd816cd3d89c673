package io.sluice.core.limit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The anchor that turns monotonic due times into epoch labels, and when it follows the wall clock. */
class EpochLabelsTest {

  private static final long MS = 1_000_000L;
  private static final long EPOCH_MS = 1_700_000_000_000L;
  private static final long TOLERANCE = EpochLabels.TOLERANCE_MILLIS;

  /** Anchored at 0 ns = EPOCH_MS. */
  private final EpochLabels labels = new EpochLabels(0, EPOCH_MS);

  /** Observes a wall reading taken at {@code nanos}, read together with it. */
  private boolean observe(long nanos, long wallMillis) {
    return labels.observe(nanos, wallMillis, nanos);
  }

  @Test
  void aLabelIsTheDueTimeRoundedUpToTheMillisecond() {
    assertEquals(EPOCH_MS, labels.label(0));
    assertEquals(EPOCH_MS + 1, labels.label(1));
    assertEquals(EPOCH_MS + 1, labels.label(MS));
    assertEquals(EPOCH_MS + 2, labels.label(MS + 1));
    assertEquals(EPOCH_MS - 1, labels.label(-MS), "due times before the anchor label too");
  }

  @Test
  void aWallClockWithinTheToleranceOfThePredictionKeepsTheAnchor() {
    long at = 5_000 * MS;
    assertFalse(observe(at, EPOCH_MS + 5_000 + TOLERANCE));
    assertFalse(observe(at, EPOCH_MS + 5_000 - TOLERANCE));
    assertEquals(0, labels.reanchorings());
    assertEquals(EPOCH_MS + 6_000, labels.label(6_000 * MS));
  }

  @Test
  void aWallClockJustBeyondTheToleranceMovesTheLabels() {
    long at = 5_000 * MS;
    assertTrue(observe(at, EPOCH_MS + 5_000 + TOLERANCE + 1));
    assertEquals(EPOCH_MS + 6_000 + TOLERANCE + 1, labels.label(6_000 * MS));
    assertTrue(observe(at + MS, EPOCH_MS + 5_001 - TOLERANCE - 1), "and back");
    assertEquals(EPOCH_MS + 6_000 - TOLERANCE - 1, labels.label(6_000 * MS));
    assertEquals(2, labels.reanchorings());
  }

  @Test
  void smallStepsAddUpAgainstTheAnchorNotAgainstEachOther() {
    long step = TOLERANCE * 2 / 3;
    assertFalse(observe(1_000 * MS, EPOCH_MS + 1_000 + step), "one small step is tolerated");
    assertTrue(observe(2_000 * MS, EPOCH_MS + 2_000 + 2 * step), "a second one is not");
    assertEquals(EPOCH_MS + 3_000 + 2 * step, labels.label(3_000 * MS));
  }

  @Test
  void readingsFarApartAreNotTrustedToMakeAnAnchor() {
    long before = 1_000 * MS;
    long after = before + EpochLabels.MAX_READ_GAP_NANOS + 1;
    assertFalse(labels.observe(before, EPOCH_MS + 1_000 + 3_600_000, after),
        "the thread may have slept between the readings");
    assertTrue(labels.observe(before, EPOCH_MS + 1_000 + 3_600_000,
        before + EpochLabels.MAX_READ_GAP_NANOS));
  }

  @Test
  void readingsOlderThanTheAnchorCannotPutTheOldMappingBack() {
    // Thread A reads both clocks at 5 s, before the wall clock is set back an hour; thread B
    // reads them at 6 s, after, and re-anchors first. A's readings are stale, not a step.
    assertTrue(observe(6_000 * MS, EPOCH_MS + 6_000 - 3_600_000));
    assertFalse(observe(5_000 * MS, EPOCH_MS + 5_000));
    assertEquals(EPOCH_MS + 7_000 - 3_600_000, labels.label(7_000 * MS));
    assertEquals(1, labels.reanchorings());
  }
}
