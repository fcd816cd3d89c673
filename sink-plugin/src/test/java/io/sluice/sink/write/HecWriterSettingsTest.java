package io.sluice.sink.write;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.flume.Context;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The hec writer's keys: defaults, endpoints, and refusals that name their key (never the token). */
class HecWriterSettingsTest {

  static final String TOKEN = "secret-token-0123";

  @TempDir Path tmp;

  static HecWriterSettings parse(String... keyValues) {
    Map<String, String> m = new HashMap<>(Map.of("hec.url", "http://127.0.0.1:8088",
        "hec.token", TOKEN));
    for (int i = 0; i < keyValues.length; i += 2) {
      if (keyValues[i + 1] == null) {
        m.remove(keyValues[i]);
      } else {
        m.put(keyValues[i], keyValues[i + 1]);
      }
    }
    return HecWriterSettings.parse(new Context(m));
  }

  static IllegalArgumentException refused(String key, String value) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> parse(key, value), key + "=" + value);
    assertTrue(e.getMessage().contains("'" + key + "'"), e.getMessage());
    return e;
  }

  @Test
  void defaultsAreTheDocumentedOnes() {
    HecWriterSettings s = parse();
    assertEquals(URI.create("http://127.0.0.1:8088/services/collector/event"), s.eventUri());
    assertEquals(URI.create("http://127.0.0.1:8088/services/collector/ack"), s.ackUri());
    assertEquals(TOKEN, s.token());
    assertEquals(100, s.batchSize());
    assertTrue(s.gzip());
    assertFalse(s.useAck());
    assertEquals(Duration.ofSeconds(30), s.timeout());
    assertEquals(Duration.ofSeconds(30), s.maxBackoff());
    assertEquals(Duration.ofSeconds(1), s.ackPollInterval());
    assertEquals(Duration.ofMinutes(5), s.ackTimeout());
    assertNull(s.truststore());
    assertNull(s.sslContext());
  }

  @Test
  void everyKeyIsRead() {
    HecWriterSettings s = parse("hec.token", "  " + TOKEN + " ", "hec.batchSize", "500",
        "hec.gzip", "FALSE", "hec.useAck", "True", "hec.timeout", "5s", "hec.maxBackoff", "2m",
        "hec.ackPollInterval", "10s", "hec.ackTimeout", "10m");
    assertEquals(TOKEN, s.token());
    assertEquals(500, s.batchSize());
    assertFalse(s.gzip());
    assertTrue(s.useAck());
    assertEquals(Duration.ofSeconds(5), s.timeout());
    assertEquals(Duration.ofMinutes(2), s.maxBackoff());
    assertEquals(Duration.ofSeconds(10), s.ackPollInterval());
    assertEquals(Duration.ofMinutes(10), s.ackTimeout());
  }

  @ParameterizedTest
  @CsvSource({
      "http://127.0.0.1:8088,       http://127.0.0.1:8088/services/collector/event",
      "https://splunk.example:8088/, https://splunk.example:8088/services/collector/event",
      "HTTPS://[::1]:8088,          https://[::1]:8088/services/collector/event",
      "https://h/services/collector/event/1.0, https://h/services/collector/event/1.0",
      "http://h:1/proxy/hec?auto_extract_timestamp=true, http://h:1/proxy/hec?auto_extract_timestamp=true",
  })
  void theUrlsPathIsTheEventEndpointAndAckIsItsSibling(String url, String event) {
    HecWriterSettings s = parse("hec.url", url);
    assertEquals(URI.create(event), s.eventUri());
    URI e = URI.create(event);
    assertEquals(URI.create(e.getScheme() + "://" + e.getRawAuthority() + "/services/collector/ack"),
        s.ackUri());
  }

  @Test
  void badValuesNameTheirKey() {
    refused("hec.url", null);
    refused("hec.url", " ");
    refused("hec.url", "ftp://h:8088");
    refused("hec.url", "127.0.0.1:8088");
    refused("hec.url", "http://");
    refused("hec.url", "http://h:8088/a b");
    refused("hec.url", "http://h:8088/#x");
    IllegalArgumentException userInfo = refused("hec.url", "https://admin:pw123@h:8088");
    assertFalse(userInfo.getMessage().contains("pw123"), userInfo.getMessage());
    refused("hec.batchSize", "0");
    refused("hec.batchSize", "100001");
    refused("hec.batchSize", "many");
    refused("hec.gzip", "yes");
    refused("hec.useAck", "1");
    refused("hec.timeout", "30");
    refused("hec.timeout", "10ms");
    refused("hec.maxBackoff", "0ms");
    refused("hec.maxBackoff", "2h");
    refused("hec.ackPollInterval", "1ms");
    refused("hec.ackTimeout", "500ms");
  }

  @Test
  void theTokenIsRequiredAndNeverShown() {
    refused("hec.token", null);
    refused("hec.token", "   ");
    IllegalArgumentException e = refused("hec.token", "abc def-secret");
    assertFalse(e.getMessage().contains("secret"), e.getMessage());
    HecWriterSettings s = parse();
    assertFalse(s.toString().contains(TOKEN), s.toString());
    assertFalse(s.describe().contains(TOKEN), s.describe());
    assertTrue(s.describe().contains("token of " + TOKEN.length() + " characters"), s.describe());
  }

  @Test
  void aTruststoreIsLoadedAtConfigureTime() throws Exception {
    refused("hec.truststore", tmp.resolve("missing.jks").toString());
    refused("hec.truststore", tmp.toString()); // a directory
    refused("hec.truststore", "\0");
    assertThrows(IllegalArgumentException.class, () -> parse("hec.truststore-password", "pw"),
        "a password without a truststore is a misspelt key");
    Path empty = tmp.resolve("empty.jks");
    KeyStore ks = KeyStore.getInstance("JKS");
    ks.load(null, null);
    try (OutputStream out = Files.newOutputStream(empty)) {
      ks.store(out, "changeit".toCharArray());
    }
    IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
        () -> parse("hec.truststore", empty.toString(), "hec.truststore-password", "nope"));
    assertTrue(wrong.getMessage().contains("'hec.truststore-password'"), wrong.getMessage());
    assertFalse(wrong.getMessage().contains("nope"), wrong.getMessage());
    IllegalArgumentException type = assertThrows(IllegalArgumentException.class,
        () -> parse("hec.truststore", empty.toString(), "hec.truststore-type", "NOSUCH"));
    assertTrue(type.getMessage().contains("'hec.truststore-type'"), type.getMessage());
    IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
        () -> parse("hec.truststore", empty.toString(), "hec.truststore-password", "changeit"));
    assertTrue(none.getMessage().contains("at least one certificate"), none.getMessage());
    Path garbage = Files.writeString(tmp.resolve("garbage.jks"), "not a keystore");
    refused("hec.truststore", garbage.toString());
  }
}
