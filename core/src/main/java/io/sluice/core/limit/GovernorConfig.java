package io.sluice.core.limit;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Everything a {@link Governor} needs to know, validated once when built. */
public final class GovernorConfig {

  /**
   * Most keys with state of their own ({@code maxKeys}). A state takes about 250 bytes with one
   * limit, plus its key (up to {@code maxKeyLength} characters), and Caffeine sizes its frequency
   * sketch to the bound: ten million is gigabytes of heap, and beyond anything an agent tracks.
   */
  public static final long MAX_KEYS = 10_000_000;

  /**
   * Most deferred events ({@code defer.maxEvents}). The governor needs 8 to 16 bytes for each, the
   * channel behind it holds the events themselves: ten million is gigabytes there.
   */
  public static final long MAX_DEFERRED = 10_000_000;

  /**
   * Default {@code defer.maxEvents}: what DisruptorChannel's deferred lane holds by default (its
   * default {@code capacity}), so that default settings never grant deferrals the channel refuses.
   */
  public static final long DEFAULT_MAX_DEFERRED = 65_536;

  final Map<String, Tier> tiers;
  final Tier defaultTier;
  final List<Rate> global;
  final long maxDelayNanos;
  final long maxDeferred;
  final int maxDeferredPerKey;
  final double shedThreshold;
  final long maxKeys;
  final long idleNanos;
  final List<Rate> newKeyLimit;

  private GovernorConfig(Builder b) {
    if (b.tiers.isEmpty()) {
      throw new IllegalArgumentException("no tier configured: set at least 'limit'");
    }
    this.tiers = Map.copyOf(b.tiers);
    this.defaultTier = tiers.get(b.defaultTier);
    if (defaultTier == null) {
      throw new IllegalArgumentException(
          "the default tier '" + b.defaultTier + "' is not configured; known tiers: "
              + String.join(", ", b.tiers.keySet()));
    }
    this.global = List.copyOf(b.global);
    this.maxDelayNanos = requireNonNegative("defer.maxDelay", b.maxDelay).toNanos();
    this.maxDeferred = requireWithin("defer.maxEvents", b.maxDeferred, 0, MAX_DEFERRED);
    // A key can never hold more than all keys together: a larger per-key room changes nothing.
    this.maxDeferredPerKey = (int) Math.min(maxDeferred,
        requireNonNegative("defer.maxEventsPerKey", b.maxDeferredPerKey));
    if (!(b.shedThreshold >= 0 && b.shedThreshold <= 1)) {
      throw new IllegalArgumentException(
          "shed.threshold must be between 0% and 100%, got " + b.shedThreshold);
    }
    this.shedThreshold = b.shedThreshold;
    if (b.maxKeys <= 0) {
      throw new IllegalArgumentException("maxKeys must be positive, got " + b.maxKeys);
    }
    this.maxKeys = requireWithin("maxKeys", b.maxKeys, 1, MAX_KEYS);
    this.idleNanos = requireNonNegative("idleTimeout", b.idleTimeout).toNanos();
    this.newKeyLimit = List.copyOf(b.newKeyLimit);
  }

  private static Duration requireNonNegative(String key, Duration d) {
    if (d.isNegative()) {
      throw new IllegalArgumentException(key + " must not be negative, got " + d);
    }
    if (d.compareTo(Duration.ofDays(365)) > 0) {
      throw new IllegalArgumentException(key + " must be at most 365d, got " + d);
    }
    return d;
  }

  private static long requireNonNegative(String key, long v) {
    if (v < 0) {
      throw new IllegalArgumentException(key + " must not be negative, got " + v);
    }
    return v;
  }

  private static long requireWithin(String key, long v, long min, long max) {
    requireNonNegative(key, v);
    if (v < min || v > max) {
      throw new IllegalArgumentException(
          key + " must be from " + min + " to " + max + ", got " + v);
    }
    return v;
  }

