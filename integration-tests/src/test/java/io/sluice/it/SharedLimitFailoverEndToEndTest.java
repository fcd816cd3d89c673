package io.sluice.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.core.limit.redis.RedisSentinelGroup;
import io.sluice.it.harness.FlumeAgent;
import io.sluice.it.harness.Ports;
import io.sluice.it.harness.SinkFiles;
import io.sluice.it.harness.SinkFiles.Written;
import io.sluice.it.harness.TcpSender;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * A real agent whose TokenBucketInterceptor keeps its limits in a Redis that Sentinel manages (a
 * master, a replica, three sentinels on loopback). The master is killed while a sender streams:
 * the agent decides with {@code onFailure} meanwhile, follows the failover to the promoted
 * replica without a restart, loses nothing it accepted, and its limits hold afterwards.
 */
class SharedLimitFailoverEndToEndTest {

  private static final String GOV = "org.apache.flume.interceptor:type=gov";
  private static final String METRICS = "org.apache.flume.sluice:name=interceptor.gov.redis.";
  private static final int RATE = 1000;
  private static final int BURST = 3000;

  @Test
  void theAgentFollowsAFailoverLosesNothingAndItsLimitsHoldAfterwards() throws Exception {
    try (RedisSentinelGroup redis = RedisSentinelGroup.start("sluice-e2e")) {
      int port = Ports.free();
      Path dir = FlumeAgent.cleanDir(FlumeAgent.workDir("shared-limit-failover"));
      FlumeAgent.cleanDir(dir.resolve("out"));
      String conf = """
          a1.sources = r1
          a1.channels = c1
          a1.sinks = k1
          a1.sources.r1.type = io.sluice.source.SyslogTcpSource
          a1.sources.r1.host = 127.0.0.1
          a1.sources.r1.port = %d
          a1.sources.r1.clientIPHeader = clientIp
          a1.sources.r1.channels = c1
          a1.sources.r1.interceptors = gov
          a1.sources.r1.interceptors.gov.type = io.sluice.interceptor.TokenBucketInterceptor$Builder
          a1.sources.r1.interceptors.gov.metricsName = gov
          a1.sources.r1.interceptors.gov.key = clientIp
          a1.sources.r1.interceptors.gov.limit = %d/s burst %d
          a1.sources.r1.interceptors.gov.defer.maxDelay = 0s
          a1.sources.r1.interceptors.gov.store = redis
          a1.sources.r1.interceptors.gov.redis.uri = %s
          a1.sources.r1.interceptors.gov.redis.timeout = 500ms
          a1.sources.r1.interceptors.gov.redis.onFailure = local
          a1.channels.c1.type = memory
          a1.channels.c1.capacity = 100000
          a1.channels.c1.transactionCapacity = 1000
          a1.sinks.k1.type = file_roll
          a1.sinks.k1.channel = c1
          a1.sinks.k1.sink.directory = %s/out
          a1.sinks.k1.sink.rollInterval = 0
          a1.sinks.k1.sink.serializer = header_and_text
          """.formatted(port, RATE, BURST, redis.uri(), dir);
      try (FlumeAgent agent = FlumeAgent.start("a1", dir, conf)) {
        agent.awaitStarted(Duration.ofSeconds(30), List.of(GOV));

        // About 800 events a second, under the limit, for 3 s; the master dies after one.
        int streamed = 2400;
        try (TcpSender s = TcpSender.open("127.0.0.1", port)) {
          for (int i = 0; i < streamed; i += 80) {
            if (i == 800) {
              redis.killMaster();
            }
            StringBuilder chunk = new StringBuilder();
            for (int j = i; j < i + 80; j++) {
              chunk.append("<13>Dec  4 09:00:00 host app: stream ").append(j).append('\n');
            }
            s.send(chunk.toString());
            Thread.sleep(100);
          }
        }
        List<Written> written = drained(agent, streamed);

        // Nothing accepted is lost: every event of the stream was decided (by Redis, by the
        // local fallback while there was no master) and written, each once.
        Set<Integer> seen = new TreeSet<>();
        for (Written w : written) {
          String body = w.body();
          seen.add(Integer.parseInt(body.substring(body.lastIndexOf(' ') + 1)));
        }
        assertEquals(streamed, written.size());
        assertEquals(streamed, seen.size());
        assertEquals(0, agent.counter(GOV, "DroppedCount"));

        // The agent follows the failover: once Sentinel has promoted the replica, batches are
        // decided by Redis again and the breaker is closed.
        redis.awaitFailover(Duration.ofSeconds(30));
        long before = agent.counter(METRICS + "roundTrips", "Value");
        agent.await(Duration.ofSeconds(30), "decisions by the promoted replica", () -> {
          try (TcpSender probe = TcpSender.open("127.0.0.1", port)) {
            probe.send("<13>Dec  4 09:00:01 host app: probe\n");
          }
          return agent.counter(METRICS + "roundTrips", "Value") > before
              && agent.counter(METRICS + "breaker", "Value") == 0;
        });
        assertTrue(agent.counter(METRICS + "fallback", "Value") > 0, "onFailure decided meanwhile");
        assertTrue(agent.log().contains("the shared store failed"), "the failure is logged");
        assertTrue(agent.log().contains("the shared store answers again"), "the return is logged");

        // Limits hold afterwards: a sender that floods now gets its burst and the rate, no more.
        long accepted = agent.counter("org.apache.flume.source:type=r1", "EventAcceptedCount");
        int flood = 8000;
        long start = System.currentTimeMillis();
        try (TcpSender s = TcpSender.open("127.0.0.2", port)) {
          StringBuilder all = new StringBuilder();
          for (int i = 0; i < flood; i++) {
            all.append("<13>Dec  4 09:00:02 host app: flood ").append(i).append('\n');
          }
          s.send(all.toString());
        }
        List<Written> after = drained(agent, accepted + flood);
        double seconds = (System.currentTimeMillis() - start) / 1000.0;
        long admitted = after.stream().filter(w -> w.body().contains("flood ")).count();
        assertTrue(admitted >= BURST && admitted <= BURST + Math.ceil(RATE * seconds),
            admitted + " of the flood admitted in " + seconds + " s");
      }
    }
  }

  /** Waits until the source accepted {@code events} in all, and each was written or dropped. */
  private static List<Written> drained(FlumeAgent agent, long events) {
    agent.await(Duration.ofSeconds(60), "the sink to drain", () -> {
      long accepted = agent.counter("org.apache.flume.source:type=r1", "EventAcceptedCount");
      long written = agent.counter("org.apache.flume.sink:type=k1", "EventDrainSuccessCount");
      return accepted >= events && written + agent.counter(GOV, "DroppedCount") == accepted;
    });
    return SinkFiles.read(agent.dir().resolve("out"));
  }
}
