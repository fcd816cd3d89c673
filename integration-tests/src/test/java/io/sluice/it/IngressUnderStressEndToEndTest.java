package io.sluice.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.it.harness.FlumeAgent;
import io.sluice.it.harness.Ports;
import io.sluice.it.harness.SinkEvents;
import io.sluice.it.harness.SinkFiles.Written;
import io.sluice.it.harness.SyslogChecks;
import io.sluice.it.harness.TcpSender;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import org.junit.jupiter.api.Test;

/**
 * Sluice's TCP source in a real agent, pushed back for long stretches: by the interceptor ({@code
 * throttled = reject}) and by a sink outage. Nothing a sender wrote may be lost or written twice,
 * and what pushed-back senders leave behind must stay within the connection limits.
 *
 * <p>A sink outage: {@code file_roll} rolls every second, and opening the next file fails while
 * its directory has been moved away and a plain file put in its place (this holds for root too);
 * the sink then takes nothing, the channel fills and refuses, and the source pushes back.
 */
class IngressUnderStressEndToEndTest {

  private static final String GOVERNOR = """
      a1.sources.t.interceptors = gov
      a1.sources.t.interceptors.gov.type = io.sluice.interceptor.TokenBucketInterceptor$Builder
      a1.sources.t.interceptors.gov.metricsName = gov
      a1.sources.t.interceptors.gov.key = clientIp
      a1.sources.t.interceptors.gov.limit = %s
      a1.sources.t.interceptors.gov.defer.maxDelay = 0s
      a1.sources.t.interceptors.gov.throttled = %s
      """;

  private static String sink(String name, String channel, Path dir) {
    return """
        a1.sinks.%1$s.type = file_roll
        a1.sinks.%1$s.channel = %2$s
        a1.sinks.%1$s.sink.directory = %3$s
        a1.sinks.%1$s.sink.rollInterval = 1
        a1.sinks.%1$s.sink.serializer = header_and_text
        a1.sinks.%1$s.sink.batchSize = 10
        """.formatted(name, channel, dir);
  }

  private static String channel(String name, int capacity) {
    return """
        a1.channels.%1$s.type = io.sluice.channel.DisruptorChannel
        a1.channels.%1$s.capacity = %2$d
        a1.channels.%1$s.transactionCapacity = 100
        """.formatted(name, capacity);
  }

  private static String tcpSource(int port, String channels, String extra) {
    return """
        a1.sources.t.type = io.sluice.source.SyslogTcpSource
        a1.sources.t.host = 127.0.0.1
        a1.sources.t.port = %d
        a1.sources.t.channels = %s
        """.formatted(port, channels) + extra;
  }

