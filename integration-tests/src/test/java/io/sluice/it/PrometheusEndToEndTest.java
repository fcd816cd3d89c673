package io.sluice.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.sluice.it.harness.Command;
import io.sluice.it.harness.FlumeAgent;
import io.sluice.it.harness.HecClient;
import io.sluice.it.harness.LoggerCommand;
import io.sluice.it.harness.NdjsonFiles;
import io.sluice.it.harness.Ports;
import io.sluice.it.harness.PrometheusServer;
import io.sluice.it.harness.QuickstartConfig;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * PrometheusMonitor in a real agent (the quickstart pipeline under traffic), scraped by a real
 * Prometheus server: the exposition passes {@code promtool check metrics}, every Sluice family is
 * in the README's table, the counts equal what the agent says over JMX, the alert rules evaluate
 * against the real series, and every query of the Grafana dashboard is one Prometheus accepts;
 * and the jmx_exporter configuration, in the same kind of agent, yields the same series.
 */
class PrometheusEndToEndTest {

  private static final Path REPO = Paths.get(System.getProperty("sluice.repo", "..")).toAbsolutePath().normalize();
  private static final Path MONITORING = REPO.resolve("conf-examples/monitoring");
  private static final String TOKEN = "7d1e5c2a-0b3f-4c8d-9e6a-5f4b3c2d1e0f";
  private static final String ACKED_TOKEN = "3c9f8a71-5d2e-4b6a-9c1d-0e2f4a6b8c0d";
  private static final String GOV = "org.apache.flume.interceptor:type=gov";

  /** Flume's counters that stay still once traffic stops (a sink's polls move the others). */
  private static final Map<String, List<String>> STILL = Map.of(
      "source", List.of("EventReceivedCount", "EventAcceptedCount", "AppendBatchAcceptedCount"),
      "channel", List.of("EventPutSuccessCount", "EventTakeSuccessCount", "ChannelSize"),
      "interceptor", List.of("ProcessedCount", "BatchedCount", "ThrottledCount",
          "ThrottledRateCount", "DroppedCount", "RejectedEventCount"),
      "sink", List.of("EventDrainSuccessCount"));

