package io.sluice.benchmarks;

import io.sluice.core.Disposition;
import io.sluice.core.limit.Decision;
import io.sluice.core.limit.Governor;
import io.sluice.core.limit.GovernorConfig;
import io.sluice.core.limit.Limits;
import io.sluice.core.limit.Rate;
import io.sluice.core.limit.ThrottleReason;
import io.sluice.core.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * Cost of one {@link Governor#decide} on the real clock ({@link Clock#SYSTEM}).
 *
 * <ul>
 *   <li>{@code oneKey}: every decision for the same existing key (processed path).
 *   <li>{@code tenThousandKeys}: round-robin over 10,000 existing keys (processed path).
 *   <li>{@code throttledKey}: one existing key far over its limit (throttled path).
 *   <li>{@code flood}: a spoofed-address flood, every decision for a key from a ring of 1,000,000
 *       distinct addresses, against {@code maxKeys = 100000}; run in a 256 MiB heap.
 * </ul>
 *
 * <p>Each comes as {@code _t1} and {@code _t2}: one and two threads sharing one governor. With two
 * threads, the one-key cases contend for the key's monitor (one sender on two source threads);
 * the many-key cases start the threads half a ring apart.
 *
 * <p>Per-key limits are {@value #HIGH_LIMIT}: a per-key GCRA cell of that rate and burst cannot
 * throttle a caller slower than 100 million decisions per second, so those cases measure the
 * processed path only (the final decision of each trial is printed as a check).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class GovernorBenchmark {

  /** High enough never to throttle one JVM's decisions; Rate accepts it (tau ~ 1 s). */
  static final String HIGH_LIMIT = "100000000/s";

  static final int MANY_KEYS = 10_000;
  static final int FLOOD_KEYS = 1_000_000;
  static final long MAX_KEYS = 100_000;

  static Governor governor(String limit, List<Rate> newKeyLimit) {
    return new Governor(
        GovernorConfig.builder()
            .tier("default", Limits.parse(limit))
            .maxKeys(MAX_KEYS)
            .newKeyLimit(newKeyLimit)
            .build(),
        Clock.SYSTEM);
  }

  /** Decides once for each key so that each has state of its own, and checks that it has. */
  static void prime(Governor g, String[] keys) {
    for (String k : keys) {
      Decision d = g.decide(k, null, false);
      if (!d.limitKey().equals(k)) {
        throw new IllegalStateException("key " + k + " has no state of its own: " + d);
      }
    }
    g.cleanUp();
  }

  static void report(String what, Governor g, Decision last) {
    g.cleanUp();
    System.out.println();
    System.out.println("[" + what + "] keyCount=" + g.keyCount() + ", last decision " + last);
  }

  // ---------------------------------------------------------------- one existing key

  @State(Scope.Benchmark)
  public static class OneKey {
    String key = "203.0.113.7";
    Governor governor;

    @Setup(Level.Trial)
    public void setUp() {
      governor = governor(HIGH_LIMIT, List.of());
      prime(governor, new String[] {key});
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      Decision last = governor.decide(key, null, false);
      report("oneKey", governor, last);
      if (last.disposition() != Disposition.PROCESSED) {
        throw new IllegalStateException("expected the processed path, got " + last);
      }
    }
  }

  @Benchmark
  @Threads(1)
  public Decision oneKey_t1(OneKey s) {
    return s.governor.decide(s.key, null, false);
  }

  @Benchmark
  @Threads(2)
  public Decision oneKey_t2(OneKey s) {
    return s.governor.decide(s.key, null, false);
  }

  // ---------------------------------------------------------------- 10k existing keys

  @State(Scope.Benchmark)
  public static class ManyKeys {
    String[] keys;
    Governor governor;

    @Setup(Level.Trial)
    public void setUp() {
      keys = Keys.ipLike(10, MANY_KEYS);
      // Keys are created up front; the creation budget plays no part once a key exists.
      governor = governor(HIGH_LIMIT, List.of());
      prime(governor, keys);
      if (governor.keyCount() != MANY_KEYS) {
        throw new IllegalStateException("expected " + MANY_KEYS + " keys, have " + governor.keyCount());
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      Decision last = governor.decide(keys[keys.length - 1], null, false);
      report("tenThousandKeys", governor, last);
      if (last.disposition() != Disposition.PROCESSED) {
        throw new IllegalStateException("expected the processed path, got " + last);
      }
    }
  }

  @State(Scope.Thread)
  public static class ManyKeysCursor {
    String[] keys;
    int i;

    @Setup(Level.Trial)
    public void setUp(ManyKeys shared, ThreadParams t) {
      keys = shared.keys;
      i = Keys.startOf(t.getThreadIndex(), t.getThreadCount(), keys.length);
    }

    String next() {
      String k = keys[i];
      if (++i == keys.length) {
        i = 0;
      }
      return k;
    }
  }

  @Benchmark
  @Threads(1)
  public Decision tenThousandKeys_t1(ManyKeys s, ManyKeysCursor c) {
    return s.governor.decide(c.next(), null, false);
  }

  @Benchmark
  @Threads(2)
  public Decision tenThousandKeys_t2(ManyKeys s, ManyKeysCursor c) {
    return s.governor.decide(c.next(), null, false);
  }

  // ---------------------------------------------------------------- one key over its limit

  @State(Scope.Benchmark)
  public static class ThrottledKey {
    String key = "198.51.100.23";
    Governor governor;

    @Setup(Level.Trial)
    public void setUp() {
      // One event an hour: after the first, every decision would have to wait far beyond
      // defer.maxDelay (2 s), so it is throttled (reason RATE) without touching the deferred room.
      governor = governor("1/h", List.of());
      prime(governor, new String[] {key});
      Decision d = governor.decide(key, null, false);
      if (d.reason() != ThrottleReason.RATE) {
        throw new IllegalStateException("expected a throttled decision, got " + d);
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      Decision last = governor.decide(key, null, false);
      report("throttledKey", governor, last);
      if (last.reason() != ThrottleReason.RATE) {
        throw new IllegalStateException("expected the throttled path, got " + last);
      }
    }
  }

  @Benchmark
  @Threads(1)
  public Decision throttledKey_t1(ThrottledKey s) {
    return s.governor.decide(s.key, null, false);
  }

  @Benchmark
  @Threads(2)
  public Decision throttledKey_t2(ThrottledKey s) {
    return s.governor.decide(s.key, null, false);
  }

  // ---------------------------------------------------------------- 1M-key spoofed flood

  @State(Scope.Benchmark)
  public static class Flood {
    /**
     * {@code 1000/s}: the default creation budget, as shipped. {@code none}: every unknown key gets
     * state of its own, so the cache inserts and evicts on every decision (the bound is maxKeys).
     */
    @Param({"1000/s", "none"})
    public String newKeyLimit;

    String[] keys;
    Governor governor;

    @Setup(Level.Trial)
    public void setUp() {
      keys = Keys.ipLike(172, FLOOD_KEYS);
      // Before any decision (and inside warmup, so no measured GC count includes it): what the
      // benchmark itself holds, chiefly the 1M key strings.
      long baseline = Heap.liveAfterFullGc();
      Heap.watch();
      governor =
          governor(HIGH_LIMIT, newKeyLimit.equals("none") ? List.of() : Limits.parse(newKeyLimit));
      System.out.println();
      System.out.println("[flood " + newKeyLimit + "] " + FLOOD_KEYS + " keys generated, live heap "
          + Heap.mib(baseline) + " before any decision; " + governor.config());
    }

    @TearDown(Level.Iteration)
    public void afterIteration() {
      governor.cleanUp();
      System.out.println();
      System.out.println("[flood " + newKeyLimit + "] keyCount=" + governor.keyCount()
          + " (maxKeys " + MAX_KEYS + "); " + Heap.describe());
      if (governor.keyCount() > MAX_KEYS) {
        throw new IllegalStateException("key count above maxKeys: " + governor.keyCount());
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      report("flood " + newKeyLimit, governor, governor.decide("192.0.2.1", null, false));
      System.out.println("[flood " + newKeyLimit + "] " + Heap.describe());
    }
  }

  @State(Scope.Thread)
  public static class FloodCursor {
    String[] keys;
    int i;

    @Setup(Level.Trial)
    public void setUp(Flood shared, ThreadParams t) {
      keys = shared.keys;
      i = Keys.startOf(t.getThreadIndex(), t.getThreadCount(), keys.length);
    }

    String next() {
      String k = keys[i];
      if (++i == keys.length) {
        i = 0;
      }
      return k;
    }
  }

  @Benchmark
  @Threads(1)
  @Fork(value = 1, jvmArgsAppend = {"-Xms256m", "-Xmx256m"})
  public Decision flood_t1(Flood s, FloodCursor c) {
    return s.governor.decide(c.next(), null, false);
  }

  @Benchmark
  @Threads(2)
  @Fork(value = 1, jvmArgsAppend = {"-Xms256m", "-Xmx256m"})
  public Decision flood_t2(Flood s, FloodCursor c) {
    return s.governor.decide(c.next(), null, false);
  }
}
