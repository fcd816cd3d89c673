package io.sluice.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SyslogTcpSource with TLS (RFC 5425): key material from keystores made by the JDK's keytool. */
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
    server = keypair("server", "CN=localhost");
    client = keypair("client", "CN=sender");
    trustsServer = trustStoreOf("server");
    trustsClient = trustStoreOf("client");
  }

  private static Path keypair(String alias, String dname) throws Exception {
    Path ks = dir.resolve(alias + ".p12");
    keytool("-genkeypair", "-alias", alias, "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", dname, "-validity", "2", "-keystore", ks.toString(), "-storetype", "PKCS12",
        "-storepass", PASS, "-keypass", PASS);
    keytool("-exportcert", "-alias", alias, "-keystore", ks.toString(), "-storepass", PASS,
        "-file", dir.resolve(alias + ".cer").toString());
    return ks;
  }

  private static Path trustStoreOf(String alias) throws Exception {
    Path ts = dir.resolve("trusts-" + alias + ".p12");
    keytool("-importcert", "-noprompt", "-alias", alias, "-file", dir.resolve(alias + ".cer").toString(),
        "-keystore", ts.toString(), "-storetype", "PKCS12", "-storepass", PASS);
    return ts;
  }

  private static void keytool(String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), "keytool " + String.join(" ", args) + ": " + out);
  }

  private static Map<String, String> tls(String clientAuth) {
    return Map.of("ssl", "true", "keystore", server.toString(), "keystore-password", PASS,
        "keystore-type", "PKCS12", "client-auth", clientAuth, "truststore", trustsClient.toString(),
        "truststore-password", PASS, "truststore-type", "PKCS12");
  }

  private static SSLSocket connect(SourceTestRig rig, String protocol, boolean withClientCert) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(trustsServer)) {
      trust.load(in, PASS.toCharArray());
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    KeyManagerFactory kmf = null;
    if (withClientCert) {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(client)) {
        keys.load(in, PASS.toCharArray());
      }
      kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, PASS.toCharArray());
    }
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
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
}
