package io.sluice.it;

import static io.sluice.it.harness.SyslogChecks.assertAbsent;
import static io.sluice.it.harness.SyslogChecks.assertEnvelope;
import static io.sluice.it.harness.SyslogChecks.assertPriority;
import static io.sluice.it.harness.SyslogChecks.assertTimestampNear;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.sluice.it.harness.LoggerCommand;
import io.sluice.it.harness.Ports;
import io.sluice.it.harness.SinkFiles.Written;
import io.sluice.it.harness.SyslogChecks;
import io.sluice.it.harness.SyslogPipeline;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code io.sluice.source.SyslogUdpSource} in a real agent, fed by util-linux {@code logger} over
 * UDP (RFC 5424 and RFC 3164) and by plain datagrams, and read back from a {@code file_roll} sink.
 * Also checks that two faults of Flume's {@code syslogudp} source are absent: datagrams cut at
 * 2 KB, and datagrams cut at embedded newlines.
 *
 * <p>UDP may lose datagrams in the kernel when this machine is busy. Each check sends one datagram
 * and waits for it; a datagram that did not arrive while the source's {@code dropped.kernel} gauge
 * grew was lost in the receive buffer, which is counted, not a bug: it is sent again (up to three
 * times). One that did not arrive with no kernel drop counted fails the test.
 */
class SyslogUdpEndToEndTest {

  private static SyslogPipeline agent;
  private static int port;

  @BeforeAll
  static void startAgent() {
    port = Ports.free();
    agent = SyslogPipeline.start("syslog-udp", "u", """
        a1.sources.u.type = io.sluice.source.SyslogUdpSource
        a1.sources.u.host = 127.0.0.1
        a1.sources.u.port = %d
        """.formatted(port));
  }

  @AfterAll
  static void stopAgent() {
    if (agent != null) {
      agent.close();
    }
  }

  /** One datagram sent and its event, with the interval in which it was sent. */
  private record Delivered(String nonce, Written event, long sentFrom, long sentTo, long senderPid) {}

  /**
   * Sends with {@code send} (given a fresh nonce to put at the start of the body; it returns the
   * sender's pid, or 0) until the event whose body starts with the nonce is written.
   */
  private static Delivered deliver(String label, ToLongFunction<String> send) {
    for (int attempt = 1; ; attempt++) {
      String nonce = SyslogChecks.nonce(label) + "-" + attempt;
      long kernelBefore = agent.gauge("source.u.dropped.kernel");
      long receivedBefore = agent.sourceCounter("u", "EventReceivedCount");
      long from = System.currentTimeMillis();
      long pid = send.applyAsLong(nonce);
      long to = System.currentTimeMillis();
      List<Written> got;
      try {
        got = agent.await(1, "event " + nonce, w -> w.body().contains(nonce), Duration.ofSeconds(10));
      } catch (AssertionError notDelivered) {
        long kernelAfter = agent.gauge("source.u.dropped.kernel");
        long receivedAfter = agent.sourceCounter("u", "EventReceivedCount");
        String state = "; source.u.dropped.kernel " + kernelBefore + " -> " + kernelAfter
            + ", EventReceivedCount " + receivedBefore + " -> " + receivedAfter
            + ", dropped.full/error = " + agent.count("source.u.dropped.full") + "/"
            + agent.count("source.u.dropped.error");
        if (kernelAfter == kernelBefore) {
          fail("datagram " + nonce + " was neither delivered nor counted as dropped by the kernel"
              + state, notDelivered);
        }
        if (attempt == 3) {
          fail("datagram " + nonce + " lost in the kernel three times (counted)" + state, notDelivered);
        }
        System.out.println("UDP datagram " + nonce + " lost in the kernel's receive buffer (counted in"
            + " dropped.kernel); sending again" + state);
        continue;
      }
      assertEquals(1, got.size(), () -> "delivered more than once: " + got);
      return new Delivered(nonce, got.get(0), from, to, pid);
    }
  }

