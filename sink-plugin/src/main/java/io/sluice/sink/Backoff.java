package io.sluice.sink;

import java.time.Duration;

/**
 * How long to wait before the next attempt after a failed write: 100 ms, doubling per failure up
 * to a cap, back to nothing after a success. Pure: the caller does the waiting. Used by the sink
 * between failed batches, and by the {@code hec} writer between attempts at one request.
 */
public final class Backoff {

  public static final long FIRST_MILLIS = 100;

  private final long maxMillis;
  private long nextMillis;

  public Backoff(Duration max) {
    this.maxMillis = Math.max(1, max.toMillis());
  }

  /** A failure: the wait before the next attempt. */
  public long failed() {
    nextMillis = nextMillis == 0 ? Math.min(FIRST_MILLIS, maxMillis) : Math.min(maxMillis, 2 * nextMillis);
    return nextMillis;
  }

  public void succeeded() {
    nextMillis = 0;
  }
}