  @Test
  void aRealPrometheusScrapesTheAgentAndSeesWhatJmxSays() throws Exception {
    Path dir = FlumeAgent.cleanDir(FlumeAgent.workDir("prometheus"));
    Quickstart q = Quickstart.on(dir);
    Path deadLetter = q.deadLetter();

    try (FlumeAgent agent = FlumeAgent.start("a1", dir, q.conf())) {
      q.traffic(agent);

      // The exposition, as a scraper reads it.
      long t0 = System.nanoTime();
      String text = scrape(agent.prometheusPort());
      long scrapeMillis = (System.nanoTime() - t0) / 1_000_000;
      System.out.println("PrometheusEndToEndTest: one scrape of the quickstart agent took "
          + scrapeMillis + " ms, " + text.length() + " bytes");
      Command.Result lint = Command.run(List.of(Command.require("promtool", "prometheus"), "check",
          "metrics"), text, Duration.ofSeconds(30));
      assertTrue(lint.ok(), lint::describe);
      assertFalse(agent.log().contains("has no Prometheus name"), "a metric without a rule");
      String readme = Files.readString(REPO.resolve("README.md"));
      for (String family : families(text)) {
        if (family.startsWith("sluice_")) {
          assertTrue(readme.contains("`" + family + "`"), family + " is not in the README's table");
        }
      }

      // Every still Flume counter equals its JMX attribute; Sluice's equal theirs.
      Map<String, Double> series = series(text);
      int compared = 0;
      for (String source : agent.declared("sources")) {
        compared += compareFlume(agent, series, "source", source, STILL.get("source"));
      }
      for (String channel : agent.declared("channels")) {
        compared += compareFlume(agent, series, "channel", channel, STILL.get("channel"));
      }
      // (the discard sink is Flume's null sink, which keeps no counters)
      compared += compareFlume(agent, series, "sink", "valid", STILL.get("sink"));
      for (String interceptor : List.of("gov", "gov-tcp", "gov-hec")) {
        compared += compareFlume(agent, series, "interceptor", interceptor, STILL.get("interceptor"));
      }
      assertTrue(compared >= 30, "compared " + compared);
      for (String d : List.of("processed", "batched", "throttled")) {
        assertEquals((double) agent.counter(GOV, Character.toUpperCase(d.charAt(0)) + d.substring(1) + "Count"),
            series.get("sluice_events_total{component=\"gov\",disposition=\"" + d + "\"}"), d);
      }
      assertEquals((double) NdjsonFiles.lines(deadLetter).size(),
          series.get("sluice_sink_dead_lettered_events_total{component=\"valid\"}"));
      assertEquals(2.0, series.get("sluice_hec_events_total{component=\"hec\",endpoint=\"event\",status=\"accepted\"}"));
      assertEquals(1.0, series.get("sluice_hec_acks_completed_total{component=\"hec\"}"));
      assertTrue(series.get("sluice_sink_write_duration_seconds_count{component=\"valid\"}") > 0);
      assertTrue(text.contains("sluice_top_offender_events{component=\"gov\",key=\"127.0.0.1\",rank=\"1\"}"),
          "the throttled sender ranks first");

      // A real Prometheus scraping it, with the alert rules loaded.
      Path rules = MONITORING.resolve("sluice-alerts.yml");
      assertTrue(Files.isRegularFile(rules), rules + " is missing");
      try (PrometheusServer prometheus = PrometheusServer.start(dir.resolve("prometheus"),
          "127.0.0.1:" + agent.prometheusPort(), List.of(rules))) {
        double processed = agent.counter(GOV, "ProcessedCount");
        agent.await(Duration.ofSeconds(60), "Prometheus to have scraped the processed count", () ->
            prometheus.value("sluice_events_total{component=\"gov\",disposition=\"processed\"}") == processed);
        assertEquals(1.0, prometheus.value("up{job=\"sluice\"}"));
        assertEquals((double) agent.counter(GOV, "ThrottledCount"),
            prometheus.value("sum(sluice_throttled_total{component=\"gov\"})"),
            "the reasons add up to the throttled count");
        assertEquals((double) agent.counter("org.apache.flume.source:type=syslog", "EventReceivedCount"),
            prometheus.value("flume_source_event_received_total{component=\"syslog\"}"));
        assertEquals(9.0, prometheus.value("count(sluice_events_total)"), "3 interceptors x 3 dispositions");

        agent.await(Duration.ofSeconds(30), "every alert rule evaluated", () -> ruleHealth(prometheus).stream()
            .allMatch(h -> h.equals("ok")));
        assertTrue(ruleHealth(prometheus).size() >= 6, "the playbook's rules: " + ruleHealth(prometheus));

        // Every query of the dashboard is one Prometheus accepts, and most see data (a rate needs
        // two samples: a few scrapes first).
        agent.await(Duration.ofSeconds(30), "three scrapes",
            () -> prometheus.value("count_over_time(up{job=\"sluice\"}[1m])") >= 3);
        List<String> exprs = dashboardQueries();
        assertTrue(exprs.size() >= 10, "dashboard queries: " + exprs);
        int withData = 0;
        for (String expr : exprs) {
          String query = expr.replace("$__rate_interval", "1m");
          JsonObject answer = prometheus.query(query);
          assertEquals("success", answer.get("status").getAsString(), query + ": " + answer);
          if (!answer.getAsJsonObject("data").getAsJsonArray("result").isEmpty()) {
            withData++;
          }
        }
        assertTrue(withData >= exprs.size() / 2, withData + " of " + exprs.size() + " queries have data");
      }
    }
  }

  /** Flume counters that move while the agent idles (a sink's polls), compared by name only. */
  private static final Pattern MOVING = Pattern.compile(
      "flume_sink_(event_drain_attempt|batch_empty|batch_underflow)_total|flume_channel_event_take_attempt_total");

  /** What JMX cannot give the JMX exporter: the bucket counts of histograms, the ranked offenders. */
  private static final Pattern JMX_CANNOT = Pattern.compile(
      ".*_seconds_(bucket|count|sum)|sluice_top_offender_events");

