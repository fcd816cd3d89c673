package io.sluice.source.hec;

import io.sluice.core.Disposition;
import io.sluice.core.limit.EdgeLimiter;
import io.sluice.core.limit.GovernorConfig;
import io.sluice.core.limit.Rate;
import io.sluice.core.limit.redis.RedisSettings;
import io.sluice.core.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * {@code preAuthLimit}: requests per client address, counted before the token is looked at, so a
 * flood of requests with bad or no tokens costs the source no digest and no parsing, and cannot crowd
 * out the clients that authenticate. The interceptor's limiter (GCRA), keyed by address, with a
 * bounded number of addresses; in Redis ({@code store = redis}) decided off the I/O thread
 * ({@link EdgeLimiter}), whose connection waits for the answer. Thread-safe.
 */
final class PreAuthLimit {

  /** Addresses remembered at most: a flood from spoofed or many addresses cannot grow it further. */
  static final int MAX_ADDRESSES = 100_000;

  /**
   * Requests waiting for Redis's answer at most; more are refused (429) at once. A connection has
   * at most one request waiting, so the source's {@code maxConnections} bounds them first.
   */
  static final int MAX_UNDECIDED = 10_000;

  private final EdgeLimiter governor;
  private final Runnable refused;

  /**
   * @param perAddress the limits; in this agent, or shared through Redis ({@code store = redis},
   *     under the tier name {@code preAuth})
   * @param refused counts each request refused
   */
  PreAuthLimit(List<Rate> perAddress, RedisSettings shared, Clock clock, Runnable refused) {
    this.refused = refused;
    this.governor = EdgeLimiter.of(RedisSettings.limiter(shared, GovernorConfig.builder()
        .tier("preAuth", perAddress)
        .defaultTier("preAuth")
        .maxDelay(Duration.ZERO)
        .maxKeys(MAX_ADDRESSES)
        .build(), clock), MAX_UNDECIDED, "sluice-hec-preauth");
  }

  /** Lets go of the limiter (its connection to Redis, when shared). */
  void close() {
    governor.close();
  }

  /**
   * Hands {@code retryAfterSeconds} 0 when a request from {@code address} may go on, else the
   * seconds until it may (at least 1): at once, or later from another thread (see the class).
   */
  void check(String address, LongConsumer retryAfterSeconds) {
    governor.decide(address, d -> {
      if (d.disposition() == Disposition.PROCESSED) {
        retryAfterSeconds.accept(0);
      } else {
        refused.run();
        retryAfterSeconds.accept(Math.max(1, (d.retryAfterNanos() + 999_999_999L) / 1_000_000_000L));
      }
    });
  }
}
