package io.sluice.interceptor;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import io.sluice.core.limit.Limiter;
import io.sluice.core.limit.SharedGovernor;
import io.sluice.core.limit.ThrottleReason;
import io.sluice.core.metrics.SluiceMetrics;
import io.sluice.core.offenders.TopOffenders;
import io.sluice.core.offenders.TopOffendersGauge;
import java.util.EnumMap;
import java.util.Map;
import org.apache.flume.instrumentation.MonitoredCounterGroup;

/**
 * The interceptor's metrics. Counts live in Dropwizard meters ({@code interceptor.<name>.*} under
 * {@code org.apache.flume.sluice}); this class also registers them as a Flume counter group
 * ({@code org.apache.flume.interceptor:type=<name>}), reading the same meters, so both views agree.
 */
final class TokenBucketCounter extends MonitoredCounterGroup implements TokenBucketCounterMBean {

  private final String prefix;
  private final Meter processed;
  private final Meter batched;
  private final Meter throttled;
  private final Map<ThrottleReason, Meter> throttledBy = new EnumMap<>(ThrottleReason.class);
  private final Meter dropped;
  private final Meter rejected;
  private final Counter keysTruncated;
  private final Limiter governor;
  private final TopOffenders offenders;

  /**
   * @param keysTruncated counts keys cut to {@code maxKeyLength}; made by the interceptor, which
   *     marks it where keys are read, and registered here with the other metrics
   */
  TokenBucketCounter(
      String name, Limiter governor, TopOffenders offenders, Counter keysTruncated) {
    super(Type.INTERCEPTOR, name);
    this.prefix = "interceptor." + name;
    this.governor = governor;
    this.offenders = offenders;
    MetricRegistry r = SluiceMetrics.registry();
    SluiceMetrics.removeAll(prefix); // a reload builds a new interceptor under the same name
    processed = r.meter(prefix + ".processed");
    batched = r.meter(prefix + ".batched");
    throttled = r.meter(prefix + ".throttled");
    for (ThrottleReason why : ThrottleReason.values()) {
      throttledBy.put(why, r.meter(prefix + ".throttled." + why.label()));
    }
    dropped = r.meter(prefix + ".dropped");
    rejected = r.meter(prefix + ".rejected");
    this.keysTruncated = r.register(prefix + ".keys.truncated", keysTruncated);
    r.register(prefix + ".keys", (Gauge<Long>) governor::keyCount);
    r.register(prefix + ".deferred.depth", (Gauge<Long>) governor::deferredDepth);
    r.register(prefix + ".deferred.fill", (Gauge<Double>) governor::deferredFill);
    r.register(prefix + ".topOffenders", new TopOffendersGauge(offenders));
    if (governor instanceof SharedGovernor shared) {
      registerShared(r, prefix + ".redis", shared);
    }
  }

  /** What the shared store did: {@code interceptor.<name>.redis.*}. */
  private static void registerShared(MetricRegistry r, String p, SharedGovernor shared) {
    r.register(p + ".calls", (Gauge<Long>) shared::calls);
    r.register(p + ".keysAsked", (Gauge<Long>) shared::keysAsked);
    r.register(p + ".roundTrips", (Gauge<Long>) shared::roundTrips);
    r.register(p + ".failures", (Gauge<Long>) shared::failures);
    r.register(p + ".fallback", (Gauge<Long>) shared::fallbackDecisions);
    r.register(p + ".leaseHits", (Gauge<Long>) shared::leaseHits);
    r.register(p + ".breaker", (Gauge<Integer>) shared::breakerState);
    r.register(p + ".breaker.transitions", (Gauge<Long>) shared::breakerTransitions);
    r.register(p + ".roundTrip", shared.roundTripMicros());
  }

  /** Adds one batch's tally; called once per batch, not per event. */
  void add(int nProcessed, int nBatched, int[] nThrottled, int nDropped) {
    if (nProcessed > 0) {
      processed.mark(nProcessed);
    }
    if (nBatched > 0) {
      batched.mark(nBatched);
    }
    int total = 0;
    for (ThrottleReason why : ThrottleReason.values()) {
      int n = nThrottled[why.ordinal()];
      if (n > 0) {
        throttledBy.get(why).mark(n);
        total += n;
      }
    }
    if (total > 0) {
      throttled.mark(total);
    }
    if (nDropped > 0) {
      dropped.mark(nDropped);
    }
  }

  void rejected(ThrottleReason why, int batchSize) {
    throttledBy.get(why).mark();
    throttled.mark();
    rejected.mark(batchSize);
  }

  /** Unregisters the Dropwizard metrics; Flume's counter group logs its final values. */
  void close() {
    stop();
    SluiceMetrics.removeAll(prefix);
  }

  @Override
  public long getProcessedCount() {
    return processed.getCount();
  }

  @Override
  public long getBatchedCount() {
    return batched.getCount();
  }

  @Override
  public long getThrottledCount() {
    return throttled.getCount();
  }

  @Override
  public long getThrottledRateCount() {
    return throttledBy.get(ThrottleReason.RATE).getCount();
  }

  @Override
  public long getThrottledGlobalCount() {
    return throttledBy.get(ThrottleReason.GLOBAL).getCount();
  }

  @Override
  public long getThrottledDeferFullCount() {
    return throttledBy.get(ThrottleReason.DEFER_FULL).getCount();
  }

  @Override
  public long getThrottledSeverityCount() {
    return throttledBy.get(ThrottleReason.SEVERITY).getCount();
  }

  @Override
  public long getThrottledOverflowCount() {
    return throttledBy.get(ThrottleReason.OVERFLOW).getCount();
  }

  @Override
  public long getThrottledStoreCount() {
    return throttledBy.get(ThrottleReason.STORE).getCount();
  }

  @Override
  public long getDroppedCount() {
    return dropped.getCount();
  }

  @Override
  public long getRejectedEventCount() {
    return rejected.getCount();
  }

  @Override
  public long getKeysTruncatedCount() {
    return keysTruncated.getCount();
  }

  @Override
  public long getKeyCount() {
    return governor.keyCount();
  }

  @Override
  public long getDeferredDepth() {
    return governor.deferredDepth();
  }

  @Override
  public String getTopOffenders() {
    return TopOffendersGauge.format(offenders.current());
  }

  @Override
  public String getTopOffendersPrevious() {
    return TopOffendersGauge.format(offenders.previous());
  }
}
