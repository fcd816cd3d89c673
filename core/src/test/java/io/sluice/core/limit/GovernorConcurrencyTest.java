package io.sluice.core.limit;

import static io.sluice.core.limit.GovernorSim.describe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.core.Disposition;
import io.sluice.core.limit.GovernorSim.Run;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Several threads deciding at once, with the clock frozen: nothing is admitted twice. Counts are
 * compared exactly; no timing is measured.
 */
class GovernorConcurrencyTest {

  private static final int THREADS = 4;

  @Provide
  Arbitrary<Rate> rates() {
    return GovernorSim.rate().filter(r -> r.burst() <= 3000);
  }

  @Provide
  Arbitrary<Long> maxDelays() {
    return GovernorSim.maxDelayNanos();
  }

  @Provide
  Arbitrary<Long> perKeyRoom() {
    return Arbitraries.oneOf(Arbitraries.just(1_000_000L), Arbitraries.longs().between(0, 500));
  }

  /**
   * 4 threads x N decisions on one key at a frozen clock make exactly the decisions one thread
   * would (as a multiset: the same number processed, the same due times reserved, the same
   * refusals), so the admitted count is exactly what burst + rate * maxDelay allows, never more.
   */
  @Property(tries = 40, seed = "4444")
  void threadsOnOneKeyAdmitExactlyWhatOneThreadWould(
      @ForAll("rates") Rate rate,
      @ForAll("maxDelays") long maxDelay,
      @ForAll("perKeyRoom") long perKey,
      @ForAll @IntRange(min = 50, max = 2_500) int perThread)
      throws Exception {
    GovernorConfig cfg = GovernorConfig.builder()
        .tier("default", List.of(rate))
        .maxDelay(Duration.ofNanos(maxDelay))
        .maxDeferredPerKey(perKey)
        .build();

    Run sequential = new Run(cfg);
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < THREADS * perThread; i++) {
      expected.add(describe(sequential.decide("k", null, false).d()));
    }

    Run concurrent = new Run(cfg);
    List<Decision> decisions = decideConcurrently(concurrent.gov, perThread, t -> "k");
    List<String> actual = new ArrayList<>();
    for (Decision d : decisions) {
      actual.add(describe(d));
    }
    // Same multiset of decisions: compared as a small summary first (readable on failure), then
    // in full.
    assertEquals(summary(expected), summary(actual), "threads decided differently from one thread");
    expected.sort(null);
    actual.sort(null);
    assertTrue(expected.equals(actual), "threads reserved other due times than one thread");

    long[] admitted = decisions.stream()
        .filter(d -> d.disposition() != Disposition.THROTTLED)
        .mapToLong(Decision::atNanos).toArray();
    long processed = decisions.stream()
        .filter(d -> d.disposition() == Disposition.PROCESSED).count();
    assertTrue(processed <= rate.burst(), processed + " processed at one instant > burst");
    // All admissions lie in [0, maxDelay]: at most burst + rate * maxDelay of them, exactly.
    assertTrue(BigIntegerMath.le(admitted.length, rate.periodNanos(),
            rate.burst() * rate.periodNanos(), rate.count(), maxDelay),
        admitted.length + " admitted > burst + rate * maxDelay for " + rate);
    long[] reserved = decisions.stream()
        .filter(d -> d.disposition() == Disposition.BATCHED)
        .mapToLong(Decision::atNanos).toArray();
    assertEquals(reserved.length, Arrays.stream(reserved).distinct().count(),
        "two reservations of one key for the same instant");
    GovernorSim.assertUpperBound("concurrent", rate, admitted);
    assertEquals(sequential.gov.deferredDepth(), concurrent.gov.deferredDepth());
  }

  /**
   * Threads on different keys sharing a global limit (and a shared hot key): every limit's
   * bound holds for the admissions of all threads together.
   */
  @Property(tries = 30, seed = "5555")
  void threadsSharingTheGlobalLimitNeverOverAdmit(
      @ForAll("rates") Rate tier,
      @ForAll("rates") Rate global,
      @ForAll("maxDelays") long maxDelay,
      @ForAll @IntRange(min = 50, max = 2_000) int perThread)
      throws Exception {
    GovernorConfig cfg = GovernorConfig.builder()
        .tier("default", List.of(tier))
        .global(List.of(global))
        .maxDelay(Duration.ofNanos(maxDelay))
        .newKeyLimit(List.of())
        .build();
    Run run = new Run(cfg);
    // Thread t alternates between its own key and the hot key.
    List<Decision> decisions =
        decideConcurrently(run.gov, perThread, t -> t % 2 == 0 ? "hot" : "own-" + t);

    long[] all = decisions.stream().filter(d -> d.disposition() != Disposition.THROTTLED)
        .mapToLong(Decision::atNanos).toArray();
    long[] charged = decisions.stream().filter(d -> d.disposition() != Disposition.THROTTLED)
        .mapToLong(d -> d.globalChargeNanos).toArray();
    GovernorSim.assertUpperBound("global bookings", global, charged);
    GovernorSim.assertUpperBound("global admissions", global, all, maxDelay);
    for (String key : decisions.stream().map(Decision::limitKey).distinct().toList()) {
      long[] mine = decisions.stream()
          .filter(d -> d.disposition() != Disposition.THROTTLED && d.limitKey().equals(key))
          .mapToLong(Decision::atNanos).toArray();
      GovernorSim.assertUpperBound("key " + key, tier, mine);
    }
    assertEquals(THREADS * perThread, decisions.size());
  }

  /** How many decisions of each disposition and reason. */
  private static java.util.Map<String, Long> summary(List<String> described) {
    java.util.Map<String, Long> m = new java.util.TreeMap<>();
    for (String d : described) {
      String kind = d.substring(0, d.indexOf(' ')) + " " + d.substring(d.indexOf("reason="));
      m.merge(kind.replaceAll(" retry=\\d+", ""), 1L, Long::sum);
    }
    return m;
  }

  /** Runs {@code perThread} decisions on each of 4 threads, all released at once. */
  private static List<Decision> decideConcurrently(
      Governor gov, int perThread, java.util.function.IntFunction<String> keyOfThread)
      throws Exception {
    ConcurrentLinkedQueue<Decision> out = new ConcurrentLinkedQueue<>();
    CountDownLatch ready = new CountDownLatch(THREADS);
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        String key = keyOfThread.apply(t);
        futures.add(pool.submit(() -> {
          ready.countDown();
          go.await();
          for (int i = 0; i < perThread; i++) {
            out.add(gov.decide(key, null, false));
          }
          return null;
        }));
      }
      assertTrue(ready.await(30, TimeUnit.SECONDS));
      go.countDown();
      for (Future<?> f : futures) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    return new ArrayList<>(out);
  }

  /** {@code n * p <= bp + c * d}, exactly. */
  private static final class BigIntegerMath {
    static boolean le(long n, long p, long bp, long c, long d) {
      java.math.BigInteger lhs = java.math.BigInteger.valueOf(n).multiply(java.math.BigInteger.valueOf(p));
      java.math.BigInteger rhs = java.math.BigInteger.valueOf(bp)
          .add(java.math.BigInteger.valueOf(c).multiply(java.math.BigInteger.valueOf(d)));
      return lhs.compareTo(rhs) <= 0;
    }
  }
}
