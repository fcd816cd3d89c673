package io.sluice.channel;

import io.sluice.core.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a deferred event's {@code sluice.releaseAt} (wall-clock epoch milliseconds, as the
 * interceptor labels it) into the monotonic millisecond at which the deferred lane releases it,
 * and back for checkpoints.
 *
 * <p><b>Why monotonic.</b> The lanes hold and compare by {@link Clock#nanoTime()} only. Compared
 * with the wall clock while held, a step after the put (NTP, a VM resumed, an operator setting the
 * date back an hour) would hold an event an hour too long, or release it early. A label is read
 * in wall-clock terms once, when the event is put, and never again.
 *
 * <p><b>One anchor.</b> Labels are converted through a fixed offset between the two clocks, kept
 * until the clocks disagree with it by more than {@value #STEP_MILLIS} ms (a step). Reading both
 * clocks afresh at every transaction would move the offset by a millisecond of reading jitter back
 * and forth, and two events of one key with the same label, put one after the other, could then
 * be released in the wrong order. The interceptor labels through a fixed anchor too (re-anchored
 * after a step), so a label converts back to the monotonic instant it was made from. The offset is
 * estimated from a wall reading taken before the monotonic one and rounded down, so it can only be
 * too small: an event is released at its label or up to a millisecond after, never before.
 *
 * <p><b>Bounds.</b> A label in the past is due at once (its lag counts from the put, not from a
 * time before the event was in the channel); one more than {@code deferred.maxHold} ahead is held
 * {@code maxHold} only, so a mislabelled or hostile {@code releaseAt} cannot pin an event.
 *
 * <p><b>Cost.</b> A transaction with deferred puts reads the monotonic clock once; the wall clock is
 * looked at (three readings: see {@link #read}) at most once a millisecond, so a step is seen
 * within a millisecond. Each reading costs about 30 ns, as much as a deferred put's other work.
 *
 * <p>Concurrency: producer threads call {@link #read} at once. The offset and the time of the
 * next look are volatile longs; threads that look at once all write what they saw, and those
 * differ by reading jitter only.
 */
final class DueTimes {

  private static final Logger LOG = LoggerFactory.getLogger(DueTimes.class);

  /**
   * How far the clocks may drift from the anchor before it is moved. Well above reading jitter
   * (a millisecond) and a GC pause between the two readings (those are discarded, see {@link
   * #read}); far below any step worth correcting. NTP's slew (at most 0.5 ms a second) moves the
   * anchor once in 200 s at the most.
   */
  static final long STEP_MILLIS = 100;

  /** Two readings further apart than this were interrupted (a pause): not used to re-anchor. */
  private static final long READING_NANOS = 1_000_000;
  /** How often the wall clock is looked at for a step. */
  static final long CHECK_NANOS = 1_000_000;

  private final Clock clock;
  private final String channelName;
  private volatile long offsetMillis; // wall-clock epoch ms minus monotonic ms
  private volatile long nextCheckNanos; // when read() next looks at the wall clock

  DueTimes(Clock clock, String channelName) {
    this.clock = clock;
    this.channelName = channelName;
    long wall = clock.currentTimeMillis();
    long nanos = clock.nanoTime();
    this.offsetMillis = wall - ceilMillis(nanos);
    this.nextCheckNanos = nanos;
  }

  /** The lanes' time: monotonic milliseconds. */
  static long monotonicMillis(Clock clock) {
    return Math.floorDiv(clock.nanoTime(), 1_000_000L);
  }

  private static long ceilMillis(long nanos) {
    return -Math.floorDiv(-nanos, 1_000_000L);
  }

  /**
   * What a transaction converts its labels with: one reading per transaction, however many
   * deferred puts it has, after moving the anchor if the wall clock has stepped (looked at once a
   * millisecond).
   */
  Reading read(long maxHoldMillis) {
    long now = clock.nanoTime();
    if (now - nextCheckNanos >= 0) {
      now = checkForStep(now);
    }
    return new Reading(Math.floorDiv(now, 1_000_000L), offsetMillis, maxHoldMillis);
  }

  /** As {@link #read}, looking at the wall clock in any case: for checkpoints, at start and stop. */
  Reading readChecked(long maxHoldMillis) {
    long now = checkForStep(clock.nanoTime());
    return new Reading(Math.floorDiv(now, 1_000_000L), offsetMillis, maxHoldMillis);
  }

  /** Looks at the wall clock and moves the anchor if it has stepped; returns the monotonic time. */
  private long checkForStep(long n1) {
    long wall = clock.currentTimeMillis(); // before n2: the offset can only be too small
    long n2 = clock.nanoTime();
    nextCheckNanos = n2 + CHECK_NANOS;
    if (n2 - n1 > READING_NANOS) {
      return n2;
    }
    long offset = offsetMillis;
    long seen = wall - ceilMillis(n2);
    if (Math.abs(seen - offset) > STEP_MILLIS) {
      offsetMillis = seen;
      LOG.info("Channel {}: the wall clock stepped {} ms against the monotonic clock; events"
          + " held keep their due times, sluice.releaseAt labels are read in the new wall-clock"
          + " time from now on", channelName, seen - offset);
    }
    return n2;
  }

  /**
   * One reading of the clocks: {@code nowMillis} monotonic, {@code offsetMillis} wall minus
   * monotonic, and the longest hold.
   */
  record Reading(long nowMillis, long offsetMillis, long maxHoldMillis) {

    /**
     * The monotonic millisecond at which an event labelled {@code releaseAt} is due: its label,
     * but no earlier than now and no later than {@code maxHold} from now. No overflow for any
     * label: the bounds are compared in wall-clock terms first.
     */
    long dueMillis(long releaseAt) {
      long latest = nowMillis + maxHoldMillis;
      if (releaseAt <= nowMillis + offsetMillis) {
        return nowMillis;
      }
      if (releaseAt >= latest + offsetMillis) {
        return latest;
      }
      return releaseAt - offsetMillis;
    }

    /** Whether {@link #dueMillis} cuts this label's hold short at {@code maxHold}. */
    boolean beyondMaxHold(long releaseAt) {
      return releaseAt > nowMillis + maxHoldMillis + offsetMillis;
    }

    /** The wall-clock epoch ms of a monotonic due time, as a checkpoint keeps it. */
    long epochMillis(long dueMillis) {
      return dueMillis + offsetMillis;
    }
  }
}
