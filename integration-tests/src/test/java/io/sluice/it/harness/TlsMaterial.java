package io.sluice.it.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Keys and certificates made at test time with {@code openssl} and the JDK's {@code keytool}: a CA,
 * a server certificate for {@code localhost} / {@code 127.0.0.1} and a client certificate, both
 * signed by the CA; the server's key and chain as a PKCS12 keystore for the agent, and the CA as a
 * JKS truststore for client-certificate checks. PEM files serve rsyslog and {@code openssl
 * s_client}.
 */
public record TlsMaterial(Path dir, String password) {

  public Path caPem() {
    return dir.resolve("ca.pem");
  }

  public Path serverPem() {
    return dir.resolve("server.pem");
  }

  public Path serverKey() {
    return dir.resolve("server.key");
  }

  public Path clientPem() {
    return dir.resolve("client.pem");
  }

  public Path clientKey() {
    return dir.resolve("client.key");
  }

  /** PKCS12: the server's key, its certificate and the CA's. */
  public Path serverKeystore() {
    return dir.resolve("server.p12");
  }

  /** JKS: the CA as a trusted certificate. */
  public Path truststore() {
    return dir.resolve("trust.jks");
  }

  /** Generates everything in {@code dir} (emptied first). */
  public static TlsMaterial generate(Path dir) {
    String openssl = Command.require("openssl", "openssl");
    String keytool = keytool();
    FlumeAgent.cleanDir(dir);
    String pw = "changeit";
    TlsMaterial m = new TlsMaterial(dir, pw);
    try {
      Files.writeString(dir.resolve("server.ext"),
          "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n"
              + "extendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n");
      Files.writeString(dir.resolve("client.ext"),
          "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n"
              + "extendedKeyUsage=clientAuth\nsubjectAltName=DNS:sluice-test-client\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String d = dir.toString();
    run(openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
        "-keyout", d + "/ca.key", "-out", d + "/ca.pem", "-subj", "/CN=Sluice Test CA",
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign");
    for (String who : List.of("server", "client")) {
      String cn = who.equals("server") ? "localhost" : "sluice-test-client";
      run(openssl, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", d + "/" + who + ".key",
          "-out", d + "/" + who + ".csr", "-subj", "/CN=" + cn);
      run(openssl, "x509", "-req", "-in", d + "/" + who + ".csr", "-CA", d + "/ca.pem",
          "-CAkey", d + "/ca.key", "-CAcreateserial", "-days", "2",
          "-extfile", d + "/" + who + ".ext", "-out", d + "/" + who + ".pem");
    }
    run(openssl, "pkcs12", "-export", "-in", d + "/server.pem", "-inkey", d + "/server.key",
        "-certfile", d + "/ca.pem", "-name", "server", "-out", m.serverKeystore().toString(),
        "-passout", "pass:" + pw);
    run(keytool, "-importcert", "-noprompt", "-alias", "sluice-test-ca", "-file", d + "/ca.pem",
        "-keystore", m.truststore().toString(), "-storetype", "JKS", "-storepass", pw);
    return m;
  }

  private static String keytool() {
    Path javaHome = Path.of(System.getProperty("java.home"));
    Path k = javaHome.resolve("bin/keytool");
    return Files.isExecutable(k) ? k.toString() : Command.require("keytool", "openjdk-17-jdk-headless");
  }

  private static void run(String... command) {
    Command.run(List.of(command), null, Duration.ofSeconds(60)).requireOk();
  }
}
