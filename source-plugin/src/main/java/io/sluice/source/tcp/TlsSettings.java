package io.sluice.source.tcp;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.sluice.core.config.ConfigValues;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import org.apache.flume.Context;
import org.apache.flume.source.SslContextAwareAbstractSource;

/**
 * Builds the TLS server context once, when the source starts: the keystore (and truststore) are
 * read once, not per connection as Flume's own syslog TCP source does. TLS 1.2 and 1.3 only
 * (RFC 9662), narrowed by Flume's {@code include-protocols} / {@code exclude-protocols}; cipher
 * suites by {@code include-cipher-suites} / {@code exclude-cipher-suites}; client certificates
 * per {@code client-auth} ({@code none}, {@code optional}, {@code required}) against the
 * {@code truststore}.
 *
 * <p>The passwords are {@link Secret}s: printing these settings shows {@code ***} in their place.
 */
public record TlsSettings(String keystore, Secret keystorePassword, String keystoreType,
    Set<String> includeProtocols, Set<String> excludeProtocols,
    Set<String> includeCipherSuites, Set<String> excludeCipherSuites,
    ClientAuth clientAuth, String truststore, Secret truststorePassword, String truststoreType) {

  static final Set<String> ALLOWED_PROTOCOLS = Set.of("TLSv1.3", "TLSv1.2");

  /**
   * Flume's ssl keys as {@link SslContextAwareAbstractSource} read them (with its fall-backs to the
   * {@code javax.net.ssl.*} system properties), and the client-certificate keys.
   */
  public static TlsSettings of(SslContextAwareAbstractSource source, Context ctx) {
    return new TlsSettings(source.getKeystore(), Secret.of(source.getKeystorePassword()),
        source.getKeystoreType(), source.getIncludeProtocols(), source.getExcludeProtocols(),
        source.getIncludeCipherSuites(), source.getExcludeCipherSuites(),
        clientAuth(ctx.getString("client-auth", "none")),
        ctx.getString("truststore", System.getProperty("javax.net.ssl.trustStore")),
        Secret.of(ctx.getString("truststore-password", System.getProperty("javax.net.ssl.trustStorePassword"))),
        ctx.getString("truststore-type", System.getProperty("javax.net.ssl.trustStoreType", "JKS")));
  }

  static ClientAuth clientAuth(String text) {
    return switch (ConfigValues.oneOf("client-auth", text.trim().toLowerCase(Locale.ROOT),
        "none", "optional", "required")) {
      case "optional" -> ClientAuth.OPTIONAL;
      case "required" -> ClientAuth.REQUIRE;
      default -> ClientAuth.NONE;
    };
  }

  /** The server context: keys read now, once; every connection shares it. */
  public SslContext build() {
    TlsSettings s = this;
    if (s.keystore() == null || s.keystore().isBlank()) {
      throw ConfigValues.invalid("keystore", "", "the keystore file with the server's key (ssl = true)");
    }
    try {
      KeyStore keys = load(s.keystore(), s.keystorePassword(), s.keystoreType(), "keystore");
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, s.keystorePassword().chars());
      SslContextBuilder b = SslContextBuilder.forServer(kmf)
          .sslProvider(SslProvider.JDK)
          .protocols(protocols(s))
          .clientAuth(s.clientAuth());
      List<String> ciphers = ciphers(s);
      if (ciphers != null) {
        b.ciphers(ciphers);
      }
      if (s.clientAuth() != ClientAuth.NONE) {
        if (s.truststore() == null || s.truststore().isBlank()) {
          throw ConfigValues.invalid("truststore", "",
              "the truststore with the CAs of client certificates (client-auth = "
                  + s.clientAuth().name().toLowerCase(Locale.ROOT) + ")");
        }
        KeyStore trusted = load(s.truststore(), s.truststorePassword(), s.truststoreType(), "truststore");
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trusted);
        b.trustManager(tmf);
      }
      return b.build();
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("TLS: " + e.getMessage(), e);
    }
  }

  private static String[] protocols(TlsSettings s) {
    List<String> out = new ArrayList<>();
    for (String p : List.of("TLSv1.3", "TLSv1.2")) {
      boolean included = s.includeProtocols().isEmpty() || s.includeProtocols().contains(p);
      if (included && !s.excludeProtocols().contains(p)) {
        out.add(p);
      }
    }
    for (String p : s.includeProtocols()) {
      if (!ALLOWED_PROTOCOLS.contains(p)) {
        throw ConfigValues.invalid("include-protocols", String.join(" ", s.includeProtocols()),
            "TLSv1.2 and/or TLSv1.3 (older protocols are not offered)");
      }
    }
    if (out.isEmpty()) {
      throw ConfigValues.invalid("exclude-protocols", String.join(" ", s.excludeProtocols()),
          "to leave TLSv1.2 or TLSv1.3 enabled");
    }
    return out.toArray(new String[0]);
  }

  /** The suites to offer, or null for the JDK's defaults when neither list is set. */
  private static List<String> ciphers(TlsSettings s) throws GeneralSecurityException {
    if (s.includeCipherSuites().isEmpty() && s.excludeCipherSuites().isEmpty()) {
      return null;
    }
    SSLParameters defaults = SSLContext.getDefault().getDefaultSSLParameters();
    List<String> out = new ArrayList<>();
    for (String c : defaults.getCipherSuites()) {
      boolean included = s.includeCipherSuites().isEmpty() || s.includeCipherSuites().contains(c);
      if (included && !s.excludeCipherSuites().contains(c)) {
        out.add(c);
      }
    }
    if (out.isEmpty()) {
      throw ConfigValues.invalid("include-cipher-suites", String.join(" ", s.includeCipherSuites()),
          "cipher suites this JVM supports, not all excluded");
    }
    return out;
  }

  private static KeyStore load(String file, Secret password, String type, String what)
      throws IOException, GeneralSecurityException {
    KeyStore ks = KeyStore.getInstance(type == null || type.isBlank() ? "JKS" : type);
    try (InputStream in = Files.newInputStream(Path.of(file))) {
      ks.load(in, password.chars());
    } catch (IOException e) {
      throw new IOException("cannot read the " + what + " " + file + ": " + e.getMessage(), e);
    }
    return ks;
  }
}
