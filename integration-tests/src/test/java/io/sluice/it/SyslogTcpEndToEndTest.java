package io.sluice.it;

import static io.sluice.it.harness.SyslogChecks.assertAbsent;
import static io.sluice.it.harness.SyslogChecks.assertEnvelope;
import static io.sluice.it.harness.SyslogChecks.assertPriority;
import static io.sluice.it.harness.SyslogChecks.assertTimestampNear;
import static io.sluice.it.harness.SyslogChecks.nonce;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.it.harness.Command;
import io.sluice.it.harness.FlumeAgent;
import io.sluice.it.harness.LoggerCommand;
import io.sluice.it.harness.Ports;
import io.sluice.it.harness.Rsyslog;
import io.sluice.it.harness.SinkFiles.Written;
import io.sluice.it.harness.SyslogPipeline;
import io.sluice.it.harness.TcpSender;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code io.sluice.source.SyslogTcpSource} (plain TCP, framing detected per frame) in a real agent,
 * fed by util-linux {@code logger -T} with and without {@code --octet-count}, by rsyslog's {@code
 * omfwd} (octet-counted RFC 5424 and LF-terminated traditional format), and by raw sockets for the
 * cases where Flume's {@code syslogtcp} source fails: CRLF line ends, octet counting, and a message
 * with a bad timestamp among good ones.
 */
class SyslogTcpEndToEndTest {

  private static SyslogPipeline agent;
  private static int port;

  @BeforeAll
  static void startAgent() {
    port = Ports.free();
    // Every logger run is a new connection from 127.0.0.1: lift the default 10 new connections/s.
    agent = SyslogPipeline.start("syslog-tcp", "t", """
        a1.sources.t.type = io.sluice.source.SyslogTcpSource
        a1.sources.t.host = 127.0.0.1
        a1.sources.t.port = %d
        a1.sources.t.connectionRatePerIp = 100/s burst 100
        """.formatted(port));
  }

  @AfterAll
  static void stopAgent() {
    if (agent != null) {
      agent.close();
    }
  }

  @Test
  void loggerOverTcpWithLineFraming() {
    String n = nonce("tcplf");
    long from = System.currentTimeMillis();
    // Three stdin lines: three messages over one connection, each ending in LF.
    Command.Result r = LoggerCommand.send(port, n + " one\n" + n + " two\n" + n + " three\n",
        "-T", "-i", "-t", "tcp-app", "-p", "daemon.info");
    long to = System.currentTimeMillis();
    List<Written> got = agent.await(3, "events " + n, w -> w.body().contains(n));
    assertEquals(List.of(n + " one", n + " two", n + " three"), got.stream().map(Written::body).toList());
    for (Written w : got) {
      assertPriority(w, 3, 6);
      assertEquals("1", w.header("version"));
      assertEquals(LoggerCommand.hostname(), w.header("host"));
      assertEquals("tcp-app", w.header("appName"));
      assertEquals(Long.toString(r.pid()), w.header("procId"));
      assertTrue(w.header("structuredData").startsWith("[timeQuality tzKnown=\"1\""), w::toString);
      assertTimestampNear(w, from, to, 2000);
      assertEnvelope(w, "rfc5424", "lf", "127.0.0.1", port, from);
      assertAbsent(w, "msgId");
    }
  }

  @Test
  void loggerOverTcpWithOctetCounting() {
    String n = nonce("tcpoctet");
    long from = System.currentTimeMillis();
    Command.Result r = LoggerCommand.send(port, null,
        "-T", "--octet-count", "-i", "--msgid", "ID47", "--sd-id", "ex@32473", "--sd-param", "k=\"v\"",
        "-t", "octet-app", "-p", "auth.crit", n + " octet-counted over TCP");
    // Two more over one connection, from stdin.
    LoggerCommand.send(port, n + " second\n" + n + " third\n", "-T", "--octet-count", "-t", "octet-app");
    long to = System.currentTimeMillis();
    List<Written> got = agent.await(3, "events " + n, w -> w.body().contains(n));
    // Two connections: order holds within each, not across them.
    List<String> bodies = got.stream().map(Written::body).toList();
    assertEquals(java.util.Set.of(n + " octet-counted over TCP", n + " second", n + " third"),
        java.util.Set.copyOf(bodies));
    assertTrue(bodies.indexOf(n + " second") < bodies.indexOf(n + " third"), bodies::toString);
    Written w = got.get(bodies.indexOf(n + " octet-counted over TCP"));
    assertPriority(w, 4, 2);
    assertEquals("1", w.header("version"));
    assertEquals(LoggerCommand.hostname(), w.header("host"));
    assertEquals("octet-app", w.header("appName"));
    assertEquals(Long.toString(r.pid()), w.header("procId"));
    assertEquals("ID47", w.header("msgId"));
    assertTrue(w.header("structuredData").matches("\\[timeQuality [^\\]]*\\]\\[ex@32473 k=\"v\"\\]"),
        w::toString);
    for (Written e : got) {
      assertTimestampNear(e, from, to, 2000);
      assertEnvelope(e, "rfc5424", "octet", "127.0.0.1", port, from);
    }
  }

