package io.sluice.it;

import static io.sluice.it.harness.SyslogChecks.assertEnvelope;
import static io.sluice.it.harness.SyslogChecks.assertPriority;
import static io.sluice.it.harness.SyslogChecks.assertTimestampNear;
import static io.sluice.it.harness.SyslogChecks.nonce;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.it.harness.Command;
import io.sluice.it.harness.FlumeAgent;
import io.sluice.it.harness.LoggerCommand;
import io.sluice.it.harness.Ports;
import io.sluice.it.harness.Rsyslog;
import io.sluice.it.harness.SinkFiles.Written;
import io.sluice.it.harness.SyslogPipeline;
import io.sluice.it.harness.TcpSender;
import io.sluice.it.harness.TlsMaterial;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code io.sluice.source.SyslogTcpSource} with TLS in a real agent: source {@code s} with a server
 * certificate only, source {@code m} also requiring a client certificate ({@code client-auth =
 * required}). Keys and certificates are made at test time ({@link TlsMaterial}). Senders: rsyslog's
 * {@code omfwd} with the OpenSSL stream driver (verifying the server's name against the test CA,
 * and presenting a client certificate), {@code openssl s_client} (also typing its renegotiation
 * command), and a plain TCP socket.
 */
class SyslogTlsEndToEndTest {

  private static SyslogPipeline agent;
  private static TlsMaterial tls;
  private static int serverAuthPort;
  private static int mutualPort;

  @BeforeAll
  static void startAgent() {
    tls = TlsMaterial.generate(FlumeAgent.workDir("syslog-tls-material"));
    serverAuthPort = Ports.free();
    mutualPort = Ports.free();
    agent = SyslogPipeline.start("syslog-tls", "s m", """
        a1.sources.s.type = io.sluice.source.SyslogTcpSource
        a1.sources.s.host = 127.0.0.1
        a1.sources.s.port = %1$d
        a1.sources.s.connectionRatePerIp = 100/s burst 100
        a1.sources.s.ssl = true
        a1.sources.s.keystore = %3$s
        a1.sources.s.keystore-password = %4$s
        a1.sources.s.keystore-type = PKCS12
        a1.sources.m.type = io.sluice.source.SyslogTcpSource
        a1.sources.m.host = 127.0.0.1
        a1.sources.m.port = %2$d
        a1.sources.m.connectionRatePerIp = 100/s burst 100
        a1.sources.m.ssl = true
        a1.sources.m.keystore = %3$s
        a1.sources.m.keystore-password = %4$s
        a1.sources.m.keystore-type = PKCS12
        a1.sources.m.client-auth = required
        a1.sources.m.truststore = %5$s
        a1.sources.m.truststore-password = %4$s
        a1.sources.m.truststore-type = JKS
        """.formatted(serverAuthPort, mutualPort, tls.serverKeystore(), tls.password(), tls.truststore()));
  }

  @AfterAll
  static void stopAgent() {
    if (agent != null) {
      agent.close();
    }
  }

  /**
   * One RFC 5425 frame ({@code MSG-LEN SP MSG}) through {@code openssl s_client}, which checks the
   * server's certificate against the test CA and its name; closes after sending (close_notify).
   */
  private static Command.Result sClient(int port, String message, String... extra) {
    return sClient(false, port, message, extra);
  }

  /**
   * As {@link #sClient(int, String, String...)}; with {@code awaitServerClose}, s_client does not
   * close at the end of its input but waits for the server to close (as after a TLS alert).
   */
  private static Command.Result sClient(boolean awaitServerClose, int port, String message, String... extra) {
    List<String> cmd = new ArrayList<>(List.of(Command.require("openssl", "openssl"), "s_client",
        "-connect", "127.0.0.1:" + port, "-servername", "localhost", "-verify_hostname", "localhost",
        "-CAfile", tls.caPem().toString(), "-verify_return_error", "-quiet"));
    if (!awaitServerClose) {
      cmd.add("-no_ign_eof");
    }
    cmd.addAll(List.of(extra));
    return Command.run(cmd, TcpSender.octet(message), Duration.ofSeconds(20));
  }

