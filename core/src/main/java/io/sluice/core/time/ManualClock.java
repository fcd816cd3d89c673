package io.sluice.core.time;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock that moves only when told to. Both readings advance together, so the mapping from
 * monotonic to wall time stays fixed, as it does for a real clock without NTP steps — until {@link
 * #stepWall} steps the wall clock alone, as NTP, {@code date} or a resumed virtual machine do.
 */
public final class ManualClock implements Clock {

  private final AtomicLong nanos;
  private final long epochMillisAtZero;
  private final AtomicLong wallStepMillis = new AtomicLong();

  public ManualClock() {
    this(1_000_000_000L, 1_700_000_000_000L);
  }

  public ManualClock(long startNanos, long epochMillisAtStart) {
    this.nanos = new AtomicLong(startNanos);
    this.epochMillisAtZero = epochMillisAtStart - Math.floorDiv(startNanos, 1_000_000L);
  }

  @Override
  public long nanoTime() {
    return nanos.get();
  }

  @Override
  public long currentTimeMillis() {
    return epochMillisAtZero + Math.floorDiv(nanos.get(), 1_000_000L) + wallStepMillis.get();
  }

  public void advance(Duration d) {
    advanceNanos(d.toNanos());
  }

  public void advanceMillis(long ms) {
    advanceNanos(ms * 1_000_000L);
  }

  public void advanceNanos(long n) {
    if (n < 0) {
      throw new IllegalArgumentException("a monotonic clock cannot go back: " + n);
    }
    nanos.addAndGet(n);
  }

  /** Moves to an absolute monotonic reading, which must not be in the past. */
  public void setNanos(long n) {
    advanceNanos(n - nanos.get());
  }

  /** Steps the wall clock forward ({@code d > 0}) or back; the monotonic reading does not move. */
  public void stepWall(Duration d) {
    wallStepMillis.addAndGet(d.toMillis());
  }

  /** Sets how far the wall clock stands from where the monotonic one alone would put it. */
  public void setWallStep(long millis) {
    wallStepMillis.set(millis);
  }
}
