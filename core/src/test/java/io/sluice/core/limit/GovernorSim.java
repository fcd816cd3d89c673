package io.sluice.core.limit;

import static org.junit.jupiter.api.Assertions.fail;

import io.sluice.core.Disposition;
import io.sluice.core.time.ManualClock;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;

/**
 * Test support for the governor properties: generators of limits, configurations and arrival
 * processes, a driver that runs them on a {@link ManualClock}, and exact (integer) checkers for
 * the GCRA bounds.
 */
final class GovernorSim {

  static final long EPOCH_MS = 1_700_000_000_000L;
  static final String[] KEYS = {"k0", "k1", "k2", "k3"};
  /** Tier names events carry: none (default tier), the default by name, a second tier, unknown. */
  static final String[] TIER_NAMES = {null, "default", "gold", "bogus"};

  private static final RandomDistribution UNIFORM = RandomDistribution.uniform();

  private GovernorSim() {}

  // ---------------------------------------------------------------------------------------------
  // Generators

  /** count 1..100000 per s, m or h; burst 1..2*count. */
  static Arbitrary<Rate> rate() {
    Arbitrary<Long> count =
        Arbitraries.frequencyOf(
            Tuple.of(2, Arbitraries.longs().between(1, 100_000).withDistribution(UNIFORM)),
            Tuple.of(2, Arbitraries.longs().between(1, 20)),
            Tuple.of(1, Arbitraries.of(1L, 3L, 7L, 1000L, 3000L, 100_000L)));
    return count.flatMap(
        c ->
            Combinators.combine(
                    Arbitraries.frequency(Tuple.of(4, "s"), Tuple.of(1, "m"), Tuple.of(1, "h")),
                    Arbitraries.frequencyOf(
                        Tuple.of(4, Arbitraries.longs().between(1, Math.min(2 * c, 8))),
                        Tuple.of(1, Arbitraries.longs().between(1, 2 * c)),
                        Tuple.of(1, Arbitraries.of(1L, c, 2 * c))))
                .as((u, b) -> Rate.of(c, u, b)));
  }

  static String unitOf(Rate r) {
    long p = r.periodNanos();
    return p == 1_000_000_000L ? "s" : p == 60_000_000_000L ? "m" : "h";
  }

  static Arbitrary<List<Rate>> rates(int min, int max) {
    return rate().list().ofMinSize(min).ofMaxSize(max);
  }

