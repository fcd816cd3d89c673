package io.sluice.core.limit;

import com.codahale.metrics.Histogram;
import com.codahale.metrics.SlidingTimeWindowArrayReservoir;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.sluice.core.Disposition;
import io.sluice.core.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The governor's limits kept in a store several agents share ({@code store = redis}), so that a
 * key's limit holds across all of them.
 *
 * <p>The rate arithmetic (each key's GCRA cells, its order, the global limit) runs in the store,
 * in {@code shared-decide.lua}, which is {@link Governor}'s model line for line, on the store's
 * clock. What bounds this agent's own memory stays here, exactly as in {@link Governor}: its
 * deferred room ({@code defer.maxEvents}) and a key's share of it, shedding of low-priority events
 * as the room fills, the keys it remembers ({@code maxKeys}, {@code newKeyLimit} and the overflow
 * key). Those enter the script as budgets, promised before the call and settled from its answer.
 *
 * <p>Round trips: one per batch. A batch's events are grouped by key; each key's events are one
 * call, in their order; the calls of a batch are sent together and their answers awaited
 * together.
 *
 * <p>When the store cannot answer, a {@link StoreBreaker} stops asking it for a while, and {@code
 * onFailure} decides: every event processed ({@code open}), throttled ({@code closed}), or
 * decided by a {@link Governor} of this agent with the limits divided among the agents ({@code
 * local}).
 */
public final class SharedGovernor implements Limiter {

  private static final Logger LOG = LoggerFactory.getLogger(SharedGovernor.class);
  private static final long TICK_NANOS = 1_000_000L;
  /** Lua's doubles are exact below 2^53: the script's relative times must stay below 2^52. */
  private static final long MAX_SPAN_NANOS = 1L << 52;
  private static final ThrottleReason[] CODES = {
    null, null, ThrottleReason.RATE, ThrottleReason.GLOBAL, ThrottleReason.SEVERITY,
    ThrottleReason.DEFER_FULL
  };

  /** What to do when the store cannot decide. */
  public enum OnFailure {
    OPEN,
    CLOSED,
    LOCAL
  }

  /** How to reach and name things in the store, and what to do when it is out of reach. */
  public record Options(
      String prefix, OnFailure onFailure, int expectedAgents, int failuresToOpen, long openNanos) {}

  private final GovernorConfig config;
  private final Clock clock;
  private final SharedStore store;
  private final Options options;
  /** Tests pass the clock's reading as the store's now; production uses the store's clock. */
  private final boolean storeClock;
  private final Cache<String, KeyState> states;
  private final Map<Tier, KeyState> overflow = new HashMap<>();
  private final Buckets newKeys; // null when unlimited; guarded by itself
  private final DeferredLedger ledger;
  private final DueFloors floors;
  private final EpochLabels labels;
  private volatile long lastTick;
  private final Map<Tier, String[]> limitArgs = new HashMap<>();
  private final String globalKey;
  private final String ttlMillis;
  /** Deferred events (all keys) from which on low-priority events are shed. */
  private final long shedDepth;
  private final StoreBreaker breaker;
  private final Governor local; // null unless onFailure = local

  private final LongAdder calls = new LongAdder();
  private final LongAdder roundTrips = new LongAdder();
  private final LongAdder failures = new LongAdder();
  private final LongAdder fallbackDecisions = new LongAdder();
  private final Histogram roundTripMicros =
      new Histogram(new SlidingTimeWindowArrayReservoir(1, TimeUnit.MINUTES));

  public SharedGovernor(GovernorConfig config, Clock clock, SharedStore store, Options options) {
    this(config, clock, store, options, true);
  }

  SharedGovernor(
      GovernorConfig config, Clock clock, SharedStore store, Options options, boolean storeClock) {
    requireTrackable(config);
    this.config = config;
    this.clock = clock;
    this.store = store;
    this.options = options;
    this.storeClock = storeClock;
    long now = clock.nanoTime();
    this.lastTick = now;
    this.labels = new EpochLabels(now, clock.currentTimeMillis());
    this.states =
        Caffeine.newBuilder()
            .maximumSize(config.maxKeys)
            .expireAfterAccess(config.effectiveIdleNanos(), TimeUnit.NANOSECONDS)
            .ticker(clock::nanoTime)
            .executor(Runnable::run)
            .<String, KeyState>build();
    for (Tier t : config.tiers.values()) {
      overflow.put(t, new KeyState(Governor.OVERFLOW_KEY, t, now, Long.MIN_VALUE));
      limitArgs.put(t, limitArgs(t.limits(), config.global));
    }
    this.newKeys = config.newKeyLimit.isEmpty() ? null : new Buckets(config.newKeyLimit, now);
    this.ledger = new DeferredLedger(config.maxDeferred, config.maxDelayNanos, now);
    this.floors = new DueFloors(config.maxDeferred);
    this.globalKey = options.prefix() + "{~global}";
    // Redis forgets a key on its own clock; on a test's clock, which jumps, it must not.
    this.ttlMillis = storeClock
        ? Long.toString(Math.max(1, LongMath.ceilDiv(config.effectiveIdleNanos(), 1_000_000L)))
        : "3600000";
    this.shedDepth = shedDepth(config.maxDeferred, config.shedThreshold);
    this.breaker = new StoreBreaker(options.failuresToOpen(), options.openNanos());
    this.local =
        options.onFailure() == OnFailure.LOCAL
            ? new Governor(config.dividedAmong(options.expectedAgents()), clock)
            : null;
  }

  /** The script's arithmetic is exact while every span of time it handles is below 2^52 ns. */
  private static void requireTrackable(GovernorConfig config) {
    List<Rate> all = new ArrayList<>(config.global);
    config.tiers.values().forEach(t -> all.addAll(t.limits()));
    for (Rate r : all) {
      if (r.count > (1L << 32) || r.tauQ + r.q + 2 + config.maxDelayNanos >= MAX_SPAN_NANOS) {
        throw new IllegalArgumentException(
            "with store = redis a limit may count at most 2^32 events, and its burst and"
                + " defer.maxDelay together may span at most 52 days: " + r + " does not fit");
      }
    }
  }

  /** The smallest number of deferred events at which {@link Governor} sheds low-priority ones. */
  static long shedDepth(long capacity, double threshold) {
    if (capacity == 0) {
      return 0;
    }
    long t = (long) Math.ceil(threshold * capacity);
    while (t > 0 && (double) (t - 1) / capacity >= threshold) {
      t--;
    }
    while ((double) t / capacity < threshold) {
      t++;
    }
    return t;
  }

  private static String[] limitArgs(List<Rate> key, List<Rate> global) {
    String[] a = new String[2 + 5 * (key.size() + global.size())];
    int i = 0;
    for (List<Rate> rates : List.of(key, global)) {
      a[i++] = Integer.toString(rates.size());
      for (Rate r : rates) {
        a[i++] = Long.toString(r.q);
        a[i++] = Long.toString(r.r);
        a[i++] = Long.toString(r.count);
        a[i++] = Long.toString(r.tauQ);
        a[i++] = Long.toString(r.tauR);
      }
    }
    return a;
  }

  @Override
  public GovernorConfig config() {
    return config;
  }

  @Override
  public void decideAll(
      int n, String[] keys, String[] tiers, boolean[] lows, boolean cancellable, Decision[] out) {
    long now = clock.nanoTime();
    if (now - lastTick >= TICK_NANOS) {
      lastTick = now;
      labels.observe(now, clock.currentTimeMillis(), clock.nanoTime());
    }
    if (!breaker.tryCall(now)) {
      fallback(n, keys, tiers, lows, cancellable, out, now);
      return;
    }
    Map<String, Group> groups = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      Tier tier = tiers[i] == null ? config.defaultTier
          : config.tiers.getOrDefault(tiers[i], config.defaultTier);
      String mapKey = tier == config.defaultTier ? keys[i] : tier.name() + '\u0000' + keys[i];
      Group g = groups.get(mapKey);
      if (g == null) {
        g = new Group(mapKey, stateFor(mapKey, keys[i], tier, now), n);
        groups.put(mapKey, g);
      }
      g.add(i, lows[i]);
    }
    List<SharedCall> batch = new ArrayList<>(groups.size());
    for (Group g : groups.values()) {
      batch.add(g.prepare(now));
    }
    List<List<Long>> answers;
    long sent = System.nanoTime();
    try {
      answers = store.run(SharedScript.DECIDE, batch);
    } catch (SharedStoreException e) {
      groups.values().forEach(Group::release);
      storeFailed(now, e);
      fallback(n, keys, tiers, lows, cancellable, out, now);
      return;
    }
    roundTripMicros.update((System.nanoTime() - sent) / 1000);
    roundTrips.increment();
    calls.add(batch.size());
    storeAnswered();
    int k = 0;
    for (Group g : groups.values()) {
      g.settle(answers.get(k++), now, out);
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

  /** The events of one batch that share a key (and tier): one call to the store. */
  private final class Group {
    final String mapKey;
    final KeyState state;
    final int[] events;
    final StringBuilder lows;
    boolean anyLow;
    int size;
    int keyPromise;
    int roomPromise;

    Group(String mapKey, KeyState state, int capacity) {
      this.mapKey = mapKey;
      this.state = state;
      this.events = new int[capacity];
      this.lows = new StringBuilder();
    }

    void add(int event, boolean low) {
      events[size++] = event;
      lows.append(low ? '1' : '0');
      anyLow |= low;
    }

    /** Promises this group its share of the deferred room and builds its call. */
    SharedCall prepare(long now) {
      long floor;
      synchronized (state) {
        state.releaseDue(now);
        keyPromise = (int) Math.max(0, Math.min(size,
            config.maxDeferredPerKey - state.pendingCount() - state.promised));
        state.promised += keyPromise;
        floor = state.lastDue();
      }
      long depth = ledger.depth(now);
      roomPromise = ledger.reserve(keyPromise, now);
      String[] limits = limitArgs.get(state.tier);
      String[] argv = new String[11 + limits.length];
      argv[0] = storeClock ? "" : Long.toString(Math.floorDiv(now, 1_000_000_000L));
      argv[1] = storeClock ? "" : Long.toString(Math.floorMod(now, 1_000_000_000L));
      argv[2] = "decide";
      argv[3] = Integer.toString(size);
      argv[4] = anyLow ? lows.toString() : "";
      argv[5] = Long.toString(config.maxDelayNanos);
      argv[6] = Integer.toString(roomPromise);
      argv[7] = Integer.toString(keyPromise);
      argv[8] = Long.toString(Math.max(0, shedDepth - depth));
      argv[9] = floor > now ? Long.toString(floor - now) : "";
      argv[10] = ttlMillis;
      System.arraycopy(limits, 0, argv, 11, limits.length);
      return new SharedCall(keysOf(state), argv);
    }

    /** Gives back the promises of a call that got no answer. */
    void release() {
      synchronized (state) {
        state.promised -= keyPromise;
      }
      ledger.unreserve(roomPromise);
    }

    /** Turns the store's answer into decisions, and settles the promises with it. */
    void settle(List<Long> answer, long now, Decision[] out) {
      long storeSec = answer.get(0);
      long storeNs = answer.get(1);
      boolean global = !config.global.isEmpty();
      int e = 0;
      int deferred = 0;
      synchronized (state) {
        for (int r = 2; r + 2 < answer.size(); r += 3) {
          int code = answer.get(r).intValue();
          long count = answer.get(r + 1);
          long value = answer.get(r + 2);
          for (long c = 0; c < count; c++) {
            Decision d;
            if (code == 0) {
              d = Decision.processed(state, now, global);
            } else if (code == 1) {
              long at = now + value;
              long label = storeClock
                  ? storeSec * 1000 + LongMath.ceilDiv(storeNs + value, 1_000_000L)
                  : labels.label(at);
              state.addPending(at);
              ledger.settle(at);
              deferred++;
              if (state.key == Governor.OVERFLOW_KEY) {
                floors.record(mapKey, at, now);
              }
              d = Decision.batched(state, at, label, global);
            } else {
              ThrottleReason why = CODES[code];
              if (why == ThrottleReason.RATE && state.key == Governor.OVERFLOW_KEY) {
                why = ThrottleReason.OVERFLOW;
              }
              d = Decision.throttled(state, why, value);
            }
            d.shared = true;
            out[events[e++]] = d;
          }
        }
        state.promised -= keyPromise;
      }
      ledger.unreserve(roomPromise - deferred);
      if (e != size) {
        throw new IllegalStateException(
            "the store answered for " + e + " events of '" + state.key + "', asked for " + size);
      }
    }
  }

  private String[] keysOf(KeyState s) {
    String key = options.prefix() + s.tier.name() + ":{" + s.key + "}";
    return config.global.isEmpty() ? new String[] {key} : new String[] {key, globalKey};
  }

  /**
   * Gives back one event's worth per granted decision: the store cannot restore cells exactly
   * once other agents may have booked on them. The key's order is kept as it was (its events
   * after a cancel may come due later than needed, never earlier).
   */
  @Override
  public void cancelAll(List<Decision> granted) {
    long now = clock.nanoTime();
    Map<KeyState, int[]> byState = new IdentityHashMap<>();
    List<Decision> fromFallback = new ArrayList<>();
    for (int i = granted.size() - 1; i >= 0; i--) {
      Decision d = granted.get(i);
      if (!d.shared) {
        fromFallback.add(0, d);
        continue;
      }
      KeyState s = d.state;
      if (s == null) {
        continue;
      }
      synchronized (s) {
        if (d.disposition() == Disposition.BATCHED) {
          s.removeLastPending(d.atNanos());
          ledger.remove(d.atNanos(), now);
        }
      }
      int[] counts = byState.computeIfAbsent(s, x -> new int[2]);
      counts[0]++;
      counts[1] += d.chargedGlobal ? 1 : 0;
    }
    if (local != null && !fromFallback.isEmpty()) {
      local.cancelAll(fromFallback);
    }
    if (byState.isEmpty()) {
      return;
    }
    List<SharedCall> refunds = new ArrayList<>(byState.size());
    for (Map.Entry<KeyState, int[]> e : byState.entrySet()) {
      KeyState s = e.getKey();
      String[] limits = limitArgs.get(s.tier);
      String[] argv = new String[11 + limits.length];
      java.util.Arrays.fill(argv, 0, 11, "");
      argv[2] = "refund";
      argv[3] = Integer.toString(e.getValue()[0]);
      argv[6] = Integer.toString(e.getValue()[1]);
      argv[10] = ttlMillis;
      if (!storeClock) {
        argv[0] = Long.toString(Math.floorDiv(now, 1_000_000_000L));
        argv[1] = Long.toString(Math.floorMod(now, 1_000_000_000L));
      }
      System.arraycopy(limits, 0, argv, 11, limits.length);
      refunds.add(new SharedCall(keysOf(s), argv));
    }
    try {
      store.run(SharedScript.DECIDE, refunds);
      calls.add(refunds.size());
      roundTrips.increment();
    } catch (SharedStoreException e) {
      // The refund is lost: those keys admit a little less for a while. Counted, not retried.
      failures.increment();
      LOG.debug("could not give back a cancelled batch's bookings", e);
    }
  }

  private void fallback(int n, String[] keys, String[] tiers, boolean[] lows, boolean cancellable,
      Decision[] out, long now) {
    fallbackDecisions.add(n);
    switch (options.onFailure()) {
      case LOCAL:
        local.decideAll(n, keys, tiers, lows, cancellable, out);
        return;
      case OPEN:
        for (int i = 0; i < n; i++) {
          out[i] = Decision.unbooked(keys[i], null, now, 0);
        }
        return;
      default:
        for (int i = 0; i < n; i++) {
          out[i] = Decision.unbooked(keys[i], ThrottleReason.STORE, now, options.openNanos());
        }
    }
  }

  private void storeFailed(long now, SharedStoreException e) {
    failures.increment();
    StoreBreaker.State left = breaker.failed(now);
    if (left != null) {
      LOG.warn(
          "the shared store failed ({}); not asking it for {} ms, deciding with onFailure = {}",
          e.getMessage(),
          TimeUnit.NANOSECONDS.toMillis(options.openNanos()),
          options.onFailure().name().toLowerCase(java.util.Locale.ROOT));
    }
  }

  private void storeAnswered() {
    StoreBreaker.State left = breaker.succeeded();
    if (left != null) {
      LOG.warn("the shared store answers again; deciding with it");
    }
  }

  @Override
  public long keyCount() {
    return states.estimatedSize();
  }

  @Override
  public long deferredDepth() {
    long own = ledger.depth(clock.nanoTime());
    return local == null ? own : own + local.deferredDepth();
  }

  @Override
  public double deferredFill() {
    return config.maxDeferred == 0 ? 1.0
        : Math.min(1.0, (double) deferredDepth() / config.maxDeferred);
  }

  /** Calls to the store (one per key of a batch). */
  public long calls() {
    return calls.sum();
  }

  /** Round trips to the store (one per batch that reached it). */
  public long roundTrips() {
    return roundTrips.sum();
  }

  /** Batches the store could not decide (and refunds it could not take). */
  public long failures() {
    return failures.sum();
  }

  /** Events decided by {@code onFailure} instead of the store. */
  public long fallbackDecisions() {
    return fallbackDecisions.sum();
  }

  /** 0 closed (the store decides), 1 open (onFailure decides), 2 half-open (probing). */
  public int breakerState() {
    return breaker.state().ordinal();
  }

  /** Times the breaker changed state. */
  public long breakerTransitions() {
    return breaker.transitions();
  }

  /** Round-trip times of the batches the store decided, in microseconds, over the last minute. */
  public Histogram roundTripMicros() {
    return roundTripMicros;
  }

  /** Runs pending expiry of remembered keys now. */
  public void cleanUp() {
    states.cleanUp();
  }

  @Override
  public void close() {
    store.close();
  }
}
