package io.sluice.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.it.harness.Command;
import io.sluice.it.harness.FlumeAgent;
import io.sluice.it.harness.HecClient;
import io.sluice.it.harness.NdjsonFiles;
import io.sluice.it.harness.Ports;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * HEC in, through a real agent: real clients (curl with a gzip body and HTTP Basic, Splunk's npm
 * splunk-logging, VTEX's npm splunk-events) send to HecSource, the TokenBucketInterceptor limits
 * each token, a DisruptorChannel carries the events, and ValidatingSink checks them against the
 * shipped HEC schema and writes them. What each client sent arrives once, with its metadata; a
 * token over its limit is answered 429 while the other is served; no token's secret is written
 * anywhere.
 */
class HecSourceEndToEndTest {

  static final String OPS = "0a9c2b6e-1d2f-4a5b-8c7d-6e5f4a3b2c1d";
  static final String FLOOD = "f100d000-0000-4000-8000-000000000001";
  private static final Path CLIENTS = Paths.get(System.getProperty("sluice.repo", ".."))
      .resolve("integration-tests/target/hec-clients").toAbsolutePath().normalize();

  private static String config(int port, Path schema, Path out, Path dead) {
    return """
        a1.sources = hec
        a1.channels = c1
        a1.sinks = k1
        a1.sources.hec.type = io.sluice.source.HecSource
        a1.sources.hec.host = 127.0.0.1
        a1.sources.hec.port = %d
        a1.sources.hec.channels = c1
        a1.sources.hec.tokens = ops flood
        a1.sources.hec.tokens.ops.value = %s
        a1.sources.hec.tokens.ops.indexes = main security
        a1.sources.hec.tokens.ops.index = main
        a1.sources.hec.tokens.flood.value = %s
        a1.sources.hec.interceptors = gov
        a1.sources.hec.interceptors.gov.type = io.sluice.interceptor.TokenBucketInterceptor$Builder
        a1.sources.hec.interceptors.gov.metricsName = gov
        a1.sources.hec.interceptors.gov.key = hec.token
        a1.sources.hec.interceptors.gov.limit = 100/s burst 100
        a1.sources.hec.interceptors.gov.defer.maxDelay = 0s
        a1.sources.hec.interceptors.gov.throttled = reject
        a1.channels.c1.type = io.sluice.channel.DisruptorChannel
        a1.channels.c1.capacity = 10000
        a1.channels.c1.transactionCapacity = 1000
        a1.sinks.k1.type = io.sluice.sink.ValidatingSink
        a1.sinks.k1.channel = c1
        a1.sinks.k1.schema = %s
        a1.sinks.k1.file.directory = %s
        a1.sinks.k1.deadLetter.directory = %s
        """.formatted(port, OPS, FLOOD, schema, out, dead);
  }

  private static List<String> lines(Path dir) {
    return NdjsonFiles.lines(dir);
  }


  private static Command.Result curl(String... args) {
    List<String> c = new ArrayList<>(List.of(Command.require("curl", "curl"), "-sS", "-w", "\n%{http_code}"));
    c.addAll(List.of(args));
    return Command.run(c).requireOk();
  }

  private static Command.Result node(String script, String url, String token, int n) {
    if (!Files.isDirectory(CLIENTS.resolve("node_modules/splunk-logging"))
        || !Files.isDirectory(CLIENTS.resolve("node_modules/splunk-events"))) {
      throw new AssertionError("the npm HEC clients are not in " + CLIENTS + ": run ./test-setup (or "
          + "npm install --prefix " + CLIENTS + " splunk-logging@0.11.1 splunk-events@1.7.0)");
    }
    Path js = Paths.get("src/test/resources/hec", script).toAbsolutePath();
    return Command.run(List.of(Command.require("node", "nodejs"), js.toString(), CLIENTS.toString(), url, token,
        Integer.toString(n)), null, Duration.ofSeconds(60)).requireOk();
  }

  @Test
  void realClientsThroughARealAgent() throws Exception {
    Path dir = FlumeAgent.cleanDir(FlumeAgent.workDir("hec-source"));
    Path schema = Paths.get(System.getProperty("sluice.repo", "..")).resolve("conf-examples/schemas/hec-event.schema.json")
        .toAbsolutePath().normalize();
    Path out = dir.resolve("out");
    Path dead = dir.resolve("dead");
    int port = Ports.free();
    String url = "http://127.0.0.1:" + port;
    try (FlumeAgent agent = FlumeAgent.start("a1", dir, config(port, schema, out, dead))) {
      // curl: HTTP Basic with the token as password, a gzip body of two envelopes
      Path gz = dir.resolve("two.json.gz");
      try (OutputStream z = new GZIPOutputStream(Files.newOutputStream(gz))) {
        z.write(("{\"event\":\"curl one\",\"time\":\"1795420800.250\",\"host\":\"curl-host\",\"sourcetype\":\"curl\","
            + "\"fields\":{\"dc\":\"eu-west\"}}\n{\"event\":{\"curl\":2},\"index\":\"security\"}")
            .getBytes(StandardCharsets.UTF_8));
      }
      Command.Result c = curl("-u", "x:" + OPS, "-H", "Content-Encoding: gzip", "--data-binary", "@" + gz,
          url + "/services/collector/event");
      assertEquals("{\"text\":\"Success\",\"code\":0}\n200", c.output().trim(), c.describe());
      // /raw with metadata in the query string
      c = curl("-H", "Authorization: Splunk " + OPS, "--data-binary", "raw one\nraw two\n",
          url + "/services/collector/raw?sourcetype=rawlines&host=raw-host");
      assertTrue(c.output().endsWith("200"), c.describe());
      // Splunk's answers for a bad token and a disallowed index
      c = curl("-H", "Authorization: Splunk nope", "-d", "{\"event\":1}", url + "/services/collector");
      assertEquals("{\"text\":\"Invalid token\",\"code\":4}\n403", c.output().trim());
      c = curl("-H", "Authorization: Splunk " + OPS, "-d", "{\"event\":1,\"index\":\"finance\"}", url + "/services/collector");
      assertEquals("{\"text\":\"Incorrect index\",\"code\":7,\"invalid-event-number\":0}\n400", c.output().trim());

      Command.Result logging = node("send-splunk-logging.js", url, OPS, 3);
      assertTrue(logging.output().contains("\"code\":0"), logging.describe());
      Command.Result events = node("send-splunk-events.js", url, OPS, 2);
      assertFalse(events.output().contains("failed"), events.describe());

      // one token over its limit (100 a second, burst 100): its request of 150 is refused with
      // 429 once the first 100 are taken, while the other token is served
      StringBuilder flood = new StringBuilder();
      for (int i = 0; i < 150; i++) {
        flood.append("{\"event\":\"flood ").append(i).append("\"}");
      }
      c = curl("-D", "-", "-H", "Authorization: Splunk " + FLOOD, "--data-binary", flood.toString(),
          url + "/services/collector");
      assertTrue(c.output().trim().endsWith("429"), c.describe());
      assertTrue(c.output().toLowerCase().contains("retry-after: "), c.describe());
      c = curl("-H", "Authorization: Splunk " + OPS, "-d", "{\"event\":\"still served\"}", url + "/services/collector");
      assertTrue(c.output().endsWith("200"), c.describe());

      int expected = 2 + 2 + 3 + 2 + 1; // the flood's first 100 come on top
      agent.await(Duration.ofSeconds(30), expected + " documents from token ops",
          () -> lines(out).stream().filter(l -> l.contains("\"hec.token\":\"ops\"")).count() >= expected);
      List<String> written = lines(out);
      List<String> ops = written.stream().filter(l -> l.contains("\"hec.token\":\"ops\"")).toList();
      assertEquals(expected, ops.size(), String.join("\n", ops));
      assertTrue(lines(dead).isEmpty(), "every document is valid: " + lines(dead));

      String curlOne = one(ops, "\"message\":\"curl one\"");
      assertTrue(curlOne.contains("\"@timestamp\":\"2026-11-23T08:00:00.250Z\""), curlOne);
      assertTrue(curlOne.contains("\"host\":\"curl-host\""), curlOne);
      assertTrue(curlOne.contains("\"sourcetype\":\"curl\""), curlOne);
      assertTrue(curlOne.contains("\"index\":\"main\""), curlOne);
      assertTrue(curlOne.contains("\"fields\":{\"dc\":\"eu-west\"}"), curlOne);
      assertTrue(one(ops, "\"event\":{\"curl\":2}").contains("\"index\":\"security\""));
      assertTrue(one(ops, "\"message\":\"raw two\"").contains("\"sourcetype\":\"rawlines\""));
      for (int i = 0; i < 3; i++) {
        String l = one(ops, "\"text\":\"hello " + i + "\"");
        assertTrue(l.contains("\"event\":{\"message\":{\"n\":" + i + ",\"client\":\"splunk-logging\""), l);
        assertTrue(l.contains("\"host\":\"node-host\"") && l.contains("\"sourcetype\":\"npm:logging\""), l);
      }
      for (int i = 0; i < 2; i++) {
        String l = one(ops, "instance-" + i);
        assertTrue(l.contains("\"host\":\"vtex-host\""), l);
        assertTrue(l.matches(".*\"@timestamp\":\"20\\d\\d-.*"), "splunk-events' milliseconds read as such: " + l);
      }
      long floodWritten = written.stream().filter(l -> l.contains("\"hec.token\":\"flood\"")).count();
      assertEquals(100, floodWritten, "the flood's first transaction, taken before its second was refused");
      for (String l : written) {
        assertFalse(l.contains(OPS) || l.contains(FLOOD), "a token's secret in a document: " + l);
      }
      assertFalse(agent.log().contains(OPS) || agent.log().contains(FLOOD), "a token's secret in the log");
      assertTrue(agent.counter("org.apache.flume.sluice:name=source.hec.requests.rejected.throttled", "Count") >= 1);
      assertEquals(1, agent.counter("org.apache.flume.sluice:name=source.hec.requests.rejected.auth", "Count"));
    }
  }

  private static String one(List<String> lines, String containing) {
    List<String> found = lines.stream().filter(l -> l.contains(containing)).toList();
    assertEquals(1, found.size(), containing + " in " + String.join("\n", lines));
    return found.get(0);
  }

  /**
   * Malformed input through a real agent: each request gets Splunk's answer, nothing of it is
   * written, and a well-formed request right after each one is served; a body trickling in too
   * slowly is answered 408 while other clients are served.
   */
  @Test
  void malformedRequestsGetSplunksAnswersAndTheAgentServesOn() throws Exception {
    Path dir = FlumeAgent.cleanDir(FlumeAgent.workDir("hec-source-malformed"));
    Path out = dir.resolve("out");
    int port = Ports.free();
    String url = "http://127.0.0.1:" + port + "/services/collector";
    String conf = """
        a1.sources = hec
        a1.channels = c1
        a1.sinks = k1
        a1.sources.hec.type = io.sluice.source.HecSource
        a1.sources.hec.host = 127.0.0.1
        a1.sources.hec.port = %d
        a1.sources.hec.channels = c1
        a1.sources.hec.tokens = ops
        a1.sources.hec.tokens.ops.value = %s
        a1.sources.hec.maxContentLength = 65536
        a1.sources.hec.maxDecompressedLength = 1048576
        a1.sources.hec.maxEventsPerRequest = 1000
        a1.sources.hec.requestTimeout = 2s
        a1.channels.c1.type = io.sluice.channel.DisruptorChannel
        a1.channels.c1.capacity = 10000
        a1.channels.c1.transactionCapacity = 1000
        a1.sinks.k1.type = io.sluice.sink.ValidatingSink
        a1.sinks.k1.channel = c1
        a1.sinks.k1.file.directory = %s
        a1.sinks.k1.deadLetter.directory = %s
        """.formatted(port, OPS, out, dir.resolve("dead"));
    try (FlumeAgent agent = FlumeAgent.start("a1", dir, conf)) {
      Path bomb = dir.resolve("bomb.gz");
      try (OutputStream z = new GZIPOutputStream(Files.newOutputStream(bomb))) {
        z.write("{\"event\":\"".getBytes(StandardCharsets.US_ASCII));
        byte[] zeros = new byte[1 << 20];
        java.util.Arrays.fill(zeros, (byte) 'a');
        for (int i = 0; i < 64; i++) { // 64 MiB inflated, a few dozen KB sent
          z.write(zeros);
        }
      }
      Path truncated = dir.resolve("cut.gz");
      try (OutputStream z = new GZIPOutputStream(Files.newOutputStream(truncated))) {
        z.write("{\"event\":\"whole\"}".getBytes(StandardCharsets.US_ASCII));
      }
      byte[] whole = Files.readAllBytes(truncated);
      Files.write(truncated, java.util.Arrays.copyOf(whole, whole.length - 8));
      Path notUtf8 = dir.resolve("latin1.json");
      Files.write(notUtf8, new byte[] {'{', '"', 'e', 'v', 'e', 'n', 't', '"', ':', '"', (byte) 0xE9, (byte) 0xFF, '"', '}'});
      Path oversized = dir.resolve("big.json");
      Files.writeString(oversized, "{\"event\":\"" + "x".repeat(100_000) + "\"}");
      StringBuilder many = new StringBuilder();
      for (int i = 0; i < 1005; i++) {
        many.append("{\"event\":\"many ").append(i).append("\"}");
      }
      Path huge = dir.resolve("many.json");
      Files.writeString(huge, many);

      record Case(String what, List<String> args, String expected) {}
      List<Case> cases = List.of(
          new Case("bad JSON", List.of("-d", "{\"event\": nope}"), "{\"text\":\"Invalid data format\",\"code\":6,\"invalid-event-number\":0}\n400"),
          new Case("a truncated gzip", List.of("-H", "Content-Encoding: gzip", "--data-binary", "@" + truncated),
              "{\"text\":\"Invalid data format\",\"code\":6,\"invalid-event-number\":0}\n400"),
          new Case("a gzip bomb", List.of("-H", "Content-Encoding: gzip", "--data-binary", "@" + bomb), "413"),
          new Case("a body over maxContentLength", List.of("--data-binary", "@" + oversized), "413"),
          new Case("invalid UTF-8", List.of("--data-binary", "@" + notUtf8),
              "{\"text\":\"Invalid data format\",\"code\":6,\"invalid-event-number\":0}\n400"),
          new Case("nesting deeper than maxNestingDepth", List.of("-d", "{\"event\":" + "[".repeat(100) + "]".repeat(100) + "}"),
              "{\"text\":\"Invalid data format\",\"code\":6,\"invalid-event-number\":0}\n400"),
          new Case("more events than maxEventsPerRequest", List.of("--data-binary", "@" + huge),
              "{\"text\":\"Invalid data format\",\"code\":6,\"invalid-event-number\":1000}\n400"),
          new Case("no event", List.of("-d", "{\"host\":\"x\"}"), "{\"text\":\"Event field is required\",\"code\":12,\"invalid-event-number\":0}\n400"));
      int served = 0;
      for (Case c : cases) {
        List<String> args = new ArrayList<>(List.of("-H", "Authorization: Splunk " + OPS));
        args.addAll(c.args());
        args.add(url);
        Command.Result r = curl(args.toArray(new String[0]));
        assertTrue(r.output().trim().endsWith(c.expected()), c.what() + ": " + r.describe());
        r = curl("-H", "Authorization: Splunk " + OPS, "-d", "{\"event\":\"served after " + c.what() + "\"}", url);
        assertTrue(r.output().trim().endsWith("200"), "served after " + c.what() + ": " + r.describe());
        served++;
      }
      // a slow body: a byte now and then, so never idle, but never done within requestTimeout
      try (java.net.Socket slow = new java.net.Socket("127.0.0.1", port)) {
        slow.setSoTimeout(20_000);
        OutputStream o = slow.getOutputStream();
        o.write(("POST /services/collector HTTP/1.1\r\nHost: x\r\nAuthorization: Splunk " + OPS
            + "\r\nContent-Length: 1000\r\n\r\n{\"event\":\"slow").getBytes(StandardCharsets.US_ASCII));
        o.flush();
        for (int i = 0; i < 3; i++) {
          Command.Result r = curl("-H", "Authorization: Splunk " + OPS, "-d", "{\"event\":\"served beside a slow body\"}", url);
          assertTrue(r.output().trim().endsWith("200"), r.describe());
          served++;
          Thread.sleep(200);
          o.write('w');
          o.flush();
        }
        String answer = new String(slow.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertTrue(answer.startsWith("HTTP/1.1 408 "), answer);
      }
      int expected = served + 1000; // and the first 1000 of the request with too many
      agent.await(Duration.ofSeconds(30), expected + " documents", () -> lines(out).size() >= expected);
      List<String> written = lines(out);
      assertEquals(expected, written.size());
      assertEquals(served - 3, written.stream().filter(l -> l.contains("served after")).count());
      assertEquals(1000, written.stream().filter(l -> l.contains("\"message\":\"many ")).count());
      assertTrue(written.stream().noneMatch(l -> l.contains("whole") || l.contains("xxxx") || l.contains("\"message\":\"slow")),
          "nothing of a refused request");
    }
  }

  /**
   * preAuthLimit through a real agent: one address sends unauthenticated requests as fast as one
   * keep-alive connection goes (well over 1,000 a second) for 3 s; beyond its 50 a second they are
   * answered 429 before any token is looked at (so the answers saying the token is unknown are only
   * those the limit let through), while an authenticated client from another address is served
   * every time.
   */
  @Test
  void unauthenticatedFloodsFromOneAddressAreRefusedBeforeAnyTokenLookup() throws Exception {
    Path dir = FlumeAgent.cleanDir(FlumeAgent.workDir("hec-preauth"));
    int port = Ports.free();
    String conf = """
        a1.sources = hec
        a1.channels = c1
        a1.sinks = k1
        a1.sources.hec.type = io.sluice.source.HecSource
        a1.sources.hec.host = 127.0.0.1
        a1.sources.hec.port = %d
        a1.sources.hec.channels = c1
        a1.sources.hec.tokens = ops
        a1.sources.hec.tokens.ops.value = %s
        a1.sources.hec.preAuthLimit = 50/s burst 50
        a1.channels.c1.type = memory
        a1.channels.c1.capacity = 10000
        a1.sinks.k1.type = null
        a1.sinks.k1.channel = c1
        """.formatted(port, OPS);
    try (FlumeAgent agent = FlumeAgent.start("a1", dir, conf);
        java.net.Socket flood = new java.net.Socket()) {
      flood.bind(new java.net.InetSocketAddress("127.0.0.2", 0));
      flood.connect(new java.net.InetSocketAddress("127.0.0.1", port), 5000);
      flood.setSoTimeout(10_000);
      byte[] request = ("POST /services/collector HTTP/1.1\r\nHost: x\r\nAuthorization: Splunk guess-"
          + "0000\r\nContent-Length: 11\r\n\r\n{\"event\":1}").getBytes(StandardCharsets.US_ASCII);
      java.io.InputStream in = new java.io.BufferedInputStream(flood.getInputStream());
      OutputStream out = flood.getOutputStream();
      java.util.Map<Integer, Integer> statuses = new java.util.TreeMap<>();
      HecClient calm = new HecClient(port, OPS, "ca1a0000-0000-4000-8000-000000000002");
      int calmServed = 0;
      int calmSent = 0;
      int sent = 0;
      long start = System.nanoTime();
      long nextCalm = start;
      while (System.nanoTime() - start < 3_000_000_000L) {
        out.write(request);
        out.flush();
        statuses.merge(readStatus(in), 1, Integer::sum);
        sent++;
        if (System.nanoTime() >= nextCalm) {
          calmServed += calm.post("/services/collector", "{\"event\":\"calm\"}").status() == 200 ? 1 : 0;
          calmSent++;
          nextCalm += 100_000_000L;
        }
      }
      double perSecond = sent / ((System.nanoTime() - start) / 1e9);
      assertTrue(perSecond > 1000, "the flood ran at " + (int) perSecond + " requests a second");
      int refused = statuses.getOrDefault(429, 0);
      int looked = statuses.getOrDefault(403, 0);
      assertEquals(sent, refused + looked, "only 429s and, for those let through, 403 Invalid token: " + statuses);
      assertTrue(looked <= 50 + 50 * 4, "at most the limit was looked up: " + statuses);
      assertTrue(refused > sent * 0.9, statuses.toString());
      assertEquals(refused, agent.counter("org.apache.flume.sluice:name=source.hec.requests.rejected.preAuth", "Count"));
      assertEquals(looked, agent.counter("org.apache.flume.sluice:name=source.hec.requests.code.4", "Count"),
          "token lookups: only the requests the limit let through");
      assertTrue(calmSent >= 25, "the authenticated client posted all along: " + calmSent);
      assertEquals(calmSent, calmServed, "the authenticated client elsewhere was served every time");
      assertEquals(calmServed, agent.counter("org.apache.flume.sluice:name=source.hec.tokens.ops.events", "Count"));
    }
  }

  /** Reads one HTTP/1.1 response with a Content-Length body; returns its status. */
  private static int readStatus(java.io.InputStream in) throws IOException {
    return Integer.parseInt(HecClient.readAnswer(in).substring(9, 12));
  }
}
