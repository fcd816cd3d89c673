package io.sluice.interceptor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.core.Headers;
import io.sluice.core.metrics.SluiceMetrics;
import io.sluice.core.time.ManualClock;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.management.ObjectName;
import org.apache.flume.Context;
import org.apache.flume.Event;
import org.apache.flume.event.EventBuilder;
import org.junit.jupiter.api.Test;

/**
 * A hostile sender's megabyte header values as limit keys: the interceptor keeps keys of at most
 * {@code maxKeyLength} characters, so its memory does not grow with the values.
 */
class LongKeysTest {

  private static final int KEYS = 10_000;
  private static final int MIB = 1 << 20;
  /** Far below one megabyte per key, far above what 10000 keys of 256 characters take. */
  private static final long BOUND = 64L << 20;

  @Test
  void tenThousandKeysOfOneMebibyteEachTakeKilobytesNotGigabytes() throws Exception {
    Map<String, String> props = new HashMap<>();
    props.put("metricsName", "longKeys");
    props.put("key", "hec.channel");
    props.put("limit", "10/s");
    props.put("newKeyLimit", "none"); // every key gets a state of its own
    TokenBucketInterceptor t =
        new TokenBucketInterceptor(new TokenBucketSettings(new Context(props)), new ManualClock());
    t.initialize();
    try {
      long before = usedHeapAfterGc();
      // Values differ only in their last characters: only the hash tells the keys apart.
      char[] value = new char[MIB];
      Arrays.fill(value, 'x');
      for (int i = 0; i < KEYS; i++) {
        String tail = String.format("%08d", i);
        tail.getChars(0, 8, value, MIB - 8);
        Event e = EventBuilder.withBody(new byte[] {'x'},
            new HashMap<>(Map.of("hec.channel", new String(value))));
        List<Event> out = t.intercept(List.of(e));
        String key = out.get(0).getHeaders().get(Headers.LIMIT_KEY);
        assertEquals(256, key.length());
        assertTrue(key.matches("x{239}~[0-9a-f]{16}"), key);
        assertEquals("processed", out.get(0).getHeaders().get(Headers.DISPOSITION));
        if (i % 2000 == 1999) {
          long grown = usedHeapAfterGc() - before;
          assertTrue(grown < BOUND, (i + 1) + " keys took " + (grown >> 20) + " MiB");
        }
      }
      assertEquals(KEYS, t.counter().getKeyCount(), "each value has its own bucket");
      assertEquals(KEYS, t.counter().getKeysTruncatedCount());
      ObjectName dropwizard =
          new ObjectName(SluiceMetrics.DOMAIN, "name", "interceptor.longKeys.keys.truncated");
      assertEquals((long) KEYS,
          ManagementFactory.getPlatformMBeanServer().getAttribute(dropwizard, "Count"));
    } finally {
      t.close();
    }
  }

  private static long usedHeapAfterGc() {
    Runtime r = Runtime.getRuntime();
    System.gc();
    System.gc();
    return r.totalMemory() - r.freeMemory();
  }
}
