package io.sluice.tools.load;

/** A clock that moves only when someone waits on it: tests of pacing and retries run without sleeping. */
final class FakeClock implements Clock {

  private volatile long nanos;
  private final long epochMillisAtZero;

  FakeClock(long epochMillisAtZero) {
    this.epochMillisAtZero = epochMillisAtZero;
  }

  @Override
  public long nanoTime() {
    return nanos;
  }

  @Override
  public long epochMillis() {
    return epochMillisAtZero + nanos / 1_000_000L;
  }

  @Override
  public synchronized void sleepUntil(long deadline) {
    if (deadline > nanos) {
      nanos = deadline;
    }
  }
}
