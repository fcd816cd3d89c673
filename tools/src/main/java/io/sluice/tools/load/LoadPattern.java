package io.sluice.tools.load;

/**
 * A traffic pattern as a pure function of elapsed time: how many events are due, in all, from the
 * start of the run up to a moment. Pacing compares this with what was sent, so a sender that falls
 * behind (a blocked socket) catches up rather than drifting, and tests can ask any instant without
 * waiting for it.
 */
interface LoadPattern {

  long NANOS_PER_SECOND = 1_000_000_000L;

  /** Events due from the start up to {@code elapsedNanos} (non-decreasing, 0 at 0). */
  long dueBy(long elapsedNanos);

  /** When the pattern itself ends ({@link Long#MAX_VALUE}: never, a --duration bounds it). */
  default long endNanos() {
    return Long.MAX_VALUE;
  }
}
