package io.sluice.core.metrics;

import com.codahale.metrics.Histogram;
import com.codahale.metrics.Reservoir;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * A Dropwizard histogram of durations that also counts them into fixed buckets, as Prometheus's
 * histograms are: JMX keeps its percentiles of recent values from the reservoir, and a scrape reads
 * cumulative counts per bound and a sum, from which any rate and quantile over any range can be
 * computed across agents (a reservoir's percentiles can be neither summed nor rated).
 *
 * <p>One update is the reservoir's plus two adder increments and a search of {@link #BOUNDS}.
 */
public final class BucketedHistogram extends Histogram {

  /** Upper bounds in seconds, from 10 µs (a sink's validation of one event) to a minute. */
  public static final double[] BOUNDS = {
      0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005,
      0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
      0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};

  private final double secondsPerUnit;
  /** {@link #BOUNDS} in the unit values are recorded in, so an update compares longs. */
  private final long[] unitBounds;
  /** The last one counts what is above every bound. */
  private final LongAdder[] buckets = new LongAdder[BOUNDS.length + 1];
  private final LongAdder sum = new LongAdder();

  /** @param unit the unit of the values given to {@link #update(long)} */
  public BucketedHistogram(Reservoir reservoir, TimeUnit unit) {
    super(reservoir);
    this.secondsPerUnit = unit.toNanos(1) / 1e9;
    this.unitBounds = new long[BOUNDS.length];
    for (int i = 0; i < BOUNDS.length; i++) {
      // A value v is within bound b when v * secondsPerUnit <= b, i.e. v <= floor(b / secondsPerUnit).
      unitBounds[i] = (long) Math.floor(BOUNDS[i] / secondsPerUnit + 1e-9);
    }
    for (int i = 0; i < buckets.length; i++) {
      buckets[i] = new LongAdder();
    }
  }

  @Override
  public void update(long value) {
    super.update(value);
    buckets[bucketOf(value)].increment();
    sum.add(value);
  }

  @Override
  public void update(int value) {
    update((long) value);
  }

  private int bucketOf(long value) {
    int lo = 0;
    int hi = unitBounds.length; // the overflow bucket
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (value <= unitBounds[mid]) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }

  /**
   * Counts per bucket, not cumulative: index i for values within {@code BOUNDS[i]} and above the
   * bound before it, the last index for values above every bound. Read without a lock, so a scrape
   * racing updates may see a bucket's count a moment before the sum's.
   */
  public long[] bucketCounts() {
    long[] out = new long[buckets.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = buckets[i].sum();
    }
    return out;
  }

  /** The sum of every value recorded, in seconds. */
  public double sumSeconds() {
    return sum.sum() * secondsPerUnit;
  }
}
