package io.sluice.core.limit;

import static io.sluice.core.limit.GovernorSim.EPOCH_MS;
import static io.sluice.core.limit.GovernorSim.KEYS;
import static io.sluice.core.limit.GovernorSim.TIER_NAMES;
import static io.sluice.core.limit.GovernorSim.check;
import static io.sluice.core.limit.GovernorSim.describe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.core.Disposition;
import io.sluice.core.limit.GovernorSim.Knobs;
import io.sluice.core.limit.GovernorSim.Rec;
import io.sluice.core.limit.GovernorSim.Run;
import io.sluice.core.limit.GovernorSim.Scenario;
import io.sluice.core.limit.GovernorSim.Step;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.statistics.Statistics;

/**
 * Properties of the governor's model (GCRA with reservations), checked on a manual clock with
 * exact integer arithmetic. Seeds are fixed so every run checks the same cases.
 */
class GovernorPropertiesTest {

  @Provide
  Arbitrary<Scenario> scenarios() {
    return GovernorSim.scenarios();
  }

  // ---------------------------------------------------------------------------------------------
  // 1. Upper bound (conformance)

  /**
   * For every limit (each limit of each key's tier, and each global limit) and every interval of
   * admission times, admitted <= burst + rate * T. Processed events count at their decision time,
   * batched ones at their due time.
   */
  @Property(tries = 400, seed = "20240311")
  void admittedNeverExceedsBurstPlusRateTimesInterval(@ForAll("scenarios") Scenario s) {
    Run run = new Run(s.builder().build()).play(s);

    for (Map.Entry<String, List<Rec>> e : GovernorSim.byState(run.recs).entrySet()) {
      List<Rec> recs = e.getValue();
      long[] times = GovernorSim.admissionTimes(recs);
      for (Rate r : recs.get(0).tier().limits()) {
        GovernorSim.assertUpperBound("key state " + e.getKey(), r, times);
      }
    }
    // The global cells are booked at decision time or when they allow (exact bound); the events
    // come due at most maxDelay later (bound with that slack).
    long[] all = GovernorSim.admissionTimes(run.recs);
    long[] charged = run.recs.stream().filter(Rec::granted)
        .mapToLong(r -> r.d().globalChargeNanos).toArray();
    for (Rate r : s.global()) {
      GovernorSim.assertUpperBound("global bookings", r, charged);
      GovernorSim.assertUpperBound("global admissions", r, all, s.maxDelayNanos());
    }
    boolean batched = run.recs.stream().anyMatch(r -> r.d().disposition() == Disposition.BATCHED);
    boolean throttled = run.recs.stream().anyMatch(r -> !r.granted());
    Statistics.label("batched and throttled").collect(batched && throttled);
    Statistics.label("batched and throttled")
        .coverage(c -> c.check(true).percentage(p -> p >= 15));
  }

  /**
   * The checker above is not vacuous: the greediest conformant schedule (burst at once, then one
   * event per emission interval, rounded up to whole ns) passes, and one admission more, or the
   * last one a nanosecond early, is flagged.
   */
  @Property(tries = 300, seed = "7")
  void upperBoundCheckerIsExact(@ForAll("rates") Rate r) {
    int extra = 20;
    long b = r.burst();
    long ceilT = -Math.floorDiv(-r.periodNanos(), r.count());
    long[] ok = new long[(int) b + extra];
    for (int i = 0; i < ok.length; i++) {
      long k = Math.max(0, i - b + 1); // emission intervals after the burst
      // With burst 1 successive admissions must be a whole interval apart; else ceil(k * T).
      ok[i] = b == 1 ? k * ceilT : -Math.floorDiv(-k * r.periodNanos(), r.count());
    }
    assertEquals(null, GovernorSim.upperBoundViolation(r, ok), "conformant schedule flagged");

    long[] more = Arrays.copyOf(ok, ok.length + 1);
    more[ok.length] = ok[ok.length - 1];
    assertTrue(GovernorSim.upperBoundViolation(r, more) != null, "one admission too many passed");

    if (b >= 2) {
      long[] early = ok.clone();
      early[early.length - 1]--;
      assertTrue(GovernorSim.upperBoundViolation(r, early) != null, "early admission passed");
    }
  }

