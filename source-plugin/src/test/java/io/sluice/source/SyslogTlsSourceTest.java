package io.sluice.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.source.tcp.TestKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SyslogTcpSource with TLS (RFC 5425): key material from keystores made by the JDK's keytool;
 * senders are the JDK's {@link SSLSocket} and {@code openssl s_client}.
 */
class SyslogTlsSourceTest {

  private static final String PASS = "changeit";
  private static final String MSG = "<13>1 2026-11-23T05:00:00Z web1 app - - - over tls";

  @TempDir static Path dir;
  private static Path server;
  private static Path client;
  private static Path trustsServer;
  private static Path trustsClient;

  @BeforeAll
  static void keys() throws Exception {
    server = TestKeys.keypair(dir, "server", "CN=localhost", PASS);
    client = TestKeys.keypair(dir, "client", "CN=sender", PASS);
    trustsServer = TestKeys.trustStoreOf(dir, "server", PASS);
    trustsClient = TestKeys.trustStoreOf(dir, "client", PASS);
  }

  private static Map<String, String> tls(String clientAuth) {
    return Map.of("ssl", "true", "keystore", server.toString(), "keystore-password", PASS,
        "keystore-type", "PKCS12", "client-auth", clientAuth, "truststore", trustsClient.toString(),
        "truststore-password", PASS, "truststore-type", "PKCS12");
  }

  private static SSLSocket connect(SourceTestRig rig, String protocol, boolean withClientCert) throws Exception {
    SSLContext ctx = TestKeys.clientContext(trustsServer, withClientCert ? client : null, PASS);
    SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", rig.port);
    s.setEnabledProtocols(new String[] {protocol});
    s.setSoTimeout(5000);
    s.startHandshake();
    return s;
  }

  private static void send(SSLSocket s, String msg) throws IOException {
    byte[] m = msg.getBytes(StandardCharsets.UTF_8);
    s.getOutputStream().write((m.length + " " + msg).getBytes(StandardCharsets.UTF_8));
    s.getOutputStream().flush();
  }

  @Test
  void deliversOctetCountedFramesOverTls13And12() throws Exception {
    try (SourceTestRig rig = new SourceTestRig(new SyslogTcpSource(), tls("none"), Map.of(), Map.of())) {
      for (String protocol : List.of("TLSv1.3", "TLSv1.2")) {
        try (SSLSocket s = connect(rig, protocol, false)) {
          assertEquals(protocol, s.getSession().getProtocol());
          send(s, MSG + " " + protocol);
          assertEquals("over tls " + protocol, SourceTestRig.body(rig.takeAll(1, 5000).get(0)));
        }
      }
    }
  }

  @Test
  void requiredClientCertificatesAreEnforced() throws Exception {
    try (SourceTestRig rig = new SourceTestRig(new SyslogTcpSource(), tls("required"), Map.of(), Map.of())) {
      try (SSLSocket s = connect(rig, "TLSv1.2", true)) {
        send(s, MSG);
        assertEquals("over tls", SourceTestRig.body(rig.takeAll(1, 5000).get(0)));
      }
      assertThrows(IOException.class, () -> {
        try (SSLSocket s = connect(rig, "TLSv1.2", false)) {
          send(s, MSG); // TLS 1.2 fails in the handshake; this is for the record
          s.getInputStream().read();
        }
      }, "a sender without a certificate is refused");
      assertTrue(rig.takeAll(1, 500).isEmpty(), "nothing from the refused sender");
    }
  }

  @Test
  void theKeystoreIsReadOnceAtStartNotPerConnection() throws Exception {
    Path copy = dir.resolve("server-copy.p12");
    Files.copy(server, copy);
    Map<String, String> props = new java.util.HashMap<>(tls("none"));
    props.put("keystore", copy.toString());
    try (SourceTestRig rig = new SourceTestRig(new SyslogTcpSource(), props, Map.of(), Map.of())) {
      Files.delete(copy); // Flume's TCP source would fail every connection from here on
      for (int i = 0; i < 2; i++) {
        try (SSLSocket s = connect(rig, "TLSv1.3", false)) {
          send(s, MSG + " " + i);
          assertEquals("over tls " + i, SourceTestRig.body(rig.takeAll(1, 5000).get(0)));
        }
      }
    }
  }

  @Test
  void aBadKeystoreIsAConfigurationError() {
    Map<String, String> props = new java.util.HashMap<>(tls("none"));
    props.put("keystore-password", "wrong");
    Exception e = assertThrows(Exception.class,
        () -> new SourceTestRig(new SyslogTcpSource(), props, Map.of(), Map.of()).close());
    assertTrue(String.valueOf(e.getMessage()).contains("keystore"), e.toString());
  }

  @Test
  void aTls12SenderThatAsksToRenegotiateIsDisconnectedAndCounted() throws Exception {
    try (SourceTestRig rig = new SourceTestRig(new SyslogTcpSource(), tls("none"), Map.of(), Map.of());
        OpensslClient s = OpensslClient.connect(rig.port, "-tls1_2")) {
      s.type(MSG + " before");
      assertEquals("over tls before", SourceTestRig.body(rig.takeAll(1, 5000).get(0)));
      long refused = rig.metric("connections.refused.tls");
      s.type("R"); // s_client sends a ClientHello on the established session at once
      assertTrue(s.awaitOutput("RENEGOTIATING", 5000), s::output);
      // Had the source renegotiated, s_client would sit waiting for more input.
      assertTrue(s.awaitExit(10_000), () -> "the source should have closed the connection:\n" + s.output());
      assertEquals(refused + 1, rig.metric("connections.refused.tls"));
    }
  }

  @Test
  void opensslSendersStillDeliverOverTls12And13() throws Exception {
    try (SourceTestRig rig = new SourceTestRig(new SyslogTcpSource(), tls("none"), Map.of(), Map.of())) {
      for (String protocol : List.of("-tls1_2", "-tls1_3")) {
        try (OpensslClient s = OpensslClient.connect(rig.port, protocol)) {
          s.type(MSG + " 1" + protocol);
          s.type(MSG + " 2" + protocol);
          s.endInput();
          assertTrue(s.awaitExit(10_000), s::output);
          assertEquals(List.of("over tls 1" + protocol, "over tls 2" + protocol),
              rig.takeAll(2, 5000).stream().map(SourceTestRig::body).toList());
        }
      }
      assertEquals(0, rig.metric("connections.refused.tls"));
    }
  }

  @Test
  void aTls13KeyUpdateIsNotTakenForARenegotiation() throws Exception {
    try (SourceTestRig rig = new SourceTestRig(new SyslogTcpSource(), tls("none"), Map.of(), Map.of());
        OpensslClient s = OpensslClient.connect(rig.port, "-tls1_3")) {
      s.type(MSG + " before");
      assertEquals("over tls before", SourceTestRig.body(rig.takeAll(1, 5000).get(0)));
      s.type("k"); // a KeyUpdate: a post-handshake message, encrypted as application data
      assertTrue(s.awaitOutput("KEYUPDATE", 5000), s::output);
      s.type(MSG + " after");
      assertEquals("over tls after", SourceTestRig.body(rig.takeAll(1, 5000).get(0)));
      assertEquals(0, rig.metric("connections.refused.tls"));
    }
  }
}
