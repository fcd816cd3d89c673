package io.sluice.benchmarks.shared;

import com.sun.management.OperatingSystemMXBean;
import io.sluice.core.Disposition;
import io.sluice.core.limit.Decision;
import io.sluice.core.limit.GovernorConfig;
import io.sluice.core.limit.Limiter;
import io.sluice.core.limit.Limits;
import io.sluice.core.limit.SharedGovernor;
import io.sluice.core.limit.redis.RedisSettings;
import io.sluice.core.time.Clock;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.LongAdder;

/**
 * Decisions per second of the governor through Redis ({@code store = redis}) against the same
 * governor in the agent's memory ({@code store = local}), in one run, with the interceptor's call
 * pattern: batches of events, each batch one {@code decideAll}. Also what the shared store costs:
 * round trips per event, the agent's CPU per event and Redis's (read from
 * {@code /proc/<pid>/stat}), and how far the admitted count is from the limit.
 *
 * <p>Usage: {@code SharedLimitLoad REDIS_URI REDIS_PID [seconds] [threads] [batch] [keys]
 * [agents] [limit] [leaseSize]}. Each of {@code agents} governors (each with its own connection, as separate
 * agents have) is driven by {@code threads} threads; events are spread round-robin over {@code
 * keys} keys; every key's limit is {@code limit} (offered load is as fast as the threads go, far
 * above it, so the admitted count is the limit's: burst + rate x time, summed over keys).
 */
public final class SharedLimitLoad {

  private static final long HZ = 100; // clock ticks of /proc/<pid>/stat

  record Result(String store, long events, long processed, double seconds, double agentCpu,
      double redisCpu, long roundTrips, long failures, double expectedAdmitted) {

    String line() {
      return String.format(Locale.ROOT,
          "%-6s %10.0f ev/s  %6.2f us CPU/ev (agent)  %6.2f us CPU/ev (redis)  %8.4f round trips/ev"
              + "  admitted %d of %.0f allowed (%+.2f%%)  failures %d",
          store, events / seconds, agentCpu * 1e6 / events,
          redisCpu * 1e6 / events, (double) roundTrips / events, processed, expectedAdmitted, 100.0 * (processed / expectedAdmitted - 1), failures);
    }
  }

  public static void main(String[] args) throws Exception {
    String uri = args[0];
    long redisPid = Long.parseLong(args[1]);
    double seconds = args.length > 2 ? Double.parseDouble(args[2]) : 10;
    int threads = args.length > 3 ? Integer.parseInt(args[3]) : 2;
    int batch = args.length > 4 ? Integer.parseInt(args[4]) : 100;
    int keys = args.length > 5 ? Integer.parseInt(args[5]) : 1;
    int agents = args.length > 6 ? Integer.parseInt(args[6]) : 1;
    String limit = args.length > 7 ? args[7] : "100000/s burst 1000";
    String lease = args.length > 8 ? args[8] : "0";
    GovernorConfig config = GovernorConfig.builder()
        .tier("default", Limits.parse(limit))
        .maxDelay(Duration.ZERO)
        .maxKeys(Math.max(100_000, keys))
        .newKeyLimit(List.of())
        .build();
    System.out.printf(Locale.ROOT, "%d agent(s) x %d thread(s), batches of %d, %d key(s) at %s,"
        + " leaseSize %s, %.0f s each%n", agents, threads, batch, keys, limit, lease, seconds);
    int round = 0;
    for (String store : List.of("local", "redis", "local", "redis")) {
      Result r = run(store, uri, "bench" + (round++) + ":", redisPid, config, seconds, threads,
          batch, keys, agents, limit, lease);
      System.out.println(r.line());
    }
  }

