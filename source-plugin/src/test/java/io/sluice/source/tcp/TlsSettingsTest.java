package io.sluice.source.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.apache.flume.Context;
import org.apache.flume.source.SslContextAwareAbstractSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@link TlsSettings} shows of itself: everything but its passwords. */
class TlsSettingsTest {

  private static final String KEYSTORE_PASSWORD = "ks-0f-the-server";
  private static final String TRUSTSTORE_PASSWORD = "ts-0f-the-senders";

  @TempDir static Path dir;
  private static Path keystore;
  private static Path truststore;

  @BeforeAll
  static void keys() throws Exception {
    keystore = TestKeys.keypair(dir, "server", "CN=localhost", KEYSTORE_PASSWORD);
    TestKeys.keypair(dir, "sender", "CN=sender", TRUSTSTORE_PASSWORD);
    truststore = TestKeys.trustStoreOf(dir, "sender", TRUSTSTORE_PASSWORD);
  }

  /** Flume's ssl keys, read by Flume's own code as SyslogTcpSource reads them. */
  private static final class FlumeSslKeys extends SslContextAwareAbstractSource {
    FlumeSslKeys(Context ctx) {
      configureSsl(ctx);
    }
  }

  private static TlsSettings configured() {
    Context ctx = new Context(Map.of("ssl", "true",
        "keystore", keystore.toString(), "keystore-password", KEYSTORE_PASSWORD,
        "keystore-type", "PKCS12", "client-auth", "required",
        "truststore", truststore.toString(), "truststore-password", TRUSTSTORE_PASSWORD,
        "truststore-type", "PKCS12"));
    return TlsSettings.of(new FlumeSslKeys(ctx), ctx);
  }

  @Test
  void printedSettingsShowNeitherPassword() {
    String text = configured().toString();
    assertFalse(text.contains(KEYSTORE_PASSWORD), text);
    assertFalse(text.contains(TRUSTSTORE_PASSWORD), text);
  }

  @Test
  void printedSettingsStillShowTheRestAndThatThePasswordsAreSet() {
    String text = configured().toString();
    assertTrue(text.contains("keystore=" + keystore), text);
    assertTrue(text.contains("truststore=" + truststore), text);
    assertTrue(text.contains("keystorePassword=***"), text);
    assertTrue(text.contains("truststorePassword=***"), text);
  }

  @Test
  void aSecretHandsOutItsTextOnlyAsCharactersForTheKeyStoreApis() {
    Secret s = Secret.of(KEYSTORE_PASSWORD);
    assertEquals("***", s.toString());
    assertArrayEquals(KEYSTORE_PASSWORD.toCharArray(), s.chars());
    assertEquals("(none)", Secret.of(null).toString());
    assertNull(Secret.of(null).chars(), "no password: the key store APIs take null");
  }

  @Test
  void theMaskedSettingsStillOpenTheKeystore() {
    configured().build(); // would throw "keystore password was incorrect" were the mask used
  }
}
