package io.sluice.interceptor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.codahale.metrics.Counter;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Keys read from headers, and over-long ones cut to {@code maxKeyLength} with a hash. */
class KeyExtractorTest {

  private static final int MAX = 64;
  private static final String CUT = ".*~[0-9a-f]{16}";

  private final Counter truncated = new Counter();

  private KeyExtractor extractor(String... headers) {
    return new KeyExtractor(headers, "none", new KeyTruncation(MAX), truncated);
  }

  private static Map<String, String> headers(String... pairs) {
    Map<String, String> h = new HashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      h.put(pairs[i], pairs[i + 1]);
    }
    return h;
  }

  @Test
  void aKeyOfExactlyTheLengthIsKeptAsItIs() {
    String exact = "a".repeat(MAX);
    assertEquals(exact, extractor("k").keyOf(headers("k", exact)));
    String joined = extractor("a", "b").keyOf(headers("a", "x".repeat(MAX - 2), "b", "y"));
    assertEquals("x".repeat(MAX - 2) + ",y", joined);
    assertEquals(0, truncated.getCount());
  }

  @Test
  void aLongerKeyIsCutToItsPrefixAndAHashOfTheWholeAndCounted() {
    String value = "b".repeat(MAX + 1);
    String key = extractor("k").keyOf(headers("k", value));
    assertEquals(MAX, key.length());
    assertTrue(key.matches(CUT), key);
    assertEquals("b".repeat(MAX - KeyTruncation.SUFFIX_LENGTH), key.substring(0, MAX - 17));
    assertEquals(1, truncated.getCount());
  }

  @Test
  void longKeysSharingTheirPrefixDoNotShareABucket() {
    KeyExtractor keys = extractor("k");
    String prefix = "p".repeat(1_000);
    Set<String> cut = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      cut.add(keys.keyOf(headers("k", prefix + i)));
    }
    assertEquals(10_000, cut.size(), "keys that differ only past the cut are told apart");
  }

  @Test
  void theSameLongKeyIsCutTheSameWayByEveryInterceptor() {
    String value = "c".repeat(5_000) + "tail";
    String once = extractor("k").keyOf(headers("k", value));
    String again = new KeyExtractor(new String[] {"k"}, "x", new KeyTruncation(MAX), new Counter())
        .keyOf(headers("k", new String(value.toCharArray())));
    assertEquals(once, again);
    // A fixed hash, so keys (and sluice.limitKey) agree across agents and restarts.
    assertEquals("c".repeat(MAX - 17) + "~" + String.format("%016x",
        KeyHash.combine(0, KeyHash.of(value))), once);
  }

  @Test
  void severalHeadersAreCutAsTheirJoinedKeyWithoutCopyingALongValue() {
    String big = "v".repeat(1 << 20);
    String key = extractor("clientIp", "payload", "port")
        .keyOf(headers("clientIp", "10.0.0.1", "payload", big, "port", "514"));
    assertEquals(MAX, key.length());
    assertTrue(key.startsWith("10.0.0.1,vvv"), key);
    assertTrue(key.matches(CUT), key);
    String otherPort = extractor("clientIp", "payload", "port")
        .keyOf(headers("clientIp", "10.0.0.1", "payload", big, "port", "6514"));
    assertNotEquals(key, otherPort, "the part after the cut still counts");
    String missing = extractor("clientIp", "payload")
        .keyOf(headers("payload", big));
    assertTrue(missing.startsWith("none,vvv"), "the default key stands in: " + missing);
    assertEquals(3, truncated.getCount());
  }

  @Test
  void aCutNeverLeavesHalfACharacter() {
    // U+1F600 is two chars (a surrogate pair); put one across the cut.
    String value = "a".repeat(MAX - 18) + "\uD83D\uDE00".repeat(10);
    String key = extractor("k").keyOf(headers("k", value));
    String prefix = key.substring(0, key.length() - 17);
    assertTrue(key.length() <= MAX, key);
    assertTrue(!Character.isHighSurrogate(prefix.charAt(prefix.length() - 1)), prefix);
    assertEquals("a".repeat(MAX - 18), prefix);
  }

  @Test
  void twoHundredThousandLongKeysHashWithoutACollision() {
    Set<Long> seen = new HashSet<>();
    StringBuilder sb = new StringBuilder("x".repeat(300));
    for (int i = 0; i < 200_000; i++) {
      sb.setLength(300);
      sb.append(i);
      assertTrue(seen.add(KeyHash.of(sb.toString())), "collision at " + i);
    }
  }
}