  @Test
  void crlfTerminatedLinesAreParsed() {
    String n = nonce("crlf");
    long from = System.currentTimeMillis();
    try (TcpSender s = TcpSender.open("127.0.0.1", port)) {
      s.send("<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - " + n + " one\r\n"
          + "<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - " + n + " two\r\n"
          + "<34>Oct 11 22:14:15 mymachine su: " + n + " three\r\n");
    }
    List<Written> got = agent.await(3, "events " + n, w -> w.body().contains(n));
    assertEquals(List.of(n + " one", n + " two", "su: " + n + " three"),
        got.stream().map(Written::body).toList());

    Written one = got.get(0);
    assertPriority(one, 4, 2);
    assertEquals("1065910455003", one.header("timestamp"));
    assertEquals("mymachine.example.com", one.header("host"));
    assertEquals("su", one.header("appName"));
    assertEquals("ID47", one.header("msgId"));
    assertAbsent(one, "procId", "structuredData");
    assertEnvelope(one, "rfc5424", "lf", "127.0.0.1", port, from);

    Written two = got.get(1);
    assertPriority(two, 20, 5);
    assertEquals("1061727255000", two.header("timestamp")); // 05:14:15.000003-07:00, in ms
    assertEquals("192.0.2.1", two.header("host"));
    assertEquals("myproc", two.header("appName"));
    assertEquals("8710", two.header("procId"));
    assertEnvelope(two, "rfc5424", "lf", "127.0.0.1", port, from);

    Written three = got.get(2);
    assertPriority(three, 4, 2);
    assertEquals("mymachine", three.header("host"));
    assertEquals("su", three.header("appName"));
    assertEnvelope(three, "rfc3164", "lf", "127.0.0.1", port, from);
    for (Written w : got) {
      assertTrue(!w.body().contains("\r"), () -> "CR left in the body: " + w);
    }
  }

  @Test
  void octetCountedFramesAreParsed() {
    String n = nonce("octet");
    long from = System.currentTimeMillis();
    String multiLine = "<11>1 2026-01-02T03:04:05.678+01:00 host1 app1 11 M1 [x@32473 a=\"1\"] " + n
        + " one\nsecond line of one\n\tthird line of one";
    String withLf = "<12>1 - host2 app2 - - - " + n + " two\n"; // rsyslog counts a trailing LF
    String split = "<13>1 - host3 app3 - - - " + n + " three, sent in two writes";
    try (TcpSender s = TcpSender.open("127.0.0.1", port)) {
      s.send(TcpSender.octet(multiLine) + TcpSender.octet(withLf));
      String f = TcpSender.octet(split);
      s.send(f.substring(0, 20));
      sleep(300);
      s.send(f.substring(20));
    }
    List<Written> got = agent.await(3, "events " + n, w -> w.body().contains(n));
    assertEquals(List.of(n + " one\nsecond line of one\n\tthird line of one", n + " two",
        n + " three, sent in two writes"), got.stream().map(Written::body).toList());
    Written one = got.get(0);
    assertPriority(one, 1, 3);
    assertEquals("1767319445678", one.header("timestamp")); // 2026-01-02T02:04:05.678Z
    assertEquals("host1", one.header("host"));
    assertEquals("app1", one.header("appName"));
    assertEquals("11", one.header("procId"));
    assertEquals("M1", one.header("msgId"));
    assertEquals("[x@32473 a=\"1\"]", one.header("structuredData"));
    assertEquals("host2", got.get(1).header("host"));
    assertEquals("host3", got.get(2).header("host"));
    for (Written w : got) {
      assertEnvelope(w, "rfc5424", "octet", "127.0.0.1", port, from);
    }
  }

  @Test
  void aBadTimestampInTheMiddleOfABatchLosesNoNeighbour() {
    String n = nonce("badts");
    long from = System.currentTimeMillis();
    String bad5424 = "<13>1 2026-13-45T25:61:61Z badhost app - - - " + n + " 3 bad timestamp";
    List<String> lf = List.of(
        "<13>1 2026-11-23T01:02:03Z goodhost app - - - " + n + " 1",
        "<13>1 2026-11-23T01:02:04Z goodhost app - - - " + n + " 2",
        bad5424,
        "<13>1 2026-11-23T01:02:05Z goodhost app - - - " + n + " 4",
        "<13>1 2026-11-23T01:02:06Z goodhost app - - - " + n + " 5");
    List<String> octet = List.of(
        "<13>1 2026-11-23T01:02:07Z goodhost app - - - " + n + " 6",
        "<13>1 2026-02-30T01:02:08Z badhost app - - - " + n + " 7 bad timestamp",
        "<13>1 2026-11-23T01:02:09Z goodhost app - - - " + n + " 8");
    StringBuilder batch = new StringBuilder();
    lf.forEach(m -> batch.append(m).append('\n'));
    octet.forEach(m -> batch.append(TcpSender.octet(m)));
    try (TcpSender s = TcpSender.open("127.0.0.1", port)) {
      s.send(batch.toString()); // one write: one read, one batch for the source
    }
    List<Written> got = agent.await(8, "events " + n, w -> w.body().contains(n));
    assertEquals(8, got.size(), got::toString);
    List<String> sent = new ArrayList<>(lf);
    sent.addAll(octet);
    for (int i = 0; i < 8; i++) {
      Written w = got.get(i);
      boolean bad = sent.get(i).contains("bad timestamp");
      if (bad) {
        // Its own event: Invalid, the whole frame as the body, its PRI kept.
        assertEquals("Invalid", w.header("flume.syslog.status"), w::toString);
        assertEquals(sent.get(i), w.body());
        assertEquals("unknown", w.header("syslog.format"));
        assertPriority(w, 1, 5);
        assertAbsent(w, "timestamp", "host");
      } else {
        assertEquals(n + " " + (i + 1), w.body());
        assertEquals("goodhost", w.header("host"));
        assertEquals(Long.toString(java.time.Instant.parse(
            sent.get(i).substring(6, 26)).toEpochMilli()), w.header("timestamp"));
        assertEnvelope(w, "rfc5424", i < 5 ? "lf" : "octet", "127.0.0.1", port, from);
      }
      assertEquals(i < 5 ? "lf" : "octet", w.header("syslog.framing"));
    }
    assertTrue(agent.count("source.t.invalid") >= 2);
  }

