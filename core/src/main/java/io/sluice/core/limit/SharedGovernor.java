package io.sluice.core.limit;

import com.codahale.metrics.Histogram;
import com.codahale.metrics.SlidingTimeWindowArrayReservoir;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.sluice.core.Disposition;
import io.sluice.core.metrics.BucketedHistogram;
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
 * <p>Round trips: one per batch. A batch's events are grouped by key, each key's events in their
 * order, and the groups decided one after another in one call (with a Cluster, one call per
 * slot, sent together).
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

  /**
   * How to name things in the store, what to do when it is out of reach, and how many tokens of
   * a key to lease at once ({@code 0}: none; see {@link #decideAll}).
   */
  public record Options(String prefix, OnFailure onFailure, int expectedAgents,
      int failuresToOpen, long openNanos, int leaseSize) {}

  /** How long leased tokens may be spent; those left then are wasted (the store counted them). */
  static final long LEASE_NANOS = 1_000_000_000L;

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
  private final SharedCalls encoder;
  /** Deferred events (all keys) from which on low-priority events are shed. */
  private final long shedDepth;
  private final StoreBreaker breaker;
  private final Governor local; // null unless onFailure = local

  private final LongAdder calls = new LongAdder();
  private final LongAdder keysAsked = new LongAdder();
  private final LongAdder roundTrips = new LongAdder();
  private final LongAdder failures = new LongAdder();
  private final LongAdder fallbackDecisions = new LongAdder();
  private final LongAdder leaseHits = new LongAdder();
  private final Histogram roundTripMicros = new BucketedHistogram(
      new SlidingTimeWindowArrayReservoir(1, TimeUnit.MINUTES), TimeUnit.MICROSECONDS);

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
    }
    this.newKeys = config.newKeyLimit.isEmpty() ? null : new Buckets(config.newKeyLimit, now);
    this.ledger = new DeferredLedger(config.maxDeferred, config.maxDelayNanos, now);
    this.floors = new DueFloors(config.maxDeferred);
    // Redis forgets a key on its own clock; on a test's clock, which jumps, it must not.
    long ttlMillis = storeClock
        ? Math.max(1, LongMath.ceilDiv(config.effectiveIdleNanos(), 1_000_000L))
        : 3_600_000L;
    this.encoder = new SharedCalls(config, options.prefix(), ttlMillis, storeClock);
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
    Map<String, Group> groups = group(n, keys, tiers, lows, now, out);
    if (groups.isEmpty()) {
      return; // every event was admitted from a lease
    }
    if (!breaker.tryCall(now)) {
      fallback(groups, keys, tiers, lows, cancellable, out, now);
      return;
    }
    List<Call> batch = callsFor(groups.values());
    List<SharedCall> sent = new ArrayList<>(batch.size());
    for (Call c : batch) {
      sent.add(c.prepare(now));
    }
    List<byte[]> answers;
    long start = System.nanoTime();
    try {
      answers = store.run(SharedScript.DECIDE, sent);
    } catch (RuntimeException e) { // whatever went wrong, the promises and the probe are given back
      batch.forEach(Call::release);
      storeFailed(now, e);
      fallback(groups, keys, tiers, lows, cancellable, out, now);
      return;
    }
    roundTripMicros.update((System.nanoTime() - start) / 1000);
    roundTrips.increment();
    calls.add(batch.size());
    keysAsked.add(groups.size());
    storeAnswered();
    for (int i = 0; i < batch.size(); i++) {
      batch.get(i).settle(new SharedAnswer(answers.get(i)), now, out);
    }
  }

  /** The groups as calls: one for all, or one per partition of the store (a Cluster's slot). */
  private List<Call> callsFor(Iterable<Group> groups) {
    Map<Integer, Call> byPartition = new LinkedHashMap<>();
    for (Group g : groups) {
      byPartition.computeIfAbsent(store.partitionOf(encoder.keyOf(g.state)), p -> new Call())
          .groups.add(g);
    }
    return new ArrayList<>(byPartition.values());
  }

  /**
   * The batch's events by key (and tier), in order, for one call each; events admitted from a
   * lease are decided here and left out.
   */
  private Map<String, Group> group(
      int n, String[] keys, String[] tiers, boolean[] lows, long now, Decision[] out) {
    Map<String, Group> groups = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      Tier tier = tiers[i] == null ? config.defaultTier
          : config.tiers.getOrDefault(tiers[i], config.defaultTier);
      String mapKey = tier == config.defaultTier ? keys[i] : tier.name() + '\u0000' + keys[i];
      Group g = groups.get(mapKey);
      if (g == null) {
        g = new Group(mapKey, stateFor(mapKey, keys[i], tier, now), n - i);
        groups.put(mapKey, g);
      }
      if (g.size == 0 && options.leaseSize() > 0 && spendLease(g.state, now)) {
        out[i] = Decision.processed(g.state, now, !config.global.isEmpty());
        out[i].shared = true;
        continue;
      }
      g.add(i, lows[i]);
    }
    groups.values().removeIf(g -> g.size == 0);
    return groups;
  }

  /**
   * Spends one leased token of {@code s}, if it has one still valid: an event admitted now without
   * asking the store. Only before any event of the key in the batch has gone to the store, so a
   * key's events keep their order in this agent.
   */
  private boolean spendLease(KeyState s, long now) {
    synchronized (s) {
      if (s.lease > 0 && now - s.leaseUntil < 0) {
        s.lease--;
        leaseHits.increment();
        return true;
      }
      s.lease = 0;
      return false;
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
    boolean leasing;

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

    /** Promises this group its key's share of the deferred room (and a lease); its arguments. */
    SharedCalls.GroupArgs prepare(long now) {
      long floor;
      synchronized (state) {
        state.releaseDue(now);
        keyPromise = (int) Math.max(0, Math.min(size,
            config.maxDeferredPerKey - state.pendingCount() - state.promised));
        state.promised += keyPromise;
        floor = state.lastDue();
        // One lease in flight per key: an agent never holds more than leaseSize of a key's tokens.
        leasing = options.leaseSize() > 0 && !state.leasing;
        state.leasing |= leasing;
      }
      return new SharedCalls.GroupArgs(state, size, anyLow ? lows.toString() : "", keyPromise,
          floor > now ? floor - now : 0, leasing ? options.leaseSize() : 0);
    }

    /** Gives back the promises of a call that got no answer. */
    void release() {
      synchronized (state) {
        state.promised -= keyPromise;
        state.leasing &= !leasing;
      }
    }

    /**
     * Turns this group's part of the store's answer into decisions, and settles the promises with
     * it; returns how many events it deferred.
     */
    int settle(SharedAnswer answer, long storeSec, long storeNs, long now, Decision[] out) {
      boolean global = !config.global.isEmpty();
      int leased = answer.nextInt();
      int runs = answer.nextInt();
      int e = 0;
      int deferred = 0;
      synchronized (state) {
        if (leasing) {
          state.lease += leased;
          state.leaseUntil = now + LEASE_NANOS;
          state.leasing = false;
        }
        for (int r = 0; r < runs; r++) {
          int code = answer.nextInt();
          long count = answer.next();
          long value = answer.next();
          for (long c = 0; c < count; c++) {
            Decision d;
            if (code == 0) {
              d = Decision.processed(state, now, global);
            } else if (code == 1) {
              long due = now + value;
              long label = storeClock
                  ? storeSec * 1000 + LongMath.ceilDiv(storeNs + value, 1_000_000L)
                  : labels.label(due);
              state.addPending(due);
              ledger.settle(due);
              deferred++;
              if (state.key == Governor.OVERFLOW_KEY) {
                floors.record(mapKey, due, now);
              }
              d = Decision.batched(state, due, label, global);
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
      if (e != size) {
        throw new IllegalStateException(
            "the store answered for " + e + " events of '" + state.key + "', asked for " + size);
      }
      return deferred;
    }
  }

  /** The groups of one call, and the deferred room promised to it. */
  private final class Call {
    final List<Group> groups = new ArrayList<>();
    int roomPromise;

    SharedCall prepare(long now) {
      List<SharedCalls.GroupArgs> args = new ArrayList<>(groups.size());
      int keyPromises = 0;
      for (Group g : groups) {
        SharedCalls.GroupArgs a = g.prepare(now);
        keyPromises += a.keyRoom();
        args.add(a);
      }
      long depth = ledger.depth(now);
      roomPromise = ledger.reserve(keyPromises, now);
      return encoder.decide(args, now, roomPromise, Math.max(0, shedDepth - depth));
    }

    void release() {
      groups.forEach(Group::release);
      ledger.unreserve(roomPromise);
    }

    void settle(SharedAnswer answer, long now, Decision[] out) {
      long storeSec = answer.next();
      long storeNs = answer.next();
      int deferred = 0;
      for (Group g : groups) {
        deferred += g.settle(answer, storeSec, storeNs, now, out);
      }
      ledger.unreserve(roomPromise - deferred);
    }
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
    Map<Integer, List<SharedCalls.GroupArgs>> byPartition = new LinkedHashMap<>();
    for (Map.Entry<KeyState, int[]> e : byState.entrySet()) {
      KeyState s = e.getKey();
      byPartition.computeIfAbsent(store.partitionOf(encoder.keyOf(s)), p -> new ArrayList<>())
          .add(new SharedCalls.GroupArgs(s, e.getValue()[0], "", e.getValue()[1], 0, 0));
    }
    List<SharedCall> refunds = new ArrayList<>(byPartition.size());
    for (List<SharedCalls.GroupArgs> part : byPartition.values()) {
      refunds.add(encoder.refund(part, now));
    }
    try {
      store.run(SharedScript.DECIDE, refunds);
      calls.add(refunds.size());
      roundTrips.increment();
    } catch (RuntimeException e) {
      // The refund is lost: those keys admit a little less for a while. Counted, not retried.
      failures.increment();
      LOG.debug("could not give back a cancelled batch's bookings", e);
    }
  }

  /** Decides the events of {@code groups} by {@code onFailure}, as the store could not. */
  private void fallback(Map<String, Group> groups, String[] keys, String[] tiers, boolean[] lows,
      boolean cancellable, Decision[] out, long now) {
    int m = 0;
    for (Group g : groups.values()) {
      m += g.size;
    }
    int[] events = new int[m];
    int k = 0;
    for (Group g : groups.values()) {
      System.arraycopy(g.events, 0, events, k, g.size);
      k += g.size;
    }
    java.util.Arrays.sort(events); // the batch's order, for the local governor
    fallbackDecisions.add(m);
    switch (options.onFailure()) {
      case LOCAL:
        String[] k2 = new String[m];
        String[] t2 = new String[m];
        boolean[] l2 = new boolean[m];
        for (int j = 0; j < m; j++) {
          k2[j] = keys[events[j]];
          t2[j] = tiers[events[j]];
          l2[j] = lows[events[j]];
        }
        Decision[] d2 = new Decision[m];
        local.decideAll(m, k2, t2, l2, cancellable, d2);
        for (int j = 0; j < m; j++) {
          out[events[j]] = d2[j];
        }
        return;
      case OPEN:
        for (int e : events) {
          out[e] = Decision.unbooked(keys[e], null, now, 0);
        }
        return;
      default:
        for (int e : events) {
          out[e] = Decision.unbooked(keys[e], ThrottleReason.STORE, now, options.openNanos());
        }
    }
  }

  private void storeFailed(long now, RuntimeException e) {
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

  /** Calls to the store: one per batch (one per slot of a batch with a Cluster). */
  public long calls() {
    return calls.sum();
  }

  /** Keys asked about: one per key of a batch. */
  public long keysAsked() {
    return keysAsked.sum();
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

  /** Events admitted from leased tokens, without a call to the store. */
  public long leaseHits() {
    return leaseHits.sum();
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
