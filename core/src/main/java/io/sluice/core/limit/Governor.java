package io.sluice.core.limit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.sluice.core.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Decides, per event, between processed, batched (tokens reserved for a due time within {@code
 * maxDelay}) and throttled. Pure logic: it knows keys, tiers and a clock, nothing of Flume.
 *
 * <p>Per-key state lives in a Caffeine cache bounded by {@code maxKeys} and idle expiry. Creating
 * a key is itself rate-limited: a flood of spoofed source addresses would otherwise evict real
 * keys and hand every fake one a fresh burst. Keys that arrive while that budget is spent share
 * one overflow state per tier.
 *
 * <p>Thread-safe. Lock order: a key's state, then the global buckets, then the deferred ledger.
 */
public final class Governor {

  /** The {@code sluice.limitKey} of events decided by the shared state of not-yet-known keys. */
  public static final String OVERFLOW_KEY = "~overflow";

  private final GovernorConfig config;
  private final Clock clock;
  private final Cache<String, KeyState> states;
  private final Map<Tier, KeyState> overflow = new HashMap<>();
  private final Buckets global; // null when no global limit; guarded by itself
  private final Buckets newKeys; // null when unlimited; guarded by itself
  private final DeferredLedger ledger;
  // Due times are monotonic nanos; they are labelled in epoch millis through one fixed anchor, so
  // that a key's releaseAt values keep the order of its due times (reading both clocks per event
  // would let their jitter reorder them).
  private final long anchorNanos;
  private final long anchorMillis;

  public Governor(GovernorConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
    long now = clock.nanoTime();
    this.anchorNanos = now;
    this.anchorMillis = clock.currentTimeMillis();
    this.states =
        Caffeine.newBuilder()
            .maximumSize(config.maxKeys)
            .expireAfterAccess(config.effectiveIdleNanos(), TimeUnit.NANOSECONDS)
            .ticker(clock::nanoTime)
            .executor(Runnable::run)
            .build();
    for (Tier t : config.tiers.values()) {
      overflow.put(t, new KeyState(OVERFLOW_KEY, t, now));
    }
    this.global = config.global.isEmpty() ? null : new Buckets(config.global, now);
    this.newKeys = config.newKeyLimit.isEmpty() ? null : new Buckets(config.newKeyLimit, now);
    this.ledger = new DeferredLedger(config.maxDeferred, config.maxDelayNanos, now);
  }

  public GovernorConfig config() {
    return config;
  }

  /**
   * Decides one event.
   *
   * @param key the event's limit key (never null; callers substitute their default key)
   * @param tierName the tier named by the event, or null for the default tier; unknown names fall
   *     back to the default tier
   * @param lowPriority whether the event may be shed first when the deferred room fills up
   */
  public Decision decide(String key, String tierName, boolean lowPriority) {
    Tier tier = tierName == null ? config.defaultTier : config.tiers.getOrDefault(tierName, config.defaultTier);
    long now = clock.nanoTime();
    KeyState s = stateFor(key, tier, now);
    synchronized (s) {
      s.releaseDue(now);
      // A key's events never overtake its deferred ones.
      long keyAt = Math.max(s.buckets.allowAt(), s.lastDue());
      if (global == null) {
        return decide(s, keyAt, Long.MIN_VALUE, now, lowPriority);
      }
      synchronized (global) {
        return decide(s, keyAt, global.allowAt(), now, lowPriority);
      }
    }
  }

  private Decision decide(KeyState s, long keyAt, long globalAt, long now, boolean lowPriority) {
    long at = Math.max(now, Math.max(keyAt, globalAt));
    if (at == now) {
      s.buckets.consume(now);
      if (global != null) {
        global.consume(now);
      }
      return Decision.processed(s, now, global != null);
    }
    long wait = at - now;
    if (wait > config.maxDelayNanos) {
      ThrottleReason why =
          globalAt > keyAt ? ThrottleReason.GLOBAL
              : s.key == OVERFLOW_KEY ? ThrottleReason.OVERFLOW : ThrottleReason.RATE;
      return Decision.throttled(s, why, wait);
    }
    if (lowPriority && ledger.fill(now) >= config.shedThreshold) {
      return Decision.throttled(s, ThrottleReason.SEVERITY, wait);
    }
    if (s.pendingCount() >= config.maxDeferredPerKey || !ledger.tryAdd(at, now)) {
      return Decision.throttled(s, ThrottleReason.DEFER_FULL, wait);
    }
    s.buckets.consume(at);
    if (global != null) {
      global.consume(at);
    }
    s.addPending(at);
    long releaseAtMillis = anchorMillis + ceilDiv(at - anchorNanos, 1_000_000L);
    return Decision.batched(s, at, releaseAtMillis, global != null);
  }

  /**
   * Gives back what a granted decision booked, newest first, as when the batch it belonged to was
   * pushed back to the sender. Cancelling a throttled decision does nothing.
   */
  public void cancel(Decision d) {
    KeyState s = d.state;
    if (s == null) {
      return;
    }
    long now = clock.nanoTime();
    synchronized (s) {
      s.buckets.refund();
      if (d.chargedGlobal) {
        synchronized (global) {
          global.refund();
        }
      }
      if (d.disposition() == io.sluice.core.Disposition.BATCHED) {
        s.removeLastPending(d.atNanos());
        ledger.remove(d.atNanos(), now);
      }
    }
  }

  private KeyState stateFor(String key, Tier tier, long now) {
    String mapKey = tier == config.defaultTier ? key : tier.name() + '\u0000' + key;
    KeyState s = states.getIfPresent(mapKey);
    if (s != null) {
      return s;
    }
    if (newKeys != null) {
      synchronized (newKeys) {
        if (!newKeys.tryAcquire(now)) {
          return overflow.get(tier);
        }
      }
    }
    return states.get(mapKey, k -> new KeyState(key, tier, now));
  }

  /** Keys with state of their own (approximate, as Caffeine's size is). */
  public long keyCount() {
    return states.estimatedSize();
  }

  /** Deferred events not yet due, across all keys. */
  public long deferredDepth() {
    return ledger.depth(clock.nanoTime());
  }

  /** Fraction of the deferred room in use. */
  public double deferredFill() {
    return ledger.fill(clock.nanoTime());
  }

  /** Runs pending cache maintenance (expiry, eviction) now rather than on a later access. */
  public void cleanUp() {
    states.cleanUp();
  }

  private static long ceilDiv(long a, long b) {
    return -Math.floorDiv(-a, b);
  }
}
