package io.sluice.interceptor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.core.Headers;
import io.sluice.core.RetryLaterException;
import io.sluice.core.metrics.SluiceMetrics;
import io.sluice.core.pipeline.DeferredRoom;
import io.sluice.core.time.ManualClock;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.management.ObjectName;
import org.apache.flume.ChannelException;
import org.apache.flume.Context;
import org.apache.flume.Event;
import org.apache.flume.event.EventBuilder;
import org.apache.flume.interceptor.Interceptor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TokenBucketInterceptorTest {

  private static final AtomicInteger NAMES = new AtomicInteger();

  private final ManualClock clock = new ManualClock();
  private final List<TokenBucketInterceptor> opened = new ArrayList<>();

  @AfterEach
  void close() {
    opened.forEach(TokenBucketInterceptor::close);
  }

  private TokenBucketInterceptor interceptor(String... keyValues) {
    Map<String, String> props = new HashMap<>();
    props.put("metricsName", "test" + NAMES.incrementAndGet());
    for (int i = 0; i < keyValues.length; i += 2) {
      props.put(keyValues[i], keyValues[i + 1]);
    }
    TokenBucketInterceptor t =
        new TokenBucketInterceptor(new TokenBucketSettings(new Context(props)), clock);
    t.initialize();
    opened.add(t);
    return t;
  }

  private static Event event(String... headerPairs) {
    Map<String, String> h = new HashMap<>();
    for (int i = 0; i < headerPairs.length; i += 2) {
      h.put(headerPairs[i], headerPairs[i + 1]);
    }
    return EventBuilder.withBody(new byte[] {'x'}, h);
  }

  private static List<Event> events(int n, String... headerPairs) {
    List<Event> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(event(headerPairs));
    }
    return out;
  }

  private static List<String> dispositions(List<Event> events) {
    return events.stream().map(e -> e.getHeaders().get(Headers.DISPOSITION)).toList();
  }

  @Test
  void tagsProcessedThenBatchedThenThrottled() {
    TokenBucketInterceptor t =
        interceptor("limit", "2/s", "defer.maxDelay", "1s", "throttled", "keep");
    List<Event> out = t.intercept(events(5, "clientIp", "10.0.0.1"));
    assertEquals(
        List.of("processed", "processed", "batched", "batched", "throttled"), dispositions(out));
    long now = clock.currentTimeMillis();
    assertEquals(Long.toString(now + 500), out.get(2).getHeaders().get(Headers.RELEASE_AT));
    assertEquals(Long.toString(now + 1000), out.get(3).getHeaders().get(Headers.RELEASE_AT));
    assertNull(out.get(0).getHeaders().get(Headers.RELEASE_AT));
    for (Event e : out) {
      assertEquals("10.0.0.1", e.getHeaders().get(Headers.LIMIT_KEY));
      assertTrue(e.getHeaders().get(Headers.EVENT_ID).matches("[0-9a-f-]{36}"));
    }
    TokenBucketCounter c = counter(t);
    assertEquals(2, c.getProcessedCount());
    assertEquals(2, c.getBatchedCount());
    assertEquals(1, c.getThrottledCount());
    assertEquals(1, c.getThrottledRateCount());
    assertEquals(0, c.getDroppedCount());
    assertEquals(2, c.getDeferredDepth());
    assertEquals("10.0.0.1=1", c.getTopOffenders());

    clock.advance(Duration.ofMillis(999));
    assertEquals(1, c.getDeferredDepth());
    // Counted to the end of its 1 ms slot of the deferred ledger.
    clock.advance(Duration.ofMillis(2));
    assertEquals(0, c.getDeferredDepth());
  }

  @Test
  void dropRemovesThrottledEventsAndCountsThem() {
    TokenBucketInterceptor t = interceptor("limit", "3/s", "defer.maxDelay", "0s");
    List<Event> out = t.intercept(events(10, "clientIp", "10.0.0.1"));
    assertEquals(3, out.size());
    assertEquals(List.of("processed", "processed", "processed"), dispositions(out));
    assertEquals(7, counter(t).getDroppedCount());
    assertNull(t.intercept(event("clientIp", "10.0.0.1")));
  }

  @Test
  void rejectRefusesTheWholeBatchAndGivesItsTokensBack() {
    TokenBucketInterceptor t =
        interceptor("limit", "4/s", "defer.maxDelay", "0s", "throttled", "reject");
    List<Event> batch = events(5, "clientIp", "10.0.0.1");
    RetryLaterException e = assertThrows(RetryLaterException.class, () -> t.intercept(batch));
    assertTrue(e instanceof ChannelException);
    assertEquals(250, e.retryAfterMillis());
    assertTrue(e.getMessage().contains("10.0.0.1"), e.getMessage());
    assertEquals(0, counter(t).getProcessedCount());
    assertEquals(5, counter(t).getRejectedEventCount());
    // The four tokens the refused batch had taken are back: a batch of four passes at once.
    assertEquals(4, t.intercept(events(4, "clientIp", "10.0.0.1")).size());
  }

  @Test
  void keepsAnEventIdSetUpstream() {
    TokenBucketInterceptor t = interceptor("limit", "10/s");
    Event e = event("clientIp", "10.0.0.1", Headers.EVENT_ID, "upstream-id");
    assertEquals("upstream-id", t.intercept(e).getHeaders().get(Headers.EVENT_ID));
  }

  @Test
  void keysOnSeveralHeadersWithADefaultForMissingOnes() {
    TokenBucketInterceptor t =
        interceptor("key", "clientIp,localPort", "defaultKey", "none", "limit", "1/s",
            "defer.maxDelay", "0s", "throttled", "keep");
    Event a = t.intercept(event("clientIp", "10.0.0.1", "localPort", "514"));
    Event b = t.intercept(event("clientIp", "10.0.0.1", "localPort", "6514"));
    Event c = t.intercept(event("localPort", "514"));
    Event d = t.intercept(event());
    assertEquals("10.0.0.1,514", a.getHeaders().get(Headers.LIMIT_KEY));
    assertEquals("processed", b.getHeaders().get(Headers.DISPOSITION));
    assertEquals("none,514", c.getHeaders().get(Headers.LIMIT_KEY));
    assertEquals("none,none", d.getHeaders().get(Headers.LIMIT_KEY));
    assertEquals(4, counter(t).getProcessedCount());
  }

  @Test
  void tierHeaderChoosesTheLimits() {
    TokenBucketInterceptor t =
        interceptor("key", "hec.token", "tier.header", "hec.tier", "limit", "1/s",
            "tiers.premium.limit", "5/s", "defer.maxDelay", "0s", "throttled", "keep");
    List<Event> premium = t.intercept(events(6, "hec.token", "a", "hec.tier", "premium"));
    List<Event> plain = t.intercept(events(3, "hec.token", "b"));
    List<Event> unknown = t.intercept(events(2, "hec.token", "c", "hec.tier", "gold"));
    assertEquals(5, dispositions(premium).stream().filter("processed"::equals).count());
    assertEquals(1, dispositions(plain).stream().filter("processed"::equals).count());
    assertEquals(1, dispositions(unknown).stream().filter("processed"::equals).count());
  }

  @Test
  void lowSeverityIsShedFirstWhenTheDeferredRoomFills() {
    TokenBucketInterceptor t =
        interceptor("limit", "1/s", "defer.maxDelay", "10s", "defer.maxEvents", "4",
            "shed.threshold", "50%", "throttled", "keep");
    // One processed, then two deferred: the deferred room (4) is half full.
    t.intercept(events(3, "clientIp", "10.0.0.1", "Severity", "3"));
    Event debug = t.intercept(event("clientIp", "10.0.0.2", "Severity", "7"));
    Event debugOther = t.intercept(event("clientIp", "10.0.0.2", "Severity", "7"));
    Event error = t.intercept(event("clientIp", "10.0.0.1", "Severity", "3"));
    assertEquals("processed", debug.getHeaders().get(Headers.DISPOSITION)); // its own tokens: fine
    assertEquals("throttled", debugOther.getHeaders().get(Headers.DISPOSITION));
    assertEquals("batched", error.getHeaders().get(Headers.DISPOSITION));
    assertEquals(1, counter(t).getThrottledSeverityCount());
    // Three deferred now; a fourth fills the room, and a fifth is refused for lack of it.
    Event another = t.intercept(event("clientIp", "10.0.0.1", "Severity", "3"));
    assertEquals("batched", another.getHeaders().get(Headers.DISPOSITION));
    Event full = t.intercept(event("clientIp", "10.0.0.1", "Severity", "3"));
    assertEquals("throttled", full.getHeaders().get(Headers.DISPOSITION));
    assertEquals(1, counter(t).getThrottledDeferFullCount());
  }

  @Test
  void topOffendersRotateAndAreReadable() {
    TokenBucketInterceptor t =
        interceptor("limit", "1/s", "defer.maxDelay", "0s", "topOffenders.logInterval", "10s");
    t.intercept(events(50, "clientIp", "10.0.0.9"));
    t.intercept(events(5, "clientIp", "10.0.0.8"));
    assertEquals("10.0.0.9=49, 10.0.0.8=4", counter(t).getTopOffenders());
    clock.advance(Duration.ofSeconds(10));
    t.intercept(List.of());
    assertEquals("", counter(t).getTopOffenders());
    assertEquals("10.0.0.9=49, 10.0.0.8=4", counter(t).getTopOffendersPrevious());
  }

  @Test
  void aKeyLongerThanMaxKeyLengthIsCutInTheLimitKeyHeaderAndCountedOverJmx() throws Exception {
    TokenBucketInterceptor t = interceptor("metricsName", "cutKeys", "key", "hec.token",
        "maxKeyLength", "40",
        "limit", "1/s", "defer.maxDelay", "0s", "throttled", "keep");
    String longToken = "t".repeat(100);
    List<Event> out = t.intercept(events(2, "hec.token", longToken));
    t.intercept(events(1, "hec.token", "short"));
    String key = out.get(0).getHeaders().get(Headers.LIMIT_KEY);
    assertTrue(key.matches("t{23}~[0-9a-f]{16}"), key);
    assertEquals(key, out.get(1).getHeaders().get(Headers.LIMIT_KEY), "one bucket for the key");
    assertEquals(List.of("processed", "throttled"), dispositions(out));
    assertEquals(key + "=1", counter(t).getTopOffenders());

    assertEquals(2, counter(t).getKeysTruncatedCount(), "two events with a cut key");
    ObjectName flume = new ObjectName("org.apache.flume.interceptor", "type", "cutKeys");
    assertEquals(2L, ManagementFactory.getPlatformMBeanServer()
        .getAttribute(flume, "KeysTruncatedCount"));
    ObjectName dropwizard = new ObjectName(SluiceMetrics.DOMAIN, "name",
        "interceptor.cutKeys.keys.truncated");
    assertEquals(2L, ManagementFactory.getPlatformMBeanServer().getAttribute(dropwizard, "Count"));
  }

  @Test
  void itTellsSourcesItsDeferredRoom() {
    Interceptor.Builder b = new TokenBucketInterceptor.Builder();
    b.configure(new Context(Map.of("limit", "10/s")));
    Interceptor built = b.build();
    assertTrue(built instanceof DeferredRoom, "a source finds the capability on the interceptor");
    assertEquals(65_536, ((DeferredRoom) built).deferredRoom(), "defer.maxEvents by default");
    assertEquals(5_000, interceptor("limit", "10/s", "defer.maxEvents", "5000").deferredRoom());
    assertEquals(0, interceptor("limit", "10/s", "defer.maxEvents", "0").deferredRoom());
  }

  private static TokenBucketCounter counter(TokenBucketInterceptor t) {
    TokenBucketCounter c = t.counter();
    assertNotNull(c);
    return c;
  }
}
