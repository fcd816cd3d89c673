package io.sluice.tools.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code sluice report} end to end on a run directory and sink files written here. */
class ReportCommandTest {

  private static final String RUN = Runs.RUN;
  private static final long START = Runs.START;
  private static final int SENDERS = 2;
  private static final int PER_SENDER = 300;

  @TempDir
  Path tmp;

  private record Result(int code, String out, String err) {}

  private Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new ReportCommand());
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  /** A 3-second run: 2 senders x 300 events, 6 throttled (not written), 1 dead-lettered. */
  private Path runDir() throws IOException {
    Path run = tmp.resolve("run");
    Files.createDirectories(run.resolve("metrics"));
    Files.writeString(run.resolve("run.properties"), "runId=" + RUN + "\n"
        + "target=udp\\://127.0.0.1\\:5140\npattern=steady 200/s 3s\nsenders=" + SENDERS + "\n"
        + "startEpochMillis=" + START + "\nendEpochMillis=" + (START + 3000) + "\n");
    StringBuilder sent = new StringBuilder("seq,sender,sentEpochMillis,outcome\n");
    StringBuilder acks = new StringBuilder("seq,sender,sentEpochMillis,ackedEpochMillis\n");
    for (int s = 0; s < SENDERS; s++) {
      for (int i = 0; i < PER_SENDER; i++) {
        long t = START + 10L * i;
        sent.append(i).append(',').append(s).append(',').append(t).append(",ok\n");
        acks.append(i).append(',').append(s).append(',').append(t).append(',').append(t + 40)
            .append('\n');
      }
    }
    sent.append(PER_SENDER).append(",0,").append(START + 2999).append(",pushback\n");
    Files.writeString(run.resolve("sent.csv"), sent);
    Files.writeString(run.resolve("acks.csv"), acks);
    Files.writeString(run.resolve("seconds.csv"),
        "second,sent,errors,pushback\n0,200,0,0\n1,200,0,0\n2,201,0,1\n");
    long[] throttled = {0, 2, 4, 6, 6, 6};
    long[] processed = {0, 198, 396, 593, 593, 593};
    for (int k = 0; k < throttled.length; k++) {
      Files.writeString(run.resolve("metrics").resolve((START - 500 + 1000L * k) + ".prom"),
          "# TYPE sluice_events_total counter\n"
              + "sluice_events_total{component=\"gov\",disposition=\"processed\"} "
              + processed[k] + "\n"
              + "sluice_events_total{component=\"gov\",disposition=\"throttled\"} "
              + throttled[k] + "\n"
              + "sluice_throttled_total{component=\"gov\",reason=\"rate\"} " + throttled[k] + "\n"
              + "sluice_sink_written_events_total{component=\"k1\"} " + processed[k] + "\n"
              + "sluice_channel_depth{component=\"c1\",lane=\"deferred\"} " + k + "\n"
              + "sluice_deferred_events{component=\"gov\"} " + k + "\n"
              + "flume_channel_fill_ratio{component=\"c1\"} 0.0" + k + "\n");
    }
    return run;
  }

  /** The sink's files: all but {@code missing} of sender 1's last events, one dead letter. */
  private Path[] sink(int missing, boolean duplicate) throws IOException {
    Path events = tmp.resolve("events");
    Path dead = tmp.resolve("dead");
    Files.createDirectories(events.resolve("sub"));
    Files.createDirectories(dead);
    List<String> a = new ArrayList<>();
    List<String> b = new ArrayList<>();
    for (int s = 0; s < SENDERS; s++) {
      for (int i = 0; i < PER_SENDER; i++) {
        if (s == 1 && i >= PER_SENDER - 6 - missing) {
          continue; // throttled (6), and the missing ones
        }
        if (s == 0 && i == 5) {
          continue; // dead-lettered
        }
        String line = Runs.written(Runs.id(s, i), i % 50 == 0 ? "batched" : "processed",
            START + 10L * i + 2 + i % 7);
        (s == 0 ? a : b).add(line);
      }
    }
    if (duplicate) {
      b.add(b.get(0));
    }
    a.add(Runs.written("ffffffff-0-1", "processed", START)); // another run's
    Files.write(events.resolve("sluice-k1-20261204T130154Z-0000.ndjson"), a);
    Files.write(events.resolve("sub").resolve("sluice-k1-20261204T130155Z-0000.ndjson.inprogress"),
        b);
    Files.write(dead.resolve("deadletter-k1-20261204T130154Z-0000.ndjson"),
        List.of(Runs.deadLettered(Runs.id(0, 5), START + 55)));
    return new Path[] {events, dead};
  }

  @Test
  void aCleanRunPassesWithASelfContainedReport() throws IOException {
    Path run = runDir();
    Path[] sink = sink(0, false);
    Path out = tmp.resolve("out");
    Result r = run(run.toString(), "--events", sink[0].toString(), "--dead-letter",
        sink[1].toString(), "--out", out.toString(), "--limit", "100");
    assertEquals(0, r.code(), r.out() + r.err());
    String verdict = r.out().strip();
    assertEquals("PASS: 600 sent, 593 written once, 1 dead-lettered, 6 throttled (rate 6),"
        + " 6 missing (6 explained), 0 duplicates, 0 unexplained, 1 not sent (0 error,"
        + " 1 pushback)", verdict);

    String html = Files.readString(out.resolve("report.html"));
    assertTrue(html.contains(verdict));
    assertTrue(html.indexOf(verdict) < html.indexOf("<h1>"), "verdict first");
    assertFalse(Pattern.compile("(?i)(src|href)\\s*=\\s*\"?(https?:)?//").matcher(html).find(),
        "no external resources");
    assertFalse(html.contains("<script"));
    for (String png : List.of("throughput.png", "depth.png", "latency.png", "admitted.png")) {
      Path f = out.resolve(png);
      assertTrue(Files.size(f) > 0, png);
      BufferedImage img = ImageIO.read(f.toFile());
      assertNotNull(img, png);
      assertTrue(img.getWidth() > 0, png);
      String b64 = Base64.getEncoder().encodeToString(Files.readAllBytes(f));
      assertTrue(html.contains("data:image/png;base64," + b64), png + " embedded");
    }
    Matcher m = Pattern.compile("data:image/png;base64,([A-Za-z0-9+/=]+)").matcher(html);
    int embedded = 0;
    while (m.find()) {
      assertNotNull(ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(m.group(1)))));
      embedded++;
    }
    assertEquals(4, embedded);
    assertTrue(html.contains("send → ack"));
  }

  @Test
  void lossAndDuplicatesFail() throws IOException {
    Path run = runDir();
    Path[] sink = sink(2, true);
    Result r = run(run.toString(), "--events", sink[0].toString(), "--dead-letter",
        sink[1].toString());
    assertEquals(1, r.code(), r.out() + r.err());
    assertTrue(r.out().startsWith("FAIL: unexplained loss, duplicates — "), r.out());
    assertTrue(r.out().contains("2 unexplained"), r.out());
    String html = Files.readString(run.resolve("report").resolve("report.html"));
    assertTrue(html.contains(Runs.id(1, 0) + " — written 2, dead-lettered 0"));
    assertTrue(html.contains(Runs.id(1, 292)));
  }

  @Test
  void badInputExitsWithTwo() throws IOException {
    Path events = Files.createDirectories(tmp.resolve("events"));
    Result r = run(tmp.resolve("nowhere").toString(), "--events", events.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("not a run directory"), r.err());

    Path run = runDir();
    Files.writeString(run.resolve("sent.csv"), "seq,sender,sentEpochMillis,outcome\n1,x,2,ok\n");
    Result bad = run(run.toString(), "--events", events.toString());
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("sent.csv line 2"), bad.err());

    assertEquals(2, run(run.toString()).code(), "--events is required");
  }
}