  @Provide
  Arbitrary<Rate> rates() {
    return GovernorSim.rate();
  }

  // ---------------------------------------------------------------------------------------------
  // 2. Lower bound under continuous demand

  record Demand(long count, String unit, long burst, long maxDelayNanos, boolean viaGlobal,
      int keyMultiple, long seed) {
    long emission() {
      return Rate.periodNanos(unit) / count;
    }
  }

  @Provide
  Arbitrary<Demand> demands() {
    Arbitrary<Long> count =
        Arbitraries.oneOf(Arbitraries.longs().between(1, 100_000), Arbitraries.of(1L, 3L, 7L));
    return count.flatMap(
        c ->
            Combinators.combine(
                    Arbitraries.of("s", "m", "h"),
                    Arbitraries.longs().between(2, Math.max(2, Math.min(2 * c, 64))),
                    Arbitraries.frequencyOf(
                        Tuple.of(1, Arbitraries.longs().between(1, 1_000_000)),
                        Tuple.of(4, Arbitraries.longs().between(1_000_000, 5_000_000_000L)
                            .withDistribution(RandomDistribution.uniform()))),
                    Arbitraries.of(false, true),
                    Arbitraries.integers().between(1, 4),
                    Arbitraries.longs())
                .as((u, b, d, g, m, seed) -> new Demand(c, u, b, d, g, m, seed)));
  }

  /**
   * An event offered at every step, steps much smaller than the emission interval (and no larger
   * than maxDelay, so every token can be reserved as soon as it comes within reach): in every
   * window of length W inside the offered period at least rate * W - 1 events are admitted
   * (processed or batched), i.e. {@code n * P >= c * W - P}. With {@code viaGlobal} the binding
   * limit is the global one and the demand is spread over four keys whose own tiers are looser.
   */
  @Property(tries = 300, seed = "424242")
  void continuousDemandIsAdmittedAtTheFullRate(@ForAll("demands") Demand dm) {
    long span = offerContinuously(dm, 8, 300, 6_000);
    Statistics.label("offered for >= 10 emission intervals").collect(span >= 10 * dm.emission());
    Statistics.label("offered for >= 10 emission intervals")
        .coverage(c -> c.check(true).percentage(p -> p >= 40));
  }

  @Provide
  Arbitrary<Demand> fastDemands() {
    return Combinators.combine(
            Arbitraries.longs().between(40_000, 100_000).withDistribution(RandomDistribution.uniform()),
            Arbitraries.longs().between(2, 64),
            Arbitraries.longs().between(1_000_000, 1_000_000_000L)
                .withDistribution(RandomDistribution.uniform()),
            Arbitraries.of(false, true),
            Arbitraries.integers().between(1, 4),
            Arbitraries.longs())
        .as((c, b, d, g, m, seed) -> new Demand(c, "s", b, d, g, m, seed));
  }

  /**
   * The same over more emission intervals than an interval has nanoseconds (~47000 admissions
   * at 40000..100000/s, steps of 1/8 to 1/4 interval): rounding the interval to whole
   * nanoseconds anywhere would lose whole events over such a window and fail the bound.
   */
  @Property(tries = 6, seed = "4243")
  void continuousDemandDoesNotDriftOverManyIntervals(@ForAll("fastDemands") Demand dm) {
    long span = offerContinuously(dm, 4, 250_000, 250_000);
    assertTrue(span / dm.emission() > dm.emission(), "window too short to see drift: " + span);
  }

