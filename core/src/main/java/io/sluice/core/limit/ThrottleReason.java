package io.sluice.core.limit;

/** Why an event was throttled; each has its own counter ({@code <component>.throttled.<reason>}). */
public enum ThrottleReason {
  /** The key's own limits would admit it only later than {@code defer.maxDelay}. */
  RATE("rate"),
  /** The global limit would admit it only later than {@code defer.maxDelay}. */
  GLOBAL("global"),
  /** It could have been deferred, but the deferred room (overall or for its key) is full. */
  DEFER_FULL("deferFull"),
  /** A low-priority event that would have needed deferring while the deferred room is filling up. */
  SEVERITY("severity"),
  /**
   * An unknown key arrived while new keys were being created faster than {@code newKeyLimit}
   * allows, and the bucket such keys share was empty.
   */
  OVERFLOW("overflow"),
  /** The store the agents share could not decide, and {@code redis.onFailure = closed}. */
  STORE("store");

  private final String label;

  ThrottleReason(String label) {
    this.label = label;
  }

  /** The name used in metrics. */
  public String label() {
    return label;
  }
}
