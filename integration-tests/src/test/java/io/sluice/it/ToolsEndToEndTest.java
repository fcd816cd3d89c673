package io.sluice.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.it.harness.Command;
import io.sluice.it.harness.FlumeAgent;
import io.sluice.it.harness.NdjsonFiles;
import io.sluice.it.harness.QuickstartConfig;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * The operator's tools against real agents, as the README's walkthrough runs them: {@code sluice
 * load} sends the mission's burst pattern (10× the baseline for 2 s, then 30 s of silence) for a
 * minute at the syslog and at the HEC quickstart, each its own agent, at once; {@code sluice
 * report} accounts for every event (its counts equal the agents' JMX counters and the sinks'
 * files, nothing unexplained) and its HTML loads in headless Chromium with its charts; {@code
 * sluice tune} proposes a limit within the 80–90% band of what it measured.
 */
class ToolsEndToEndTest {

  private static final Path REPO = Paths.get(System.getProperty("sluice.repo", "..")).toAbsolutePath().normalize();
  private static final String SLUICE = REPO.resolve("tools/bin/sluice").toString();
  private static final String ACKED_TOKEN = "3c9f8a71-5d2e-4b6a-9c1d-0e2f4a6b8c0d";
  private static final String GOV = "org.apache.flume.interceptor:type=gov";
  private static final String GOV_HEC = "org.apache.flume.interceptor:type=gov-hec";
  private static final Pattern VERDICT = Pattern.compile(
      "(PASS|FAIL): (\\d+) sent, (\\d+) written once, (\\d+) dead-lettered, (\\d+) throttled.*");

  private static Command.Result sluice(List<String> args, Duration timeout) {
    List<String> cmd = new ArrayList<>(List.of(SLUICE));
    cmd.addAll(args);
    return Command.run(cmd, null, timeout);
  }

  @Test
  void theBurstPatternForAMinuteAtSyslogAndHecIsAccountedForEventByEvent() throws Exception {
    Path dirA = FlumeAgent.cleanDir(FlumeAgent.workDir("tools-syslog"));
    Path dirB = FlumeAgent.cleanDir(FlumeAgent.workDir("tools-hec"));
    QuickstartConfig qa = QuickstartConfig.onFreePorts(REPO);
    QuickstartConfig qb = QuickstartConfig.onFreePorts(REPO);
    try (FlumeAgent a = FlumeAgent.start("a1", dirA, qa.text());
        FlumeAgent b = FlumeAgent.start("a1", dirB, qb.text())) {
      a.awaitStarted(Duration.ofSeconds(30), List.of("org.apache.flume.sink:type=valid", GOV));
      b.awaitStarted(Duration.ofSeconds(30), List.of("org.apache.flume.sink:type=valid", GOV_HEC));
      Path runA = dirA.resolve("run");
      Path runB = dirB.resolve("run");
      // Both at once: four syslog senders (127.0.0.1-4) at 100/s x10, two HEC senders with acks.
      CompletableFuture<Command.Result> loadA = CompletableFuture.supplyAsync(() -> sluice(List.of(
          "load", "udp://127.0.0.1:" + qa.udp(), "burst", "100", "x10", "2s", "then", "30s", "silence",
          "--duration", "60s", "--senders", "4", "--run-dir", runA.toString(),
          "--metrics", "http://127.0.0.1:" + a.prometheusPort() + "/metrics"), Duration.ofSeconds(120)));
      CompletableFuture<Command.Result> loadB = CompletableFuture.supplyAsync(() -> sluice(List.of(
          "load", "hec://127.0.0.1:" + qb.hec() + "/services/collector/event", "burst", "10", "x10",
          "2s", "then", "30s", "silence", "--duration", "60s", "--senders", "2", "--batch", "5",
          "--token", ACKED_TOKEN, "--ack", "--run-dir", runB.toString(),
          "--metrics", "http://127.0.0.1:" + b.prometheusPort() + "/metrics"), Duration.ofSeconds(150)));
      loadA.get().requireOk();
      loadB.get().requireOk();

      // Syslog: every id accounted for, and the report's counts are the agent's and the files'.
      Path eventsA = dirA.resolve("sluice-quickstart/events");
      Command.Result reportA = sluice(List.of("report", runA.toString(), "--events", eventsA.toString(),
          "--dead-letter", dirA.resolve("sluice-quickstart/deadletter").toString(), "--limit", "20"),
          Duration.ofSeconds(120));
      assertEquals(0, reportA.exitCode(), reportA::describe);
      Matcher v = verdict(reportA.output());
      String runIdA = runId(runA);
      assertEquals(4000, Long.parseLong(v.group(2)), "2 bursts of 1000/s for 2 s");
      long written = Long.parseLong(v.group(3));
      assertEquals(idsIn(eventsA, runIdA), written, "written once = this run's ids in the sink's files");
      assertEquals(a.counter(GOV, "ProcessedCount") + a.counter(GOV, "BatchedCount"), written,
          "every admitted event written");
      assertEquals(a.counter(GOV, "ThrottledCount"), Long.parseLong(v.group(5)), "throttled = JMX");
      assertTrue(written > 0 && Long.parseLong(v.group(5)) > 0, reportA.output());
      Path html = runA.resolve("report/report.html");
      assertTrue(Files.readString(html).startsWith("<!DOCTYPE html>"), html.toString());
      chromiumLoads(html, dirA.resolve("screenshot.png"));

      // HEC with acks: nothing unexplained; pushed-back events are the sender's, not lost.
      Path eventsB = dirB.resolve("sluice-quickstart/events");
      Command.Result reportB = sluice(List.of("report", runB.toString(), "--events", eventsB.toString(),
          "--dead-letter", dirB.resolve("sluice-quickstart/deadletter").toString()), Duration.ofSeconds(120));
      assertEquals(0, reportB.exitCode(), reportB::describe);
      Matcher w = verdict(reportB.output());
      assertEquals(idsIn(eventsB, runId(runB)), Long.parseLong(w.group(3)));
      assertTrue(Long.parseLong(w.group(3)) > 0, reportB.output());
      assertTrue(Files.size(runB.resolve("acks.csv")) > 50, "acks recorded");
    }
  }

