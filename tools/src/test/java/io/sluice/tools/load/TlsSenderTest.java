package io.sluice.tools.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TLS sender against a real TLS server on loopback, its certificate made by the JDK's keytool
 * for 127.0.0.1: trusted through {@code --ca} (the certificate as PEM) or {@code --insecure}, and
 * refused — counted as errors, nothing sent — when the sender trusts neither.
 */
class TlsSenderTest {

  private static final String RUN = "0e8c5c40";
  private static final char[] PASSWORD = "changeit".toCharArray();
  private final FakeClock clock = new FakeClock(1_700_000_000_000L);

  @TempDir
  static Path keys;
  static Path keystore;
  static Path pem;

  @BeforeAll
  static void certificate() throws Exception {
    keystore = keys.resolve("server.p12");
    pem = keys.resolve("server.pem");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    run(keytool, "-genkeypair", "-keystore", keystore.toString(), "-storetype", "PKCS12",
        "-storepass", "changeit", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-validity", "2");
    run(keytool, "-exportcert", "-rfc", "-keystore", keystore.toString(), "-storepass", "changeit",
        "-alias", "server", "-file", pem.toString());
  }

  private static void run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, out);
  }

  private static SSLServerSocket server() throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      ks.load(in, PASSWORD);
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, PASSWORD);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf.getKeyManagers(), null, null);
    return (SSLServerSocket) context.getServerSocketFactory()
        .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
  }

  /** Lines the server reads from its first connection (none when its handshake fails). */
  private static CompletableFuture<List<String>> accept(SSLServerSocket server) {
    return CompletableFuture.supplyAsync(() -> {
      List<String> lines = new ArrayList<>();
      try (SSLSocket c = (SSLSocket) server.accept();
          BufferedReader r = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          lines.add(line);
        }
      } catch (Exception handshakeRefused) {
        // the client gave up: what was read stays
      }
      return lines;
    });
  }

  private List<String> send(Tls tls, SSLServerSocket server, Recorder recorder) throws Exception {
    CompletableFuture<List<String>> received = accept(server);
    TcpSender s = new TcpSender(Target.parse("tls://127.0.0.1:" + server.getLocalPort()), null, tls,
        Framing.LF, clock, new SyslogLines("h", RUN, 0, 0), recorder, 0);
    s.send(0, 50);
    s.close();
    return received.get(30, TimeUnit.SECONDS);
  }

  @Test
  void aServerTrustedThroughItsPemGetsEveryLine(@TempDir Path dir) throws Exception {
    try (SSLServerSocket server = server(); Recorder recorder = new Recorder(dir, clock.epochMillis(), false)) {
      List<String> lines = send(Tls.of(pem, false), server, recorder);
      assertEquals(50, lines.size());
      assertTrue(lines.get(49).endsWith("sluice-id=" + RUN + "-0-49"), lines.get(49));
      assertEquals(50, recorder.sent());
      assertEquals(0, recorder.errors());
    }
  }

  @Test
  void insecureTrustsAnyCertificate(@TempDir Path dir) throws Exception {
    try (SSLServerSocket server = server(); Recorder recorder = new Recorder(dir, clock.epochMillis(), false)) {
      assertEquals(50, send(Tls.of(null, true), server, recorder).size());
      assertEquals(0, recorder.errors());
    }
  }

  @Test
  void anUntrustedServerGetsNothingAndTheEventsCountAsErrors(@TempDir Path dir) throws Exception {
    try (SSLServerSocket server = server(); Recorder recorder = new Recorder(dir, clock.epochMillis(), false)) {
      assertEquals(List.of(), send(Tls.of(null, false), server, recorder));
      assertEquals(50, recorder.errors());
    }
  }
}
