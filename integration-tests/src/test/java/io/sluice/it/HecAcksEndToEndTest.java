package io.sluice.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.it.harness.FlumeAgent;
import io.sluice.it.harness.HecClient;
import io.sluice.it.harness.Ports;
import io.sluice.it.harness.NdjsonFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Indexer acknowledgements through a real agent: an HEC client's ack turns true only once every
 * event of its request has been written by the ValidatingSink, never while some wait in the
 * DisruptorChannel's deferred lane, and never after a restart for events the agent lost.
 */
class HecAcksEndToEndTest {

  static final String TOKEN = "ac4ed000-1111-4222-8333-444455556666";
  static final String CHANNEL = "c0ffee00-1234-4abc-8def-0123456789ab";

  private static Path schemaPath() {
    return Paths.get(System.getProperty("sluice.repo", "..")).resolve("conf-examples/schemas/hec-event.schema.json")
        .toAbsolutePath().normalize();
  }

  private static String config(int port, String limit, String maxDelay, Path out) {
    Path schema = schemaPath();
    return """
        a1.sources = hec
        a1.channels = c1
        a1.sinks = k1
        a1.sources.hec.type = io.sluice.source.HecSource
        a1.sources.hec.host = 127.0.0.1
        a1.sources.hec.port = %d
        a1.sources.hec.channels = c1
        a1.sources.hec.tokens = acked
        a1.sources.hec.tokens.acked.value = %s
        a1.sources.hec.tokens.acked.useAck = true
        a1.sources.hec.ack.drainTimeout = 1s
        a1.sources.hec.interceptors = gov
        a1.sources.hec.interceptors.gov.type = io.sluice.interceptor.TokenBucketInterceptor$Builder
        a1.sources.hec.interceptors.gov.metricsName = gov
        a1.sources.hec.interceptors.gov.key = hec.token
        a1.sources.hec.interceptors.gov.limit = %s
        a1.sources.hec.interceptors.gov.defer.maxDelay = %s
        a1.sources.hec.interceptors.gov.throttled = drop
        a1.channels.c1.type = io.sluice.channel.DisruptorChannel
        a1.channels.c1.capacity = 10000
        a1.channels.c1.transactionCapacity = 1000
        a1.sinks.k1.type = io.sluice.sink.ValidatingSink
        a1.sinks.k1.channel = c1
        a1.sinks.k1.schema = %s
        a1.sinks.k1.file.directory = %s
        a1.sinks.k1.onInvalid = drop
        """.formatted(port, TOKEN, limit, maxDelay, schema, out);
  }

