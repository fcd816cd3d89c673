package io.sluice.sink.write;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Backoff from 100 ms doubling to the cap, at least Retry-After (itself capped). */
class RetryTimingTest {

  @Test
  void doublingToTheCapAtLeastRetryAfterAndBackToTheStartAfterASuccess() {
    RetryTiming t = new RetryTiming(Duration.ofSeconds(1));
    assertEquals(100, t.failed(0));
    assertEquals(200, t.failed(0));
    assertEquals(1000, t.failed(3000), "Retry-After, capped by the maximum");
    assertEquals(800, t.failed(0), "the backoff doubled meanwhile");
    assertEquals(1000, t.failed(0), "capped");
    t.succeeded();
    assertEquals(100, t.failed(0));
  }

  @Test
  void retryAfterIsOnlyALowerBound() {
    RetryTiming t = new RetryTiming(Duration.ofSeconds(30));
    assertEquals(1000, t.failed(1000));
    assertEquals(1000, t.failed(1000), "longer than the backoff's 200");
    assertEquals(400, t.failed(0));
    assertEquals(800, t.failed(500), "shorter than the backoff");
  }

  @Test
  void retryAfterHeaders() {
    long now = 1_700_000_000_000L; // Tue, 14 Nov 2023 22:13:20 GMT
    assertEquals(0, RetryTiming.retryAfterMillis(null, now));
    assertEquals(0, RetryTiming.retryAfterMillis(" ", now));
    assertEquals(1000, RetryTiming.retryAfterMillis("1", now));
    assertEquals(120_000, RetryTiming.retryAfterMillis(" 120 ", now));
    assertEquals(86_400_000, RetryTiming.retryAfterMillis("99999999999999999999", now));
    assertEquals(10_000, RetryTiming.retryAfterMillis("Tue, 14 Nov 2023 22:13:30 GMT", now));
    assertEquals(0, RetryTiming.retryAfterMillis("Tue, 14 Nov 2023 22:13:10 GMT", now), "past");
    assertEquals(0, RetryTiming.retryAfterMillis("-5", now));
    assertEquals(0, RetryTiming.retryAfterMillis("soon", now));
  }
}