  @Test
  void theJmxExportersConfigurationYieldsTheSameSeriesAsPrometheusMonitor() throws Exception {
    Path dir = FlumeAgent.cleanDir(FlumeAgent.workDir("prometheus-jmx-exporter"));
    Quickstart q = Quickstart.on(dir);
    int exporterPort = Ports.free();
    String javaagent = "-javaagent:" + classpathJar("jmx_prometheus_javaagent") + "=127.0.0.1:"
        + exporterPort + ":" + MONITORING.resolve("jmx-exporter.yml");
    try (FlumeAgent agent = FlumeAgent.start("a1", dir, q.conf(),
        Map.of("JAVA_OPTS", "-Xmx512m -XX:+ExitOnOutOfMemoryError " + javaagent))) {
      q.traffic(agent);
      // The channel's put and take meters are fed from its counters once a second, so two scrapes
      // a moment apart may see a step between them: compare again until a pair agrees.
      List<String> differences = List.of();
      int compared = 0;
      for (int attempt = 0; attempt < 10; attempt++) {
        Map<String, Double> ours = normalized(series(scrape(agent.prometheusPort())));
        Map<String, Double> theirs = normalized(series(scrape(exporterPort)));
        differences = new ArrayList<>();
        compared = 0;
        for (Map.Entry<String, Double> e : ours.entrySet()) {
          String key = e.getKey();
          String family = key.indexOf('{') < 0 ? key : key.substring(0, key.indexOf('{'));
          if (JMX_CANNOT.matcher(family).matches()) {
            continue;
          }
          assertTrue(theirs.containsKey(key), key + " is missing from the JMX exporter's");
          if (!MOVING.matcher(family).matches() && !e.getValue().equals(theirs.get(key))) {
            differences.add(key + ": " + e.getValue() + " and " + theirs.get(key));
          }
          compared++;
        }
        if (differences.isEmpty()) {
          break;
        }
        Thread.sleep(1000);
      }
      assertEquals(List.of(), differences, "values that differ between the two exporters");
      assertTrue(compared >= 200, "compared " + compared + " series");
    }
  }