  /** 0..5 s, with weight on 0, on tiny values and on the whole range. */
  static Arbitrary<Long> maxDelayNanos() {
    return Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.just(0L)),
        Tuple.of(2, Arbitraries.longs().between(1, 1_000_000)),
        Tuple.of(6, Arbitraries.longs().between(1_000_000, 5_000_000_000L).withDistribution(UNIFORM)),
        Tuple.of(1, Arbitraries.just(5_000_000_000L)));
  }

  /** How the gap before a step is chosen (see {@link Scenario#gap}). */
  static Arbitrary<Integer> gapKind() {
    return Arbitraries.frequency(
        Tuple.of(3, 0), // same instant
        Tuple.of(3, 1), // a few ns to a few us
        Tuple.of(8, 2), // a fraction (0..3) of one limit's emission interval
        Tuple.of(1, 3), // exactly the effective idle time, +-1 ns
        Tuple.of(1, 4), // exactly maxDelay, +-1 ns
        Tuple.of(1, 5)); // a whole number of emission intervals
  }

  static Arbitrary<Step> step() {
    return Combinators.combine(
            gapKind(),
            Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.doubles().between(0, 0.3).withDistribution(UNIFORM)),
                Tuple.of(2, Arbitraries.doubles().between(0, 3).withDistribution(UNIFORM))),
            Arbitraries.longs().between(1, 5_000),
            Arbitraries.integers().between(0, KEYS.length - 1),
            Arbitraries.integers().between(0, TIER_NAMES.length - 1),
            Arbitraries.of(false, true),
            Arbitraries.frequency(Tuple.of(6, 1), Tuple.of(2, 3), Tuple.of(1, 12), Tuple.of(1, 40)),
            Arbitraries.integers().between(0, 7))
        .as(Step::new);
  }

  static Arbitrary<Knobs> knobs() {
    return Combinators.combine(
            Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.just(1_000_000L)),
                Tuple.of(2, Arbitraries.longs().between(0, 40))),
            Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.just(1_000_000L)),
                Tuple.of(2, Arbitraries.longs().between(0, 15))),
            Arbitraries.oneOf(Arbitraries.of(0.0, 0.5, 1.0), Arbitraries.doubles().between(0, 1)),
            Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.just(List.<Rate>of())),
                Tuple.of(1, Arbitraries.of(List.of(Rate.of(2, "s")), List.of(Rate.of(5, "m", 3))))),
            Arbitraries.of(true, false))
        .as(Knobs::new);
  }

  /** Random limits, knobs and an arrival process of up to 80 steps (each 1..12 events). */
  static Arbitrary<Scenario> scenarios() {
    return Combinators.combine(
            rates(1, 3),
            rates(0, 2),
            rates(0, 2),
            maxDelayNanos(),
            knobs(),
            step().list().ofMinSize(1).ofMaxSize(80))
        .as(Scenario::new);
  }

  // ---------------------------------------------------------------------------------------------
  // Model

  record Step(
      int gapKind, double fraction, long small, int key, int tier, boolean low, int repeat,
      int scale) {
    String keyName() {
      return KEYS[key];
    }

    String tierName() {
      return TIER_NAMES[tier];
    }
  }

  /** Deferred room and key-creation knobs. */
  record Knobs(
      long maxDeferred, long maxDeferredPerKey, double shed, List<Rate> newKeyLimit,
      boolean idleZero) {}

  record Scenario(
      List<Rate> tier, List<Rate> gold, List<Rate> global, long maxDelayNanos, Knobs knobs,
      List<Step> steps) {

    GovernorConfig.Builder builder() {
      GovernorConfig.Builder b =
          GovernorConfig.builder()
              .tier("default", tier)
              .global(global)
              .maxDelay(Duration.ofNanos(maxDelayNanos))
              .maxDeferred(knobs.maxDeferred())
              .maxDeferredPerKey(knobs.maxDeferredPerKey())
              .shedThreshold(knobs.shed())
              .newKeyLimit(knobs.newKeyLimit())
              .idleTimeout(knobs.idleZero() ? Duration.ZERO : Duration.ofMinutes(10));
      if (!gold.isEmpty()) {
        b.tier("gold", gold);
      }
      return b;
    }

    List<Rate> allRates() {
      List<Rate> all = new ArrayList<>(tier);
      all.addAll(gold);
      all.addAll(global);
      return all;
    }

    /** The clock advance before {@code st}. */
    long gap(Step st, GovernorConfig cfg) {
      List<Rate> all = allRates();
      Rate r = all.get(st.scale() % all.size());
      long t = r.periodNanos() / r.count();
      switch (st.gapKind()) {
        case 0:
          return 0;
        case 1:
          return st.small();
        case 2:
          return Math.round(st.fraction() * t);
        case 3:
          return Math.max(0, cfg.effectiveIdleNanos() + (st.small() % 3) - 1);
        case 4:
          return Math.max(0, maxDelayNanos + (st.small() % 3) - 1);
        default:
          return t * (st.small() % 4);
      }
    }
  }

  /** One decision and what it was asked. */
  record Rec(long now, String key, String tierName, Tier tier, boolean low, Decision d) {
    boolean granted() {
      return d.disposition() != Disposition.THROTTLED;
    }

    /** The state that decided: the key's own (per tier) or its tier's overflow state. */
    String stateId() {
      return d.limitKey() + "/" + tier.name();
    }
  }

  /** A governor on a manual clock that records every decision. */
  static final class Run {
    final ManualClock clock = new ManualClock(0, EPOCH_MS);
    final GovernorConfig cfg;
    final Governor gov;
    final List<Rec> recs = new ArrayList<>();

    Run(GovernorConfig cfg) {
      this.cfg = cfg;
      this.gov = new Governor(cfg, clock, 0); // the cache sees exact time: expiry is exact
    }

    Rec decide(String key, String tierName, boolean low) {
      Tier tier = resolve(cfg, tierName);
      Decision d = gov.decide(key, tierName, low);
      Rec r = new Rec(clock.nanoTime(), key, tierName, tier, low, d);
      checkShape(cfg, r);
      recs.add(r);
      return r;
    }

    /** Runs a whole scenario (every step: advance, then {@code repeat} decisions). */
    Run play(Scenario s) {
      for (Step st : s.steps()) {
        clock.advanceNanos(s.gap(st, cfg));
        for (int i = 0; i < st.repeat(); i++) {
          decide(st.keyName(), st.tierName(), st.low());
        }
      }
      return this;
    }
  }

  static Tier resolve(GovernorConfig cfg, String tierName) {
    return tierName == null
        ? cfg.defaultTier()
        : cfg.tiers().getOrDefault(tierName, cfg.defaultTier());
  }

  /** What every single decision must look like, whatever came before. */
  static void checkShape(GovernorConfig cfg, Rec r) {
    Decision d = r.d();
    switch (d.disposition()) {
      case PROCESSED:
        check(d.atNanos() == r.now(), "processed must be admitted now", r);
        check(d.releaseAtMillis() == 0 && d.reason() == null, "processed carries no release", r);
        break;
      case BATCHED:
        long wait = d.atNanos() - r.now();
        check(wait >= 1 && wait <= cfg.maxDelayNanos, "batched due within (now, now+maxDelay]", r);
        check(d.reason() == null, "batched has no reason", r);
        // The epoch label is the due time rounded up to the millisecond (the clocks start
        // together at 0 ns = EPOCH_MS): never before the due time, never a whole ms after it.
        long ceilMs = EPOCH_MS - Math.floorDiv(-d.atNanos(), 1_000_000L);
        check(d.releaseAtMillis() == ceilMs, "releaseAtMillis is the due time, rounded up", r);
        break;
      default:
        check(d.reason() != null && d.retryAfterNanos() >= 1, "throttled has reason and wait", r);
    }
    boolean own = d.limitKey().equals(r.key());
    check(own || d.limitKey().equals(Governor.OVERFLOW_KEY), "limitKey is the key or overflow", r);
    if (d.reason() == ThrottleReason.OVERFLOW) {
      check(!own, "only overflow state throttles for OVERFLOW", r);
    }
    if (d.reason() == ThrottleReason.RATE
        || d.reason() == ThrottleReason.GLOBAL
        || d.reason() == ThrottleReason.OVERFLOW) {
      check(d.retryAfterNanos() > cfg.maxDelayNanos, "rate throttles only beyond maxDelay", r);
    }
    if (d.reason() == ThrottleReason.DEFER_FULL || d.reason() == ThrottleReason.SEVERITY) {
      check(d.retryAfterNanos() <= cfg.maxDelayNanos, "room throttles only within maxDelay", r);
    }
    if (d.reason() == ThrottleReason.SEVERITY) {
      check(r.low(), "only low-priority events are shed for severity", r);
    }
  }

  static void check(boolean ok, String what, Object detail) {
    if (!ok) {
      fail(what + ": " + detail);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Bounds

  /** Admission times of granted decisions, grouped by the state that decided them. */
  static Map<String, List<Rec>> byState(List<Rec> recs) {
    Map<String, List<Rec>> m = new LinkedHashMap<>();
    for (Rec r : recs) {
      if (r.granted()) {
        m.computeIfAbsent(r.stateId(), k -> new ArrayList<>()).add(r);
      }
    }
    return m;
  }

  static long[] admissionTimes(List<Rec> recs) {
    return recs.stream().filter(Rec::granted).mapToLong(r -> r.d().atNanos()).toArray();
  }

  /**
   * Asserts that in every interval {@code [t, t + T]} at most {@code burst + count * T / period}
   * of the given admission times fall, exactly: {@code n * period <= burst * period + count * T}.
   *
   * <p>With the times sorted, the worst interval starts and ends at admissions {@code i <= j},
   * so this is {@code max (j - i + 1) * P - c * (t_j - t_i) <= b * P}, found in one pass with a
   * running minimum of {@code i * P - c * t_i}.
   */
  static void assertUpperBound(String what, Rate r, long[] times) {
    assertUpperBound(what, r, times, 0);
  }

  /** As above with {@code slackNanos} added to every interval: at most burst + rate * (T + slack). */
  static void assertUpperBound(String what, Rate r, long[] times, long slackNanos) {
    String violation = upperBoundViolation(r, times, slackNanos);
    if (violation != null) {
      fail(what + " " + r + ": " + violation);
    }
  }

  /** The first window that breaks the bound, or null. */
  static String upperBoundViolation(Rate r, long[] times) {
    return upperBoundViolation(r, times, 0);
  }

  static String upperBoundViolation(Rate r, long[] times, long slackNanos) {
    if (times.length == 0) {
      return null;
    }
    long[] t = times.clone();
    Arrays.sort(t);
    BigInteger p = BigInteger.valueOf(r.periodNanos());
    BigInteger c = BigInteger.valueOf(r.count());
    BigInteger bound = BigInteger.valueOf(r.burst()).multiply(p)
        .add(c.multiply(BigInteger.valueOf(slackNanos)));
    BigInteger minG = null;
    int minI = 0;
    for (int j = 0; j < t.length; j++) {
      BigInteger ct = c.multiply(BigInteger.valueOf(t[j] - t[0]));
      BigInteger g = BigInteger.valueOf(j).multiply(p).subtract(ct);
      if (minG == null || g.compareTo(minG) < 0) {
        minG = g;
        minI = j;
      }
      BigInteger f = BigInteger.valueOf(j + 1).multiply(p).subtract(ct);
      if (f.subtract(minG).compareTo(bound) > 0) {
        return (j - minI + 1) + " admissions in [" + t[minI] + ", " + t[j] + "] ("
            + (t[j] - t[minI]) + " ns), more than burst + rate * T";
      }
    }
    return null;
  }

  /** Number of sorted times in {@code [from, to]}. */
  static int countIn(long[] sorted, long from, long to) {
    int lo = lowerBound(sorted, from);
    int hi = lowerBound(sorted, to + 1);
    return hi - lo;
  }

  private static int lowerBound(long[] a, long x) {
    int lo = 0;
    int hi = a.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (a[mid] < x) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** Everything a decision says, for comparing two governors. */
  static String describe(Decision d) {
    return d.disposition() + " key=" + d.limitKey() + " at=" + d.atNanos() + " releaseAt="
        + d.releaseAtMillis() + " reason=" + d.reason() + " retry=" + d.retryAfterNanos();
  }
}
