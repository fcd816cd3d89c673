package io.sluice.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.it.harness.FlumeAgent;
import io.sluice.it.harness.NdjsonFiles;
import io.sluice.it.harness.Ports;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The whole egress path in a real agent: syslog over TCP and UDP, the TokenBucketInterceptor
 * (a burst goes partly to the deferred lane), DisruptorChannel, and ValidatingSink writing files
 * and dead-lettering what a SOC's schema refuses (here: messages no syslog grammar reads).
 */
class ValidatingSinkEndToEndTest {

  /** The shipped schema's rule, tightened as its description says: Invalid messages refused. */
  private static final String SCHEMA = """
      {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "required": ["@timestamp", "sluice", "severity", "facility"],
        "properties": {
          "severity": {"type": "integer", "minimum": 0, "maximum": 7},
          "facility": {"type": "integer", "minimum": 0, "maximum": 23},
          "sluice": {"type": "object", "required": ["eventId", "receivedAt"]}
        },
        "anyOf": [{"required": ["message"]}, {"required": ["messageBase64"]}]
      }
      """;

  private static String config(int tcp, int udp, Path schema, Path out, Path dead) {
    return """
        a1.sources = t u
        a1.channels = c1
        a1.sinks = k1
        a1.sources.t.type = io.sluice.source.SyslogTcpSource
        a1.sources.t.host = 127.0.0.1
        a1.sources.t.port = %d
        a1.sources.t.channels = c1
        a1.sources.t.interceptors = gov
        a1.sources.t.interceptors.gov.type = io.sluice.interceptor.TokenBucketInterceptor$Builder
        a1.sources.t.interceptors.gov.metricsName = gov
        a1.sources.t.interceptors.gov.key = clientIp
        a1.sources.t.interceptors.gov.limit = 500/s
        a1.sources.t.interceptors.gov.defer.maxDelay = 20s
        a1.sources.t.interceptors.gov.throttled = reject
        a1.sources.u.type = io.sluice.source.SyslogUdpSource
        a1.sources.u.host = 127.0.0.1
        a1.sources.u.port = %d
        a1.sources.u.channels = c1
        a1.sources.u.interceptors = gov
        a1.sources.u.interceptors.gov.type = io.sluice.interceptor.TokenBucketInterceptor$Builder
        a1.sources.u.interceptors.gov.metricsName = govUdp
        a1.sources.u.interceptors.gov.key = clientIp
        a1.sources.u.interceptors.gov.limit = 500/s
        a1.sources.u.interceptors.gov.defer.maxDelay = 20s
        a1.channels.c1.type = io.sluice.channel.DisruptorChannel
        a1.channels.c1.capacity = 65536
        a1.channels.c1.transactionCapacity = 1000
        a1.sinks.k1.type = io.sluice.sink.ValidatingSink
        a1.sinks.k1.channel = c1
        a1.sinks.k1.schema = %s
        a1.sinks.k1.batchSize = 500
        a1.sinks.k1.file.directory = %s
        a1.sinks.k1.deadLetter.directory = %s
        """.formatted(tcp, udp, schema, out, dead);
  }

  private static final Pattern EVENT_ID = Pattern.compile("\"eventId\":\"([^\"]+)\"");
  private static final Pattern NONCE = Pattern.compile("(n-\\d+)");

  /** Every line of every file in {@code dir} (final names and in-progress ones). */
  private static List<String> lines(Path dir) {
    return NdjsonFiles.lines(dir);
  }


  private static Map<String, Integer> countBy(List<String> lines, Pattern p) {
    Map<String, Integer> n = new HashMap<>();
    for (String l : lines) {
      Matcher m = p.matcher(l);
      if (m.find()) {
        n.merge(m.group(1), 1, Integer::sum);
      }
    }
    return n;
  }

