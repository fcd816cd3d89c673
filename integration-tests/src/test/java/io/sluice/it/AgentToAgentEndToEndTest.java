package io.sluice.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.it.harness.FlumeAgent;
import io.sluice.it.harness.HecClient;
import io.sluice.it.harness.NdjsonFiles;
import io.sluice.it.harness.Ports;
import io.sluice.it.harness.TcpSender;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Two agents, as a relay tier in front of a central one: agent A takes syslog over TCP and
 * forwards every valid document with its ValidatingSink's {@code hec} writer, acknowledgements on,
 * to agent B's HecSource (acknowledgements on), which writes files. Acks go end to end: B
 * acknowledges a request once its ValidatingSink has written it, and only then does A commit its
 * take (and, in the chained case, A's own HEC client learn its request was delivered).
 */
class AgentToAgentEndToEndTest {

  static final String TOKEN = "a2b00000-1111-4222-8333-444455556666";
  private static final Pattern NONCE = Pattern.compile("relay-(\\d+)");

  private static String agentB(int port, Path out) {
    return """
        b.sources = hec
        b.channels = c1
        b.sinks = k1
        b.sources.hec.type = io.sluice.source.HecSource
        b.sources.hec.host = 127.0.0.1
        b.sources.hec.port = %d
        b.sources.hec.channels = c1
        b.sources.hec.tokens = relay
        b.sources.hec.tokens.relay.value = %s
        b.sources.hec.tokens.relay.useAck = true
        b.sources.hec.ack.drainTimeout = 5s
        b.channels.c1.type = io.sluice.channel.DisruptorChannel
        b.channels.c1.capacity = 10000
        b.channels.c1.transactionCapacity = 1000
        b.sinks.k1.type = io.sluice.sink.ValidatingSink
        b.sinks.k1.channel = c1
        b.sinks.k1.file.directory = %s
        b.sinks.k1.onInvalid = drop
        """.formatted(port, TOKEN, out);
  }

  /** A: syslog TCP, and, for the chained case, an HEC source whose clients ask for acks too. */
  private static String agentA(int syslogPort, int hecPort, int forwardTo, Path dead) {
    return """
        a.sources = syslog hec
        a.channels = c1
        a.sinks = k1
        a.sources.syslog.type = io.sluice.source.SyslogTcpSource
        a.sources.syslog.host = 127.0.0.1
        a.sources.syslog.port = %d
        a.sources.syslog.channels = c1
        a.sources.hec.type = io.sluice.source.HecSource
        a.sources.hec.host = 127.0.0.1
        a.sources.hec.port = %d
        a.sources.hec.channels = c1
        a.sources.hec.tokens = client
        a.sources.hec.tokens.client.value = %s
        a.sources.hec.tokens.client.useAck = true
        a.channels.c1.type = io.sluice.channel.DisruptorChannel
        a.channels.c1.capacity = 100000
        a.channels.c1.transactionCapacity = 1000
        a.sinks.k1.type = io.sluice.sink.ValidatingSink
        a.sinks.k1.channel = c1
        a.sinks.k1.writer = hec
        a.sinks.k1.hec.url = http://127.0.0.1:%d
        a.sinks.k1.hec.token = %s
        a.sinks.k1.hec.useAck = true
        a.sinks.k1.hec.maxBackoff = 1s
        a.sinks.k1.deadLetter.directory = %s
        """.formatted(syslogPort, hecPort, TOKEN, forwardTo, TOKEN, dead);
  }

  private static Map<Integer, Integer> nonces(Path out) {
    Map<Integer, Integer> n = new HashMap<>();
    for (String l : NdjsonFiles.lines(out)) {
      Matcher m = NONCE.matcher(l);
      if (m.find()) {
        n.merge(Integer.parseInt(m.group(1)), 1, Integer::sum);
      }
    }
    return n;
  }

  /**
   * 6,000 messages sent to A at about 300 a second; B is stopped 5 s in, stays away 10 s, and
   * comes back. Every message is in B's files exactly once, with its metadata: B let A collect its
   * acks before it stopped, A held its batch (retrying) while B was away, and resent nothing B had
   * acknowledged.
   */
  @Test
  void everythingSentToTheRelayArrivesOnceAcrossAStopOfTheCentralAgent() throws Exception {
    Path dirA = FlumeAgent.cleanDir(FlumeAgent.workDir("relay-a"));
    Path dirB = FlumeAgent.cleanDir(FlumeAgent.workDir("relay-b"));
    Path out = dirB.resolve("out");
    int syslog = Ports.free();
    int hecA = Ports.free();
    int hecB = Ports.free();
    int total = 6000;
    FlumeAgent b = FlumeAgent.start("b", FlumeAgent.cleanDir(dirB.resolve("first")), agentB(hecB, out));
    try (FlumeAgent a = FlumeAgent.start("a", dirA, agentA(syslog, hecA, hecB, dirA.resolve("dead")));
        TcpSender sender = TcpSender.open("127.0.0.1", syslog)) {
      long start = System.nanoTime();
      boolean stopped = false;
      boolean restarted = false;
      for (int i = 0; i < total; i++) {
        sender.send("<38>Dec  3 10:00:00 relay-host sshd[42]: Accepted publickey relay-" + i + "\n");
        long elapsed = (System.nanoTime() - start) / 1_000_000;
        if (!stopped && elapsed > 5_000) {
          b.close(); // SIGTERM: B refuses new events and answers A's ack polls, then stops
          stopped = true;
          start = System.nanoTime() - 5_000_000_000L; // the sending goes on at its pace
        } else if (stopped && !restarted && elapsed > 15_000) {
          b = FlumeAgent.start("b", FlumeAgent.cleanDir(dirB.resolve("second")), agentB(hecB, out));
          restarted = true;
        }
        if (i % 30 == 29) {
          Thread.sleep(100); // about 300 a second
        }
      }
      if (!restarted) {
        Thread.sleep(Math.max(0, 15_000 - (System.nanoTime() - start) / 1_000_000));
        b = FlumeAgent.start("b", FlumeAgent.cleanDir(dirB.resolve("second")), agentB(hecB, out));
      }
      a.await(Duration.ofSeconds(60), total + " messages in B's files", () -> nonces(out).size() >= total);
      Thread.sleep(2000); // anything sent twice would come now
      Map<Integer, Integer> got = nonces(out);
      assertEquals(total, got.size(), "every message arrived");
      List<Integer> twice = got.entrySet().stream().filter(e -> e.getValue() != 1).map(Map.Entry::getKey).toList();
      assertEquals(List.of(), twice, "each exactly once");
      String one = NdjsonFiles.lines(out).stream().filter(l -> l.contains("relay-17\"")).findFirst().orElseThrow();
      assertTrue(one.contains("\"host\":\"relay-host\""), "the envelope's host: " + one);
      assertTrue(one.contains("\"hec.token\":\"relay\""), one);
      assertTrue(one.contains("\"message\":\"sshd[42]: Accepted publickey relay-17\""), "A's document as B's event: " + one);
      assertTrue(a.counter("org.apache.flume.sluice:name=sink.k1.hec.retries", "Count") > 0, "A retried while B was away");
    } finally {
      b.close();
    }
  }

  /**
   * Acks chained across both agents: a client of A's HecSource asks for acks; its request's ack
   * stays false while B is down (A's sink cannot deliver, so it does not commit, and A's source
   * hears of nothing), and turns true once B is up and has written the events.
   */
  @Test
  void aClientsAckAtTheRelayWaitsForTheCentralAgent() throws Exception {
    Path dirA = FlumeAgent.cleanDir(FlumeAgent.workDir("chain-a"));
    Path dirB = FlumeAgent.cleanDir(FlumeAgent.workDir("chain-b"));
    Path out = dirB.resolve("out");
    int hecA = Ports.free();
    int hecB = Ports.free();
    try (FlumeAgent a = FlumeAgent.start("a", dirA, agentA(Ports.free(), hecA, hecB, dirA.resolve("dead")))) {
      a.awaitStarted(Duration.ofSeconds(30), List.of("org.apache.flume.sink:type=k1"));
      HecClient client = new HecClient(hecA, TOKEN, "c1a2e000-0000-4000-8000-000000000001");
      long ackId = client.post("/services/collector/event", "{\"event\":\"relay-1\"}{\"event\":\"relay-2\"}").ackId();
      for (int i = 0; i < 10; i++) {
        Thread.sleep(200);
        assertTrue(!client.acked(ackId), "B is not there: nothing is delivered yet");
      }
      try (FlumeAgent b = FlumeAgent.start("b", dirB, agentB(hecB, out))) {
        a.await(Duration.ofSeconds(30), "the ack true once B has the events", () -> client.acked(ackId));
        assertEquals(Map.of(1, 1, 2, 1), nonces(out), "both events in B's files when A's ack is true");
      }
    }
  }
}
