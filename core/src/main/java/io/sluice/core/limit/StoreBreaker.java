package io.sluice.core.limit;

/**
 * A circuit breaker in front of the shared store, so a store that is down costs no time per
 * batch. Closed: every batch calls the store, and {@code failuresToOpen} failures in a row open
 * it. Open: no batch calls it for {@code openNanos}; then one batch at a time probes it
 * (half-open) until a probe succeeds, which closes it again, or fails, which opens it anew.
 *
 * <p>Pure logic on the times it is given; thread-safe by its monitor.
 */
final class StoreBreaker {

  enum State {
    CLOSED,
    OPEN,
    HALF_OPEN
  }

  private final int failuresToOpen;
  private final long openNanos;
  private State state = State.CLOSED;
  private int failures;
  private long openUntil;
  private boolean probing;
  private long transitions;

  StoreBreaker(int failuresToOpen, long openNanos) {
    if (failuresToOpen < 1) {
      throw new IllegalArgumentException("failuresToOpen must be at least 1, got " + failuresToOpen);
    }
    this.failuresToOpen = failuresToOpen;
    this.openNanos = openNanos;
  }

  /** Whether a batch decided now may call the store; if so it must report how the call went. */
  synchronized boolean tryCall(long nowNanos) {
    switch (state) {
      case CLOSED:
        return true;
      case OPEN:
        if (nowNanos - openUntil < 0) {
          return false;
        }
        move(State.HALF_OPEN);
        probing = true;
        return true;
      default:
        if (probing) {
          return false;
        }
        probing = true;
        return true;
    }
  }

  /** A call allowed by {@link #tryCall} succeeded; returns the state it left, if it changed. */
  synchronized State succeeded() {
    failures = 0;
    probing = false;
    return move(State.CLOSED);
  }

  /** A call allowed by {@link #tryCall} failed; returns the state it left, if it changed. */
  synchronized State failed(long nowNanos) {
    probing = false;
    if (state == State.CLOSED && ++failures < failuresToOpen) {
      return null;
    }
    failures = 0;
    openUntil = nowNanos + openNanos;
    return state == State.OPEN ? null : move(State.OPEN);
  }

  synchronized State state() {
    return state;
  }

  /** How many times the state changed. */
  synchronized long transitions() {
    return transitions;
  }

  private State move(State next) {
    State was = state;
    if (was == next) {
      return null;
    }
    state = next;
    transitions++;
    return was;
  }
}
