package io.sluice.core.limit;

import io.sluice.core.time.Clock;
import io.sluice.core.time.ManualClock;
import java.time.Duration;

/**
 * A {@link ManualClock} whose wall clock can also be stepped, as NTP, {@code date} or a resumed
 * virtual machine step a real one: the monotonic reading is the manual clock's, the wall reading
 * is the manual clock's plus an offset that only {@link #stepWall} and {@link #setWallOffset}
 * change.
 */
final class SteppedWallClock implements Clock {

  final ManualClock monotonic;
  private long offsetMillis;

  SteppedWallClock(ManualClock monotonic) {
    this.monotonic = monotonic;
  }

  @Override
  public long nanoTime() {
    return monotonic.nanoTime();
  }

  @Override
  public long currentTimeMillis() {
    return monotonic.currentTimeMillis() + offsetMillis;
  }

  /** Steps the wall clock by {@code d}, forward or (negative) back; the monotonic clock stays. */
  void stepWall(Duration d) {
    offsetMillis += d.toMillis();
  }

  /** Sets how far the wall clock is from where the manual clock alone would put it. */
  void setWallOffset(long millis) {
    offsetMillis = millis;
  }

  void advance(Duration d) {
    monotonic.advance(d);
  }

  void advanceNanos(long n) {
    monotonic.advanceNanos(n);
  }
}
