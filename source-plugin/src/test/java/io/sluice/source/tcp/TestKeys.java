package io.sluice.source.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Key material for tests, made by the JDK's own {@code keytool}: EC key pairs with self-signed
 * certificates in PKCS12 keystores, and truststores holding such a certificate.
 */
public final class TestKeys {

  private TestKeys() {}

  /** {@code dir/<alias>.p12} with a key pair for {@code dname}, and its certificate in {@code dir/<alias>.cer}. */
  public static Path keypair(Path dir, String alias, String dname, String password) throws Exception {
    Path ks = dir.resolve(alias + ".p12");
    keytool("-genkeypair", "-alias", alias, "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", dname, "-validity", "2", "-keystore", ks.toString(), "-storetype", "PKCS12",
        "-storepass", password, "-keypass", password);
    keytool("-exportcert", "-alias", alias, "-keystore", ks.toString(), "-storepass", password,
        "-file", dir.resolve(alias + ".cer").toString());
    return ks;
  }

  /** {@code dir/trusts-<alias>.p12}: the certificate made by {@link #keypair} for {@code alias}. */
  public static Path trustStoreOf(Path dir, String alias, String password) throws Exception {
    Path ts = dir.resolve("trusts-" + alias + ".p12");
    keytool("-importcert", "-noprompt", "-alias", alias, "-file", dir.resolve(alias + ".cer").toString(),
        "-keystore", ts.toString(), "-storetype", "PKCS12", "-storepass", password);
    return ts;
  }

  /** A client context trusting what {@code truststore} holds, with the key of {@code keystore} if not null. */
  public static SSLContext clientContext(Path truststore, Path keystore, String password) throws Exception {
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(load(truststore, password));
    KeyManagerFactory kmf = null;
    if (keystore != null) {
      kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(load(keystore, password), password.toCharArray());
    }
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return ctx;
  }

  private static KeyStore load(Path file, String password) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(file)) {
      ks.load(in, password.toCharArray());
    }
    return ks;
  }

  private static void keytool(String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), "keytool " + String.join(" ", args) + ": " + out);
  }
}
