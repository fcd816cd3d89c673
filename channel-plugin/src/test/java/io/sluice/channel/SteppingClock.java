package io.sluice.channel;

import io.sluice.core.time.Clock;
import io.sluice.core.time.ManualClock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link ManualClock}'s time, with a wall clock that can also be stepped, as NTP, a resumed VM or
 * an operator steps it: the monotonic reading never notices.
 */
final class SteppingClock implements Clock {

  private final ManualClock clock;
  private final AtomicLong wallStepMillis = new AtomicLong();

  SteppingClock() {
    this(new ManualClock());
  }

  /** Monotonic {@code startNanos} at wall-clock {@code epochMillis}. */
  SteppingClock(long startNanos, long epochMillis) {
    this(new ManualClock(startNanos, epochMillis));
  }

  private SteppingClock(ManualClock clock) {
    this.clock = clock;
  }

  @Override
  public long nanoTime() {
    return clock.nanoTime();
  }

  @Override
  public long currentTimeMillis() {
    return clock.currentTimeMillis() + wallStepMillis.get();
  }

  /** Time passes: both readings move. */
  void advance(Duration d) {
    clock.advance(d);
  }

  void advanceMillis(long ms) {
    advance(Duration.ofMillis(ms));
  }

  /** The wall clock is set forward ({@code d > 0}) or back; the monotonic clock does not move. */
  void stepWall(Duration d) {
    wallStepMillis.addAndGet(d.toMillis());
  }
}
