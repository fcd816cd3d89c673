package io.sluice.core.limit;

/**
 * Labels monotonic due times with the wall-clock epoch milliseconds that users and channels read
 * ({@code sluice.releaseAt}).
 *
 * <h2>Anchor</h2>
 *
 * A label is {@code anchorMillis + ceil((due - anchorNanos) / 1 ms)}, through one anchor: a
 * reading of both clocks taken together. Reading the wall clock for every label instead would let
 * the jitter between the two clocks (the wall clock's millisecond grain, the gap between two
 * reads) reorder a key's labels; through one anchor, a key's labels keep the order of its due
 * times.
 *
 * <h2>Re-anchoring</h2>
 *
 * The two clocks part only when the wall clock is stepped: NTP's or an operator's {@code date}
 * setting it, a virtual machine resumed after a pause. (A slewing NTP moves both: Linux slews
 * {@code CLOCK_MONOTONIC}, behind {@code System.nanoTime}, with the wall clock.) After a step every
 * label through the old anchor is off by the step, and a channel that compares labels with the
 * wall clock would hold events an hour too long after the clock is set back an hour, or release
 * them an hour early after it is set forward. So {@link #observe} compares the wall clock with what
 * the anchor predicts, once per tick of the governor (not per event), and re-anchors when the two
 * differ by more than {@value #TOLERANCE_MILLIS} ms.
 *
 * <p>Why {@value #TOLERANCE_MILLIS} ms: well above the noise of a reading (the wall clock's grain
 * is 1 ms on Linux and up to 16 ms elsewhere; readings more than {@value #MAX_READ_GAP_NANOS} ns
 * apart are not used), so noise never re-anchors, since every re-anchoring moves a key's later
 * labels by the difference and may put them before its earlier ones. And well below what would
 * matter for holding: a smaller step changes how long a batched event is held by less than that,
 * 5% of the default {@code defer.maxDelay}. Small steps add up against the anchor, not against
 * each other, so the labels are never off by more than the tolerance (plus the millisecond a label
 * is rounded up by).
 *
 * <h2>A key's order across a re-anchoring</h2>
 *
 * Within one anchor a key's labels never go backwards. Across a re-anchoring they move with the
 * wall clock: after it is set back an hour, a key's new labels are an hour below its earlier ones,
 * although its due times are in order. Each label is right against the wall clock of its time,
 * and a channel that turns labels into its monotonic clock when they are put (as Sluice's does)
 * keeps the key's order. What is left is a window: events labelled through the old anchor but put
 * after the step (the step falls between a batch's decisions and its put, or within the tick before
 * the governor notices it) are read against the new wall clock, so they are held longer or shorter
 * by the step.
 *
 * <h2>Concurrency</h2>
 *
 * The anchor is one immutable pair in a volatile field, so a label is never made of one reading's
 * nanoseconds and another's milliseconds; labelling reads it without a lock. {@link #observe} may
 * run on several threads at once (each that sees a tick pass): it compares without a lock and
 * re-anchors under this object's monitor, and only with readings taken after the current anchor's,
 * so a thread that read the clocks before another re-anchored cannot put the old mapping back.
 */
final class EpochLabels {

  /** How far the wall clock may move from the anchor's prediction before labels follow it. */
  static final long TOLERANCE_MILLIS = 100;

  /** Readings of the two clocks further apart than this are not trusted to make an anchor. */
  static final long MAX_READ_GAP_NANOS = 1_000_000L;

  private static final long NANOS_PER_MILLI = 1_000_000L;

  /** A reading of both clocks, taken together. */
  private record Anchor(long nanos, long millis) {
    long predictMillis(long nanos) {
      return millis + Math.floorDiv(nanos - this.nanos, NANOS_PER_MILLI);
    }
  }

  private volatile Anchor anchor;
  private long reanchorings; // guarded by this

  EpochLabels(long nowNanos, long nowMillis) {
    this.anchor = new Anchor(nowNanos, nowMillis);
  }

  /** Epoch milliseconds of a monotonic time, rounded up: never before it, by the current anchor. */
  long label(long nanos) {
    Anchor a = anchor;
    return a.millis + LongMath.ceilDiv(nanos - a.nanos, NANOS_PER_MILLI);
  }

  /**
   * Compares a reading of the wall clock, taken between two monotonic readings, with the anchor's
   * prediction, and re-anchors when the wall clock has moved by more than the tolerance.
   *
   * @return whether it re-anchored
   */
  boolean observe(long nanosBefore, long wallMillis, long nanosAfter) {
    if (nanosAfter - nanosBefore > MAX_READ_GAP_NANOS) {
      return false; // descheduled between the reads: the pair may be off by more than the gap
    }
    if (!stepped(anchor, nanosBefore, wallMillis)) {
      return false; // the common case, decided without the lock
    }
    synchronized (this) {
      Anchor a = anchor;
      if (nanosBefore <= a.nanos || !stepped(a, nanosBefore, wallMillis)) {
        return false; // read before a newer anchor was made, or another thread got there first
      }
      anchor = new Anchor(nanosBefore, wallMillis);
      reanchorings++;
      return true;
    }
  }

  /** How many times labels have followed a step of the wall clock. */
  synchronized long reanchorings() {
    return reanchorings;
  }

  private static boolean stepped(Anchor a, long nanos, long wallMillis) {
    return Math.abs(wallMillis - a.predictMillis(nanos)) > TOLERANCE_MILLIS;
  }
}