  private static String events(String prefix, int n) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      b.append("{\"event\":\"").append(prefix).append(i).append("\"}\n");
    }
    return b.toString();
  }

  private static long written(Path out, String prefix) {
    return NdjsonFiles.lines(out).stream().filter(l -> l.contains("\"message\":\"" + prefix)).count();
  }

  /**
   * Asks for the ack every 100 ms for up to 30 s; true as soon as one answer says true (an ack is
   * reported true once, so the caller checks what must hold at that moment right after).
   */
  private static boolean ackTurnsTrue(HecClient client, long ackId) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      if (client.acked(ackId)) {
        return true;
      }
      Thread.sleep(100);
    }
    return false;
  }

  private static long meter(FlumeAgent agent, String name) {
    return agent.counter("org.apache.flume.sluice:name=interceptor.gov." + name, "Count");
  }

  /**
   * 100 events in one request over a limit of 20 a second: 20 are written at once, some wait in
   * the deferred lane for up to 2 s, the rest are throttled and dropped (handled as configured:
   * they do not hold the ack back). The ack is false while any wait, and the moment it is true
   * every event not dropped is in the sink's files.
   */
  @Test
  void anAckTurnsTrueOnlyOnceTheDeferredEventsAreWritten() throws Exception {
    Path dir = FlumeAgent.cleanDir(FlumeAgent.workDir("hec-acks-deferred"));
    Path out = dir.resolve("out");
    int port = Ports.free();
    try (FlumeAgent agent = FlumeAgent.start("a1", dir, config(port, "20/s burst 20", "2s", out))) {
      agent.awaitStarted(Duration.ofSeconds(30), List.of("org.apache.flume.sink:type=k1"));
      HecClient client = new HecClient(port, TOKEN, CHANNEL);
      long ackId = client.post("/services/collector/event", events("a-", 100)).ackId();
      assertFalse(client.acked(ackId), "deferred events are not written yet");
      long deferred = meter(agent, "batched");
      long dropped = meter(agent, "throttled");
      assertTrue(deferred > 10 && dropped > 10, "both lanes and drops: " + deferred + " deferred, " + dropped + " dropped");

      assertTrue(ackTurnsTrue(client, ackId), "the ack turned true");
      assertEquals(100 - dropped, written(out, "a-"), "when the ack is true, every event kept is written");
      assertTrue(NdjsonFiles.lines(out).stream().anyMatch(l -> l.contains("\"disposition\":\"batched\"")));
      assertFalse(client.acked(ackId), "true once");
      assertEquals(1, agent.counter("org.apache.flume.sluice:name=source.hec.acks.completed", "Value"));
      assertEquals(0, agent.counter("org.apache.flume.sluice:name=source.hec.acks.pending", "Value"));
    }
  }

  /**
   * Throttled events kept ({@code throttled = keep}) and every event replicated to two channels,
   * each drained by a ValidatingSink of its own: the ack counts each event once per channel. While
   * the second sink's directory cannot be written (a file stands where it was), the first sink
   * writes everything and the ack stays false; once the directory is back, the second sink's
   * retry writes it, and the moment the ack is true both directories hold every event.
   */
  @Test
  void anAckWaitsForEveryChannelAnEventWentToAndForKeptThrottledEvents() throws Exception {
    Path dir = FlumeAgent.cleanDir(FlumeAgent.workDir("hec-acks-replicated"));
    Path out = dir.resolve("out");
    Path out2 = dir.resolve("out2");
    int port = Ports.free();
    String conf = config(port, "20/s burst 20", "2s", out)
        .replace("throttled = drop", "throttled = keep")
        .replace("a1.channels = c1", "a1.channels = c1 c2")
        .replace("a1.sinks = k1", "a1.sinks = k1 k2")
        .replace("a1.sources.hec.channels = c1", "a1.sources.hec.channels = c1 c2")
        + """
        a1.channels.c2.type = io.sluice.channel.DisruptorChannel
        a1.channels.c2.capacity = 10000
        a1.channels.c2.transactionCapacity = 1000
        a1.sinks.k2.type = io.sluice.sink.ValidatingSink
        a1.sinks.k2.channel = c2
        a1.sinks.k2.schema = %s
        a1.sinks.k2.file.directory = %s
        a1.sinks.k2.onInvalid = drop
        a1.sinks.k2.maxBackoff = 1s
        """.formatted(schemaPath(), out2);
    try (FlumeAgent agent = FlumeAgent.start("a1", dir, conf)) {
      agent.awaitStarted(Duration.ofSeconds(30), List.of("org.apache.flume.sink:type=k1", "org.apache.flume.sink:type=k2"));
      Path aside = dir.resolve("out2-aside");
      Files.move(out2, aside);
      Files.writeString(out2, "a file where the directory was");

      HecClient client = new HecClient(port, TOKEN, CHANNEL);
      long ackId = client.post("/services/collector/event", events("k-", 100)).ackId();
      agent.await(Duration.ofSeconds(20), "the first sink wrote every event", () -> written(out, "k-") == 100);
      assertTrue(meter(agent, "throttled") > 10 && meter(agent, "batched") > 10,
          "kept throttled events and deferred ones: " + meter(agent, "throttled") + ", " + meter(agent, "batched"));
      assertFalse(client.acked(ackId), "the second channel's sink has written nothing yet");
      assertTrue(agent.counter("org.apache.flume.sluice:name=sink.k2.write.errors", "Count") > 0);

      Files.delete(out2);
      Files.move(aside, out2);
      assertTrue(ackTurnsTrue(client, ackId), "the ack turned true");
      assertEquals(100, written(out2, "k-"), "when the ack is true, the second sink has written every event");
      assertEquals(100, written(out, "k-"));
      assertTrue(NdjsonFiles.lines(out2).stream().anyMatch(l -> l.contains("\"disposition\":\"throttled\"")),
          "the kept throttled events are written too");
    }
  }

  /**
   * A request whose events wait a minute in the deferred lane, then the agent is stopped and  /**
   * A request whose events wait a minute in the deferred lane, then the agent is stopped and
   * started again: what was deferred is lost with the memory ring, and its ack never turns true;
   * the client's next request on the same channel gets a new id, which turns true once its event
   * is written (a restarted agent never hands out an id the client is still waiting for).
   */
  @Test
  void aRestartNeverTurnsAnAckTrueForEventsNotWritten() throws Exception {
    Path dir = FlumeAgent.cleanDir(FlumeAgent.workDir("hec-acks-restart"));
    Path out = dir.resolve("out");
    int port = Ports.free();
    String conf = config(port, "1/s burst 1", "60s", out);
    HecClient client = new HecClient(port, TOKEN, CHANNEL);
    long lost;
    try (FlumeAgent agent = FlumeAgent.start("a1", dir, conf)) {
      agent.awaitStarted(Duration.ofSeconds(30), List.of("org.apache.flume.sink:type=k1"));
      lost = client.post("/services/collector/event", events("r-", 20)).ackId();
      agent.await(Duration.ofSeconds(10), "the first event written", () -> written(out, "r-") >= 1);
      assertFalse(client.acked(lost));
    }
    long writtenBefore = written(out, "r-");
    assertTrue(writtenBefore < 20, "the deferred events went with the agent: " + writtenBefore);

    try (FlumeAgent agent = FlumeAgent.start("a1", dir, conf)) {
      agent.awaitStarted(Duration.ofSeconds(30), List.of("org.apache.flume.sink:type=k1"));
      assertFalse(client.acked(lost), "a restarted agent knows nothing of the lost request");
      long next = client.post("/services/collector/event", events("n-", 1)).ackId();
      assertTrue(next > lost, "a new id, above every id the client may still wait for: " + next + " > " + lost);
      agent.await(Duration.ofSeconds(20), "the new request acknowledged", () -> client.acked(next));
      assertEquals(1, written(out, "n-"));
      assertFalse(client.acked(lost));
      assertEquals(writtenBefore, written(out, "r-"), "nothing of the lost request came back");
    }
  }
}
