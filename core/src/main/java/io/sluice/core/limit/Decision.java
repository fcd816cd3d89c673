package io.sluice.core.limit;

import io.sluice.core.Disposition;

/**
 * The governor's answer for one event. A granted decision (processed or batched) remembers what it
 * booked so that {@link Governor#cancel(Decision)} can give it back.
 */
public final class Decision {

  private final Disposition disposition;
  private final String limitKey;
  private final long atNanos;
  private final long releaseAtMillis;
  private final ThrottleReason reason;
  private final long retryAfterNanos;

  // What was booked, for cancel(): the key's state, whether the global bucket was charged, and
  // (for a cancellable decision) the cells as they were before, to restore them exactly.
  final KeyState state;
  final boolean chargedGlobal;
  Booking booking;
  /** Decided by the shared store ({@link SharedGovernor}), whose cancel differs. */
  boolean shared;
  /** When the global cells were booked (at or before {@link #atNanos()}); for tests. */
  long globalChargeNanos;

  /** The cells before a cancellable booking, and the booking counts right after it. */
  record Booking(long[] keyBefore, long keyStamp, long[] globalBefore, long globalStamp) {}

  private Decision(
      Disposition disposition,
      String limitKey,
      long atNanos,
      long releaseAtMillis,
      ThrottleReason reason,
      long retryAfterNanos,
      KeyState state,
      boolean chargedGlobal) {
    this.disposition = disposition;
    this.limitKey = limitKey;
    this.atNanos = atNanos;
    this.releaseAtMillis = releaseAtMillis;
    this.reason = reason;
    this.retryAfterNanos = retryAfterNanos;
    this.state = state;
    this.chargedGlobal = chargedGlobal;
  }

  static Decision processed(KeyState s, long nowNanos, boolean global) {
    return new Decision(Disposition.PROCESSED, s.key, nowNanos, 0, null, 0, s, global);
  }

  static Decision batched(KeyState s, long atNanos, long releaseAtMillis, boolean global) {
    return new Decision(Disposition.BATCHED, s.key, atNanos, releaseAtMillis, null, 0, s, global);
  }

  /**
   * Processed ({@code reason} null) or throttled with nothing booked anywhere: what {@code
   * onFailure = open} or {@code closed} decides while the shared store is out of reach.
   */
  static Decision unbooked(String key, ThrottleReason reason, long nowNanos, long retryAfterNanos) {
    return reason == null
        ? new Decision(Disposition.PROCESSED, key, nowNanos, 0, null, 0, null, false)
        : new Decision(Disposition.THROTTLED, key, 0, 0, reason, retryAfterNanos, null, false);
  }

  static Decision throttled(KeyState s, ThrottleReason reason, long retryAfterNanos) {
    return new Decision(Disposition.THROTTLED, s.key, 0, 0, reason, retryAfterNanos, null, false);
  }

  public Disposition disposition() {
    return disposition;
  }

  /** The key whose buckets decided (the overflow key for keys that had no state of their own). */
  public String limitKey() {
    return limitKey;
  }

  /** Monotonic time at which the event is admitted: now if processed, its due time if batched. */
  public long atNanos() {
    return atNanos;
  }

  /** Epoch milliseconds at which a batched event comes due; 0 otherwise. */
  public long releaseAtMillis() {
    return releaseAtMillis;
  }

  /** Why a throttled event was refused; {@code null} otherwise. */
  public ThrottleReason reason() {
    return reason;
  }

  /** For a throttled event: how long until a retry could be admitted (a lower bound). */
  public long retryAfterNanos() {
    return retryAfterNanos;
  }

  @Override
  public String toString() {
    switch (disposition) {
      case PROCESSED:
        return "processed[" + limitKey + "]";
      case BATCHED:
        return "batched[" + limitKey + " at " + releaseAtMillis + "]";
      default:
        return "throttled[" + limitKey + " " + reason.label() + " retry " + retryAfterNanos + "ns]";
    }
  }
}