  /**
   * This configuration with every limit {@linkplain Rate#dividedAmong divided among} {@code
   * agents}: what one agent of that many admits alone when the store they share is out of reach.
   */
  public GovernorConfig dividedAmong(int agents) {
    Builder b = builder()
        .defaultTier(defaultTier.name())
        .global(divided(global, agents))
        .maxDelay(Duration.ofNanos(maxDelayNanos))
        .maxDeferred(maxDeferred)
        .maxDeferredPerKey(maxDeferredPerKey)
        .shedThreshold(shedThreshold)
        .maxKeys(maxKeys)
        .idleTimeout(Duration.ofNanos(idleNanos))
        .newKeyLimit(newKeyLimit);
    for (Tier t : tiers.values()) {
      b.tier(t.name(), divided(t.limits(), agents));
    }
    return b.build();
  }

  private static List<Rate> divided(List<Rate> rates, int agents) {
    List<Rate> out = new java.util.ArrayList<>(rates.size());
    for (Rate r : rates) {
      out.add(r.dividedAmong(agents));
    }
    return out;
  }

  public boolean hasGlobalLimit() {
    return !global.isEmpty();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Tier defaultTier() {
    return defaultTier;
  }

  public Map<String, Tier> tiers() {
    return tiers;
  }

  /** The most keys with state of their own ({@code maxKeys}). */
  public long maxKeys() {
    return maxKeys;
  }

  /** The deferred room across all keys ({@code defer.maxEvents}). */
  public long maxDeferred() {
    return maxDeferred;
  }

  /**
   * How long an idle key is kept: the configured idle timeout, raised to what the longest limit
   * needs so that forgetting a key never hands it a fresh bucket.
   */
  public long effectiveIdleNanos() {
    long need = 0;
    for (Tier t : tiers.values()) {
      need = Math.max(need, t.memoryNanos());
    }
    return Math.max(idleNanos, need + maxDelayNanos);
  }

  @Override
  public String toString() {
    return "tiers " + tiers.values() + " (default '" + defaultTier.name() + "')"
        + ", global " + (global.isEmpty() ? "none" : global.toString())
        + ", defer.maxDelay " + maxDelayNanos / 1_000_000 + " ms"
        + ", defer.maxEvents " + maxDeferred + " (" + maxDeferredPerKey + " per key)"
        + ", shed above " + Math.round(shedThreshold * 100) + "%"
        + ", maxKeys " + maxKeys + " (kept " + effectiveIdleNanos() / 1_000_000_000L + " s idle)"
        + ", newKeyLimit " + (newKeyLimit.isEmpty() ? "none" : newKeyLimit.toString());
  }

  /** A mutable builder; defaults are those documented in the README. */
  public static final class Builder {
    private final Map<String, Tier> tiers = new LinkedHashMap<>();
    private String defaultTier = "default";
    private List<Rate> global = List.of();
    private Duration maxDelay = Duration.ofSeconds(2);
    private long maxDeferred = DEFAULT_MAX_DEFERRED;
    private long maxDeferredPerKey = 10_000;
    private double shedThreshold = 0.75;
    private long maxKeys = 100_000;
    private Duration idleTimeout = Duration.ofMinutes(10);
    private List<Rate> newKeyLimit = List.of(Rate.of(1000, "s"));

    public Builder tier(String name, List<Rate> limits) {
      tiers.put(name, new Tier(name, limits));
      return this;
    }

    public Builder defaultTier(String name) {
      this.defaultTier = name;
      return this;
    }

    /** Limits over all keys together (downstream capacity); empty for none. */
    public Builder global(List<Rate> limits) {
      this.global = limits;
      return this;
    }

    public Builder maxDelay(Duration d) {
      this.maxDelay = d;
      return this;
    }

    public Builder maxDeferred(long n) {
      this.maxDeferred = n;
      return this;
    }

    /** Deferred room per key; more than {@link #maxDeferred} is taken as that. */
    public Builder maxDeferredPerKey(long n) {
      this.maxDeferredPerKey = n;
      return this;
    }

    /** Fill of the deferred room (0 to 1) above which low-priority events are shed first. */
    public Builder shedThreshold(double fraction) {
      this.shedThreshold = fraction;
      return this;
    }

    public Builder maxKeys(long n) {
      this.maxKeys = n;
      return this;
    }

    public Builder idleTimeout(Duration d) {
      this.idleTimeout = d;
      return this;
    }

    /** How fast keys may be created; empty for no limit (not advised when keys come from the network). */
    public Builder newKeyLimit(List<Rate> limits) {
      this.newKeyLimit = limits;
      return this;
    }

    public GovernorConfig build() {
      return new GovernorConfig(this);
    }
  }
}
