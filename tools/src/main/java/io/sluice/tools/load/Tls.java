package io.sluice.tools.load;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * TLS for a sender's connection: trusting the certificates of a PEM file (a CA, or the server's own
 * self-signed certificate) and checking the host name, the JDK's default trust store, or — with
 * {@code --insecure} — anything, unchecked (for a test agent's self-signed certificate).
 */
record Tls(SSLSocketFactory factory, boolean verifyHost) {

  static Tls of(Path caPem, boolean insecure) {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      if (insecure) {
        context.init(null, new TrustManager[] {new TrustAll()}, new SecureRandom());
      } else if (caPem != null) {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        int i = 0;
        try (InputStream in = Files.newInputStream(caPem)) {
          for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
            trust.setCertificateEntry("ca" + i++, c);
          }
        }
        if (i == 0) {
          throw new IllegalArgumentException("--ca " + caPem + " holds no certificate");
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        context.init(null, tmf.getTrustManagers(), new SecureRandom());
      } else {
        context.init(null, null, new SecureRandom());
      }
      return new Tls(context.getSocketFactory(), !insecure);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("TLS: cannot use " + caPem + ": " + e.getMessage(), e);
    }
  }

  /** Layers TLS over a connected socket, handshaking now so that a refusal shows at connect. */
  Socket wrap(Socket plain, String host, int port) throws IOException {
    SSLSocket s = (SSLSocket) factory.createSocket(plain, host, port, true);
    if (verifyHost) {
      SSLParameters p = s.getSSLParameters();
      p.setEndpointIdentificationAlgorithm("HTTPS");
      s.setSSLParameters(p);
    }
    s.startHandshake();
    return s;
  }

  /** {@code --insecure}: trusts every certificate. */
  private static final class TrustAll implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