  @Test
  void rsyslogDeliversOverTlsWithServerAndClientCertificates() {
    int rsPort = Ports.free();
    // x509/name: rsyslog checks the agent's certificate chain against the CA and its name; it
    // presents its own (client) certificate, which source m requires.
    String config = """
        global(workDirectory="${WORK}" maxMessageSize="64k"
               DefaultNetstreamDriver="ossl"
               DefaultNetstreamDriverCAFile="%3$s"
               DefaultNetstreamDriverCertFile="%4$s"
               DefaultNetstreamDriverKeyFile="%5$s")
        module(load="imudp")
        input(type="imudp" address="127.0.0.1" port="%6$d" ruleset="fwd")
        ruleset(name="fwd") {
          action(type="omfwd" target="127.0.0.1" port="%1$d" protocol="tcp"
                 TCP_Framing="octet-counted" template="RSYSLOG_SyslogProtocol23Format"
                 StreamDriver="ossl" StreamDriverMode="1" StreamDriverAuthMode="x509/name"
                 StreamDriverPermittedPeers="localhost")
          action(type="omfwd" target="127.0.0.1" port="%2$d" protocol="tcp"
                 TCP_Framing="octet-counted" template="RSYSLOG_SyslogProtocol23Format"
                 StreamDriver="ossl" StreamDriverMode="1" StreamDriverAuthMode="x509/name"
                 StreamDriverPermittedPeers="localhost")
        }
        """.formatted(serverAuthPort, mutualPort, tls.caPem(), tls.clientPem(), tls.clientKey(), rsPort);
    String n = nonce("rstls");
    Rsyslog.Relayed relayed = Rsyslog.relay(FlumeAgent.workDir("syslog-tls").resolve("rsyslog"), config,
        rsPort, agent, n, 6, "3 per source", i -> new String[] {
            "-d", "--rfc5424=notq", "-i", "--msgid", "TLS" + i,
            "--sd-id", "ex@32473", "--sd-param", "seq=\"" + i + "\"", "-t", "tlsapp", "-p", "authpriv.info",
            n + " " + i + " over TLS"});
    List<Command.Result> loggers = relayed.loggers();
    long from = relayed.fromMillis();
    long to = relayed.toMillis();
    for (int port : List.of(serverAuthPort, mutualPort)) {
      List<Written> got = agent.events(
          w -> w.body().startsWith(n) && Integer.toString(port).equals(w.header("localPort")));
      assertEquals(3, got.size(), got::toString);
      for (int i = 1; i <= 3; i++) {
        String body = n + " " + i + " over TLS";
        Written w = got.stream().filter(e -> e.body().equals(body)).findFirst()
            .orElseThrow(() -> new AssertionError("no " + body + " in " + got));
        assertPriority(w, 10, 6);
        assertEquals("1", w.header("version"));
        assertEquals(LoggerCommand.hostname(), w.header("host"));
        assertEquals("tlsapp", w.header("appName"));
        assertEquals(Long.toString(loggers.get(i - 1).pid()), w.header("procId"));
        assertEquals("TLS" + i, w.header("msgId"));
        assertEquals("[ex@32473 seq=\"" + i + "\"]", w.header("structuredData"));
        assertTimestampNear(w, from, to, 2000);
        assertEnvelope(w, "rfc5424", "octet", "127.0.0.1", port, from);
      }
    }
  }

