package io.sluice.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.apache.flume.Event;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HecSource over real sockets into a real MemoryChannel: HTTP/1.1 as clients speak it. */
class HecSourceTest {

  static final String TOKEN = "11111111-2222-3333-4444-555555555555";
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir
  Path dir;

  static Map<String, String> props(String... more) {
    Map<String, String> p = new HashMap<>(Map.of("tokens", "ops", "tokens.ops.value", TOKEN));
    for (int i = 0; i < more.length; i += 2) {
      p.put(more[i], more[i + 1]);
    }
    return p;
  }

  private HttpResponse<String> post(SourceTestRig rig, String path, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + rig.port + path))
        .header("Authorization", "Splunk " + TOKEN)
        .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void eventsArriveWithTheirMetadataAndTheAnswerIsSplunks() throws Exception {
    try (SourceTestRig rig = new SourceTestRig(new HecSource(), props(), Map.of(), Map.of())) {
      HttpResponse<String> r = post(rig, "/services/collector/event",
          "{\"event\":\"one\",\"host\":\"web1\",\"sourcetype\":\"access\"}\n{\"event\":{\"two\":2}}");
      assertEquals(200, r.statusCode());
      assertEquals("{\"text\":\"Success\",\"code\":0}", r.body());
      assertEquals("application/json", r.headers().firstValue("content-type").orElse(""));
      List<Event> got = rig.takeAll(2, 5000);
      assertEquals(List.of("one", "{\"two\":2}"), got.stream().map(SourceTestRig::body).toList());
      assertEquals("web1", got.get(0).getHeaders().get("host"));
      assertEquals("access", got.get(0).getHeaders().get("sourcetype"));
      assertEquals("ops", got.get(1).getHeaders().get("hec.token"));
      assertEquals("127.0.0.1", got.get(1).getHeaders().get("clientIp"));

      HttpResponse<String> health = http.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + rig.port + "/services/collector/health")).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, health.statusCode());
      assertEquals("{\"text\":\"HEC is healthy\",\"code\":17}", health.body());
      assertEquals(2, rig.flumeCounter("EventAcceptedCount"));
      assertEquals(2, rig.metric("requests"));
      assertEquals(1, rig.metric("requests.endpoint.event"));
      assertEquals(1, rig.metric("requests.endpoint.health"));
      assertEquals(2, rig.metric("requests.status.200"));
      assertEquals(1, rig.metric("requests.code.0"));
      assertEquals(1, rig.metric("requests.code.17"));
      assertEquals(2, rig.metric("tokens.ops.events"));
      post(rig, "/services/collector/raw?token=nope", "x");
      assertEquals(1, rig.metric("requests.code.4"), "an unknown token, by its code");
      assertEquals(1, rig.metric("requests.endpoint.raw"));
    }
  }

  @Test
  void aFullChannelIsAnswered503WithRetryAfterAndHealthSaysSo() throws Exception {
    try (SourceTestRig rig = new SourceTestRig(new HecSource(), props("batchSize", "5"),
        Map.of("capacity", "5", "transactionCapacity", "5"), Map.of())) {
      assertEquals(200, post(rig, "/services/collector/raw", "a\nb\nc\nd\ne").statusCode());
      HttpResponse<String> r = post(rig, "/services/collector/raw", "f");
      assertEquals(503, r.statusCode());
      assertEquals("{\"text\":\"Server is busy\",\"code\":9}", r.body());
      assertTrue(Long.parseLong(r.headers().firstValue("retry-after").orElse("0")) >= 1);
      HttpResponse<String> health = http.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + rig.port + "/services/collector/health")).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(503, health.statusCode());
      assertEquals("{\"text\":\"HEC is unhealthy, queues are full\",\"code\":18}", health.body());
      assertEquals(5, rig.takeAll(5, 5000).size());
      assertEquals(200, post(rig, "/services/collector/raw", "f").statusCode(), "room again");
      assertEquals(List.of("f"), rig.takeAll(1, 5000).stream().map(SourceTestRig::body).toList());
      assertEquals(2, rig.metric("requests.rejected.busy"), "the refused request and the unhealthy answer: every 503");
    }
  }

  /** {@code /health} turns unhealthy at {@code health.fillThreshold}, before the channel is full. */
  @Test
  void healthSaysUnhealthyFromTheFillThresholdOn() throws Exception {
    for (String threshold : List.of("90%", "50%")) { // the default, and one set
      Map<String, String> keys = threshold.equals("90%") ? props() : props("health.fillThreshold", threshold);
      try (SourceTestRig rig = new SourceTestRig(new HecSource(), keys,
          Map.of("capacity", "10", "transactionCapacity", "10"), Map.of())) {
        int below = threshold.equals("90%") ? 8 : 4;
        assertEquals(200, post(rig, "/services/collector/raw", "x\n".repeat(below)).statusCode());
        assertEquals(200, health(rig).statusCode(), below + " of 10 is under " + threshold);
        assertEquals(200, post(rig, "/services/collector/raw", "y").statusCode());
        HttpResponse<String> unhealthy = health(rig);
        assertEquals(503, unhealthy.statusCode(), (below + 1) + " of 10 is at " + threshold);
        assertEquals("{\"text\":\"HEC is unhealthy, queues are full\",\"code\":18}", unhealthy.body());
        assertEquals(200, post(rig, "/services/collector/raw", "z").statusCode(), "the channel still takes events");
        assertEquals(below + 2, rig.takeAll(below + 2, 5000).size());
        assertEquals(200, health(rig).statusCode(), "healthy again once drained");
      }
    }
  }

  private HttpResponse<String> health(SourceTestRig rig) throws Exception {
    return http.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + rig.port + "/services/collector/health")).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theInterceptorsPushBackIsAnswered429WithItsRetryAfter() throws Exception {
    try (SourceTestRig rig = new SourceTestRig(new HecSource(), props(), Map.of(),
        Map.of("interceptors", "r", "interceptors.r.type", RejectingInterceptor.Builder.class.getName(),
            "interceptors.r.rejections", "1", "interceptors.r.retryAfterMillis", "2500"))) {
      HttpResponse<String> r = post(rig, "/services/collector", "{\"event\":\"x\"}");
      assertEquals(429, r.statusCode());
      assertEquals("3", r.headers().firstValue("retry-after").orElse(""), "2.5 s, rounded up");
      assertEquals(0, rig.take(10).size(), "nothing of a refused request is kept");
      assertEquals(200, post(rig, "/services/collector", "{\"event\":\"x\"}").statusCode());
      assertEquals(1, rig.takeAll(1, 5000).size());
      assertEquals(1, rig.metric("requests.rejected.throttled"));
      assertEquals(1, rig.metric("tokens.ops.throttled"));
      assertEquals(1, rig.metric("tokens.ops.events"));
    }
  }

  @Test
  void aBodyOverMaxContentLengthIsRefused413() throws Exception {
    try (SourceTestRig rig = new SourceTestRig(new HecSource(), props("maxContentLength", "2048"), Map.of(), Map.of())) {
      HttpResponse<String> r = post(rig, "/services/collector/raw", "x".repeat(5000));
      assertEquals(413, r.statusCode());
      assertEquals(0, rig.take(10).size());
      assertEquals(200, post(rig, "/services/collector/raw", "small").statusCode(), "the source serves on");
    }
  }

  /** HTTP/1.1 pipelining: requests written back to back are answered in their order. */
  @Test
  void pipelinedRequestsAreAnsweredInOrder() throws Exception {
    try (SourceTestRig rig = new SourceTestRig(new HecSource(), props(), Map.of(), Map.of());
        Socket s = new Socket("127.0.0.1", rig.port)) {
      s.setSoTimeout(5000);
      StringBuilder requests = new StringBuilder();
      for (String body : List.of("{\"event\":\"p1\"}", "not json", "{\"event\":\"p3\"}")) {
        requests.append("POST /services/collector HTTP/1.1\r\nHost: x\r\nAuthorization: Splunk ").append(TOKEN)
            .append("\r\nContent-Length: ").append(body.length()).append("\r\n\r\n").append(body);
      }
      OutputStream out = s.getOutputStream();
      out.write(requests.toString().getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String answers = read(s.getInputStream(), 3);
      int first = answers.indexOf("\"code\":0}");
      int second = answers.indexOf("\"code\":6,");
      int third = answers.indexOf("\"code\":0}", second);
      assertTrue(first >= 0 && second > first && third > second, answers);
      assertEquals(List.of("p1", "p3"), rig.takeAll(2, 5000).stream().map(SourceTestRig::body).toList());
    }
  }

  /**
   * Connection limits, as the syslog TCP source's: a connection beyond {@code maxConnectionsPerIp}
   * is closed at once while the others are served, and one idle for {@code idleTimeout} between
   * requests is closed; both counted.
   */
  @Test
  void connectionsBeyondTheLimitAndIdleOnesAreClosedAndCounted() throws Exception {
    try (SourceTestRig rig = new SourceTestRig(new HecSource(), props("maxConnectionsPerIp", "2",
        "connectionRatePerIp", "none", "idleTimeout", "1s"), Map.of(), Map.of());
        Socket a = new Socket("127.0.0.1", rig.port);
        Socket b = new Socket("127.0.0.1", rig.port)) {
      a.setSoTimeout(10_000);
      b.setSoTimeout(10_000);
      assertTrue(healthOn(a).startsWith("HTTP/1.1 200 "), "served");
      long aIdleBy = System.nanoTime(); // a's answer was written before this: a is idle since then
      assertTrue(healthOn(b).startsWith("HTTP/1.1 200 "), "served");
      try (Socket c = new Socket("127.0.0.1", rig.port)) {
        c.setSoTimeout(10_000);
        assertEquals(-1, readOrEnd(c), "the third from one address is closed");
      }
      assertEquals(1, rig.metric("connections.refused.maxConnectionsPerIp"));
      assertEquals(-1, readOrEnd(a), "idle for idleTimeout: closed");
      assertTrue(System.nanoTime() - aIdleBy >= TimeUnit.MILLISECONDS.toNanos(500), "not long before its time");
      assertEquals(-1, readOrEnd(b));
      SourceTestRig.await("both idle closes counted", 5000, () -> {
        try {
          return rig.metric("connections.refused.idleTimeout") == 2;
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      });
      try (Socket d = new Socket("127.0.0.1", rig.port)) {
        d.setSoTimeout(10_000);
        assertTrue(healthOn(d).startsWith("HTTP/1.1 200 "), "room again once they closed");
      }
    }
  }

  /** Sends a health check on {@code s} and reads its answer. */
  private static String healthOn(Socket s) throws IOException {
    s.getOutputStream().write("GET /services/collector/health HTTP/1.1\r\nHost: x\r\n\r\n"
        .getBytes(StandardCharsets.US_ASCII));
    s.getOutputStream().flush();
    return read(s.getInputStream(), 1);
  }

  /** The next byte of {@code s}, or -1 once the source closed it (a reset counts as closed). */
  private static int readOrEnd(Socket s) throws IOException {
    try {
      return s.getInputStream().read();
    } catch (java.net.SocketException reset) {
      return -1;
    }
  }

  /**
   * A slowloris: headers, then the body a byte at a time, too slowly to end within requestTimeout.
   * It is answered 408 and closed, while a client sending whole requests meanwhile is served.
   */
  @Test
  void aBodyThatDoesNotArriveInTimeIsAnswered408AndItsConnectionClosed() throws Exception {
    try (SourceTestRig rig = new SourceTestRig(new HecSource(), props("requestTimeout", "1s"), Map.of(), Map.of());
        Socket slow = new Socket("127.0.0.1", rig.port)) {
      slow.setSoTimeout(10_000);
      OutputStream out = slow.getOutputStream();
      out.write(("POST /services/collector HTTP/1.1\r\nHost: x\r\nAuthorization: Splunk " + TOKEN
          + "\r\nContent-Length: 100\r\n\r\n{\"event\":").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      long start = System.nanoTime();
      InputStream in = slow.getInputStream();
      for (int i = 0; i < 3; i++) { // a byte now and then: never idle, never done
        assertEquals(200, post(rig, "/services/collector", "{\"event\":\"whole\"}").statusCode());
        out.write(' ');
        out.flush();
      }
      String answer = new String(in.readAllBytes(), StandardCharsets.US_ASCII); // to the close
      assertTrue(answer.startsWith("HTTP/1.1 408 "), answer);
      assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(900), "not before its time");
      assertEquals(3, rig.takeAll(3, 5000).size(), "only the whole requests' events");
      assertEquals(1, rig.metric("requests.rejected.timeout"));
    }
  }

  /**
   * maxBufferedBytes: two connections each hold a body being read; a third request that would take
   * the source's bodies past the budget is answered 503 before its body is read, and a request
   * once one of the two is answered fits again.
   */
  @Test
  void requestsBeyondTheSourcesBodyBudgetAreAnswered503BeforeTheirBodyIsRead() throws Exception {
    try (SourceTestRig rig = new SourceTestRig(new HecSource(), props("maxContentLength", "1024",
        "maxBufferedBytes", "4096"), Map.of(), Map.of());
        Socket a = new Socket("127.0.0.1", rig.port);
        Socket b = new Socket("127.0.0.1", rig.port);
        Socket c = new Socket("127.0.0.1", rig.port)) {
      String body = "{\"event\":\"" + "x".repeat(988) + "\"}"; // 1000 bytes: takes 2000
      String head = "POST /services/collector HTTP/1.1\r\nHost: x\r\nAuthorization: Splunk " + TOKEN
          + "\r\nContent-Length: " + body.length() + "\r\n\r\n";
      for (Socket s : List.of(a, b)) {
        s.setSoTimeout(5000);
        s.getOutputStream().write((head + body.substring(0, 10)).getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
      }
      SourceTestRig.await("both bodies held", 5000, () -> {
        try {
          return rig.metric("bodies.bytes") == 4000;
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      });
      c.setSoTimeout(5000);
      String small = "{\"event\":\"" + "y".repeat(88) + "\"}"; // 100 bytes: 200 more than the 96 left
      c.getOutputStream().write(("POST /services/collector HTTP/1.1\r\nHost: x\r\nAuthorization: Splunk " + TOKEN
          + "\r\nContent-Length: 100\r\n\r\n" + small).getBytes(StandardCharsets.US_ASCII));
      String refused = new String(c.getInputStream().readAllBytes(), StandardCharsets.US_ASCII); // to the close
      assertTrue(refused.startsWith("HTTP/1.1 503 ") && refused.contains("etry-after: 1")
          && refused.endsWith("{\"text\":\"Server is busy\",\"code\":9}"), refused);

      a.getOutputStream().write(body.substring(10).getBytes(StandardCharsets.US_ASCII));
      a.getOutputStream().flush();
      assertTrue(read(a.getInputStream(), 1).contains("\"code\":0"));
      assertEquals(200, post(rig, "/services/collector", "{\"event\":\"fits again\"}").statusCode());
      b.close();
      SourceTestRig.await("every body given back", 5000, () -> {
        try {
          return rig.metric("bodies.bytes") == 0;
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      });
      assertEquals(2, rig.takeAll(2, 5000).size());
      assertEquals(1, rig.metric("requests.rejected.busy"));
    }
  }

  /** A line end a client sends after its request, alone, starts no request and no clock. */
  @Test
  void aStrayLineEndBetweenRequestsIsNoSlowRequest() throws Exception {
    try (SourceTestRig rig = new SourceTestRig(new HecSource(), props("requestTimeout", "1s"), Map.of(), Map.of());
        Socket s = new Socket("127.0.0.1", rig.port)) {
      s.setSoTimeout(5000);
      String request = "POST /services/collector HTTP/1.1\r\nHost: x\r\nAuthorization: Splunk " + TOKEN
          + "\r\nContent-Length: 11\r\n\r\n{\"event\":1}";
      s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      assertTrue(read(s.getInputStream(), 1).contains("\"code\":0"));
      s.getOutputStream().write("\r\n".getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      Thread.sleep(1500); // past requestTimeout
      s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      String next = read(s.getInputStream(), 1);
      assertTrue(next.startsWith("HTTP/1.1 200 "), next);
      assertEquals(0, rig.metric("requests.rejected.timeout"));
    }
  }

  /** Reads until {@code n} HTTP responses (each with a Content-Length body) have come. */
  private static String read(InputStream in, int n) throws IOException {
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    byte[] buf = new byte[4096];
    while (count(got.toString(StandardCharsets.US_ASCII), "HTTP/1.1 ") < n || !complete(got.toString(StandardCharsets.US_ASCII), n)) {
      int r = in.read(buf);
      if (r < 0) {
        break;
      }
      got.write(buf, 0, r);
    }
    return got.toString(StandardCharsets.US_ASCII);
  }

  private static boolean complete(String s, int n) {
    return count(s, "}") >= n;
  }

  private static int count(String s, String what) {
    int c = 0;
    for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
      c++;
    }
    return c;
  }

  @Test
  void aTrustedProxysForwardedForNamesTheClient() throws Exception {
    try (SourceTestRig rig = new SourceTestRig(new HecSource(), props("trustedProxies", "127.0.0.0/8"), Map.of(), Map.of())) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + rig.port + "/services/collector"))
          .header("Authorization", "Splunk " + TOKEN).header("X-Forwarded-For", "198.51.100.1, 203.0.113.9")
          .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString("{\"event\":\"x\"}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode());
      Event e = rig.takeAll(1, 5000).get(0);
      assertEquals("203.0.113.9", e.getHeaders().get("clientIp"));
      assertEquals("203.0.113.9", e.getHeaders().get("host"), "the client's address as the default host");
    }
    try (SourceTestRig rig = new SourceTestRig(new HecSource(), props(), Map.of(), Map.of())) {
      http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + rig.port + "/services/collector"))
          .header("Authorization", "Splunk " + TOKEN).header("X-Forwarded-For", "203.0.113.9")
          .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString("{\"event\":\"x\"}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals("127.0.0.1", rig.takeAll(1, 5000).get(0).getHeaders().get("clientIp"), "no proxy trusted");
    }
  }

  private HttpResponse<String> send(SourceTestRig rig, String path, String channel, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + rig.port + path))
        .header("Authorization", "Splunk " + TOKEN).header("X-Splunk-Request-Channel", channel)
        .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /**
   * An ack turns true only once a sink has reported every event of its request handled (here the
   * test takes them as a sink would and reports them as ValidatingSink does after its commit).
   */
  @Test
  void anAckTurnsTrueOnceTheSinksHaveHandledEveryEvent() throws Exception {
    String channel = "6f1d2c3b-4a59-4e6f-8a7b-9c0d1e2f3a4b";
    try (SourceTestRig rig = new SourceTestRig(new HecSource(), props("tokens.ops.useAck", "true"), Map.of(), Map.of())) {
      assertEquals("{\"text\":\"Data channel is missing\",\"code\":10}",
          post(rig, "/services/collector", "{\"event\":\"x\"}").body());
      HttpResponse<String> r = send(rig, "/services/collector", channel, "{\"event\":\"a\"}{\"event\":\"b\"}");
      java.util.regex.Matcher m = java.util.regex.Pattern.compile(
          "\\{\"text\":\"Success\",\"code\":0,\"ackId\":(\\d+)}").matcher(r.body());
      assertTrue(m.matches(), r.body());
      long first = Long.parseLong(m.group(1));
      long now = System.currentTimeMillis() * 1000;
      assertTrue(first <= now && first > now - 60_000_000, "counted from the clock: " + first);
      long second = first + 1;
      assertEquals("{\"text\":\"Success\",\"code\":0,\"ackId\":" + second + "}",
          send(rig, "/services/collector/raw", channel, "c").body());
      String query = "{\"acks\":[" + first + "," + second + "]}";
      String neither = "{\"acks\":{\"" + first + "\":false,\"" + second + "\":false}}";
      assertEquals(neither, send(rig, "/services/collector/ack", channel, query).body());
      List<Event> taken = rig.takeAll(3, 5000);
      assertEquals(Long.toString(first), taken.get(0).getHeaders().get("hec.ackId"));
      assertEquals(channel, taken.get(0).getHeaders().get("hec.channel"));
      io.sluice.core.pipeline.DurablyHandled.report("k1", taken.subList(0, 1));
      assertEquals(neither, send(rig, "/services/collector/ack", channel, query).body(),
          "one of the first request's two events is not handled yet");
      io.sluice.core.pipeline.DurablyHandled.report("k1", taken.subList(1, 3));
      assertEquals("{\"acks\":{\"" + first + "\":true,\"" + second + "\":true}}",
          send(rig, "/services/collector/ack", channel, query).body());
      assertEquals(neither, send(rig, "/services/collector/ack", channel, query).body(), "reported true once");
      assertEquals(2, rig.metric("acks.completed"));
      assertEquals(0, rig.metric("acks.pending"));
    }
  }

  /**
   * {@code ack.completeOn = channel}, for pipelines whose sinks are not Sluice's: an ack is true
   * once the request's events are committed to the channels, before any sink has taken them.
   */
  @Test
  void withCompleteOnChannelAnAckIsTrueOnceTheChannelsHaveTheEvents() throws Exception {
    String channel = "0b1c2d3e-4f50-4a61-8b72-9c83d4e5f607";
    try (SourceTestRig rig = new SourceTestRig(new HecSource(), props("tokens.ops.useAck", "true",
        "ack.completeOn", "channel"), Map.of(), Map.of())) {
      HttpResponse<String> r = send(rig, "/services/collector", channel, "{\"event\":\"a\"}{\"event\":\"b\"}");
      java.util.regex.Matcher m = java.util.regex.Pattern.compile(
          "\\{\"text\":\"Success\",\"code\":0,\"ackId\":(\\d+)}").matcher(r.body());
      assertTrue(m.matches(), r.body());
      String query = "{\"acks\":[" + m.group(1) + "]}";
      assertEquals("{\"acks\":{\"" + m.group(1) + "\":true}}",
          send(rig, "/services/collector/ack", channel, query).body(), "in the channel: done, no sink asked");
      assertEquals("{\"acks\":{\"" + m.group(1) + "\":false}}",
          send(rig, "/services/collector/ack", channel, query).body(), "reported true once");
      assertEquals(List.of("a", "b"), rig.takeAll(2, 5000).stream().map(SourceTestRig::body).toList());
      assertEquals(1, rig.metric("acks.completed"));
    }
  }

  private HttpResponse<String> postWith(SourceTestRig rig, String secret) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + rig.port + "/services/collector"))
        .header("Authorization", "Splunk " + secret).timeout(Duration.ofSeconds(10))
        .POST(HttpRequest.BodyPublishers.ofString("{\"event\":\"x\"}")).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static <T> void awaitStatus(java.util.concurrent.Callable<T> status, T expected) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    T last;
    while (!(last = status.call()).equals(expected) && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertEquals(expected, last);
  }

  /**
   * Tokens in a file of their own: a token added, one disabled and one removed take effect
   * without a restart; a file that is wrong is reported and the tokens in use stay.
   */
  @Test
  void theTokensFileIsReadAgainWhenItChanges() throws Exception {
    String rotated = "22222222-3333-4444-5555-666666666666";
    Path file = dir.resolve("tokens.properties");
    Files.writeString(file, "tokens = ops\ntokens.ops.value = " + TOKEN + "\n");
    Map<String, String> p = new HashMap<>(Map.of("tokensFile", file.toString()));
    try (SourceTestRig rig = new SourceTestRig(new HecSource(), p, Map.of(), Map.of())) {
      assertEquals(200, postWith(rig, TOKEN).statusCode());
      assertEquals(403, postWith(rig, rotated).statusCode());

      Files.writeString(file, "tokens = ops next\ntokens.ops.value = " + TOKEN + "\ntokens.ops.disabled = true\n"
          + "tokens.next.value = " + rotated + "\n");
      awaitStatus(() -> postWith(rig, rotated).statusCode(), 200);
      assertEquals("{\"text\":\"Token disabled\",\"code\":1}", postWith(rig, TOKEN).body());

      Files.writeString(file, "tokens = next\ntokens.next.value = " + rotated + "\ntokens.next.index = nope\n"
          + "tokens.next.indexes = main\n"); // wrong: its default index is not allowed
      awaitStatus(() -> rig.metric("tokens.reloadFailures"), 1L);
      assertEquals(200, postWith(rig, rotated).statusCode(), "the tokens in use stay");
      assertEquals(403, postWith(rig, TOKEN).statusCode(), "still disabled");

      Files.writeString(file, "tokens = next\ntokens.next.value = " + rotated + "\n");
      awaitStatus(() -> postWith(rig, TOKEN).body(), "{\"text\":\"Invalid token\",\"code\":4}"); // removed
      assertEquals(2, rig.metric("tokens.reloads"));
      assertTrue(rig.takeAll(4, 5000).stream().allMatch(e -> !e.getHeaders().toString().contains(rotated)));
    }
  }

  /** HTTPS with Flume's ssl keys, as the syslog TLS source: an event over TLS, and its answer. */
  @Test
  void https() throws Exception {
    String pass = "changeit";
    Path keys = io.sluice.source.tcp.TestKeys.keypair(dir, "hec", "CN=localhost", pass);
    Path trusts = io.sluice.source.tcp.TestKeys.trustStoreOf(dir, "hec", pass);
    javax.net.ssl.SSLContext client = io.sluice.source.tcp.TestKeys.clientContext(trusts, null, pass);
    try (SourceTestRig rig = new SourceTestRig(new HecSource(), props("ssl", "true", "keystore", keys.toString(),
        "keystore-password", pass, "keystore-type", "PKCS12"), Map.of(), Map.of());
        javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) client.getSocketFactory().createSocket("127.0.0.1", rig.port)) {
      s.setSoTimeout(5000);
      String body = "{\"event\":\"over tls\"}";
      s.getOutputStream().write(("POST /services/collector HTTP/1.1\r\nHost: x\r\nAuthorization: Splunk " + TOKEN
          + "\r\nContent-Length: " + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      String answer = read(s.getInputStream(), 1);
      assertTrue(answer.startsWith("HTTP/1.1 200 ") && answer.endsWith("{\"text\":\"Success\",\"code\":0}"), answer);
      assertTrue(List.of("TLSv1.2", "TLSv1.3").contains(s.getSession().getProtocol()), s.getSession().getProtocol());
      assertEquals(List.of("over tls"), rig.takeAll(1, 5000).stream().map(SourceTestRig::body).toList());
    }
    try (SourceTestRig rig = new SourceTestRig(new HecSource(), props("ssl", "true", "keystore", keys.toString(),
        "keystore-password", pass, "keystore-type", "PKCS12"), Map.of(), Map.of())) {
      assertTrue(refusedInPlainHttp(rig.port), "plain HTTP to an HTTPS source gets no answer of HEC's");
    }
  }

  private static boolean refusedInPlainHttp(int port) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(5000);
      s.getOutputStream().write("GET /services/collector/health HTTP/1.1\r\nHost: x\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      byte[] got = s.getInputStream().readNBytes(4096);
      return !new String(got, StandardCharsets.ISO_8859_1).contains("HEC is healthy");
    } catch (IOException closed) {
      return true;
    }
  }

  @Test
  void configurationErrorsNameTheKey() {
    java.util.function.Function<Map<String, String>, String> refusal = p -> {
      try {
        new HecSource().configure(new org.apache.flume.Context(p));
        return "accepted";
      } catch (IllegalArgumentException e) {
        return e.getMessage();
      }
    };
    assertTrue(refusal.apply(props("tokens.ops.useAck", "true", "ack.completeOn", "index")).contains("'ack.completeOn'"));
    assertTrue(refusal.apply(props("tokens.ops.useAck", "true", "ack.maxChannels", "0")).contains("'ack.maxChannels'"));
    assertTrue(refusal.apply(props("tokens.ops.useAck", "true", "ack.ttl", "10ms")).contains("'ack.ttl'"));
    assertTrue(refusal.apply(props("maxContentLength", "10")).contains("'maxContentLength'"));
    assertTrue(refusal.apply(props("requestTimeout", "10ms")).contains("'requestTimeout'"));
    assertTrue(refusal.apply(props("maxContentLength", "4096", "maxBufferedBytes", "4096")).contains("'maxBufferedBytes'"));
    assertTrue(refusal.apply(props("tokensFile", "/no/such/file")).contains("'tokensFile'"));
    assertTrue(refusal.apply(Map.of("tokensFile", "/no/such/file")).contains("'tokensFile'"));
    assertTrue(refusal.apply(props("preAuthLimit", "fast")).contains("'preAuthLimit'"));
    assertTrue(refusal.apply(props("health.fillThreshold", "120%")).contains("'health.fillThreshold'"));
    assertTrue(refusal.apply(props("port", "70000")).contains("'port'"));
    assertTrue(refusal.apply(props("trustedProxies", "lb.example")).contains("'trustedProxies'"));
    String m = refusal.apply(Map.of("tokens", "ops"));
    assertTrue(m.contains("'tokens.ops.value'"), m);
    assertEquals("accepted", refusal.apply(props("preAuthLimit", "50/s burst 100", "health.fillThreshold", "75%")));
  }

  /** curl, as an operator tries an HEC endpoint: gzip body from a file, Basic auth, keep-alive. */
  @Test
  void curlWithAGzipBody() throws Exception {
    try (SourceTestRig rig = new SourceTestRig(new HecSource(), props(), Map.of(), Map.of())) {
      Path body = dir.resolve("events.json.gz");
      try (GZIPOutputStream z = new GZIPOutputStream(Files.newOutputStream(body))) {
        z.write("{\"event\":\"from curl\",\"time\":\"1795420800.5\",\"index\":\"main\"}".getBytes(StandardCharsets.UTF_8));
      }
      Process curl = new ProcessBuilder("curl", "-sS", "-u", "x:" + TOKEN, "-H", "Content-Encoding: gzip",
          "--data-binary", "@" + body, "http://127.0.0.1:" + rig.port + "/services/collector/event/1.0")
          .redirectErrorStream(true).start();
      String said = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(curl.waitFor(30, TimeUnit.SECONDS));
      assertEquals(0, curl.exitValue(), said);
      assertEquals("{\"text\":\"Success\",\"code\":0}", said);
      Event e = rig.takeAll(1, 5000).get(0);
      assertEquals("from curl", SourceTestRig.body(e));
      assertEquals("1795420800500", e.getHeaders().get("timestamp"));
      assertEquals("main", e.getHeaders().get("index"));
    }
  }
}
