package io.sluice.channel;

import com.codahale.metrics.Counter;
import io.sluice.core.time.Clock;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the deferred events whose {@code sluice.releaseAt} was more than {@code deferred.maxHold}
 * ahead (held {@code maxHold} only), and says so in the log at most once a minute: a mislabelled
 * or hostile sender could otherwise fill the log at the event rate.
 *
 * <p>Concurrency: committing threads count at once (the counter is a LongAdder); the first to
 * find a minute gone since the last report writes the next one, under this object's lock.
 */
final class ClampReport {

  private static final Logger LOG = LoggerFactory.getLogger(ClampReport.class);
  static final long INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final Counter clamped = new Counter();
  private final Clock clock;
  private final String channelName;
  private volatile long reportedAt; // monotonic nanos of the last report
  private volatile boolean reported;
  private long countReported; // @GuardedBy("this")

  ClampReport(Clock clock, String channelName) {
    this.clock = clock;
    this.channelName = channelName;
  }

  /** The Dropwizard counter {@code channel.<name>.deferred.clamped}. */
  Counter counter() {
    return clamped;
  }

  /** {@code n} events were clamped; {@code aheadMillis}: how far ahead one of them was labelled. */
  void count(int n, long aheadMillis, long maxHoldMillis) {
    clamped.inc(n);
    long now = clock.nanoTime();
    if (reported && now - reportedAt < INTERVAL_NANOS) {
      return;
    }
    synchronized (this) {
      if (reported && now - reportedAt < INTERVAL_NANOS) {
        return;
      }
      long total = clamped.getCount();
      LOG.warn("Channel {}: {} batched events since the last report were labelled (sluice.releaseAt)"
          + " more than deferred.maxHold ({} ms) ahead, e.g. {} ms ahead; each is held {} ms at"
          + " most. A clock step on the interceptor's host, or a header not set by Sluice's"
          + " interceptor? ({} in all)", channelName, total - countReported, maxHoldMillis,
          aheadMillis, maxHoldMillis, total);
      countReported = total;
      reportedAt = now;
      reported = true;
    }
  }
}