  @Test
  void plainTcpToATlsPortDeliversNothingAndIsCounted() {
    String n = nonce("plain");
    long refusedBefore = agent.count("source.s.connections.refused.tls");
    boolean closed;
    try (TcpSender s = TcpSender.open("127.0.0.1", serverAuthPort)) {
      s.send(TcpSender.octet("<14>1 - plainhost app - - - " + n + " octet in clear")
          + "<14>1 - plainhost app - - - " + n + " line in clear\n");
      closed = s.closedByPeer(5000);
    }
    assertTrue(closed, "the TLS source should close a connection that does not speak TLS");
    agent.await(Duration.ofSeconds(10), "connections.refused.tls to count the plain connection",
        () -> agent.count("source.s.connections.refused.tls") > refusedBefore);

    // The source still serves TLS; what came in clear was never delivered.
    String ok = nonce("after-plain");
    sClient(serverAuthPort, "<14>1 - tlshost app - - - " + ok + " over TLS").requireOk();
    agent.await(1, "event " + ok, w -> w.body().startsWith(ok));
    assertEquals(List.of(), agent.events(w -> w.body().contains(n)));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"-tls1_3", "-tls1_2"})
  void clientCertificateRequiredRefusesAClientWithoutOne(String protocol) {
    String n = nonce("nocert" + protocol);
    long refusedBefore = agent.count("source.m.connections.refused.tls");
    // With TLS 1.3 the client finishes its handshake before the server has checked it, so s_client
    // waits for the server's verdict (an alert, then the close) instead of closing first.
    Command.Result r = sClient(true, mutualPort, "<14>1 - nocert app - - - " + n + " without a certificate",
        protocol);
    assertFalse(r.ok(), () -> "s_client without a certificate should fail: " + r.describe());
    assertFalse(r.timedOut(), () -> "the server should have closed the connection: " + r.describe());
    assertTrue(r.output().contains("alert certificate required")
            || r.output().contains("alert handshake failure")
            || r.output().contains("alert bad certificate"),
        r::describe);
    agent.await(Duration.ofSeconds(10), "connections.refused.tls on m to count the refusal",
        () -> agent.count("source.m.connections.refused.tls") > refusedBefore);

    String ok = nonce("withcert" + protocol);
    long from = System.currentTimeMillis();
    sClient(mutualPort, "<86>1 2026-11-23T05:06:07.089Z certhost certapp 42 M7 - " + ok + " with a certificate",
        protocol, "-cert", tls.clientPem().toString(), "-key", tls.clientKey().toString()).requireOk();
    Written w = agent.await(1, "event " + ok, e -> e.body().startsWith(ok)).get(0);
    assertEquals(ok + " with a certificate", w.body());
    assertPriority(w, 10, 6);
    assertEquals("1795410367089", w.header("timestamp"));
    assertEquals("certhost", w.header("host"));
    assertEquals("certapp", w.header("appName"));
    assertEquals("42", w.header("procId"));
    assertEquals("M7", w.header("msgId"));
    assertEnvelope(w, "rfc5424", "octet", "127.0.0.1", mutualPort, from);
    assertEquals(List.of(), agent.events(e -> e.body().contains(n)));
  }

  @ParameterizedTest(name = "{0} accepted")
  @ValueSource(strings = {"-tls1_2", "-tls1_3"})
  void tls12And13AreAccepted(String protocol) {
    String n = nonce("proto" + protocol);
    sClient(serverAuthPort, "<14>1 - protohost app - - - " + n, protocol).requireOk();
    agent.await(1, "event " + n, w -> w.body().equals(n));
  }

  @ParameterizedTest(name = "{0} refused")
  @ValueSource(strings = {"-tls1", "-tls1_1"})
  void tls10And11AreRefused(String protocol) {
    String n = nonce("old" + protocol);
    // SECLEVEL=0 lets this OpenSSL offer the old protocol, so that the refusal is the server's.
    Command.Result r = sClient(serverAuthPort, "<14>1 - oldhost app - - - " + n, protocol,
        "-cipher", "DEFAULT:@SECLEVEL=0");
    Assumptions.assumeFalse(r.output().contains("no protocols available")
            || r.output().contains("unsupported protocol"),
        () -> "this openssl cannot offer " + protocol + " at all: " + r.output());
    assertFalse(r.ok(), () -> protocol + " should be refused: " + r.describe());
    assertTrue(r.output().contains("alert protocol version"), r::describe);
    // A delivered event would have shown up by the time a later TLS 1.3 one does.
    String later = nonce("after-old");
    sClient(serverAuthPort, "<14>1 - tlshost app - - - " + later).requireOk();
    agent.await(1, "event " + later, w -> w.body().equals(later));
    assertEquals(List.of(), agent.events(w -> w.body().contains(n)));
  }

  /**
   * An interactive {@code openssl s_client} (no {@code -quiet}: a line {@code R} asks to renegotiate)
   * whose input stays open, so that it ends only when the server closes the connection.
   */
  @Test
  void aTls12SenderThatAsksToRenegotiateIsDisconnectedAndCounted() throws Exception {
    String n = nonce("reneg");
    long refusedBefore = agent.count("source.s.connections.refused.tls");
    Path out = FlumeAgent.workDir("syslog-tls").resolve("s_client-renegotiation.log");
    Process p = new ProcessBuilder(Command.require("openssl", "openssl"), "s_client",
        "-connect", "127.0.0.1:" + serverAuthPort, "-servername", "localhost", "-verify_hostname", "localhost",
        "-CAfile", tls.caPem().toString(), "-verify_return_error", "-tls1_2")
        .redirectErrorStream(true).redirectOutput(out.toFile()).start();
    try (OutputStream in = p.getOutputStream()) {
      type(in, "<14>1 - renhost app - - - " + n + " before");
      agent.await(1, "event " + n, w -> w.body().equals(n + " before"));
      type(in, "R"); // alone in its read, or s_client sends it as data
      boolean ended = p.waitFor(15, TimeUnit.SECONDS);
      String output = Files.readString(out);
      assertTrue(output.contains("RENEGOTIATING"), output);
      assertTrue(ended, () -> "the source should have closed the connection; s_client:\n" + output);
    } finally {
      p.destroyForcibly();
    }
    agent.await(Duration.ofSeconds(10), "connections.refused.tls to count the renegotiation",
        () -> agent.count("source.s.connections.refused.tls") > refusedBefore);
  }

  private static void type(OutputStream in, String line) throws IOException {
    in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    in.flush();
  }
}
