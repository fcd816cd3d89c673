package io.sluice.tools.report;

import java.util.Arrays;
import org.HdrHistogram.Histogram;

/**
 * Latencies of one kind (send to received, send to ack): their distribution in an HdrHistogram, and
 * their mean and maximum per second of the run (by when the event was sent), for the chart. Bounded:
 * the histogram auto-resizes but stays a few tens of KB; three numbers per second of the run.
 */
public final class Latency {

  /** The percentiles the report tabulates. */
  public static final double[] PERCENTILES = {50, 90, 99, 99.9};

  private final Histogram histogram = new Histogram(3);
  private long negative;
  private long[] count = new long[64];
  private double[] sum = new double[64];
  private long[] max = new long[64];
  private int seconds;

  /**
   * One latency, in milliseconds, of an event sent {@code sentSecond} seconds into the run. A
   * negative one (clocks of sender and agent apart) is counted as such and recorded as 0.
   */
  public void record(long sentSecond, long millis) {
    if (millis < 0) {
      negative++;
      millis = 0;
    }
    histogram.recordValue(millis);
    if (sentSecond < 0 || sentSecond > 10_000_000) {
      return;
    }
    int s = (int) sentSecond;
    if (s >= count.length) {
      int n = Math.max(s + 1, count.length * 2);
      count = Arrays.copyOf(count, n);
      sum = Arrays.copyOf(sum, n);
      max = Arrays.copyOf(max, n);
    }
    count[s]++;
    sum[s] += millis;
    max[s] = Math.max(max[s], millis);
    seconds = Math.max(seconds, s + 1);
  }

  public long total() {
    return histogram.getTotalCount();
  }

  /** Latencies that were negative (recorded as 0). */
  public long negative() {
    return negative;
  }

  public long percentile(double p) {
    return histogram.getValueAtPercentile(p);
  }

  public long max() {
    return histogram.getMaxValue();
  }

  /** Seconds of the run with at least one latency, and one more than the last. */
  public int seconds() {
    return seconds;
  }

  /** The mean latency of events sent in second {@code s}, or NaN when none was. */
  public double meanAt(int s) {
    return s < seconds && count[s] > 0 ? sum[s] / count[s] : Double.NaN;
  }

  public double maxAt(int s) {
    return s < seconds && count[s] > 0 ? max[s] : Double.NaN;
  }
}
