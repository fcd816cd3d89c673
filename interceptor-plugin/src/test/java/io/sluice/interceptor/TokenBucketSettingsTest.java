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

  /** Keys that size memory (or are read into an int) are bounded above as well as below. */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "maxKeys | 10000001 | 1 | 10000000",
        "maxKeys | 99999999999999999999 | 1 | 10000000",
        "defer.maxEvents | 10000001 | 0 | 10000000",
        "defer.maxEventsPerKey | -1 | 0 | defer.maxEvents (65536)",
        "defer.maxEventsPerKey | 65537 | 0 | defer.maxEvents (65536)",
        "topOffenders.size | 0 | 1 | 1000",
        "topOffenders.size | 1001 | 1 | 1000",
        "topOffenders.size | 4294967306 | 1 | 1000",
        "maxKeyLength | 31 | 32 | 4096",
        "maxKeyLength | 4097 | 32 | 4096",
        "maxKeyLength | 1e3 | 32 | 4096"
      })
  void sizesOutOfTheirRangeNameTheKeyAndTheRange(String key, String value, String min, String max) {
    assertEquals(
        "Invalid value for '" + key + "': '" + value + "'; expected a whole number of at least "
            + min + " and at most " + max,
        error("limit", "10/s", key, value));
  }

  @Test
  void thePerKeyRoomMayNotExceedTheWholeRoomItIsPartOf() {
    String msg = error("limit", "10/s", "defer.maxEvents", "500", "defer.maxEventsPerKey", "501");
    assertTrue(msg.contains("'defer.maxEventsPerKey'") && msg.contains("defer.maxEvents (500)"), msg);
    TokenBucketSettings unset = settings("limit", "10/s", "defer.maxEvents", "500");
    assertTrue(unset.governor.toString().contains("defer.maxEvents 500 (500 per key)"),
        "left unset, the per-key room is at most the whole room: " + unset.governor);
  }

  @Test
  void theLargestSizesAreAccepted() {
    TokenBucketSettings s = settings("limit", "10/s", "maxKeys", "10000000",
        "defer.maxEvents", "10000000", "defer.maxEventsPerKey", "10000000",
        "topOffenders.size", "1000", "maxKeyLength", "4096");
    assertEquals(4096, s.maxKeyLength);
    assertEquals(1000, s.topOffendersSize);
    assertEquals(10_000_000, s.governor.maxDeferred());
  }

  @Test
  void theDefaultKeyMustFitTheKeyLength() {
    String msg = error("limit", "10/s", "maxKeyLength", "32", "defaultKey", "d".repeat(33));
    assertTrue(msg.startsWith("Invalid value for 'defaultKey'")
        && msg.contains("at most maxKeyLength (32) characters"), msg);
  }

  @Test
  void noneTurnsTheNewKeyLimitOffInAnyCase() {
    assertTrue(settings("limit", "10/s", "newKeyLimit", "None").governor.toString()
        .contains("newKeyLimit none"));
  }

  @Test
  void aKeyBoundTooLargeForTheHeapIsWarnedOfNotRefused() {
    TokenBucketSettings defaults = settings("limit", "10/s");
    assertEquals(100_000L * (250 + 2 * (40 + 2 * 256)), defaults.keyMemoryBound());
    assertEquals(null, defaults.heapWarning(512L << 20), "the launcher's default heap is enough");
    TokenBucketSettings large = settings("limit", "10/s", "maxKeys", "10000000");
    String warning = large.heapWarning(512L << 20);
    assertTrue(warning.startsWith("maxKeys 10000000 keys of up to 256 characters may take up to "
        + "12912 MiB, more than half of the heap (512 MiB)"), warning);
  }

  private static TokenBucketSettings settings(String... keyValues) {
    Map<String, String> props = new HashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      props.put(keyValues[i], keyValues[i + 1]);
    }
    return new TokenBucketSettings(new Context(props));
  }

  @Test
  void defaultsAreTheDocumentedOnes() {
    TokenBucketSettings s = new TokenBucketSettings(new Context(Map.of("limit", "3000/s")));
    assertEquals("governor", s.metricsName);
    assertEquals("clientIp", String.join(",", s.keyHeaders));
    assertEquals(ThrottledAction.DROP, s.throttled);
    assertEquals(java.util.Set.of("6", "7"), s.shedValues);
    assertEquals("Severity", s.shedHeader);
    assertEquals(256, s.maxKeyLength);
    assertEquals(10, s.topOffendersSize);
    assertTrue(s.governor.toString().contains("defer.maxDelay 2000 ms"), s.governor.toString());
  }
}