  @Test
  void aBatchLargerThanTheChannelsTransactionCapacityIsRefusedAtConfiguration() throws IOException {
    Path dir = FlumeAgent.cleanDir(FlumeAgent.workDir("validating-sink-batch-size"));
    Path schema = Files.writeString(dir.resolve("strict-syslog.schema.json"), SCHEMA);
    String conf = config(Ports.free(), Ports.free(), schema, dir.resolve("out"), dir.resolve("dead"))
        .replace("a1.sinks.k1.batchSize = 500", "a1.sinks.k1.batchSize = 2000");
    try (FlumeAgent agent = FlumeAgent.launch("a1", dir, conf)) {
      agent.await(Duration.ofSeconds(30), "Flume's refusal in the log", () -> agent.log().contains(
          "sink's batch size is greater than the channels transaction capacity. Sink: k1,"
              + " batch size = 2000, channel c1, transaction capacity = 1000"));
      assertTrue(agent.log().contains("Sink k1 has been removed due to an error during configuration"),
          "the sink was not started");
    }
  }

  @Test
  void validEventsAreWrittenAndInvalidOnesDeadLetteredEachOnceAcrossTheDeferredLane() throws Exception {
    Path dir = FlumeAgent.cleanDir(FlumeAgent.workDir("validating-sink"));
    Path schema = dir.resolve("strict-syslog.schema.json");
    Files.writeString(schema, SCHEMA);
    Path out = dir.resolve("out");
    Path dead = dir.resolve("dead");
    int tcp = Ports.free();
    int udp = Ports.free();
    try (FlumeAgent agent = FlumeAgent.start("a1", dir, config(tcp, udp, schema, out, dead))) {
      agent.awaitStarted(Duration.ofSeconds(30), List.of("org.apache.flume.sink:type=k1"));

      // 2000 over TCP at once from one address: 500 go now, the rest wait in the deferred lane.
      // Every 10th is no syslog message at all (Invalid: no severity, so refused by the schema).
      ByteArrayOutputStream burst = new ByteArrayOutputStream();
      int valid = 0;
      int invalid = 0;
      for (int i = 0; i < 2000; i++) {
        String line = i % 10 == 9 ? "not syslog n-" + i + "\n"
            : "<14>1 2026-12-03T10:00:00.000Z web1 app " + i + " - - n-" + i + " message\n";
        burst.writeBytes(line.getBytes(StandardCharsets.UTF_8));
        if (i % 10 == 9) {
          invalid++;
        } else {
          valid++;
        }
      }
      try (Socket s = new Socket("127.0.0.1", tcp); OutputStream o = s.getOutputStream()) {
        o.write(burst.toByteArray());
      }
      // Over UDP: a body that is not UTF-8 (written as messageBase64), a large one, and one that
      // is no syslog message (dead-lettered).
      try (DatagramSocket s = new DatagramSocket()) {
        byte[] binary = "<14>1 2026-12-03T10:00:00.000Z web1 app - - - n-9001 \u0000".getBytes(StandardCharsets.UTF_8);
        byte[] bad = new byte[binary.length + 3];
        System.arraycopy(binary, 0, bad, 0, binary.length);
        bad[binary.length] = (byte) 0xff;
        bad[binary.length + 1] = (byte) 0xfe;
        bad[binary.length + 2] = (byte) 0xc3;
        String big = "<14>1 2026-12-03T10:00:00.000Z web1 app - - - n-9002 " + "x".repeat(7000);
        byte[] notSyslog = "not syslog n-9003".getBytes(StandardCharsets.UTF_8);
        for (byte[] d : List.of(bad, big.getBytes(StandardCharsets.UTF_8), notSyslog)) {
          s.send(new DatagramPacket(d, d.length, InetAddress.getLoopbackAddress(), udp));
        }
      }
      int expectedValid = valid + 2;
      int expectedInvalid = invalid + 1;
      agent.await(Duration.ofSeconds(30), expectedValid + " written, " + expectedInvalid + " dead-lettered",
          () -> Files.isDirectory(out) && Files.isDirectory(dead)
              && lines(out).size() >= expectedValid && lines(dead).size() >= expectedInvalid);

      List<String> written = lines(out);
      List<String> deadLettered = lines(dead);
      assertEquals(expectedValid, written.size());
      assertEquals(expectedInvalid, deadLettered.size());
      Map<String, Integer> ids = countBy(written, EVENT_ID);
      assertEquals(expectedValid, ids.size(), "every sluice.eventId once");
      assertTrue(ids.values().stream().allMatch(n -> n == 1));
      Map<String, Integer> nonces = countBy(written, NONCE);
      Map<String, Integer> deadNonces = countBy(deadLettered, NONCE);
      for (int i = 0; i < 2000; i++) {
        String n = "n-" + i;
        assertEquals(i % 10 == 9 ? null : 1, nonces.get(n), n + " written");
        assertEquals(i % 10 == 9 ? 1 : null, deadNonces.get(n), n + " dead-lettered");
      }
      assertEquals(1, nonces.get("n-9002"), "the large message");
      assertEquals(1, deadNonces.get("n-9003"), "the UDP line that is no syslog");
      // each document is its own event's, also across the deferred lane's batches: the nonce
      // (the message), the PROCID and, for a deferred one, its release time stay together
      Pattern line = Pattern.compile("\"procId\":\"(\\d+)\".*\"message\":\"n-(\\d+) message\"");
      int checked = 0;
      for (String l : written) {
        Matcher m = line.matcher(l);
        if (m.find()) {
          assertEquals(m.group(1), m.group(2), l);
          checked++;
          if (l.contains("\"disposition\":\"batched\"")) {
            assertTrue(l.contains("\"releaseAt\":"), l);
          }
        }
      }
      assertEquals(valid, checked, "every TCP document checked");
      assertTrue(agent.counter("org.apache.flume.sluice:name=interceptor.govUdp.processed", "Count") >= 3,
          "the UDP events went through their interceptor");
      assertTrue(written.stream().anyMatch(l -> l.contains("\"messageBase64\"")), "the binary one");
      long batched = written.stream().filter(l -> l.contains("\"disposition\":\"batched\"")).count();
      assertTrue(batched > 1000, "the burst went through the deferred lane: " + batched);
      assertTrue(deadLettered.get(0).contains("severity"), deadLettered.get(0));
      assertEquals(expectedValid, agent.counter("org.apache.flume.sluice:name=sink.k1.written", "Count"));
      assertEquals(expectedInvalid, agent.counter("org.apache.flume.sluice:name=sink.k1.deadLetter.written", "Count"));
    }
  }