  /** The path of a jar of the test's classpath whose file name starts with {@code name}. */
  private static String classpathJar(String name) {
    for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      if (Path.of(entry).getFileName().toString().startsWith(name)) {
        return entry;
      }
    }
    throw new AssertionError(name + " is not on the test classpath");
  }

  /**
   * Series keys with their labels sorted, so that two exporters that order labels differently
   * compare equal; only Sluice's and Flume's families.
   */
  private static Map<String, Double> normalized(Map<String, Double> series) {
    Map<String, Double> out = new HashMap<>();
    series.forEach((key, value) -> {
      if (!key.startsWith("sluice_") && !key.startsWith("flume_")) {
        return;
      }
      int brace = key.indexOf('{');
      if (brace < 0) {
        out.put(key, value);
        return;
      }
      List<String> labels = new ArrayList<>(List.of(
          key.substring(brace + 1, key.length() - 1).split(",(?=[a-z_]+=\")")));
      java.util.Collections.sort(labels);
      out.put(key.substring(0, brace) + "{" + String.join(",", labels) + "}", value);
    });
    return out;
  }

  /** The shipped quickstart on free ports, and traffic of every kind the dashboard shows. */
  private record Quickstart(String conf, int udp, int tcp, int hec, Path deadLetter) {

    static Quickstart on(Path dir) {
      QuickstartConfig q = QuickstartConfig.onFreePorts(REPO);
      return new Quickstart(q.text(), q.udp(), q.tcp(), q.hec(), dir.resolve("sluice-quickstart/deadletter"));
    }

    /**
     * Admitted, throttled, TCP, invalid, HEC and acked events; returns once all are decided and
     * written and the channels are empty, so that counters stay still.
     */
    void traffic(FlumeAgent agent) throws IOException {
      agent.awaitStarted(Duration.ofSeconds(30), List.of("org.apache.flume.sink:type=valid", GOV));
      String run = UUID.randomUUID().toString().substring(0, 8);

    // Traffic of every kind the dashboard shows: admitted, throttled, TCP, invalid, HEC, acked.
    // the junk first: after the flood its sender is over its limit
    byte[] junk = ("no syslog at all " + run).getBytes(StandardCharsets.US_ASCII);
    try (DatagramSocket s = new DatagramSocket()) {
      s.send(new DatagramPacket(junk, junk.length, InetAddress.getLoopbackAddress(), udp));
    }
    String flood = IntStream.range(0, 300).mapToObj(i -> "flood " + run + " " + i)
        .collect(Collectors.joining("\n", "", "\n"));
    LoggerCommand.send(udp, flood, "-d");
    LoggerCommand.send(tcp, "tcp " + run + "\n", "-T", "--octet-count");
    new HecClient(hec, TOKEN, UUID.randomUUID().toString())
        .post("/services/collector/event", "{\"event\":\"hec " + run + "\"}");
    HecClient acked = new HecClient(hec, ACKED_TOKEN, UUID.randomUUID().toString());
    long ackId = acked.post("/services/collector/event", "{\"event\":\"acked " + run + "\"}").ackId();
    agent.await(Duration.ofSeconds(30), "the ack true", () -> acked.acked(ackId));
    agent.await(Duration.ofSeconds(30), "all 301 datagrams decided",
        () -> agent.counter(GOV, "ProcessedCount") + agent.counter(GOV, "BatchedCount")
            + agent.counter(GOV, "ThrottledCount") == 301);
    agent.await(Duration.ofSeconds(30), "the junk line dead-lettered",
        () -> NdjsonFiles.lines(deadLetter).stream().anyMatch(l -> l.contains("no syslog at all " + run)));
    agent.await(Duration.ofSeconds(30), "the channels drained", () ->
        agent.counter("org.apache.flume.channel:type=ok", "ChannelSize") == 0
            && agent.counter("org.apache.flume.channel:type=throttled", "ChannelSize") == 0);
    assertTrue(agent.counter(GOV, "ThrottledCount") > 0, "the flood went over the limit");
    }
  }

  private static String scrape(int port) throws IOException, InterruptedException {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
        BodyHandlers.ofString()).body();
  }

  /** The names of the families in a text exposition, from its TYPE lines. */
  private static List<String> families(String text) {
    List<String> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.startsWith("# TYPE ")) {
        out.add(line.split(" ")[2]);
      }
    }
    return out;
  }

  /** Each sample line's series (name and labels, as written) and value. */
  private static Map<String, Double> series(String text) {
    Map<String, Double> out = new HashMap<>();
    for (String line : text.split("\n")) {
      if (!line.isEmpty() && !line.startsWith("#")) {
        int space = line.lastIndexOf(' ');
        out.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
      }
    }
    return out;
  }

  private static int compareFlume(FlumeAgent agent, Map<String, Double> series, String type,
      String component, List<String> attributes) {
    int n = 0;
    String bean = "org.apache.flume." + type + ":type=" + component;
    for (String attribute : attributes) {
      String name = attribute.equals("ChannelSize") ? "flume_channel_size"
          : "flume_" + type + "_" + snake(attribute.substring(0, attribute.length() - "Count".length())) + "_total";
      String key = name + "{component=\"" + component + "\"}";
      assertEquals((double) agent.counter(bean, attribute), series.get(key), key);
      n++;
    }
    return n;
  }

  private static String snake(String camel) {
    return camel.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase();
  }

  private static List<String> ruleHealth(PrometheusServer prometheus) {
    List<String> out = new ArrayList<>();
    for (JsonElement g : prometheus.get("/api/v1/rules").getAsJsonObject("data").getAsJsonArray("groups")) {
      for (JsonElement r : g.getAsJsonObject().getAsJsonArray("rules")) {
        out.add(r.getAsJsonObject().get("health").getAsString());
      }
    }
    return out;
  }

  /** Every {@code expr} of every panel target of the Grafana dashboard. */
  private static List<String> dashboardQueries() throws IOException {
    return MonitoringRulesTest.queries(
        JsonParser.parseString(Files.readString(MONITORING.resolve("sluice-dashboard.json"))));
  }
}
