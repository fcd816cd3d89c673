package io.sluice.sink.write;

import io.sluice.core.config.ConfigValues;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.UnrecoverableKeyException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.flume.Context;

/**
 * Builds the TLS trust of an outgoing connection from Flume's usual keys ({@code truststore},
 * {@code truststore-password}, {@code truststore-type}) under a prefix, loading the file at
 * configure time so that a wrong path or password is a configuration error, not a failure of
 * every batch. Without {@code truststore}, the JDK's default trust applies.
 */
final class TrustStores {

  /** The file trusted and the context built from it; both null for the JDK's default trust. */
  record Trust(Path file, SSLContext context) {}

  private TrustStores() {}

  static Trust load(String keys, Context ctx) {
    String fileKey = keys + "truststore";
    String passwordKey = keys + "truststore-password";
    String typeKey = keys + "truststore-type";
    String text = ctx.getString(fileKey);
    if (text == null || text.isBlank()) {
      for (String other : new String[] {passwordKey, typeKey}) {
        if (ctx.getString(other) != null) {
          // Without this, a misspelt truststore key silently means "trust the JDK's CAs".
          throw ConfigValues.invalid(fileKey, "", "a keystore file when " + other + " is set");
        }
      }
      return new Trust(null, null);
    }
    Path file;
    try {
      file = Path.of(text.trim()).toAbsolutePath().normalize();
    } catch (InvalidPathException e) {
      throw ConfigValues.invalid(fileKey, text, "a keystore file path (" + e.getReason() + ")");
    }
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw ConfigValues.invalid(fileKey, text, "a keystore file this agent can read");
    }
    String type = ctx.getString(typeKey, "JKS").trim();
    KeyStore store;
    try {
      store = KeyStore.getInstance(type);
    } catch (KeyStoreException e) {
      throw ConfigValues.invalid(typeKey, type,
          "a keystore type this JVM knows, such as JKS or PKCS12");
    }
    String password = ctx.getString(passwordKey);
    try (InputStream in = Files.newInputStream(file)) {
      store.load(in, password == null ? null : password.toCharArray());
    } catch (IOException e) {
      if (e.getCause() instanceof UnrecoverableKeyException) {
        throw ConfigValues.invalid(passwordKey, "***", "the password of " + file);
      }
      throw ConfigValues.invalid(fileKey, text, "a keystore of type " + type + " (" + e.getMessage()
          + ")");
    } catch (GeneralSecurityException e) {
      throw ConfigValues.invalid(fileKey, text, "a keystore of type " + type + " (" + e + ")");
    }
    try {
      if (store.size() == 0) {
        throw ConfigValues.invalid(fileKey, text, "a keystore holding at least one certificate");
      }
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return new Trust(file, context);
    } catch (GeneralSecurityException e) {
      throw ConfigValues.invalid(fileKey, text, "a truststore this JVM can use (" + e + ")");
    }
  }
}
