package io.sluice.source.hec;

import io.sluice.core.Disposition;
import io.sluice.core.limit.Decision;
import io.sluice.core.limit.GovernorConfig;
import io.sluice.core.limit.Limiter;
import io.sluice.core.limit.Rate;
import io.sluice.core.limit.redis.RedisSettings;
import io.sluice.core.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * {@code preAuthLimit}: requests per client address, counted before the token is looked at, so a
 * flood of requests with bad or no tokens costs the source no digest and no parsing, and cannot crowd
 * out the clients that authenticate. The interceptor's limiter (GCRA), keyed by address, with a
 * bounded number of addresses. Thread-safe.
 */
final class PreAuthLimit {

  /** Addresses remembered at most: a flood from spoofed or many addresses cannot grow it further. */
  static final int MAX_ADDRESSES = 100_000;

  private final Limiter governor;
  private final Runnable refused;

  /**
   * @param perAddress the limits; in this agent, or shared through Redis ({@code store = redis},
   *     under the tier name {@code preAuth})
   * @param refused counts each request refused
   */
  PreAuthLimit(List<Rate> perAddress, RedisSettings shared, Clock clock, Runnable refused) {
    this.refused = refused;
    this.governor = RedisSettings.limiter(shared, GovernorConfig.builder()
        .tier("preAuth", perAddress)
        .defaultTier("preAuth")
        .maxDelay(Duration.ZERO)
        .maxKeys(MAX_ADDRESSES)
        .build(), clock);
  }

  /** Lets go of the limiter (its connection to Redis, when shared). */
  void close() {
    governor.close();
  }

  /** 0 when a request from {@code address} may go on; else the seconds until it may (at least 1). */
  long retryAfterSeconds(String address) {
    Decision d = governor.decideOne(address);
    if (d.disposition() == Disposition.PROCESSED) {
      return 0;
    }
    refused.run();
    return Math.max(1, (d.retryAfterNanos() + 999_999_999L) / 1_000_000_000L);
  }
}
