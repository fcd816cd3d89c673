package io.sluice.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.it.harness.Command;
import io.sluice.it.harness.FlumeAgent;
import io.sluice.it.harness.HecClient;
import io.sluice.it.harness.LoggerCommand;
import io.sluice.it.harness.NdjsonFiles;
import io.sluice.it.harness.QuickstartConfig;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The README's quickstart, step by step, on {@code conf-examples/quickstart.properties} as
 * shipped: only its three ports are moved to free ones, and its paths into {@code conf-examples/}
 * are resolved against the source tree, where the README's command runs it. Each step checks what
 * the README says it does, so that neither the configuration nor the README can drift from what
 * a new user sees.
 */
class QuickstartEndToEndTest {

  private static final Path REPO = Paths.get(System.getProperty("sluice.repo", "..")).toAbsolutePath().normalize();
  private static final String TOKEN = "7d1e5c2a-0b3f-4c8d-9e6a-5f4b3c2d1e0f";
  private static final String ACKED_TOKEN = "3c9f8a71-5d2e-4b6a-9c1d-0e2f4a6b8c0d";
  private static final String GOV_UDP = "org.apache.flume.interceptor:type=gov";

  @Test
  void theReadmesStepsDoWhatItSays() throws IOException {
    Path dir = FlumeAgent.cleanDir(FlumeAgent.workDir("quickstart"));
    QuickstartConfig quickstart = QuickstartConfig.onFreePorts(REPO);
    int udp = quickstart.udp();
    int tcp = quickstart.tcp();
    int hec = quickstart.hec();
    String conf = quickstart.text();
    Path events = dir.resolve("sluice-quickstart/events"); // relative in the file: under the agent's directory
    Path deadLetter = dir.resolve("sluice-quickstart/deadletter");
    String run = UUID.randomUUID().toString().substring(0, 8);

    try (FlumeAgent agent = FlumeAgent.start("a1", dir, conf)) {
      agent.awaitStarted(Duration.ofSeconds(30),
          List.of("org.apache.flume.sink:type=valid", GOV_UDP));

      // "validated, written"
      LoggerCommand.send(udp, null, "-d", "hello " + run);
      await(agent, events, "the hello line written", l -> l.contains("hello " + run), 1);

      // "20/s burst 40 per sender": 500 datagrams from one sender, some throttled (kept, routed
      // to the null sink), the others written, nothing unaccounted for
      String floods = IntStream.range(0, 500).mapToObj(i -> "flood " + run + " " + i)
          .collect(Collectors.joining("\n", "", "\n"));
      LoggerCommand.send(udp, floods, "-d");
      agent.await(Duration.ofSeconds(30), "all 500 floods and the hello decided", () -> decided(agent) == 501);
      long throttled = agent.counter(GOV_UDP, "ThrottledCount");
      long admitted = agent.counter(GOV_UDP, "ProcessedCount") + agent.counter(GOV_UDP, "BatchedCount");
      assertTrue(throttled > 0, "the flood went over 20/s burst 40");
      assertTrue(admitted >= 1 + 40, "the burst at least: " + admitted);
      await(agent, events, "every admitted flood written", l -> l.contains("flood " + run), (int) admitted - 1);

      // "TCP: pushed back, none lost": throttled = reject holds the connection back, nothing is dropped
      String tcpFlood = IntStream.range(0, 200).mapToObj(i -> "tcpflood " + run + " " + i)
          .collect(Collectors.joining("\n", "", "\n"));
      LoggerCommand.send(tcp, tcpFlood, "-T", "--octet-count", "-t", "tcpflood");
      await(agent, events, "all 200 TCP lines written", l -> l.contains("tcpflood " + run), 200);

      // "invalid: dead-lettered"
      byte[] junk = ("no syslog at all " + run).getBytes(StandardCharsets.US_ASCII);
      try (DatagramSocket s = new DatagramSocket()) {
        s.send(new DatagramPacket(junk, junk.length, InetAddress.getLoopbackAddress(), udp));
      }
      await(agent, deadLetter, "the junk line dead-lettered", l -> l.contains("no syslog at all " + run), 1);

      // "HEC: {"text":"Success","code":0}", with curl as in the README
      Command.Result curl = Command.run(List.of(Command.require("curl", "curl"), "-sS",
          "-H", "Authorization: Splunk " + TOKEN, "127.0.0.1:" + hec + "/services/collector",
          "-d", "{\"event\":{\"user\":\"alice\",\"action\":\"login\",\"run\":\"" + run + "\"},\"sourcetype\":\"demo\"}"),
          null, Duration.ofSeconds(20)).requireOk();
      assertEquals("{\"text\":\"Success\",\"code\":0}", curl.output().trim());
      await(agent, events, "the HEC event written", l -> l.contains("\"run\":\"" + run + "\"") && l.contains("\"sourcetype\":\"demo\""), 1);

      // the acked token: an ackId, true once the sink has written the event
      HecClient acked = new HecClient(hec, ACKED_TOKEN, UUID.randomUUID().toString());
      long ackId = acked.post("/services/collector/event", "{\"event\":\"acked " + run + "\"}").ackId();
      agent.await(Duration.ofSeconds(30), "the ack true", () -> acked.acked(ackId));
      assertTrue(NdjsonFiles.lines(events).stream().anyMatch(l -> l.contains("acked " + run)));

      // "Flume's JSON metrics (loopback only)"
      String metrics = agent.metricsJson();
      assertTrue(metrics.contains("\"SINK.valid\""), metrics);

      // "Prometheus: processed, batched, throttled"
      String prometheus = Command.run(List.of(Command.require("curl", "curl"), "-sS",
          "127.0.0.1:" + agent.prometheusPort() + "/metrics"), null, Duration.ofSeconds(20))
          .requireOk().output();
      for (String d : List.of("processed", "batched", "throttled")) {
        String series = "sluice_events_total{component=\"gov\",disposition=\"" + d + "\"} ";
        assertTrue(prometheus.contains(series), series + " in " + prometheus);
      }
      assertTrue(prometheus.contains("sluice_events_total{component=\"gov\",disposition=\"throttled\"} "
          + (double) agent.counter(GOV_UDP, "ThrottledCount")), "the throttled count JMX gives");
    }
  }

  private static long decided(FlumeAgent agent) {
    return agent.counter(GOV_UDP, "ProcessedCount") + agent.counter(GOV_UDP, "BatchedCount")
        + agent.counter(GOV_UDP, "ThrottledCount");
  }

  /** Waits until exactly {@code n} lines of the files in {@code dir} match, and checks there are no more. */
  private static void await(FlumeAgent agent, Path dir, String what, java.util.function.Predicate<String> match, int n) {
    agent.await(Duration.ofSeconds(30), what, () -> count(dir, match) >= n);
    assertEquals(n, count(dir, match), what + ": each once");
  }

  private static long count(Path dir, java.util.function.Predicate<String> match) {
    return NdjsonFiles.lines(dir).stream().filter(match).count();
  }
}
