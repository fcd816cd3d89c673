package io.sluice.core.limit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.sluice.core.Disposition;
import io.sluice.core.time.Clock;
import java.util.HashMap;
import java.util.List;
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
 * <p>A key's cells are booked at the event's admission time, which only moves forward for a key,
 * so GCRA stays exact. The global cells are shared by keys whose admission times interleave, and a
 * booking for a later time would push a GCRA cell there and waste the credit before it; so they
 * are booked at decision time instead (see {@link #decide}).
 *
 * <p>Time: every decision is arithmetic on the monotonic clock. The wall clock only labels batched
 * events ({@code sluice.releaseAt}), through {@link EpochLabels}, which follows a step of the wall
 * clock at the next tick (read once a tick, never per event).
 *
 * <p>Concurrency: thread-safe. Locks nest only in this order:
 *
 * <ol>
 *   <li>Caffeine's eviction lock. Its maintenance runs on whichever thread touches the cache (the
 *       executor is the caller) and calls {@link #evicted} under that lock, which takes the evicted
 *       key's state, then the due floors;
 *   <li>a key's state (its monitor), held for the whole of a decision or a cancel;
 *   <li>the global buckets;
 *   <li>the deferred ledger;
 *   <li>the due floors, always last. They are also taken inside Caffeine's lock of one entry,
 *       while a new key's state is made.
 * </ol>
 *
 * The new-key budget is locked alone, before the key's state is looked up; the labels' anchor is
 * locked alone, and only when the wall clock has stepped. No cache operation runs while a key's
 * state or a later lock is held, so Caffeine's locks are never taken after ours.
 */
public final class Governor implements Limiter {

  /** The {@code sluice.limitKey} of events decided by the shared state of not-yet-known keys. */
  public static final String OVERFLOW_KEY = "~overflow";

  /** How stale the cache's view of time may be (see {@link #tickerNanos}). */
  private static final long TICK_NANOS = 1_000_000L;

  private final GovernorConfig config;
  private final Clock clock;
  private final Cache<String, KeyState> states;
  private final Map<Tier, KeyState> overflow = new HashMap<>();
  private final Buckets global; // null when no global limit; guarded by itself
  private long globalBookings; // guarded by global
  private final Buckets newKeys; // null when unlimited; guarded by itself, taken alone
  private final DeferredLedger ledger;
  private final DueFloors floors;
  /**
   * The cache's view of time: the clock as last read by a decision, refreshed at most once a
   * millisecond. Caffeine reads its ticker on every hit to check expiry, and a second clock read
   * would be a third of a decision's cost; idle expiry (minutes) needs no finer grain.
   */
  private volatile long tickerNanos;
  private final long tickNanos;
  /** Due times (monotonic) as epoch millis; follows steps of the wall clock once a tick. */
  private final EpochLabels labels;

  public Governor(GovernorConfig config, Clock clock) {
    this(config, clock, TICK_NANOS);
  }

  /** With {@code tickNanos} 0 the cache sees the exact time of every decision (for tests). */
  Governor(GovernorConfig config, Clock clock, long tickNanos) {
    this.tickNanos = tickNanos;
    this.config = config;
    this.clock = clock;
    long now = clock.nanoTime();
    this.tickerNanos = now;
    this.labels = new EpochLabels(now, clock.currentTimeMillis());
    this.floors = new DueFloors(config.maxDeferred);
    this.states =
        Caffeine.newBuilder()
            .maximumSize(config.maxKeys)
            // One tick longer, so that the stale view never forgets a key early.
            .expireAfterAccess(config.effectiveIdleNanos() + tickNanos, TimeUnit.NANOSECONDS)
            .ticker(() -> tickerNanos)
            .executor(Runnable::run)
            .<String, KeyState>removalListener((k, s, cause) -> evicted(k, s, cause))
            .build();
    for (Tier t : config.tiers.values()) {
      overflow.put(t, new KeyState(OVERFLOW_KEY, t, now, Long.MIN_VALUE));
    }
    this.global = config.global.isEmpty() ? null : new Buckets(config.global, now);
    this.newKeys = config.newKeyLimit.isEmpty() ? null : new Buckets(config.newKeyLimit, now);
    this.ledger = new DeferredLedger(config.maxDeferred, config.maxDelayNanos, now);
  }

  @Override
  public GovernorConfig config() {
    return config;
  }

  @Override
  public void decideAll(
      int n, String[] keys, String[] tiers, boolean[] lows, boolean cancellable, Decision[] out) {
    for (int i = 0; i < n; i++) {
      out[i] = decide(keys[i], tiers[i], lows[i], cancellable);
    }
  }

  @Override
  public void cancelAll(List<Decision> granted) {
    for (int i = granted.size() - 1; i >= 0; i--) {
      cancel(granted.get(i));
    }
  }

  @Override
  public void close() {}

  /** Decides one event; the decision cannot be {@linkplain #cancel cancelled} exactly. */
  public Decision decide(String key, String tierName, boolean lowPriority) {
    return decide(key, tierName, lowPriority, false);
  }

  /**
   * Decides one event.
   *
   * <p>The key's limits and the global limit must all allow the event at its admission time {@code
   * at}: now if they all allow it now (processed), else the earliest time they all do, if within
   * {@code maxDelay} and deferred room is left (batched). The key's cells are booked at {@code at}.
   * The global cells are booked at the earliest time they allow, {@code c <= at}: the global limit
   * thus bounds how fast events are admitted, exactly, and how fast they come due within a slack
   * of {@code maxDelay} (an event booked at {@code c} comes due by {@code c + maxDelay}).
   *
   * @param key the event's limit key (never null; callers substitute their default key)
   * @param tierName the tier named by the event, or null for the default tier; unknown names fall
   *     back to the default tier
   * @param lowPriority whether the event may be shed first when the deferred room fills up
   * @param cancellable whether to remember enough for {@link #cancel} to undo it exactly (costs
   *     two small arrays per granted decision)
   */
  public Decision decide(String key, String tierName, boolean lowPriority, boolean cancellable) {
    Tier tier =
        tierName == null ? config.defaultTier : config.tiers.getOrDefault(tierName, config.defaultTier);
    long now = clock.nanoTime();
    if (now - tickerNanos >= tickNanos) {
      tickerNanos = now; // written at most once a millisecond, so the field stays shared-clean
      // Once a tick, not per event: has the wall clock been stepped since labels were anchored?
      long wall = clock.currentTimeMillis();
      labels.observe(now, wall, clock.nanoTime());
    }
    String mapKey = tier == config.defaultTier ? key : tier.name() + '\u0000' + key;
    KeyState s = stateFor(mapKey, key, tier, now);
    synchronized (s) {
      s.releaseDue(now);
      // A key's events never overtake its deferred ones.
      long keyAt = Math.max(s.buckets.allowAt(), s.lastDue());
      Decision d;
      if (global == null) {
        d = decide(s, keyAt, Long.MIN_VALUE, now, lowPriority, cancellable);
      } else {
        synchronized (global) {
          d = decide(s, keyAt, global.allowAt(), now, lowPriority, cancellable);
        }
      }
      if (s.key == OVERFLOW_KEY && d.disposition() == Disposition.BATCHED) {
        floors.record(mapKey, d.atNanos(), now);
      }
      return d;
    }
  }

  private Decision decide(
      KeyState s, long keyAt, long globalAt, long now, boolean lowPriority, boolean cancellable) {
    long charge = Math.max(now, globalAt); // when the global cells are booked
    long at = Math.max(charge, keyAt);
    long wait = at - now;
    if (wait > config.maxDelayNanos) {
      ThrottleReason why =
          globalAt > keyAt ? ThrottleReason.GLOBAL
              : s.key == OVERFLOW_KEY ? ThrottleReason.OVERFLOW : ThrottleReason.RATE;
      return Decision.throttled(s, why, wait);
    }
    if (wait > 0) {
      if (lowPriority && ledger.fill(now) >= config.shedThreshold) {
        return Decision.throttled(s, ThrottleReason.SEVERITY, wait);
      }
      if (s.pendingCount() >= config.maxDeferredPerKey || !ledger.tryAdd(at, now)) {
        return Decision.throttled(s, ThrottleReason.DEFER_FULL, wait);
      }
      s.addPending(at);
    }
    Decision.Booking before =
        cancellable
            ? new Decision.Booking(
                s.buckets.snapshot(), s.bookings + 1,
                global == null ? null : global.snapshot(), globalBookings + 1)
            : null;
    s.buckets.consume(at);
    s.bookings++;
    if (global != null) {
      global.consume(charge);
      globalBookings++;
    }
    Decision d =
        wait == 0
            ? Decision.processed(s, now, global != null)
            : Decision.batched(s, at, labels.label(at), global != null);
    d.booking = before;
    d.globalChargeNanos = charge;
    return d;
  }

  /**
   * Gives back what a granted decision booked, as when the batch it belonged to was pushed back to
   * the sender; cancel a batch's decisions newest first. A cancellable decision with nothing booked
   * on its cells since is undone exactly; otherwise one event's worth is refunded. Cancelling a
   * throttled decision does nothing.
   */
  public void cancel(Decision d) {
    KeyState s = d.state;
    if (s == null) {
      return;
    }
    long now = clock.nanoTime();
    Decision.Booking b = d.booking;
    synchronized (s) {
      if (b != null && s.bookings == b.keyStamp()) {
        s.buckets.restore(b.keyBefore());
      } else {
        s.buckets.refund();
      }
      s.bookings--;
      if (d.chargedGlobal) {
        synchronized (global) {
          if (b != null && globalBookings == b.globalStamp()) {
            global.restore(b.globalBefore());
          } else {
            global.refund();
          }
          globalBookings--;
        }
      }
      if (d.disposition() == Disposition.BATCHED) {
        s.removeLastPending(d.atNanos());
        ledger.remove(d.atNanos(), now);
      }
    }
  }

  private KeyState stateFor(String mapKey, String key, Tier tier, long now) {
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
    return states.get(mapKey, k -> new KeyState(key, tier, now, floors.floorFor(k, now)));
  }

  /** A state pushed out of the cache may still have deferred events: its key must queue behind. */
  private void evicted(String mapKey, KeyState s, RemovalCause cause) {
    if (s == null || !cause.wasEvicted()) {
      return;
    }
    long now = clock.nanoTime();
    long due;
    synchronized (s) {
      s.releaseDue(now);
      due = s.pendingCount() == 0 ? Long.MIN_VALUE : s.lastDue();
    }
    if (due > now) {
      floors.record(mapKey, due, now);
    }
  }

  /** How many times {@code sluice.releaseAt} labels have followed a step of the wall clock. */
  long wallClockSteps() {
    return labels.reanchorings();
  }

  /** Whether {@code key} of the default tier has a state of its own (for tests). */
  boolean hasOwnState(String key) {
    return states.getIfPresent(key) != null;
  }

  /** Keys with state of their own (approximate, as Caffeine's size is). */
  @Override
  public long keyCount() {
    return states.estimatedSize();
  }

  /** Deferred events not yet due, across all keys. */
  @Override
  public long deferredDepth() {
    return ledger.depth(clock.nanoTime());
  }

  /** Fraction of the deferred room in use. */
  @Override
  public double deferredFill() {
    return ledger.fill(clock.nanoTime());
  }

  /** Runs pending cache maintenance (expiry, eviction) now rather than on a later access. */
  public void cleanUp() {
    tickerNanos = clock.nanoTime(); // no decision may have refreshed it lately
    states.cleanUp();
  }
}
