package io.sluice.sink.write;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.core.time.ManualClock;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.apache.flume.Context;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS: with {@code hec.truststore} naming the receiver's certificate the writer delivers; with
 * the JDK's trust (which does not know a self-signed certificate) it fails without retrying.
 * The certificate is made once by the JDK's keytool, for 127.0.0.1.
 */
class HecTlsTest {

  static final String PASSWORD = "changeit";

  @TempDir static Path tmp;
  static Path keystore;
  static HecReceiver hec;

  @BeforeAll
  static void receiver() throws Exception {
    keystore = tmp.resolve("hec.p12");
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    Process p = new ProcessBuilder(keytool.toString(),
        "-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC", // a JVM that starts in half the time
        "-genkeypair", "-alias", "hec",
        "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1",
        "-ext", "san=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12",
        "-keystore", keystore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD)
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, out);
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      ks.load(in, PASSWORD.toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, PASSWORD.toCharArray());
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(kmf.getKeyManagers(), null, null);
    hec = new HecReceiver(tls);
  }

  @AfterAll
  static void stop() {
    if (hec != null) {
      hec.close();
    }
  }

  HecWriter writer(List<Long> waits, String... keyValues) {
    Map<String, String> m = new java.util.HashMap<>(Map.of("hec.url", hec.url(), "hec.token", "t0k3n"));
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put(keyValues[i], keyValues[i + 1]);
    }
    return new HecWriter(HecWriterSettings.parse(new Context(m)), "k1", HecMetrics.NONE,
        new ManualClock(), waits::add);
  }

  @Test
  void theConfiguredTruststoreIsTrusted() throws IOException {
    List<Long> waits = new ArrayList<>();
    try (HecWriter w = writer(waits, "hec.truststore", keystore.toString(),
        "hec.truststore-type", "PKCS12", "hec.truststore-password", PASSWORD)) {
      w.append("{\"message\":\"over TLS\"}".getBytes(UTF_8));
      w.commit();
    }
    assertEquals(1, hec.events().size());
    assertEquals("over TLS", hec.envelopes().get(0).get("event").get("message").stringValue());
    assertEquals(List.of(), waits);
  }

  @Test
  void anUntrustedCertificateFailsTheBatchWithoutRetrying() throws IOException {
    List<Long> waits = new ArrayList<>();
    try (HecWriter w = writer(waits)) {
      w.append("{\"message\":\"not trusted\"}".getBytes(UTF_8));
      IOException e = assertThrows(IOException.class, w::commit);
      assertTrue(e.getMessage().startsWith("TLS with HEC"), e.getMessage());
      assertFalse(e.getMessage().contains("t0k3n"), e.getMessage());
    }
    assertEquals(List.of(), waits);
  }
}
