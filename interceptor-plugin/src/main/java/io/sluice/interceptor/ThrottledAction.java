package io.sluice.interceptor;

/** What happens to a throttled event ({@code throttled = drop | keep | reject}). */
public enum ThrottledAction {
  /** Removed from the batch and counted. */
  DROP,
  /** Tagged {@code throttled} and passed on, so a multiplexing selector can route it. */
  KEEP,
  /** The whole batch is refused with a {@link io.sluice.core.RetryLaterException}. */
  REJECT
}
