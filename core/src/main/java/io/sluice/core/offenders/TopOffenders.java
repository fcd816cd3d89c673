package io.sluice.core.offenders;

import java.util.ArrayList;
import java.util.List;
import org.apache.datasketches.frequencies.ErrorType;
import org.apache.datasketches.frequencies.ItemsSketch;

/**
 * The keys throttled most often, in bounded memory: a frequent-items sketch (Misra-Gries, from
 * Apache DataSketches) per reporting window. The sketch keeps at most {@code maxMapSize} items
 * whatever the number of distinct keys, and every reported count is within the sketch's stated
 * error of the true one.
 *
 * <p>Windows rotate every {@code windowNanos} of the injected time, on the next {@link
 * #record}; the finished window is handed back for logging and stays readable as {@link
 * #previous()}. Thread-safe by its monitor; callers aggregate per batch to keep it off the
 * per-event path.
 */
public final class TopOffenders {

  /** One reported key: its estimated throttle count and the sketch's error bound. */
  public record Offender(String key, long estimate, long lowerBound) {
    @Override
    public String toString() {
      return key + "=" + estimate;
    }
  }

  /**
   * Most keys reported ({@code topOffenders.size}). The sketch is sized at eight times that, so
   * a thousand keeps up to 8192 keys (about 150 KB plus the keys) per window: enough for a log
   * line or a JMX attribute anyone reads, and far from what an unbounded size would let a flood of
   * throttled keys fill.
   */
  public static final int MAX_SIZE = 1000;

  private final int maxMapSize;
  private final int topN;
  private final long windowNanos;
  private ItemsSketch<String> current;
  private volatile long windowStart; // volatile: rotateIfDue checks it without the lock
  private List<Offender> previous = List.of();

  /**
   * @param topN how many keys to report, 1 to {@link #MAX_SIZE}
   * @param windowNanos the length of a reporting window, positive
   */
  public TopOffenders(int topN, long windowNanos, long nowNanos) {
    if (topN < 1 || topN > MAX_SIZE) {
      throw new IllegalArgumentException(
          "topOffenders.size must be from 1 to " + MAX_SIZE + ", got " + topN);
    }
    if (windowNanos <= 0) {
      throw new IllegalArgumentException("the reporting window must be positive: " + windowNanos);
    }
    this.topN = topN;
    // The sketch reliably reports items above n/(0.75 * maxMapSize); size it well above topN.
    this.maxMapSize = Integer.highestOneBit(Math.max(16, topN * 8) - 1) << 1;
    this.windowNanos = windowNanos;
    this.current = new ItemsSketch<>(maxMapSize);
    this.windowStart = nowNanos;
  }

  /**
   * Counts {@code n} throttled events of {@code key}.
   *
   * @return the top offenders of the window that just ended, if this call ended one; else null
   */
  public synchronized List<Offender> record(String key, long n, long nowNanos) {
    List<Offender> finished = rotate(nowNanos);
    current.update(key, n);
    return finished;
  }

  /** Ends the window if it is due, as {@link #record} does, without counting anything. */
  public List<Offender> rotateIfDue(long nowNanos) {
    if (nowNanos - windowStart < windowNanos) {
      return null; // the common case, decided without taking the lock
    }
    synchronized (this) {
      return rotate(nowNanos);
    }
  }

  private List<Offender> rotate(long nowNanos) {
    if (nowNanos - windowStart < windowNanos) {
      return null;
    }
    previous = top(current);
    current = new ItemsSketch<>(maxMapSize);
    windowStart = nowNanos;
    return previous;
  }

  /** The most throttled keys of the window in progress. */
  public synchronized List<Offender> current() {
    return top(current);
  }

  /** The most throttled keys of the last finished window. */
  public synchronized List<Offender> previous() {
    return previous;
  }

  /** Most keys the current window's sketch may hold (for tests). */
  synchronized int capacity() {
    return current.getMaximumMapCapacity();
  }

  /** Keys the current window's sketch holds (for tests). */
  synchronized int keysHeld() {
    return current.getNumActiveItems();
  }

  /** Throttled events counted in the current window (for tests). */
  synchronized long eventsCounted() {
    return current.getStreamLength();
  }

  private List<Offender> top(ItemsSketch<String> sketch) {
    List<Offender> out = new ArrayList<>();
    for (ItemsSketch.Row<String> row : sketch.getFrequentItems(ErrorType.NO_FALSE_NEGATIVES)) {
      if (out.size() == topN) {
        break;
      }
      out.add(new Offender(row.getItem(), row.getEstimate(), row.getLowerBound()));
    }
    return List.copyOf(out);
  }
}
