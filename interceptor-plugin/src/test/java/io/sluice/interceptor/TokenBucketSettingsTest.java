package io.sluice.interceptor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.apache.flume.Context;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad configuration stops the component at configure time with a message naming key and form. */
class TokenBucketSettingsTest {

  private static String error(String... keyValues) {
    Map<String, String> props = new HashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      props.put(keyValues[i], keyValues[i + 1]);
    }
    TokenBucketInterceptor.Builder b = new TokenBucketInterceptor.Builder();
    return assertThrows(IllegalArgumentException.class, () -> b.configure(new Context(props)))
        .getMessage();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "limit | 3000/x",
        "limit | 0/s",
        "limit | -5/s",
        "limit | 3000/s burst 0",
        "limit | fast",
        "tiers.premium.limit | 10/s burst",
        "global.limit | 1000 per second",
        "newKeyLimit | 10"
      })
  void malformedLimitsNameTheKeyAndTheForm(String key, String value) {
    Map<String, String> props = new HashMap<>(Map.of("limit", "10/s"));
    props.put(key, value);
    String[] kv = props.entrySet().stream()
        .flatMap(e -> java.util.stream.Stream.of(e.getKey(), e.getValue())).toArray(String[]::new);
    String msg = error(kv);
    assertTrue(msg.contains("'" + key + "'"), msg);
    assertTrue(msg.contains("N/s, N/m or N/h"), msg);
  }

  @Test
  void missingLimitIsExplained() {
    assertTrue(error().contains("set 'limit'"), error());
  }

  @Test
  void unknownDefaultTierIsRefused() {
    String msg = error("tiers.premium.limit", "10/s", "tier.default", "gold");
    assertTrue(msg.contains("'gold'") && msg.contains("premium"), msg);
  }

  @Test
  void tiersAreWrittenAsTiersNameLimit() {
    String msg = error("limit", "1/s", "tiers.premium.rate", "10/s");
    assertTrue(msg.contains("tiers.<name>.limit"), msg);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "throttled | block | drop | keep | reject",
        "defer.maxDelay | 2 | 500ms, 2s",
        "defer.maxEvents | -1 | at least 0",
        "maxKeys | 0 | at least 1",
        "shed.threshold | 120% | 0% to 100%",
        "topOffenders.logInterval | 0s | positive duration"
      })
  void otherBadValuesNameTheKeyAndTheForm(String key, String value, String form) {
    String msg = error("limit", "10/s", key, value);
    assertTrue(msg.contains("'" + key + "'") && msg.contains(form), msg);
  }

  @Test
  void defaultsAreTheDocumentedOnes() {
    TokenBucketSettings s = new TokenBucketSettings(new Context(Map.of("limit", "3000/s")));
    assertEquals("governor", s.metricsName);
    assertEquals("clientIp", String.join(",", s.keyHeaders));
    assertEquals(ThrottledAction.DROP, s.throttled);
    assertEquals(java.util.Set.of("6", "7"), s.shedValues);
    assertEquals("Severity", s.shedHeader);
    assertTrue(s.governor.toString().contains("defer.maxDelay 2000 ms"), s.governor.toString());
  }
}
