package io.sluice.tools.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.sluice.tools.RunLayout;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The senders for real, over loopback, against small test servers. */
class SendersTest {

  private static final String RUN = "0e8c5c40";
  private final FakeClock clock = new FakeClock(1_700_000_000_000L);

  @Test
  void udpSendsOneRfc5424DatagramPerEventFromTheSendersAddress(@TempDir Path dir) throws Exception {
    try (DatagramSocket server = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Recorder recorder = new Recorder(dir, clock.epochMillis(), false)) {
      server.setSoTimeout(5000);
      Target t = Target.parse("udp://127.0.0.1:" + server.getLocalPort());
      InetAddress source = SourceAddresses.loopbackAddress(2);
      try (UdpSender s = new UdpSender(t, source, clock, new SyslogLines("host1", RUN, 2, 120), recorder, 2)) {
        s.send(0, 5);
      }
      for (int seq = 0; seq < 5; seq++) {
        DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
        server.receive(p);
        String line = new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII);
        assertEquals("127.0.0.3", p.getAddress().getHostAddress(), "sender 2 sends from 127.0.0.3");
        assertTrue(line.matches("<134>1 2023-11-14T22:13:20\\.000Z host1 sluice-load - - - sluice-id="
            + RUN + "-2-" + seq + " x+"), line);
        assertEquals(120, line.length(), "padded to --size");
      }
      assertEquals(5, recorder.sent());
    }
    List<String> sent = Files.readAllLines(dir.resolve(RunLayout.SENT));
    assertEquals(RunLayout.SENT_HEADER, sent.get(0));
    assertEquals("0,2,1700000000000,ok", sent.get(1));
    assertEquals(6, sent.size());
  }

  @Test
  void tcpFramesWithLfOrOctetCountingAndTheFramesParseBack(@TempDir Path dir) throws Exception {
    for (Framing framing : Framing.values()) {
      try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
          Recorder recorder = new Recorder(Files.createDirectories(dir.resolve(framing.name())), clock.epochMillis(), false)) {
        Target t = Target.parse("tcp://127.0.0.1:" + server.getLocalPort());
        TcpSender s = new TcpSender(t, SourceAddresses.loopbackAddress(1), null, framing, clock,
            new SyslogLines("h", RUN, 1, 0), recorder, 1);
        s.send(0, 300);
        s.send(300, 7);
        s.close();
        List<String> messages = new ArrayList<>();
        try (Socket c = server.accept()) {
          assertEquals("127.0.0.2", c.getInetAddress().getHostAddress());
          InputStream in = new BufferedInputStream(c.getInputStream());
          messages = framing == Framing.LF ? readLf(in) : readOctetCounted(in);
        }
        assertEquals(307, messages.size(), framing.name());
        for (int seq = 0; seq < 307; seq++) {
          assertTrue(messages.get(seq).startsWith("<134>1 "), messages.get(seq));
          assertTrue(messages.get(seq).endsWith(" sluice-load - - - sluice-id=" + RUN + "-1-" + seq), messages.get(seq));
        }
        assertEquals(307, recorder.sent());
        assertEquals(0, recorder.errors());
      }
    }
  }

  @Test
  void tcpToNobodyCountsErrors(@TempDir Path dir) throws Exception {
    int port;
    try (ServerSocket closed = new ServerSocket(0)) {
      port = closed.getLocalPort();
    }
    try (Recorder recorder = new Recorder(dir, clock.epochMillis(), false)) {
      TcpSender s = new TcpSender(Target.parse("tcp://127.0.0.1:" + port), null, null, Framing.LF, clock,
          new SyslogLines("h", RUN, 0, 0), recorder, 0);
      s.send(0, 10);
      s.close();
      assertEquals(10, recorder.errors());
    }
  }

  /** A HEC stand-in: records each request; answers by a script of statuses, then 200 with an ackId. */
  private static final class Hec implements AutoCloseable {
    final HttpServer server;
    final List<String> bodies = new CopyOnWriteArrayList<>();
    final List<String> tokens = new CopyOnWriteArrayList<>();
    final List<String> channels = new CopyOnWriteArrayList<>();
    final List<String> encodings = new CopyOnWriteArrayList<>();
    final List<String> clients = new CopyOnWriteArrayList<>();
    final List<String> ackQueries = new CopyOnWriteArrayList<>();
    final List<Integer> script = new CopyOnWriteArrayList<>();
    final AtomicInteger ackIds = new AtomicInteger();
    /** Which ackIds the ack endpoint says are done. */
    volatile java.util.function.LongPredicate acked = id -> id != 1;

    Hec() throws Exception {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.createContext("/services/collector/ack", this::ack);
      server.createContext("/services/collector", this::events);
      server.start();
    }

    String url(String path) {
      return "hec://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    private void events(HttpExchange x) throws java.io.IOException {
      byte[] raw = x.getRequestBody().readAllBytes();
      String enc = x.getRequestHeaders().getFirst("Content-Encoding");
      encodings.add(String.valueOf(enc));
      byte[] body = "gzip".equals(enc) ? new GZIPInputStream(new java.io.ByteArrayInputStream(raw)).readAllBytes() : raw;
      bodies.add(new String(body, StandardCharsets.UTF_8));
      tokens.add(String.valueOf(x.getRequestHeaders().getFirst("Authorization")));
      channels.add(String.valueOf(x.getRequestHeaders().getFirst("X-Splunk-Request-Channel")));
      clients.add(x.getRemoteAddress().getAddress().getHostAddress());
      int status = script.isEmpty() ? 200 : script.remove(0);
      byte[] answer = status == 200
          ? ("{\"text\":\"Success\",\"code\":0,\"ackId\":" + ackIds.getAndIncrement() + "}").getBytes()
          : "{\"text\":\"Server is busy\",\"code\":9}".getBytes();
      if (status != 200) {
        x.getResponseHeaders().add("Retry-After", "7");
      }
      x.sendResponseHeaders(status, answer.length);
      x.getResponseBody().write(answer);
      x.close();
    }

    private void ack(HttpExchange x) throws java.io.IOException {
      String q = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      ackQueries.add(q + " on " + x.getRequestHeaders().getFirst("X-Splunk-Request-Channel"));
      // every id asked is done but those acked refuses (by default 1, which never is)
      String ids = q.replaceAll("[^0-9,]", "");
      StringBuilder b = new StringBuilder("{\"acks\":{");
      for (String id : ids.split(",")) {
        b.append(b.length() > 9 ? "," : "").append('"').append(id).append("\":")
            .append(acked.test(Long.parseLong(id)));
      }
      byte[] answer = b.append("}}").toString().getBytes();
      x.sendResponseHeaders(200, 0); // chunked: the client reads that too
      x.getResponseBody().write(answer);
      x.close();
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }

  @Test
  void hecEventPostsBatchesWithTheTokenAndChannelGzippedWhenAsked(@TempDir Path dir) throws Exception {
    for (boolean gzip : new boolean[] {false, true}) {
      try (Hec hec = new Hec(); Recorder recorder = new Recorder(Files.createDirectories(dir.resolve("" + gzip)),
          clock.epochMillis(), false)) {
        HecSettings settings = new HecSettings("t0k3n", 100, gzip, 3, false);
        Target t = Target.parse(hec.url("/services/collector/event"));
        HecSender s = new HecSender(t, SourceAddresses.loopbackAddress(3), null, settings, "chan-1", clock,
            new HecBodies(false, gzip, RUN, 3, 0), recorder, 3, null);
        // a pacer of 1000/s for 1 s hands over batches of 100
        new Pacer(clock, new Steady(1000), 1_000_000_000L, s).run();
        s.close();
        assertEquals(10, hec.bodies.size());
        for (int r = 0; r < 10; r++) {
          String[] events = hec.bodies.get(r).split("\n");
          assertEquals(100, events.length, "a batch of 100");
          assertTrue(events[0].matches("\\{\"event\":\"sluice-id=" + RUN + "-3-" + (r * 100)
              + "\",\"sourcetype\":\"sluice:load\",\"time\":\\d+\\.\\d{3}}"), events[0]);
        }
        assertTrue(hec.tokens.stream().allMatch("Splunk t0k3n"::equals));
        assertTrue(hec.channels.stream().allMatch("chan-1"::equals));
        assertTrue(hec.clients.stream().allMatch("127.0.0.4"::equals), hec.clients.toString());
        assertTrue(hec.encodings.stream().allMatch((gzip ? "gzip" : "null")::equals));
        assertEquals(1000, recorder.sent());
      }
    }
  }

  @Test
  void hecRawSendsLines(@TempDir Path dir) throws Exception {
    try (Hec hec = new Hec(); Recorder recorder = new Recorder(dir, clock.epochMillis(), false)) {
      HecSender s = new HecSender(Target.parse(hec.url("/services/collector/raw")), null, null,
          new HecSettings(null, 3, false, 0, false), "c", clock, new HecBodies(true, false, RUN, 0, 40), recorder, 0, null);
      s.send(0, 3);
      s.close();
      String[] lines = hec.bodies.get(0).split("\n");
      assertEquals(3, lines.length);
      assertTrue(lines[2].matches("sluice-id=" + RUN + "-0-2 x+"), lines[2]);
      assertEquals(40, lines[2].length());
      assertEquals("null", hec.tokens.get(0), "no token, no Authorization");
    }
  }

  @Test
  void hec429Or503IsRetriedAfterItsRetryAfterThenCountsAsPushbackOtherStatusesAsErrors(@TempDir Path dir)
      throws Exception {
    try (Hec hec = new Hec(); Recorder recorder = new Recorder(dir, clock.epochMillis(), false)) {
      HecSender s = new HecSender(Target.parse(hec.url("/services/collector/event")), null, null,
          new HecSettings("t", 10, false, 3, false), "c", clock, new HecBodies(false, false, RUN, 0, 0), recorder, 0, null);
      hec.script.addAll(List.of(429, 503)); // busy twice, then accepted
      long before = clock.nanoTime();
      s.send(0, 10);
      assertEquals(3, hec.bodies.size());
      assertEquals(14_000_000_000L, clock.nanoTime() - before, "waited Retry-After: 7 s twice");
      assertEquals(10, recorder.sent());
      assertEquals(0, recorder.pushback());

      hec.script.addAll(List.of(429, 429, 429, 429)); // more than 3 retries
      s.send(10, 10);
      assertEquals(7, hec.bodies.size());
      assertEquals(10, recorder.pushback());

      hec.script.add(400);
      s.send(20, 10);
      assertEquals(10, recorder.errors());
      s.close();
    }
    List<String> sent = Files.readAllLines(dir.resolve(RunLayout.SENT));
    assertEquals(31, sent.size());
    assertTrue(sent.get(1).endsWith(",ok") && sent.get(11).endsWith(",pushback") && sent.get(21).endsWith(",error"));
    assertEquals("0,0,1700000014000,ok", sent.get(1), "the time of the request that was answered");
  }

  @Test
  void pollsGoRoundThePendingAcksSoThatOnesNeverAckedDoNotHideTheOthers(@TempDir Path dir) throws Exception {
    try (Hec hec = new Hec(); Recorder recorder = new Recorder(dir, clock.epochMillis(), true)) {
      hec.acked = id -> id >= AckPoller.MAX_IDS; // the first thousand were forgotten by the agent
      Target t = Target.parse(hec.url("/services/collector/event"));
      AckPoller acks = new AckPoller(t, null, null, new HecSettings("t", 1, false, 0, true), "chan-1",
          clock, recorder, 0);
      for (long id = 0; id < AckPoller.MAX_IDS + 500; id++) {
        acks.expect(id, id, 1, clock.epochMillis());
      }
      assertEquals(0, acks.poll(), "the first thousand: none acked");
      assertEquals(500, acks.poll(), "then the rest, not the first thousand again");
      assertEquals(0, acks.poll());
      acks.close();
      assertEquals(500, recorder.acked());
    }
  }

  @Test
  void acksArePolledOnTheSendersChannelAndTheAckedEventsRecorded(@TempDir Path dir) throws Exception {
    try (Hec hec = new Hec(); Recorder recorder = new Recorder(dir, clock.epochMillis(), true)) {
      Target t = Target.parse(hec.url("/services/collector/event"));
      HecSettings settings = new HecSettings("t", 5, false, 0, true);
      AckPoller acks = new AckPoller(t, null, null, settings, "chan-9", clock, recorder, 1);
      HecSender s = new HecSender(t, null, null, settings, "chan-9", clock, new HecBodies(false, false, RUN, 1, 0),
          recorder, 1, acks);
      s.send(0, 5); // ackId 0
      s.send(5, 5); // ackId 1: never acked
      s.send(10, 5); // ackId 2
      assertEquals(2, acks.poll());
      assertEquals(0, acks.poll(), "ackId 1 stays pending");
      assertTrue(!acks.settled());
      assertTrue(hec.ackQueries.get(0).matches("\\{\"acks\":\\[[012],[012],[012]]} on chan-9"), hec.ackQueries.get(0));
      assertEquals("{\"acks\":[1]} on chan-9", hec.ackQueries.get(1));
      acks.close();
      s.close();
      assertEquals(10, recorder.acked());
    }
    List<String> acked = Files.readAllLines(dir.resolve(RunLayout.ACKS));
    assertEquals(RunLayout.ACKS_HEADER, acked.get(0));
    assertEquals(11, acked.size());
    assertTrue(acked.contains("0,1,1700000000000,1700000000000"));
    assertTrue(acked.contains("14,1,1700000000000,1700000000000"));
    assertTrue(acked.stream().noneMatch(l -> l.startsWith("5,")));
  }

  private static List<String> readLf(InputStream in) throws Exception {
    String all = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    assertTrue(all.endsWith("\n"));
    return List.of(all.substring(0, all.length() - 1).split("\n"));
  }

  private static List<String> readOctetCounted(InputStream in) throws Exception {
    List<String> out = new ArrayList<>();
    for (;;) {
      ByteArrayOutputStream len = new ByteArrayOutputStream();
      int c = in.read();
      if (c < 0) {
        return out;
      }
      for (; c != ' '; c = in.read()) {
        assertTrue(c >= '0' && c <= '9', "a length, then a space");
        len.write(c);
      }
      int n = Integer.parseInt(len.toString(StandardCharsets.US_ASCII));
      out.add(new String(in.readNBytes(n), StandardCharsets.US_ASCII));
    }
  }
}
