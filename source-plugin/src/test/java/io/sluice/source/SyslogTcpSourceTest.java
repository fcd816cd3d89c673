package io.sluice.source;

import static io.sluice.source.SourceTestRig.await;
import static io.sluice.source.SourceTestRig.body;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flume.Event;
import org.junit.jupiter.api.Test;

/** SyslogTcpSource over real sockets, into a real channel (no agent: see integration-tests). */
class SyslogTcpSourceTest {

  private static final String MSG = "<13>1 2026-11-23T05:00:00.5+01:00 web1 app 42 ID1 - message ";

  private static SourceTestRig rig(Map<String, String> props, Map<String, String> channel,
      Map<String, String> processor) throws IOException {
    return new SourceTestRig(new SyslogTcpSource(), props, channel, processor);
  }

  private static SourceTestRig rig(Map<String, String> props) throws IOException {
    return rig(props, Map.of(), Map.of());
  }

  private static Socket connect(SourceTestRig rig, String fromIp) throws IOException {
    Socket s = new Socket();
    s.bind(new InetSocketAddress(fromIp, 0));
    s.connect(new InetSocketAddress("127.0.0.1", rig.port), 2000);
    return s;
  }

  private static byte[] octet(String msg) {
    byte[] m = msg.getBytes(StandardCharsets.UTF_8);
    return (m.length + " " + msg).getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void cutsLfCrlfNulAndOctetFramesOfOneStream() throws Exception {
    try (SourceTestRig rig = rig(Map.of()); Socket s = connect(rig, "127.0.0.1")) {
      OutputStream out = s.getOutputStream();
      out.write((MSG + "lf\n" + MSG + "crlf\r\n" + MSG + "nul\0").getBytes(StandardCharsets.UTF_8));
      out.write(octet(MSG + "octet\n")); // the LF inside the count, as rsyslog sends it
      out.write(octet(MSG + "octet with\nan inner line"));
      out.flush();
      List<Event> got = rig.takeAll(5, 5000);
      assertEquals(List.of("message lf", "message crlf", "message nul", "message octet",
          "message octet with\nan inner line"), got.stream().map(SourceTestRig::body).toList());
      assertEquals(List.of("lf", "lf", "lf", "octet", "octet"),
          got.stream().map(e -> e.getHeaders().get("syslog.framing")).toList());
      Map<String, String> h = got.get(0).getHeaders();
      assertEquals("web1", h.get("host"));
      assertEquals("1795406400500", h.get("timestamp"), "zone offset and fraction honoured");
      assertEquals("127.0.0.1", h.get("clientIp"));
      assertEquals(Integer.toString(rig.port), h.get("localPort"));
    }
  }

  @Test
  void aBadTimestampSpoilsOnlyItsOwnMessage() throws Exception {
    try (SourceTestRig rig = rig(Map.of()); Socket s = connect(rig, "127.0.0.1")) {
      StringBuilder batch = new StringBuilder();
      for (int i = 0; i < 10; i++) {
        batch.append(i == 5 ? "<13>1 2026-13-45T99:00:00Z web1 app - - - bad\n" : MSG + i + "\n");
      }
      s.getOutputStream().write(batch.toString().getBytes(StandardCharsets.UTF_8));
      List<Event> got = rig.takeAll(10, 5000);
      assertEquals(10, got.size());
      assertEquals("Invalid", got.get(5).getHeaders().get("flume.syslog.status"));
      assertEquals("message 6", body(got.get(6)));
    }
  }

  @Test
  void aFullChannelPausesTheConnectionAndLosesNothing() throws Exception {
    // Room for 50 events and nobody taking: the source must stop reading, not drop.
    try (SourceTestRig rig = rig(Map.of("batchSize", "20"), Map.of("capacity", "50",
        "transactionCapacity", "50"), Map.of()); Socket s = connect(rig, "127.0.0.1")) {
      int n = 2000;
      Thread sender = new Thread(() -> {
        try {
          OutputStream out = s.getOutputStream();
          for (int i = 0; i < n; i++) {
            out.write((MSG + i + "\n").getBytes(StandardCharsets.UTF_8));
          }
          out.flush();
        } catch (IOException e) {
          throw new RuntimeException(e);
        }
      });
      sender.start();
      await("a pause", 5000, () -> metric(rig, "backpressure.pauses") > 0);
      List<Event> got = new ArrayList<>(rig.takeAll(n, 20_000));
      sender.join(5000);
      assertEquals(n, got.size(), "every message read is delivered");
      for (int i = 0; i < n; i++) {
        assertEquals("message " + i, body(got.get(i)), "in order");
      }
      assertEquals(n, rig.flumeCounter("EventAcceptedCount"), "each event accepted once");
      assertTrue(rig.flumeCounter("ChannelWriteFail") > 0, "refusals counted as Flume does");
    }
  }

  @Test
  void anInterceptorsRejectionPushesBackForTheAdvisedTime() throws Exception {
    Map<String, String> processor = Map.of("interceptors", "r",
        "interceptors.r.type", RejectingInterceptor.Builder.class.getName(),
        "interceptors.r.rejections", "3", "interceptors.r.retryAfterMillis", "200");
    try (SourceTestRig rig = rig(Map.of(), Map.of(), processor); Socket s = connect(rig, "127.0.0.1")) {
      long start = System.nanoTime();
      s.getOutputStream().write((MSG + "a\n" + MSG + "b\n").getBytes(StandardCharsets.UTF_8));
      List<Event> got = rig.takeAll(2, 10_000);
      long tookMillis = (System.nanoTime() - start) / 1_000_000;
      assertEquals(List.of("message a", "message b"), got.stream().map(SourceTestRig::body).toList());
      assertTrue(tookMillis >= 3 * 200, "retried after the advised 200 ms, 3 times: " + tookMillis);
      assertEquals(2, rig.flumeCounter("EventAcceptedCount"));
      assertEquals(1, metric(rig, "backpressure.pauses"), "one pause, however many retries");
    }
  }

  @Test
  void batchesShrinkUntilTheInterceptorTakesThem() throws Exception {
    // A limit whose burst (7) is below the batch size would refuse a full batch forever.
    Map<String, String> processor = Map.of("interceptors", "r",
        "interceptors.r.type", RejectingInterceptor.Builder.class.getName(),
        "interceptors.r.rejections", "0", "interceptors.r.retryAfterMillis", "10",
        "interceptors.r.maxBatch", "7");
    try (SourceTestRig rig = rig(Map.of("batchSize", "100"), Map.of(), processor);
        Socket s = connect(rig, "127.0.0.1")) {
      StringBuilder all = new StringBuilder();
      for (int i = 0; i < 100; i++) {
        all.append(MSG).append(i).append('\n');
      }
      s.getOutputStream().write(all.toString().getBytes(StandardCharsets.UTF_8));
      List<Event> got = rig.takeAll(100, 10_000);
      assertEquals(100, got.size());
      for (int i = 0; i < 100; i++) {
        assertEquals("message " + i, body(got.get(i)));
      }
    }
  }

  @Test
  void connectionsBeyondTheLimitsAreRefusedAndCounted() throws Exception {
    try (SourceTestRig rig = rig(Map.of("maxConnectionsPerIp", "2", "connectionRatePerIp", "none"))) {
      try (Socket a = connect(rig, "127.0.0.2"); Socket b = connect(rig, "127.0.0.2");
          Socket c = connect(rig, "127.0.0.2"); Socket other = connect(rig, "127.0.0.3")) {
        // Connections are admitted on several threads: any one of the three may be the refused one.
        assertEquals(1, closedByServer(a, b, c), "one of three connections from one address refused");
        await("refusal counted", 2000, () -> metric(rig, "connections.refused.maxConnectionsPerIp") == 1);
        other.getOutputStream().write((MSG + "other\n").getBytes(StandardCharsets.UTF_8));
        assertEquals("message other", body(rig.takeAll(1, 5000).get(0)), "another address is unaffected");
        await("open connections", 2000, () -> metric(rig, "connections.open") == 3);
      }
    }
    // 1/m: no token comes back while the test runs, however slow the machine
    try (SourceTestRig rig = rig(Map.of("connectionRatePerIp", "1/m burst 5"))) {
      List<Socket> sockets = new ArrayList<>();
      try {
        for (int i = 0; i < 6; i++) {
          sockets.add(connect(rig, "127.0.0.2"));
        }
        assertEquals(1, closedByServer(sockets.toArray(new Socket[0])), "one of six refused");
        await("rate refusal counted", 2000, () -> metric(rig, "connections.refused.connectionRate") == 1);
      } finally {
        for (Socket s : sockets) {
          s.close();
        }
      }
    }
  }

  @Test
  void aFrameThatNeverEndsClosesItsConnection() throws Exception {
    try (SourceTestRig rig = rig(Map.of("frameTimeout", "1s"));
        Socket slow = connect(rig, "127.0.0.2"); Socket good = connect(rig, "127.0.0.3")) {
      slow.getOutputStream().write("<13>1 2026-11-23T05:00:00Z web1 app - - - never ends".getBytes(StandardCharsets.UTF_8));
      for (int i = 0; i < 3; i++) {
        good.getOutputStream().write((MSG + i + "\n").getBytes(StandardCharsets.UTF_8));
        Thread.sleep(400);
      }
      assertClosedByServer(slow);
      assertEquals(1, metric(rig, "connections.refused.frameTimeout"));
      List<Event> got = rig.takeAll(4, 5000);
      assertEquals(3, got.stream().filter(e -> body(e).startsWith("message ")).count(),
          "the well-behaved sender keeps delivering");
      Event cut = got.stream().filter(e -> body(e).equals("never ends")).findFirst().orElseThrow();
      assertEquals("Incomplete", cut.getHeaders().get("flume.syslog.status"), "what was read, marked cut");
    }
  }

  @Test
  void anIdleConnectionIsClosed() throws Exception {
    try (SourceTestRig rig = rig(Map.of("idleTimeout", "1s")); Socket idle = connect(rig, "127.0.0.1")) {
      assertClosedByServer(idle);
      assertEquals(1, metric(rig, "connections.refused.idleTimeout"));
    }
  }

  @Test
  void oversizeFramesAreCutAtEventSizeAndTheStreamStaysInStep() throws Exception {
    try (SourceTestRig rig = rig(Map.of("eventSize", "100")); Socket s = connect(rig, "127.0.0.1")) {
      String big = MSG + "x".repeat(500);
      s.getOutputStream().write((big + "\n").getBytes(StandardCharsets.UTF_8));
      s.getOutputStream().write(octet(big));
      s.getOutputStream().write((MSG + "after\n").getBytes(StandardCharsets.UTF_8));
      List<Event> got = rig.takeAll(3, 5000);
      assertEquals(3, got.size());
      assertEquals("Incomplete", got.get(0).getHeaders().get("flume.syslog.status"));
      assertEquals("Incomplete", got.get(1).getHeaders().get("flume.syslog.status"));
      assertEquals("message after", body(got.get(2)));
      assertTrue(metric(rig, "dropped.oversize") > 0, "the cut-off bytes are counted");
    }
  }

  @Test
  void onlyMetricsThatCanMoveAreRegistered() throws Exception {
    try (SourceTestRig rig = rig(Map.of())) {
      assertEquals(new java.util.TreeSet<>(List.of("bytes", "invalid", "incomplete",
          "dropped.oversize", "dropped.stopped", "dropped.poison", "backpressure.pauses",
          "connections.open", "connections.draining", "connections.refused.maxConnections",
          "connections.refused.maxConnectionsPerIp", "connections.refused.connectionRate",
          "connections.refused.idleTimeout", "connections.refused.frameTimeout",
          "connections.refused.tls")), rig.metricNames(),
          "a TCP source pushes back: it never drops what the channels refuse");
    }
  }

  private static long metric(SourceTestRig rig, String name) {
    try {
      return rig.metric(name);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** How many of {@code sockets} the server closes within a second. */
  private static int closedByServer(Socket... sockets) throws IOException {
    int closed = 0;
    for (Socket s : sockets) {
      s.setSoTimeout(1000);
      try {
        if (s.getInputStream().read() == -1) {
          closed++;
        }
      } catch (SocketTimeoutException open) {
        // still open
      } catch (IOException reset) {
        closed++;
      }
    }
    return closed;
  }

  /** The server closed the connection: a read sees end of stream (or a reset). */
  private static void assertClosedByServer(Socket s) throws IOException {
    s.setSoTimeout(5000);
    InputStream in = s.getInputStream();
    try {
      assertEquals(-1, in.read(), "closed by the source");
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the source kept the connection open", e);
    } catch (IOException reset) {
      // a reset is a close too
    }
  }
}
