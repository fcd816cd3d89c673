package io.sluice.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.Test;

/**
 * HecSource over real sockets, with clients that misbehave: one that never reads its answers, one
 * with a URI Netty cannot decode, one that resets while its request is being delivered.
 */
class HecConnectionFaultsTest {

  static final String TOKEN = "11111111-2222-3333-4444-555555555555";

  static Map<String, String> props(String... more) {
    Map<String, String> p = new HashMap<>(Map.of("tokens", "ops", "tokens.ops.value", TOKEN));
    for (int i = 0; i < more.length; i += 2) {
      p.put(more[i], more[i + 1]);
    }
    return p;
  }

  private static String post(String uri, String body, String... headers) {
    return "POST " + uri + " HTTP/1.1\r\nHost: x\r\n" + String.join("", headers)
        + "Content-Length: " + body.length() + "\r\n\r\n" + body;
  }

  private static String auth() {
    return "Authorization: Splunk " + TOKEN + "\r\n";
  }

  private static long metric(SourceTestRig rig, String name) {
    try {
      return rig.metric(name);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /**
   * A client pipelines requests (to a path that is no endpoint: no token needed) and reads none of
   * the answers. Once the answers owed to it fill the socket and the write buffer, it is read no
   * more: its requests wait in the sockets, not as answers in the source's memory. Once it reads,
   * every request is answered, in order.
   */
  @Test
  void aClientThatDoesNotReadItsAnswersIsNotReadUntilItDoes() throws Exception {
    int requests = 150_000; // 4.5 MB of requests, 20 MB of answers: more than the sockets hold
    try (SourceTestRig rig = new SourceTestRig(new HecSource(), props(), Map.of(), Map.of());
        Socket s = new Socket()) {
      s.setReceiveBufferSize(4096); // before connecting: the window it advertises stays small
      s.connect(new java.net.InetSocketAddress("127.0.0.1", rig.port));
      s.setSoTimeout(10_000);
      byte[] batch = post("/x", "").repeat(1000).getBytes(StandardCharsets.US_ASCII);
      OutputStream out = s.getOutputStream();
      Thread writer = new Thread(() -> {
        try {
          for (int i = 0; i < requests / 1000; i++) {
            out.write(batch);
          }
          out.flush();
        } catch (IOException e) {
          // the test fails on what was answered
        }
      });
      writer.setDaemon(true);
      writer.start();

      long answered = settled(rig);
      assertTrue(answered < requests / 2, "answered " + answered + " of " + requests + " the client has not read");
      assertTrue(writer.isAlive(), "the rest wait in the sockets");

      assertEquals(requests, count404s(s.getInputStream(), requests), "once it reads, every one");
      writer.join(10_000);
      assertEquals(requests, metric(rig, "requests"));
    }
  }

  /** The requests answered, once that stops growing. */
  private static long settled(SourceTestRig rig) throws InterruptedException {
    long last = -1;
    int unchanged = 0;
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (unchanged < 5 && System.nanoTime() < deadline) {
      Thread.sleep(200);
      long now = metric(rig, "requests");
      unchanged = now == last && now > 0 ? unchanged + 1 : 0;
      last = now;
    }
    return last;
  }

  /** Reads answers until {@code n} 404s came (or the socket times out); their number. */
  private static int count404s(InputStream in, int n) throws IOException {
    String status = "HTTP/1.1 404 ";
    byte[] buf = new byte[1 << 16];
    String carry = "";
    int count = 0;
    for (int r; count < n && (r = in.read(buf)) > 0; ) {
      String s = carry + new String(buf, 0, r, StandardCharsets.US_ASCII);
      for (int i = s.indexOf(status); i >= 0; i = s.indexOf(status, i + 1)) {
        count++;
      }
      carry = s.substring(Math.max(0, s.length() - status.length() + 1)); // a status cut in two
    }
    return count;
  }

  /**
   * A percent escape Netty cannot decode, in a pipelined request between two good ones: it is
   * answered 400 (Splunk's code 6) in its turn and the connection goes on; its URI, with the token
   * in it, is in no log.
   */
  @Test
  void aBadPercentEscapeIsAnswered400InItsTurnAndItsUriIsNeverLogged() throws Exception {
    try (LogCapture logs = new LogCapture("io.sluice", "io.netty");
        SourceTestRig rig = new SourceTestRig(new HecSource(), props(), Map.of(), Map.of());
        Socket s = new Socket("127.0.0.1", rig.port)) {
      s.setSoTimeout(5000);
      String good = "{\"event\":\"p1\"}";
      s.getOutputStream().write((post("/services/collector", good, auth())
          + post("/services/collector/event?token=SECRET-IN-URL&a=%", "{\"event\":\"bad\"}", auth())
          + post("/services/collector?a=%zz", good.replace("p1", "p3"), auth())
          + post("/services/collector", good.replace("p1", "p4"), auth())).getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();

      List<String> answers = answers(s.getInputStream(), 4);
      assertEquals(List.of("200 {\"text\":\"Success\",\"code\":0}", "400 {\"text\":\"Invalid data format\",\"code\":6}",
          "400 {\"text\":\"Invalid data format\",\"code\":6}", "200 {\"text\":\"Success\",\"code\":0}"), answers);
      assertEquals(List.of("p1", "p4"), rig.takeAll(2, 5000).stream().map(SourceTestRig::body).toList());
      assertEquals(2, metric(rig, "requests.code.6"));
      assertEquals(0, metric(rig, "bodies.bytes"), "every request answered gave its budget back");
      for (String line : logs.lines()) {
        assertFalse(line.contains("SECRET-IN-URL"), line);
      }
    }
  }

  /**
   * A request waits on a full channel; behind it, pipelined in the same write, one with a chunked
   * body past maxContentLength. Netty's aggregator would answer that one 413 at once, which the
   * client would take for the first one's answer. The first is answered first, then the connection
   * closes (the client sends the second again), and it is never answered 413 out of turn.
   */
  @Test
  void aRequestTooLargeBehindOneBeingDeliveredIsNotAnsweredAheadOfIt() throws Exception {
    try (SourceTestRig rig = new SourceTestRig(new HecSource(), props("maxContentLength", "1024"),
        Map.of("capacity", "1", "transactionCapacity", "1", "keep-alive", "2"), Map.of());
        Socket s = new Socket("127.0.0.1", rig.port)) {
      s.setSoTimeout(10_000);
      String event = post("/services/collector", "{\"event\":\"x\"}", auth());
      s.getOutputStream().write(event.getBytes(StandardCharsets.US_ASCII));
      assertEquals(List.of("200 {\"text\":\"Success\",\"code\":0}"), answers(s.getInputStream(), 1),
          "the channel is full now");
      String big = "y".repeat(2000);
      String chunked = "POST /services/collector/raw HTTP/1.1\r\nHost: x\r\n" + auth()
          + "Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(big.length()) + "\r\n" + big
          + "\r\n0\r\n\r\n";
      s.getOutputStream().write((event + chunked).getBytes(StandardCharsets.US_ASCII));
      String head = headOf(s.getInputStream());
      assertTrue(head.startsWith("HTTP/1.1 503"), "the first request's answer first: " + head);
      InputStream in = s.getInputStream();
      in.readNBytes(Integer.parseInt(head.replaceAll("(?is).*content-length: *(\\d+).*", "$1")));
      int next;
      try {
        next = in.read();
      } catch (java.net.SocketException reset) {
        next = -1; // closed with the rest of the second request unread: as good as closed
      }
      assertEquals(-1, next, "then the connection closes, the second unanswered");
    }
  }

  /** Reads {@code n} answers: their status and body. */
  private static List<String> answers(InputStream in, int n) throws IOException {
    List<String> out = new ArrayList<>();
    while (out.size() < n) {
      String head = headOf(in);
      int length = Integer.parseInt(head.replaceAll("(?is).*content-length: *(\\d+).*", "$1"));
      out.add(head.substring(9, 12) + " " + new String(in.readNBytes(length), StandardCharsets.US_ASCII));
    }
    return out;
  }

  private static String headOf(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed after " + head);
      }
      head.write(b);
    }
    return head.toString(StandardCharsets.US_ASCII);
  }

  /**
   * A request being delivered (its channel full, the put waiting for room) keeps what it took of
   * maxBufferedBytes when its client resets: its body and events are held until its delivery ends,
   * so another that would not fit beside it is refused meanwhile. It is given back then.
   */
  @Test
  void aResetKeepsTheBudgetOfTheRequestBeingDeliveredUntilItsDeliveryEnds() throws Exception {
    try (SourceTestRig rig = new SourceTestRig(new HecSource(), props("maxContentLength", "1024", "maxBufferedBytes", "2048"),
        Map.of("capacity", "1", "transactionCapacity", "1", "keep-alive", "3"), Map.of())) {
      try (Socket fill = new Socket("127.0.0.1", rig.port)) {
        fill.setSoTimeout(5000);
        fill.getOutputStream().write(post("/services/collector", "{\"event\":\"a\"}", auth()).getBytes(StandardCharsets.US_ASCII));
        assertEquals(List.of("200 {\"text\":\"Success\",\"code\":0}"), answers(fill.getInputStream(), 1), "the channel is full");
      }
      String body = "{\"event\":\"" + "x".repeat(988) + "\"}"; // 1000 bytes: takes 2000
      try (Socket a = new Socket("127.0.0.1", rig.port)) {
        a.getOutputStream().write(post("/services/collector", body, auth()).getBytes(StandardCharsets.US_ASCII));
        SourceTestRig.await("its delivery waiting for room", 5000, () -> metric(rig, "bodies.bytes") == 2000);
        a.setSoLinger(true, 0); // a reset
      }
      Thread.sleep(300); // the source sees it closed
      assertEquals(2000, metric(rig, "bodies.bytes"), "still held by its delivery");

      try (Socket b = new Socket("127.0.0.1", rig.port)) {
        b.setSoTimeout(2000); // well before the delivery ends
        b.getOutputStream().write(post("/services/collector", body, auth()).getBytes(StandardCharsets.US_ASCII));
        String refused = new String(b.getInputStream().readAllBytes(), StandardCharsets.US_ASCII); // to the close
        assertTrue(refused.startsWith("HTTP/1.1 503 "), refused);
      }
      SourceTestRig.await("given back once its delivery ended", 15_000, () -> metric(rig, "bodies.bytes") == 0);
    }
  }

  /** Collects what the named loggers log, at any level, while open (and keeps it off the console). */
  static final class LogCapture extends AbstractAppender implements AutoCloseable {

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final String[] loggers;
    private final LoggerContext context = (LoggerContext) LogManager.getContext(false);

    LogCapture(String... loggers) {
      super("capture", null, null, true, Property.EMPTY_ARRAY);
      this.loggers = loggers;
      start();
      Configuration config = context.getConfiguration();
      for (String name : loggers) {
        LoggerConfig lc = new LoggerConfig(name, Level.ALL, false);
        lc.addAppender(this, Level.ALL, null);
        config.addLogger(name, lc);
      }
      context.updateLoggers();
    }

    @Override
    public void append(LogEvent e) {
      StringBuilder line = new StringBuilder(e.getLevel() + " " + e.getLoggerName() + " " + e.getMessage().getFormattedMessage());
      for (Throwable t = e.getThrown(); t != null; t = t.getCause()) {
        line.append(" / ").append(t);
      }
      lines.add(line.toString());
    }

    List<String> lines() {
      return lines;
    }

    @Override
    public void close() {
      Configuration config = context.getConfiguration();
      for (String name : loggers) {
        config.removeLogger(name);
      }
      context.updateLoggers();
      stop();
    }
  }
}