  @Test
  void rsyslogForwardsOverTcpOctetCountedAndLineFramed() {
    int rsPort = Ports.free();
    String config = """
        global(workDirectory="${WORK}" maxMessageSize="64k")
        module(load="imudp")
        input(type="imudp" address="127.0.0.1" port="%1$d" ruleset="fwd")
        ruleset(name="fwd") {
          action(type="omfwd" target="127.0.0.1" port="%2$d" protocol="tcp"
                 TCP_Framing="octet-counted" template="RSYSLOG_SyslogProtocol23Format")
          action(type="omfwd" target="127.0.0.1" port="%2$d" protocol="tcp")
        }
        """.formatted(rsPort, port);
    String n = nonce("rsyslog");
    Rsyslog.Relayed relayed = Rsyslog.relay(FlumeAgent.workDir("syslog-tcp").resolve("rsyslog"), config,
        rsPort, agent, n, 6, "3 octet-counted, 3 LF", i -> new String[] {
            "-d", "--rfc5424=notq", "-i", "--msgid", "RS" + i,
            "--sd-id", "ex@32473", "--sd-param", "seq=\"" + i + "\"", "-t", "rsapp", "-p", "local4.notice",
            n + " " + i + " via rsyslog"});
    List<Command.Result> loggers = relayed.loggers();
    long from = relayed.fromMillis();
    long to = relayed.toMillis();
    List<Written> got = agent.events(w -> w.body().contains(n));
    List<Written> octet = got.stream().filter(w -> "octet".equals(w.header("syslog.framing"))).toList();
    List<Written> lf = got.stream().filter(w -> "lf".equals(w.header("syslog.framing"))).toList();
    assertEquals(3, octet.size(), got::toString);
    assertEquals(3, lf.size(), got::toString);
    for (int i = 1; i <= 3; i++) {
      String body = n + " " + i + " via rsyslog";
      Written o = octet.stream().filter(w -> w.body().equals(body)).findFirst().orElseThrow(
          () -> new AssertionError("octet-counted: no " + body + " in " + octet));
      // RSYSLOG_SyslogProtocol23Format: every RFC 5424 field as logger sent it.
      assertPriority(o, 20, 5);
      assertEquals("1", o.header("version"));
      assertEquals(LoggerCommand.hostname(), o.header("host"));
      assertEquals("rsapp", o.header("appName"));
      assertEquals(Long.toString(loggers.get(i - 1).pid()), o.header("procId"));
      assertEquals("RS" + i, o.header("msgId"));
      assertEquals("[ex@32473 seq=\"" + i + "\"]", o.header("structuredData"));
      long ts = assertTimestampNear(o, from, to, 2000);
      assertEnvelope(o, "rfc5424", "octet", "127.0.0.1", port, from);

      // RSYSLOG_TraditionalForwardFormat: <PRI>Mmm dd hh:mm:ss HOST %syslogtag%%msg%. The
      // message came to rsyslog as RFC 5424, whose tag rsyslog writes as APP-NAME[PROCID] with
      // no colon. The body is everything after the hostname, tag included, as Flume gives it.
      String msg = "rsapp[" + loggers.get(i - 1).pid() + "] " + body;
      Written l = lf.stream().filter(w -> w.body().equals(msg)).findFirst().orElseThrow(
          () -> new AssertionError("LF: no " + msg + " in " + lf));
      assertPriority(l, 20, 5);
      assertEquals(LoggerCommand.shortHostname(), l.header("host"));
      assertEquals("rsapp", l.header("appName"));
      assertEquals(Long.toString(loggers.get(i - 1).pid()), l.header("procId"));
      assertEquals(ts / 1000 * 1000, Long.parseLong(l.header("timestamp")), l::toString);
      assertEnvelope(l, "rfc3164", "lf", "127.0.0.1", port, from);
      assertAbsent(l, "version", "msgId", "structuredData");
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