  /**
   * Offers one event per step (steps of emission / stepDivisor at most, and at most maxDelay),
   * then checks the upper bound and, for windows of several lengths, the lower bound.
   *
   * @return the length of the offered period
   */
  private static long offerContinuously(Demand dm, long stepDivisor, int minSteps, int maxSteps) {
    Rate limit = Rate.of(dm.count(), dm.unit(), dm.burst());
    GovernorConfig.Builder b =
        GovernorConfig.builder()
            .maxDelay(Duration.ofNanos(dm.maxDelayNanos()))
            .maxDeferred(GovernorConfig.MAX_DEFERRED)
            .maxDeferredPerKey(GovernorConfig.MAX_DEFERRED)
            .newKeyLimit(List.of());
    if (dm.viaGlobal()) {
      int m = dm.keyMultiple();
      b.tier("default", List.of(Rate.of(dm.count() * m, dm.unit(), dm.burst() * m)));
      b.global(List.of(limit));
    } else {
      b.tier("default", List.of(limit));
    }
    Run run = new Run(b.build());

    long t = dm.emission();
    long hi = Math.max(1, Math.min(t / stepDivisor, dm.maxDelayNanos()));
    long lo = Math.max(1, hi / 2);
    long steps = Math.max(minSteps, Math.min(maxSteps, 40 * t / ((lo + hi) / 2)));
    SplittableRandom rnd = new SplittableRandom(dm.seed());
    run.clock.advanceNanos(rnd.nextLong(0, 1_000_000_000L));
    long start = run.clock.nanoTime();
    long[] times = new long[(int) steps];
    int n = 0;
    long end = start;
    for (int i = 0; i < steps; i++) {
      String key = dm.viaGlobal() ? KEYS[rnd.nextInt(KEYS.length)] : "k";
      end = run.clock.nanoTime();
      Decision d = run.gov.decide(key, null, false);
      if (d.disposition() != Disposition.THROTTLED) {
        times[n++] = d.atNanos();
      } else {
        check(d.reason() == ThrottleReason.RATE || d.reason() == ThrottleReason.GLOBAL,
            "only rate throttles under continuous demand", d);
      }
      run.clock.advanceNanos(rnd.nextLong(lo, hi + 1));
    }
    times = Arrays.copyOf(times, n);
    Arrays.sort(times);
    GovernorSim.assertUpperBound("continuous demand", limit, times);

    long span = end - start;
    long[] windows = {span, span / 2, Math.min(span, 10 * t), Math.min(span, 3 * t)};
    for (long w : windows) {
      if (w > 0) {
        checkLowerBound(limit, times, start, end, w);
      }
    }
    return span;
  }