  private static void sendDatagram(String message) {
    byte[] b = message.getBytes(StandardCharsets.UTF_8);
    try (DatagramSocket s = new DatagramSocket()) {
      s.send(new DatagramPacket(b, b.length, InetAddress.getLoopbackAddress(), port));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void loggerRfc5424OverUdp() {
    Delivered d = deliver("udp5424", nonce -> LoggerCommand.send(port, null,
        "-d", "-i", "--msgid", "UDP47", "-t", "sluice-it", "-p", "local3.err",
        nonce + " hello over UDP, RFC 5424").pid());
    Written w = d.event();
    assertEquals(d.nonce() + " hello over UDP, RFC 5424", w.body());
    assertPriority(w, 19, 3);
    assertEquals("1", w.header("version"));
    assertEquals(LoggerCommand.hostname(), w.header("host"));
    assertEquals("sluice-it", w.header("appName"));
    assertEquals(Long.toString(d.senderPid()), w.header("procId"));
    assertEquals("UDP47", w.header("msgId"));
    // logger's default SD element; isSynced (and syncAccuracy) depend on this machine's clock sync.
    assertTrue(w.header("structuredData")
            .matches("\\[timeQuality tzKnown=\"1\" isSynced=\"[01]\"( syncAccuracy=\"\\d+\")?\\]"),
        w::toString);
    assertTimestampNear(w, d.sentFrom(), d.sentTo(), 2000);
    assertEnvelope(w, "rfc5424", "udp", "127.0.0.1", port, d.sentFrom());
    assertAbsent(w, "syslog.tzAssumed");
  }

  @Test
  void loggerRfc3164OverUdp() {
    Delivered d = deliver("udp3164", nonce -> LoggerCommand.send(port, null,
        "-d", "--rfc3164", "-i", "-t", "app", "-p", "local0.warning",
        nonce + " hello over UDP, RFC 3164").pid());
    Written w = d.event();
    // RFC 3164: the body is the MSG after the hostname, TAG included, as Flume gives it.
    assertEquals("app[" + d.senderPid() + "]: " + d.nonce() + " hello over UDP, RFC 3164", w.body());
    assertPriority(w, 16, 4);
    assertEquals(LoggerCommand.shortHostname(), w.header("host"));
    assertEquals("app", w.header("appName"));
    assertEquals(Long.toString(d.senderPid()), w.header("procId"));
    // RFC 3164 has whole seconds in local time, no zone: the source reads it in its zone (this
    // machine's, as the sender's) and says so.
    long ts = assertTimestampNear(w, d.sentFrom(), d.sentTo(), 2000);
    assertEquals(0, ts % 1000, w::toString);
    assertEquals("true", w.header("syslog.tzAssumed"));
    assertEnvelope(w, "rfc3164", "udp", "127.0.0.1", port, d.sentFrom());
    assertAbsent(w, "version", "msgId", "structuredData");
  }

  @Test
  void bigDatagramsAreDeliveredWhole() {
    // logger reads the message from stdin; -S lifts its own 1 KiB default.
    Delivered d = deliver("udpbig", nonce -> {
      String body = nonce + " " + "x".repeat(9000 - nonce.length() - 1);
      return LoggerCommand.send(port, body + "\n", "-d", "-S", "10000", "-t", "big").pid();
    });
    Written w = d.event();
    assertEquals(9000, w.body().length(), () -> "body cut: " + w.body().length() + " chars");
    assertEquals(d.nonce() + " " + "x".repeat(9000 - d.nonce().length() - 1), w.body());
    assertEquals("big", w.header("appName"));
    assertEnvelope(w, "rfc5424", "udp", "127.0.0.1", port, d.sentFrom());

    // A datagram of exactly 9000 bytes: Flume's syslogudp source truncates at 2 KB.
    String head = "<14>1 - bighost bigapp - - - ";
    Delivered raw = deliver("raw9000", nonce -> {
      String msg = head + nonce + " " + "y".repeat(9000 - head.length() - nonce.length() - 1);
      assertEquals(9000, msg.getBytes(StandardCharsets.UTF_8).length);
      sendDatagram(msg);
      return 0;
    });
    assertEquals(9000 - head.length(), raw.event().body().length());
    assertTrue(raw.event().body().endsWith("yyyy"), raw.event()::toString);
    assertEquals("bighost", raw.event().header("host"));
    assertAbsent(raw.event(), "timestamp"); // the NILVALUE
    assertEnvelope(raw.event(), "rfc5424", "udp", "127.0.0.1", port, raw.sentFrom());
    assertTrue(agent.count("source.u.bytes") >= 18000);
  }

  @Test
  void datagramsWithEmbeddedNewlinesAreDeliveredWhole() {
    // logger sends a multi-line argument as one datagram.
    Delivered d = deliver("udpnl", nonce -> LoggerCommand.send(port, null,
        "-d", "-t", "trace", nonce + " Exception in thread main\n\tat A.b(A.java:1)\n\tat C.d(C.java:2)").pid());
    assertEquals(d.nonce() + " Exception in thread main\n\tat A.b(A.java:1)\n\tat C.d(C.java:2)",
        d.event().body());
    assertEquals("trace", d.event().header("appName"));
    assertEnvelope(d.event(), "rfc5424", "udp", "127.0.0.1", port, d.sentFrom());

    // RFC 3164 with LF and CRLF inside and a trailing LF (which is not part of the message).
    Delivered raw = deliver("rawnl", nonce -> {
      sendDatagram("<13>Nov 23 01:02:03 nlhost nlapp[77]: " + nonce + " line one\nline two\r\nline three\n");
      return 0;
    });
    assertEquals("nlapp[77]: " + raw.nonce() + " line one\nline two\r\nline three", raw.event().body());
    assertEquals("nlhost", raw.event().header("host"));
    assertEquals("nlapp", raw.event().header("appName"));
    assertEquals("77", raw.event().header("procId"));
    assertEnvelope(raw.event(), "rfc3164", "udp", "127.0.0.1", port, raw.sentFrom());
  }

  @Test
  void countersOverJmxAgreeWithWhatWasWritten() {
    deliver("udpcount", nonce -> {
      sendDatagram("<14>1 - h app - - - " + nonce);
      return 0;
    });
    agent.awaitDrained();
    long received = agent.sourceCounter("u", "EventReceivedCount");
    long accepted = agent.sourceCounter("u", "EventAcceptedCount");
    assertEquals(received, accepted);
    assertEquals(accepted, agent.events(w -> true).size());
    assertEquals(0, agent.count("source.u.dropped.full"));
    assertEquals(0, agent.count("source.u.dropped.error"));
    assertEquals(0, agent.count("source.u.invalid"));
  }
}