  private static Result run(String store, String uri, String prefix, long redisPid,
      GovernorConfig config, double seconds, int threads, int batch, int keys, int agents,
      String limit, String lease) throws Exception {
    List<Limiter> governors = new ArrayList<>();
    for (int a = 0; a < agents; a++) {
      Map<String, String> props = new HashMap<>();
      props.put("store", store);
      props.put("redis.uri", uri);
      props.put("redis.prefix", prefix);
      props.put("redis.timeout", "2s");
      props.put("redis.onFailure", "closed");
      props.put("redis.leaseSize", lease);
      governors.add(RedisSettings.limiter(RedisSettings.read(props::get), config, Clock.SYSTEM));
    }
    String[] names = new String[keys];
    for (int k = 0; k < keys; k++) {
      names[k] = "10.0." + (k >> 8 & 255) + "." + (k & 255);
    }
    // Warm up (JIT, connections, the script loaded), on keys of their own.
    drive(governors, threads, batch, names, 2e9, "warm-");

    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long cpu0 = os.getProcessCpuTime();
    long redis0 = redisTicks(redisPid);
    long t0 = System.nanoTime();
    long[] counts = drive(governors, threads, batch, names, seconds * 1e9, "");
    double elapsed = (System.nanoTime() - t0) / 1e9;
    double agentCpu = (os.getProcessCpuTime() - cpu0) / 1e9;
    double redisCpu = (redisTicks(redisPid) - redis0) / (double) HZ;
    long roundTrips = 0;
    long failures = 0;
    for (Limiter g : governors) {
      if (g instanceof SharedGovernor s) {
        roundTrips += s.roundTrips();
        failures += s.failures();
      }
      g.close();
    }
    if (store.equals("local")) {
      redisCpu = 0;
    }
    // What the limit allows over the run, for all keys: burst + rate x time each (the warm-up
    // used other keys). With local stores each agent has the whole limit.
    io.sluice.core.limit.Rate rate = Limits.parse(limit).get(0);
    double perKey = rate.burst() + rate.perSecond() * elapsed;
    double allowed = perKey * keys * (store.equals("local") ? agents : 1);
    // Where the threads offered less than the limit allows, all of it is what should pass.
    allowed = Math.min(allowed, counts[0]);
    // The warm-up's round trips are not the run's: count the run's alone.
    return new Result(store, counts[0], counts[1], elapsed, agentCpu, redisCpu,
        roundTrips - counts[2], failures, allowed);
  }

  /** Drives the governors for {@code nanos}; returns events, processed, and the warm-up's trips. */
  private static long[] drive(List<Limiter> governors, int threads, int batch, String[] names,
      double nanos, String keyPrefix) throws InterruptedException {
    LongAdder events = new LongAdder();
    LongAdder processed = new LongAdder();
    long tripsBefore = 0;
    for (Limiter g : governors) {
      if (g instanceof SharedGovernor s) {
        tripsBefore += s.roundTrips();
      }
    }
    String[] keyNames = new String[names.length];
    for (int k = 0; k < names.length; k++) {
      keyNames[k] = keyPrefix + names[k]; // made once: the loop below measures the governor only
    }
    List<Thread> workers = new ArrayList<>();
    CountDownLatch start = new CountDownLatch(1);
    long end = System.nanoTime() + (long) nanos;
    for (Limiter g : governors) {
      for (int t = 0; t < threads; t++) {
        int offset = t;
        Thread w = new Thread(() -> {
          String[] keys = new String[batch];
          String[] tiers = new String[batch];
          boolean[] lows = new boolean[batch];
          Decision[] out = new Decision[batch];
          int next = offset;
          try {
            start.await();
          } catch (InterruptedException e) {
            return;
          }
          while (System.nanoTime() < end) {
            for (int i = 0; i < batch; i++) {
              keys[i] = keyNames[next++ % keyNames.length];
            }
            g.decideAll(batch, keys, tiers, lows, false, out);
            int p = 0;
            for (Decision d : out) {
              if (d.disposition() == Disposition.PROCESSED) {
                p++;
              }
            }
            events.add(batch);
            processed.add(p);
          }
        });
        workers.add(w);
        w.start();
      }
    }
    start.countDown();
    for (Thread w : workers) {
      w.join();
    }
    return new long[] {events.sum(), processed.sum(), tripsBefore};
  }

  private static long redisTicks(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
    } catch (Exception e) {
      return 0;
    }
  }
}
