package io.sluice.benchmarks;

import io.sluice.core.Headers;
import io.sluice.interceptor.TokenBucketInterceptor;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flume.Context;
import org.apache.flume.Event;
import org.apache.flume.event.EventBuilder;
import org.apache.flume.interceptor.Interceptor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
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
 * {@link TokenBucketInterceptor} end to end, built the way Flume builds it ({@code Builder},
 * {@code configure(Context)}, {@code build()}, {@code initialize()}), on batches of {@value #BATCH}
 * syslog-like events. Scores are per event ({@code @OperationsPerInvocation}).
 *
 * <p>Each invocation builds its {@value #BATCH} events afresh (a header map of eight headers, as a
 * syslog source sets them, around a shared body), as a source does: reusing long-lived events would
 * make every header the interceptor adds an old-to-young reference and measure G1's card
 * refinement instead. {@code buildOnly} measures the building alone, to subtract.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class InterceptorBenchmark {

  static final int BATCH = 100;

  @State(Scope.Benchmark)
  public static class Setting {
    /** Distinct {@code clientIp} values, round-robin over the events. */
    @Param({"1", "10000"})
    public int keys;

    String[] keyStrings;
    Interceptor interceptor;

    @Setup(Level.Trial)
    public void setUp() {
      keyStrings = Keys.ipLike(10, keys);
      Map<String, String> props = new HashMap<>();
      props.put("metricsName", "bench");
      props.put("key", "clientIp");
      props.put("limit", GovernorBenchmark.HIGH_LIMIT);
      props.put("maxKeys", "100000");
      props.put("newKeyLimit", "none"); // all keys get state in the first batches
      props.put("throttled", "drop");
      TokenBucketInterceptor.Builder b = new TokenBucketInterceptor.Builder();
      b.configure(new Context(props));
      interceptor = b.build();
      interceptor.initialize();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      interceptor.close();
    }
  }

  /** One thread's event source: fresh events, keys taken round-robin from its own start. */
  @State(Scope.Thread)
  public static class Source {
    String[] keys;
    int next;
    String[] hosts;
    String now;
    byte[] body;
    List<Event> last;

    @Setup(Level.Trial)
    public void setUp(Setting s, ThreadParams t) {
      keys = s.keyStrings;
      next = Keys.startOf(t.getThreadIndex(), t.getThreadCount(), keys.length);
      hosts = new String[100];
      for (int i = 0; i < hosts.length; i++) {
        hosts[i] = "web-" + i;
      }
      now = Long.toString(System.currentTimeMillis());
      body =
          "sshd[4242]: Accepted publickey for deploy from 10.0.0.1 port 52144 ssh2: ED25519 SHA256:3q2+7w"
              .getBytes(StandardCharsets.UTF_8);
    }

    List<Event> newBatch() {
      List<Event> batch = new ArrayList<>(BATCH);
      for (int e = 0; e < BATCH; e++) {
        Map<String, String> h = new HashMap<>();
        h.put(Headers.FACILITY, "4");
        h.put(Headers.SEVERITY, "5");
        h.put("priority", "37");
        h.put("timestamp", now);
        h.put("host", hosts[next % hosts.length]);
        h.put(Headers.CLIENT_IP, keys[next]);
        h.put(Headers.LOCAL_PORT, "5514");
        h.put(Headers.RECEIVED_AT, now);
        batch.add(EventBuilder.withBody(body, h));
        if (++next == keys.length) {
          next = 0;
        }
      }
      return batch;
    }

    List<Event> keep(List<Event> out) {
      last = out;
      return out;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      // Check that the measured path was the processed one (buildOnly leaves no disposition).
      long processed = 0;
      long other = 0;
      for (Event e : last == null ? List.<Event>of() : last) {
        String d = e.getHeaders().get(Headers.DISPOSITION);
        if ("processed".equals(d)) {
          processed++;
        } else if (d != null) {
          other++;
        }
      }
      System.out.println();
      System.out.println(
          "[interceptor] last batch: " + processed + " processed, " + other + " other");
      if (other > 0) {
        throw new IllegalStateException("expected every event processed, " + other + " were not");
      }
    }
  }

  @Benchmark
  @Threads(1)
  @OperationsPerInvocation(BATCH)
  public List<Event> batch100_t1(Setting s, Source src) {
    return src.keep(s.interceptor.intercept(src.newBatch()));
  }

  @Benchmark
  @Threads(2)
  @OperationsPerInvocation(BATCH)
  public List<Event> batch100_t2(Setting s, Source src) {
    return src.keep(s.interceptor.intercept(src.newBatch()));
  }

  /** Building the events alone, per event: the baseline to subtract from {@code batch100_*}. */
  @Benchmark
  @Threads(1)
  @OperationsPerInvocation(BATCH)
  public List<Event> buildOnly_t1(Source src) {
    return src.newBatch();
  }
}
