package io.sluice.sink.write;

import io.sluice.sink.Backoff;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * How long to wait before sending a request again after a transient failure: the sink's {@link
 * Backoff} (100 ms doubling up to a cap), but at least what the server asked for in {@code
 * Retry-After}, itself capped by the same maximum so that a server asking for an hour cannot
 * stall the sink beyond what the user allowed. Pure: the writer does the waiting.
 */
final class RetryTiming {

  private final Backoff backoff;
  private final long maxMillis;

  RetryTiming(Duration max) {
    this.backoff = new Backoff(max);
    this.maxMillis = Math.max(1, max.toMillis());
  }

  /** A failure; {@code retryAfterMillis} is what the server asked for (0 for nothing). */
  long failed(long retryAfterMillis) {
    return Math.max(backoff.failed(), Math.min(retryAfterMillis, maxMillis));
  }

  void succeeded() {
    backoff.succeeded();
  }

  /**
   * A {@code Retry-After} header as milliseconds from now: delay-seconds ({@code 120}) or an
   * HTTP-date; 0 when absent, unreadable or past.
   */
  static long retryAfterMillis(String header, long nowEpochMillis) {
    if (header == null || header.isBlank()) {
      return 0;
    }
    String v = header.trim();
    if (v.chars().allMatch(c -> c >= '0' && c <= '9')) {
      // More than a day is as good as "the maximum"; the cap keeps the product in range.
      return v.length() > 6 ? 86_400_000L : Long.parseLong(v) * 1000;
    }
    try {
      long at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME)
          .toInstant().toEpochMilli();
      return Math.max(0, at - nowEpochMillis);
    } catch (DateTimeParseException e) {
      return 0;
    }
  }
}