  /**
   * Two ValidatingSinks drain one channel into the same directories: each writes files of its own
   * name, and together they hold every event once. Among the valid events over TCP come poison
   * ones on a second source whose events carry {@code hec.eventJson = true} (Flume's static
   * interceptor), so their bodies are read as JSON: one nested 20,000 arrays deep, one larger than
   * maxDocumentBytes, one that is no JSON at all, one not UTF-8. Each is dead-lettered, saying
   * why, and the valid events around them are all written.
   */
  @Test
  void twoSinksOnOneChannelWriteTheirOwnFilesAndPoisonEventsAreDeadLetteredAlone() throws Exception {
    Path dir = FlumeAgent.cleanDir(FlumeAgent.workDir("validating-sink-two"));
    Path out = dir.resolve("out");
    Path dead = dir.resolve("dead");
    int tcp = Ports.free();
    int json = Ports.free();
    String sink = """
        a1.sinks.%1$s.type = io.sluice.sink.ValidatingSink
        a1.sinks.%1$s.channel = c1
        a1.sinks.%1$s.batchSize = 100
        a1.sinks.%1$s.maxDocumentBytes = 65536
        a1.sinks.%1$s.file.directory = %2$s
        a1.sinks.%1$s.deadLetter.directory = %3$s
        """;
    String conf = """
        a1.sources = t j
        a1.channels = c1
        a1.sinks = k1 k2
        a1.sources.t.type = io.sluice.source.SyslogTcpSource
        a1.sources.t.host = 127.0.0.1
        a1.sources.t.port = %d
        a1.sources.t.channels = c1
        a1.sources.j.type = io.sluice.source.SyslogTcpSource
        a1.sources.j.host = 127.0.0.1
        a1.sources.j.port = %d
        a1.sources.j.eventSize = 300000
        a1.sources.j.channels = c1
        a1.sources.j.interceptors = json
        a1.sources.j.interceptors.json.type = static
        a1.sources.j.interceptors.json.key = hec.eventJson
        a1.sources.j.interceptors.json.value = true
        a1.channels.c1.type = io.sluice.channel.DisruptorChannel
        a1.channels.c1.capacity = 65536
        a1.channels.c1.transactionCapacity = 1000
        """.formatted(tcp, json) + sink.formatted("k1", out, dead) + sink.formatted("k2", out, dead);
    try (FlumeAgent agent = FlumeAgent.start("a1", dir, conf)) {
      agent.awaitStarted(Duration.ofSeconds(30), List.of("org.apache.flume.sink:type=k1", "org.apache.flume.sink:type=k2"));

      String header = "<14>1 2026-12-03T10:00:00.000Z web1 app - - - ";
      List<byte[]> poison = new ArrayList<>();
      poison.add((header + "[".repeat(20_000) + "]".repeat(20_000) + "\n").getBytes(StandardCharsets.UTF_8));
      poison.add((header + "{\"big\":\"" + "x".repeat(100_000) + "\"}\n").getBytes(StandardCharsets.UTF_8));
      poison.add((header + "{not json n-p3\n").getBytes(StandardCharsets.UTF_8));
      ByteArrayOutputStream notUtf8 = new ByteArrayOutputStream();
      notUtf8.writeBytes((header + "{\"a\":\"").getBytes(StandardCharsets.UTF_8));
      notUtf8.writeBytes(new byte[] {(byte) 0xff, (byte) 0xfe, '"', '}', '\n'});
      poison.add(notUtf8.toByteArray());

      int valid = 4000;
      try (Socket events = new Socket("127.0.0.1", tcp); OutputStream e = events.getOutputStream();
          Socket poisoned = new Socket("127.0.0.1", json); OutputStream p = poisoned.getOutputStream()) {
        for (int i = 0; i < valid; i++) {
          e.write(("<14>1 2026-12-03T10:00:00.000Z web1 app " + i + " - - n-" + i + " message\n")
              .getBytes(StandardCharsets.UTF_8));
          if (i % 1000 == 500) { // the poison between the valid events, one at a time
            p.write(poison.get(i / 1000));
            p.flush();
            e.flush();
          }
        }
      }

      agent.await(Duration.ofSeconds(30), valid + " written, 4 dead-lettered",
          () -> Files.isDirectory(out) && lines(out).size() >= valid && lines(dead).size() >= 4);
      List<String> written = lines(out);
      List<String> deadLettered = lines(dead);
      assertEquals(valid, written.size());
      assertEquals(4, deadLettered.size(), String.join("\n", deadLettered).substring(0, 2000));
      Map<String, Integer> nonces = countBy(written, NONCE);
      for (int i = 0; i < valid; i++) {
        assertEquals(1, nonces.get("n-" + i), "n-" + i + " written once");
      }
      String reasons = String.join("\n", deadLettered);
      assertTrue(reasons.contains("maxNestingDepth"), "the deep one: " + cut(reasons));
      assertTrue(reasons.contains("maxDocumentBytes"), "the large one: " + cut(reasons));
      assertTrue(reasons.contains("not valid JSON"), "the broken one: " + cut(reasons));
      assertTrue(reasons.contains("Invalid UTF-8"), "the one not UTF-8: " + cut(reasons));

      long k1 = agent.counter("org.apache.flume.sluice:name=sink.k1.written", "Count");
      long k2 = agent.counter("org.apache.flume.sluice:name=sink.k2.written", "Count");
      assertEquals(valid, k1 + k2);
      for (String k : List.of("k1", "k2")) { // the poison cost no failed batch, no rollback, no wait
        assertEquals(0, agent.counter("org.apache.flume.sluice:name=sink." + k + ".retries", "Count"), k);
        assertEquals(0, agent.counter("org.apache.flume.sluice:name=sink." + k + ".write.errors", "Count"), k);
      }
      try (Stream<Path> files = Files.list(out)) {
        List<String> names = files.map(f -> f.getFileName().toString()).toList();
        assertTrue(names.stream().anyMatch(n -> n.contains("-k1-")), names.toString());
        assertTrue(k2 == 0 || names.stream().anyMatch(n -> n.contains("-k2-")), names.toString());
      }
    }
  }

  private static String cut(String s) {
    return s.length() <= 3000 ? s : s.substring(0, 3000) + "...";
  }
}