  /** {@code dir} moved aside (to a numbered sibling) and a plain file put in its place. */
  private static Path breakSinkDirectory(Path dir, int round) {
    Path aside = dir.resolveSibling(dir.getFileName() + ".before-outage-" + round);
    try {
      Files.move(dir, aside);
      Files.writeString(dir, "not a directory: the sink cannot open its next file\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return aside;
  }

  private static void repairSinkDirectory(Path dir) {
    try {
      Files.delete(dir);
      Files.createDirectory(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Everything written: into the directories moved aside from {@code dir}, in turn, then into it. */
  private static List<Written> written(Path dir) {
    List<Written> all = new ArrayList<>();
    String aside = dir.getFileName() + ".before-outage-";
    try (Stream<Path> siblings = Files.list(dir.getParent())) {
      for (Path p : siblings.filter(p -> p.getFileName().toString().startsWith(aside))
          .sorted().toList()) {
        all.addAll(SinkEvents.read(p));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (Files.isDirectory(dir)) {
      all.addAll(SinkEvents.read(dir));
    }
    return all;
  }

  private static List<Written> mine(List<Written> all, String nonce) {
    return all.stream().filter(w -> w.body().startsWith(nonce)).toList();
  }

  /** Each of {@code lines} bodies {@code nonce i} is written exactly once, in order. */
  private static void assertExactlyOnceInOrder(List<Written> got, String nonce, int lines) {
    Map<String, Integer> seen = new HashMap<>();
    int last = -1;
    for (Written w : got) {
      seen.merge(w.body(), 1, Integer::sum);
      int i = Integer.parseInt(w.body().substring(nonce.length() + 1));
      assertTrue(i > last, "in the order sent: " + i + " after " + last);
      last = i;
    }
    List<String> twice = seen.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
    assertEquals(List.of(), twice, "written twice");
    assertEquals(lines, seen.size(), "every line written");
  }

  private static String lines(String nonce, int from, int to) {
    StringBuilder b = new StringBuilder();
    for (int i = from; i < to; i++) {
      b.append("<13>1 - sender app - - - ").append(nonce).append(' ').append(i).append('\n');
    }
    return b.toString();
  }

  @Test
  void aSenderPushedBackPastItsIdleTimeoutAndThroughASinkOutageLosesNothing() {
    // The reproduction: reject at 20/s, idleTimeout 2s, and a 10 s sink outage.
    Path dir = FlumeAgent.cleanDir(FlumeAgent.workDir("ingress-pushback"));
    Path out = FlumeAgent.cleanDir(dir.resolve("out"));
    int port = Ports.free();
    String conf = """
        a1.sources = t
        a1.channels = c1
        a1.sinks = k1
        """ + tcpSource(port, "c1", "a1.sources.t.idleTimeout = 2s\n")
        + GOVERNOR.formatted("20/s burst 20", "reject") + channel("c1", 128) + sink("k1", "c1", out);
    String nonce = SyslogChecks.nonce("pushback");
    int n = 400;
    try (FlumeAgent agent = FlumeAgent.start("a1", dir, conf);
        TcpSender sender = TcpSender.open("127.0.0.7", port)) {
      sender.send(lines(nonce, 0, n)); // and the connection stays open
      agent.await(Duration.ofSeconds(30), "60 lines written", () -> mine(written(out), nonce).size() >= 60);
      breakSinkDirectory(out, 1);
      agent.await(Duration.ofSeconds(30), "the channel full and the source refused",
          () -> agent.counter("org.apache.flume.source:type=t", "ChannelWriteFail") > 0
              && agent.counter("org.apache.flume.channel:type=c1", "ChannelSize") >= 100);
      sleep(10_000); // the outage
      repairSinkDirectory(out);
      agent.await(Duration.ofSeconds(90), n + " lines written",
          () -> mine(written(out), nonce).size() >= n);
      assertFalse(sender.closedByPeer(200), "the pushed-back connection was never closed");
      assertEquals(0, agent.counter("org.apache.flume.sluice:name=source.t.connections.refused.idleTimeout", "Count"));
      sleep(1500); // anything written twice would be written by now
      assertExactlyOnceInOrder(mine(written(out), nonce), nonce, n);
    }
  }

  @Test
  void aFullQuarantineChannelMakesNoDuplicatesInTheMainOne() {
    // The README's routing: processed events to c1, throttled ones kept and routed to quarantine q.
    Path dir = FlumeAgent.cleanDir(FlumeAgent.workDir("ingress-quarantine"));
    Path out = FlumeAgent.cleanDir(dir.resolve("out"));
    Path held = FlumeAgent.cleanDir(dir.resolve("quarantine"));
    int port = Ports.free();
    String conf = """
        a1.sources = t
        a1.channels = c1 q
        a1.sinks = k1 kq
        a1.sources.t.selector.type = multiplexing
        a1.sources.t.selector.header = sluice.disposition
        a1.sources.t.selector.mapping.processed = c1
        a1.sources.t.selector.mapping.throttled = q
        a1.sources.t.selector.default = c1
        """ + tcpSource(port, "c1 q", "") + GOVERNOR.formatted("200/s burst 200", "keep")
        + channel("c1", 65536) + channel("q", 128) + sink("k1", "c1", out) + sink("kq", "q", held);
    String nonce = SyslogChecks.nonce("quarantine");
    int n = 3000;
    try (FlumeAgent agent = FlumeAgent.start("a1", dir, conf);
        TcpSender sender = TcpSender.open("127.0.0.8", port)) {
      breakSinkDirectory(held, 1); // the quarantine's sink is out: q fills and refuses
      sender.send(lines(nonce, 0, n));
      agent.await(Duration.ofSeconds(30), "the quarantine full and the source refused",
          () -> agent.counter("org.apache.flume.source:type=t", "ChannelWriteFail") > 5);
      sleep(5_000);
      repairSinkDirectory(held);
      agent.await(Duration.ofSeconds(90), n + " lines written",
          () -> mine(written(out), nonce).size() + mine(written(held), nonce).size() >= n);
      sleep(1500);
      List<Written> main = mine(written(out), nonce);
      List<Written> quarantined = mine(written(held), nonce);
      List<Written> both = new ArrayList<>(main);
      both.addAll(quarantined);
      both.sort((a, b) -> Integer.compare(index(a, nonce), index(b, nonce)));
      assertExactlyOnceInOrder(both, nonce, n);
      assertTrue(main.stream().allMatch(w -> "processed".equals(w.header("sluice.disposition"))));
      assertTrue(quarantined.stream().allMatch(w -> "throttled".equals(w.header("sluice.disposition"))));
      assertTrue(quarantined.size() > 100, quarantined.size() + " throttled");
      assertEquals(n, agent.counter("org.apache.flume.interceptor:type=gov", "ProcessedCount")
          + agent.counter("org.apache.flume.interceptor:type=gov", "ThrottledCount"),
          "each event decided once, however many times its batch was tried");
    }
  }

  @Test
  void aBatchLargerThanTheChannelsTransactionCapacityIsRefusedAtConfiguration() {
    // Every batch of 500 would fail in a channel that takes at most 100 per transaction.
    Path dir = FlumeAgent.cleanDir(FlumeAgent.workDir("ingress-batch-size"));
    int port = Ports.free();
    String conf = """
        a1.sources = t
        a1.channels = c1
        a1.sinks = k1
        a1.sinks.k1.type = null
        a1.sinks.k1.channel = c1
        """ + tcpSource(port, "c1", "a1.sources.t.batchSize = 500\n") + channel("c1", 1024);
    try (FlumeAgent agent = FlumeAgent.launch("a1", dir, conf)) {
      agent.await(Duration.ofSeconds(30), "Flume's refusal in the log", () -> agent.log().contains(
          "source's batch size is greater than the channels transaction capacity. Source: t,"
              + " batch size = 500, channel c1, transaction capacity = 100"));
      agent.awaitStarted(Duration.ofSeconds(30), List.of("org.apache.flume.channel:type=c1"));
      assertFalse(listening(port), "the source was not started");
    }
  }

  private static boolean listening(int port) {
    try (java.net.Socket s = new java.net.Socket()) {
      s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException refused) {
      return false;
    }
  }

  private static int index(Written w, String nonce) {
    return Integer.parseInt(w.body().substring(nonce.length() + 1));
  }

  @Test
  void sendersThatConnectSendAndCloseInALoopCannotGrowTheHeap() throws Exception {
    Path dir = FlumeAgent.cleanDir(FlumeAgent.workDir("ingress-churn"));
    int port = Ports.free();
    int perIp = 20;
    String conf = """
        a1.sources = t
        a1.channels = c1
        a1.sinks = k1
        a1.sinks.k1.type = null
        a1.sinks.k1.channel = c1
        """ + tcpSource(port, "c1", "a1.sources.t.maxConnectionsPerIp = " + perIp
            + "\na1.sources.t.connectionRatePerIp = none\n")
        + GOVERNOR.formatted("100/s burst 100", "reject") + channel("c1", 65536);
    String chunk = lines("churn", 0, 2000); // ~60 KB a connection, far beyond what 100/s takes
    try (FlumeAgent agent = FlumeAgent.start("a1", dir, conf)) {
      long start = System.nanoTime();
      long firstHeap = -1;
      long maxDraining = 0;
      long maxOpen = 0;
      int connections = 0;
      while (System.nanoTime() - start < Duration.ofSeconds(60).toNanos()) {
        try (TcpSender s = TcpSender.open("127.0.0.9", port)) {
          s.trySend(chunk.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        } catch (UncheckedIOException refused) {
          // refused at connect: the address holds all its slots
        }
        connections++;
        if (connections % 50 == 0) {
          maxDraining = Math.max(maxDraining, gauge(agent, "source.t.connections.draining"));
          maxOpen = Math.max(maxOpen, gauge(agent, "source.t.connections.open"));
        }
        if (firstHeap < 0 && System.nanoTime() - start > Duration.ofSeconds(15).toNanos()) {
          firstHeap = heapAfterGc(agent);
        }
      }
      long lastHeap = heapAfterGc(agent);
      assertTrue(maxDraining <= perIp, maxDraining + " connections draining at once");
      assertTrue(maxOpen <= perIp, maxOpen + " connection slots taken at once");
      assertTrue(agent.counter("org.apache.flume.sluice:name=source.t.connections.refused.maxConnectionsPerIp",
          "Count") > 0, "the address was held back by its slots");
      assertTrue(lastHeap - firstHeap < 24L << 20, "heap after GC grew by "
          + ((lastHeap - firstHeap) >> 20) + " MiB between 15 s and 60 s (" + connections + " connections)");
    }
  }

  private static long gauge(FlumeAgent agent, String metric) {
    return ((Number) agent.attribute("org.apache.flume.sluice:name=" + metric, "Value")).longValue();
  }

  /** Heap in use right after a full GC in the agent: what it really holds. */
  private static long heapAfterGc(FlumeAgent agent) throws Exception {
    ObjectName memory = new ObjectName("java.lang:type=Memory");
    agent.jmx().invoke(memory, "gc", null, null);
    CompositeData usage = (CompositeData) agent.jmx().getAttribute(memory, "HeapMemoryUsage");
    return MemoryUsage.from(usage).getUsed();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