  /** Every window [s, s + w] inside [start, end]; the emptiest start just after an admission. */
  private static void checkLowerBound(Rate r, long[] sorted, long start, long end, long w) {
    List<Long> starts = new ArrayList<>();
    starts.add(start);
    for (long a : sorted) {
      if (a + 1 >= start && a + 1 + w <= end) {
        starts.add(a + 1);
      }
    }
    for (long s : starts) {
      if (s + w > end) {
        continue;
      }
      int n = GovernorSim.countIn(sorted, s, s + w);
      // n >= c * w / P - 1, exactly
      java.math.BigInteger lhs =
          java.math.BigInteger.valueOf(n + 1L).multiply(java.math.BigInteger.valueOf(r.periodNanos()));
      java.math.BigInteger rhs =
          java.math.BigInteger.valueOf(r.count()).multiply(java.math.BigInteger.valueOf(w));
      check(lhs.compareTo(rhs) >= 0,
          "only " + n + " admitted in [" + s + ", " + (s + w) + "] under " + r, r);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // 3. Order within a key

  /**
   * The admission times of successive granted decisions of one key state are non-decreasing: a key
   * with deferred events pending never gets a processed decision (admitted now) before they are
   * due, and never a reservation before an earlier one. Checked with two tiers of different limits,
   * with and without (tighter or looser) global limits, and for the overflow state too. The epoch
   * label of batched events never goes backwards either.
   */
  @Property(tries = 400, seed = "31337")
  void reservationsOfOneKeyComeDueInOrder(@ForAll("scenarios") Scenario s) {
    Run run = new Run(s.builder().build()).play(s);
    assertInOrder(run.recs);
  }

  /**
   * The same with batches of decisions partly cancelled, newest first, after other events were
   * decided in between (as when one thread's batch is pushed back to its sender while another
   * thread goes on): the decisions that stand still come due in order per key.
   */
  @Property(tries = 300, seed = "31338")
  void reservationsComeDueInOrderAlsoAroundCancels(
      @ForAll("scenarios") Scenario s,
      @ForAll @Size(max = 80) List<@IntRange(min = 0, max = 8) Integer> batches) {
    GovernorConfig cfg = s.builder().build();
    Run run = new Run(cfg);
    for (int i = 0; i < s.steps().size(); i++) {
      Step st = s.steps().get(i);
      run.clock.advanceNanos(s.gap(st, cfg));
      int k = i < batches.size() ? batches.get(i) : 0;
      List<Decision> booked = new ArrayList<>();
      for (int j = 0; j < k; j++) {
        booked.add(run.gov.decide(KEYS[(st.key() + j) % KEYS.length],
            TIER_NAMES[(st.tier() + j) % TIER_NAMES.length], st.low()));
      }
      // Another "thread" decides its events in between; they stand.
      int batchAt = run.recs.size();
      for (int j = 0; j < st.repeat(); j++) {
        run.decide(st.keyName(), st.tierName(), st.low());
      }
      // Then the first batch is cut short: its newest part is cancelled, the rest stands.
      int keep = k == 0 ? 0 : (int) (st.small() % (k + 1));
      for (int j = booked.size() - 1; j >= keep; j--) {
        run.gov.cancel(booked.get(j));
      }
      // In decision order: the kept part of the batch was decided before the step's own events.
      for (int j = keep - 1; j >= 0; j--) {
        String tierName = TIER_NAMES[(st.tier() + j) % TIER_NAMES.length];
        run.recs.add(batchAt, new Rec(run.clock.nanoTime(), KEYS[(st.key() + j) % KEYS.length],
            tierName, GovernorSim.resolve(cfg, tierName), st.low(), booked.get(j)));
      }
    }
    assertInOrder(run.recs);
  }

  /**
   * Granted decisions of one key state (in decision order) have non-decreasing admission times,
   * and their epoch labels never go backwards.
   */
  private static void assertInOrder(List<Rec> recs) {
    Map<String, Long> lastAt = new HashMap<>();
    Map<String, Long> lastRelease = new HashMap<>();
    for (Rec r : recs) {
      if (!r.granted()) {
        continue;
      }
      Long prev = lastAt.put(r.stateId(), r.d().atNanos());
      if (prev != null) {
        check(r.d().atNanos() >= prev,
            "admitted at " + r.d().atNanos() + " before an earlier event due at " + prev, r);
      }
      if (r.d().disposition() == Disposition.BATCHED) {
        Long prevRelease = lastRelease.put(r.stateId(), r.d().releaseAtMillis());
        if (prevRelease != null) {
          check(r.d().releaseAtMillis() >= prevRelease, "releaseAt went backwards", r);
        }
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // 4. Retry-after exactness

  /**
   * A decision throttled for RATE or GLOBAL at t with retryAfter w is a promise: nothing changes
   * for the key until t + w - maxDelay - 1 (still throttled, now w' = maxDelay + 1), and at
   * t + w - maxDelay the event is granted for exactly t + w (processed when maxDelay is 0).
   */
  @Property(tries = 400, seed = "8675309")
  void retryAfterIsExact(@ForAll("scenarios") Scenario s) {
    GovernorConfig cfg =
        s.builder()
            .maxDeferred(GovernorConfig.MAX_DEFERRED)
            .maxDeferredPerKey(GovernorConfig.MAX_DEFERRED)
            .newKeyLimit(List.of())
            .build();
    Run run = new Run(cfg);
    long d = cfg.maxDelayNanos;
    int checks = 0;
    for (Step st : s.steps()) {
      run.clock.advanceNanos(s.gap(st, cfg));
      for (int i = 0; i < st.repeat(); i++) {
        Rec r = run.decide(st.keyName(), st.tierName(), false);
        ThrottleReason why = r.d().reason();
        if (why != ThrottleReason.RATE && why != ThrottleReason.GLOBAL) {
          continue;
        }
        checks++;
        long w = r.d().retryAfterNanos();
        long dueAt = r.now() + w;
        long x = w - d; // >= 1
        if (x > 1) {
          run.clock.advanceNanos(x - 1);
          Rec early = run.decide(st.keyName(), st.tierName(), false);
          check(early.d().disposition() == Disposition.THROTTLED && early.d().reason() == why,
              "granted 1 ns before retryAfter allowed it (first refusal " + r + ")", early);
          check(early.d().retryAfterNanos() == d + 1, "retryAfter did not count down", early);
        }
        run.clock.setNanos(dueAt - d);
        Rec onTime = run.decide(st.keyName(), st.tierName(), false);
        Disposition expected = d == 0 ? Disposition.PROCESSED : Disposition.BATCHED;
        check(onTime.d().disposition() == expected && onTime.d().atNanos() == dueAt,
            "not admitted for " + dueAt + " at retryAfter (first refusal " + r + ")", onTime);
      }
    }
    Statistics.label("retry-after checked").collect(checks > 0);
    Statistics.label("retry-after checked")
        .coverage(c -> c.check(true).percentage(p -> p >= 30));
  }

  // ---------------------------------------------------------------------------------------------
  // 5. Cancel restores

  /**
   * Deciding k events and cancelling them newest first leaves no trace: a governor that did so
   * before some steps makes exactly the decisions of one that never saw those events. New keys
   * are not limited here (creating a key is not a booking that cancel gives back). Decisions are
   * made cancellable, as the interceptor does when throttled events reject their batch.
   */
  @Property(tries = 400, seed = "271828")
  void cancelNewestFirstRestoresTheFuture(
      @ForAll("scenarios") Scenario s,
      @ForAll @Size(max = 80) List<@IntRange(min = 0, max = 6) Integer> batches) {
    GovernorConfig cfg = s.builder().newKeyLimit(List.of()).build();
    Run cancelling = new Run(cfg);
    Run reference = new Run(cfg);
    int cancelled = 0;
    for (int i = 0; i < s.steps().size(); i++) {
      Step st = s.steps().get(i);
      long gap = s.gap(st, cfg);
      cancelling.clock.advanceNanos(gap);
      reference.clock.advanceNanos(gap);

      int k = i < batches.size() ? batches.get(i) : 0;
      List<Decision> booked = new ArrayList<>();
      for (int j = 0; j < k; j++) {
        booked.add(
            cancelling.gov.decide(
                KEYS[(st.key() + j) % KEYS.length],
                TIER_NAMES[(st.tier() + j) % TIER_NAMES.length],
                st.low(),
                true));
      }
      for (int j = booked.size() - 1; j >= 0; j--) {
        cancelling.gov.cancel(booked.get(j));
        cancelled++;
      }

      for (int j = 0; j < st.repeat(); j++) {
        Rec a = cancelling.decide(st.keyName(), st.tierName(), st.low());
        Rec e = reference.decide(st.keyName(), st.tierName(), st.low());
        assertEquals(describe(e.d()), describe(a.d()),
            "after " + cancelled + " cancelled decisions, step " + i + " " + st);
      }
      assertEquals(reference.gov.deferredDepth(), cancelling.gov.deferredDepth(), "deferred depth");
    }
    Statistics.label("cancelled").collect(cancelled > 0);
    Statistics.label("cancelled").coverage(c -> c.check(true).percentage(p -> p >= 50));
  }

  // ---------------------------------------------------------------------------------------------
  // 6. Deferred room and severity shedding

  @Provide
  Arbitrary<Scenario> roomScenarios() {
    return Combinators.combine(
            GovernorSim.scenarios(),
            Arbitraries.longs().between(0, 30),
            Arbitraries.longs().between(0, 12),
            Arbitraries.oneOf(Arbitraries.of(0.0, 0.25, 1.0), Arbitraries.doubles().between(0, 1)),
            Arbitraries.longs().between(1_000_000, 5_000_000_000L)
                .withDistribution(RandomDistribution.uniform()))
        .as(
            (s, max, perKey, shed, delay) ->
                new Scenario(s.tier(), s.gold(), s.global(), delay,
                    new Knobs(max, perKey, shed, s.knobs().newKeyLimit(), s.knobs().idleZero()),
                    s.steps()));
  }

  /**
   * defer.maxEvents (deferredDepth) and defer.maxEventsPerKey are never exceeded; an event that
   * needs deferring when there is no room is throttled with DEFER_FULL; low-priority events that
   * need deferring are shed (SEVERITY) exactly when the fill is at or above the threshold; events
   * that are not low priority are never shed for severity.
   */
  @Property(tries = 400, seed = "1618")
  void deferredRoomIsNeverExceeded(@ForAll("roomScenarios") Scenario s) {
    GovernorConfig cfg = s.builder().build();
    Run run = new Run(cfg);
    long max = s.knobs().maxDeferred();
    long perKey = s.knobs().maxDeferredPerKey();
    double shed = s.knobs().shed();
    Map<String, List<Long>> due = new HashMap<>(); // per state: due times of batched events
    int batched = 0;
    int full = 0;
    int shedCount = 0;
    for (Step st : s.steps()) {
      run.clock.advanceNanos(s.gap(st, cfg));
      for (int i = 0; i < st.repeat(); i++) {
        long now = run.clock.nanoTime();
        long depthBefore = run.gov.deferredDepth();
        double fillBefore = run.gov.deferredFill();
        long outstanding = pending(due, now);
        check(depthBefore >= outstanding, "deferredDepth below the deferred events not yet due",
            depthBefore + " < " + outstanding);

        Rec r = run.decide(st.keyName(), st.tierName(), st.low());
        long keyPendingBefore =
            due.getOrDefault(r.stateId(), List.of()).stream().filter(t -> t > now).count();
        Decision d = r.d();
        if (d.disposition() == Disposition.BATCHED) {
          batched++;
          check(depthBefore < max, "batched with the deferred room full", r);
          check(keyPendingBefore < perKey, "batched with the key's deferred room full", r);
          check(!(r.low() && fillBefore >= shed), "low priority deferred above the threshold", r);
          due.computeIfAbsent(r.stateId(), k -> new ArrayList<>()).add(d.atNanos());
        } else if (d.reason() == ThrottleReason.DEFER_FULL) {
          full++;
          check(depthBefore >= max || keyPendingBefore >= perKey, "DEFER_FULL with room left", r);
          check(!(r.low() && fillBefore >= shed), "DEFER_FULL where SEVERITY applies", r);
        } else if (d.reason() == ThrottleReason.SEVERITY) {
          shedCount++;
          check(r.low() && fillBefore >= shed, "shed below the threshold", r + " fill " + fillBefore);
        }
        long depthAfter = run.gov.deferredDepth();
        check(depthAfter <= max, "deferredDepth above defer.maxEvents", depthAfter);
        long keyPendingAfter =
            due.getOrDefault(r.stateId(), List.of()).stream().filter(t -> t > now).count();
        check(keyPendingAfter <= perKey, "key's deferred events above maxEventsPerKey", r);
        check(run.gov.deferredFill() <= 1.0, "fill above 100%", run.gov.deferredFill());
      }
    }
    Statistics.label("batched").collect(batched > 0);
    Statistics.label("batched").coverage(c -> c.check(true).percentage(p -> p >= 15));
    Statistics.label("DEFER_FULL").collect(full > 0);
    Statistics.label("DEFER_FULL").coverage(c -> c.check(true).percentage(p -> p >= 5));
    Statistics.label("SEVERITY").collect(shedCount > 0);
    Statistics.label("SEVERITY").coverage(c -> c.check(true).percentage(p -> p >= 2));
  }

  private static long pending(Map<String, List<Long>> due, long now) {
    long n = 0;
    for (List<Long> l : due.values()) {
      for (long t : l) {
        if (t > now) {
          n++;
        }
      }
    }
    return n;
  }

  // ---------------------------------------------------------------------------------------------
  // 7. Idle expiry is lossless

  /**
   * A governor that forgets idle keys as early as it may (idleTimeout 0, so effectiveIdleNanos
   * is just what the limits need) decides exactly as one that never forgets; and after cleanUp()
   * it holds exactly the keys touched within the last effectiveIdleNanos.
   */
  @Property(tries = 400, seed = "6021023")
  void forgettingIdleKeysChangesNoDecision(@ForAll("scenarios") Scenario s) {
    GovernorConfig.Builder b = s.builder().newKeyLimit(List.of());
    GovernorConfig forgetfulCfg = b.idleTimeout(Duration.ZERO).build();
    GovernorConfig keepingCfg = b.idleTimeout(Duration.ofDays(365)).build();
    Run forgetful = new Run(forgetfulCfg);
    Run keeping = new Run(keepingCfg);
    long idle = forgetfulCfg.effectiveIdleNanos();
    Map<String, Long> lastAccess = new HashMap<>();
    int forgotten = 0;
    for (int i = 0; i < s.steps().size(); i++) {
      Step st = s.steps().get(i);
      // Gaps measured against the forgetful governor's idle time, so some are exactly it.
      long gap = s.gap(st, forgetfulCfg);
      forgetful.clock.advanceNanos(gap);
      keeping.clock.advanceNanos(gap);
      forgetful.gov.cleanUp();
      keeping.gov.cleanUp();
      long now = forgetful.clock.nanoTime();

      long expected = lastAccess.values().stream().filter(t -> now - t < idle).count();
      assertEquals(expected, forgetful.gov.keyCount(),
          "keys kept after cleanUp (effectiveIdleNanos " + idle + ")");
      assertEquals(lastAccess.size(), keeping.gov.keyCount(), "the keeping governor forgot a key");
      forgotten += lastAccess.size() - expected;

      for (int j = 0; j < st.repeat(); j++) {
        Rec a = forgetful.decide(st.keyName(), st.tierName(), st.low());
        Rec e = keeping.decide(st.keyName(), st.tierName(), st.low());
        assertEquals(describe(e.d()), describe(a.d()), "step " + i + " " + st);
        lastAccess.put(a.stateId(), now);
      }
    }
    Statistics.label("keys forgotten").collect(forgotten > 0);
    Statistics.label("keys forgotten").coverage(c -> c.check(true).percentage(p -> p >= 10));
  }

  @Provide
  Arbitrary<List<Rate>> tierLimits() {
    return GovernorSim.rates(1, 3);
  }

  /**
   * The sharpest case of the above: a key uses up its whole burst (and its deferral) at A, and
   * comes back exactly around A + effectiveIdleNanos (-2..+2 ns) with another burst. Whether the
   * key was forgotten or not, every decision is the same.
   */
  @Property(tries = 1000, seed = "99")
  void forgettingAKeyRightAfterAFullBurstChangesNoDecision(
      @ForAll("tierLimits") List<Rate> limits,
      @ForAll("maxDelays") long maxDelay,
      @ForAll @IntRange(min = 1, max = 60) int first,
      @ForAll @IntRange(min = -2, max = 2) int delta,
      @ForAll @IntRange(min = 1, max = 60) int second) {
    GovernorConfig.Builder b =
        GovernorConfig.builder()
            .tier("default", limits)
            .maxDelay(Duration.ofNanos(maxDelay))
            .newKeyLimit(List.of());
    Run forgetful = new Run(b.idleTimeout(Duration.ZERO).build());
    Run keeping = new Run(b.idleTimeout(Duration.ofDays(365)).build());
    long idle = forgetful.cfg.effectiveIdleNanos();
    List<String> got = new ArrayList<>();
    List<String> want = new ArrayList<>();
    for (int i = 0; i < first; i++) {
      got.add(describe(forgetful.decide("k", null, false).d()));
      want.add(describe(keeping.decide("k", null, false).d()));
    }
    long gap = idle + delta;
    forgetful.clock.advanceNanos(gap);
    keeping.clock.advanceNanos(gap);
    forgetful.gov.cleanUp();
    assertEquals(delta < 0 ? 1 : 0, forgetful.gov.keyCount(), "idle key kept or forgotten early");
    for (int i = 0; i < second; i++) {
      got.add(describe(forgetful.decide("k", null, false).d()));
      want.add(describe(keeping.decide("k", null, false).d()));
    }
    assertEquals(want, got, "forgetting the key after " + gap + " ns changed a decision");
  }

  @Provide
  Arbitrary<Long> maxDelays() {
    return GovernorSim.maxDelayNanos();
  }

  /** The labels' epoch base used throughout: ManualClock(0, EPOCH_MS). */
  @Example
  void manualClockMapsNanosToEpochMillis() {
    Run run = new Run(GovernorConfig.builder().tier("default", List.of(Rate.of(1, "s"))).build());
    run.clock.advanceNanos(1_999_999);
    assertEquals(EPOCH_MS + 1, run.clock.currentTimeMillis());
  }
}