  @Test
  void tuneProposesALimitWithinTheBandOfWhatItMeasured() throws Exception {
    Path dir = FlumeAgent.cleanDir(FlumeAgent.workDir("tools-tune"));
    QuickstartConfig q = QuickstartConfig.onFreePorts(REPO);
    try (FlumeAgent agent = FlumeAgent.start("a1", dir, q.text())) {
      agent.awaitStarted(Duration.ofSeconds(30), List.of("org.apache.flume.sink:type=valid", GOV));
      Command.Result tune = sluice(List.of("tune", "udp://127.0.0.1:" + q.udp(),
          "--metrics", "http://127.0.0.1:" + agent.prometheusPort() + "/metrics",
          "--from", "500", "--max", "4000", "--step", "3s", "--senders", "20",
          "--prefix", "a1.sources.syslog.interceptors.gov.", "--run-dir", dir.resolve("tune").toString()),
          Duration.ofSeconds(180));
      assertEquals(0, tune.exitCode(), tune::describe);
      Matcher measured = Pattern.compile("# measured: the sink kept up with (\\d+) events/s").matcher(tune.output());
      Matcher limit = Pattern.compile("a1.sources.syslog.interceptors.gov.global.limit = (\\d+)/s burst (\\d+)")
          .matcher(tune.output());
      assertTrue(measured.find() && limit.find(), tune::describe);
      double sustainable = Double.parseDouble(measured.group(1));
      long rate = Long.parseLong(limit.group(1));
      assertTrue(rate >= 0.8 * sustainable && rate <= 0.9 * sustainable, tune::describe);
      long burst = Long.parseLong(limit.group(2));
      assertTrue(burst >= 3 * sustainable && burst <= 5 * sustainable, tune::describe);
    }
  }

  private static Matcher verdict(String output) {
    for (String line : output.split("\n")) {
      Matcher m = VERDICT.matcher(line.trim());
      if (m.matches()) {
        assertEquals("PASS", m.group(1), line);
        return m;
      }
    }
    throw new AssertionError("no verdict in: " + output);
  }

  private static String runId(Path run) throws IOException {
    Properties p = new Properties();
    try (var in = Files.newInputStream(run.resolve("run.properties"))) {
      p.load(in);
    }
    return p.getProperty("runId");
  }

  /** Distinct ids of a run in a sink's files, counted here without the report's code. */
  private static long idsIn(Path dir, String runId) {
    Pattern id = Pattern.compile("sluice-id=(" + runId + "-\\d+-\\d+)");
    Set<String> ids = new HashSet<>();
    for (String line : NdjsonFiles.lines(dir)) {
      Matcher m = id.matcher(line);
      while (m.find()) {
        assertTrue(ids.add(m.group(1)), "written twice: " + m.group(1));
      }
    }
    return ids.size();
  }

  /**
   * Loads the report in headless Chromium: no resource fails to load, a screenshot shows a page
   * that is not blank, and the DOM holds the charts, each a PNG that decodes to a real image.
   */
  private static void chromiumLoads(Path html, Path screenshot) throws IOException {
    String chromium = Command.require("chromium", "chromium");
    List<String> common = List.of(chromium, "--headless", "--no-sandbox", "--disable-gpu",
        "--hide-scrollbars", "--enable-logging=stderr", "--v=0");
    List<String> shot = new ArrayList<>(common);
    shot.addAll(List.of("--window-size=1280,2400", "--screenshot=" + screenshot, html.toUri().toString()));
    Command.Result r = Command.run(shot, null, Duration.ofSeconds(90));
    assertTrue(Files.size(screenshot) > 10_000, r::describe);
    assertFalse(r.output().contains("Failed to load resource"), r::describe);
    assertFalse(r.output().contains("Uncaught"), r::describe);
    BufferedImage image = ImageIO.read(screenshot.toFile());
    assertNotNull(image);
    assertTrue(distinctColours(image) > 20, "the screenshot is not a blank page");

    List<String> dom = new ArrayList<>(common);
    dom.addAll(List.of("--dump-dom", html.toUri().toString()));
    String page = Command.run(dom, null, Duration.ofSeconds(90)).output();
    Matcher img = Pattern.compile("<img[^>]*src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"").matcher(page);
    int charts = 0;
    while (img.find()) {
      BufferedImage chart = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(img.group(1))));
      assertNotNull(chart);
      assertTrue(chart.getWidth() > 0 && distinctColours(chart) > 5, "a chart with something drawn");
      charts++;
    }
    assertTrue(charts >= 4, "charts in the loaded page: " + charts);
  }

  private static int distinctColours(BufferedImage image) {
    Set<Integer> colours = new HashSet<>();
    for (int y = 0; y < image.getHeight(); y += 7) {
      for (int x = 0; x < image.getWidth(); x += 7) {
        colours.add(image.getRGB(x, y));
      }
    }
    return colours.size();
  }
}
