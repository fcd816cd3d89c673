package io.sluice.channel;

import io.sluice.core.config.ConfigValues;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.flume.Context;

/**
 * DisruptorChannel's configuration, read and checked as a whole before any of it is applied, so a
 * refused reload changes nothing. Every number has an upper bound as well as a lower one: an
 * unbounded {@code keep-alive} overflowed the nanosecond deadline (and then waited not at all), an
 * unbounded {@code capacity} failed only when the ring's preallocation ran out of heap.
 */
record ChannelSettings(
    long capacity,
    int ringSize,
    int transactionCapacity,
    long keepAliveNanos,
    long deferredCapacity,
    long maxLagMillis,
    long maxHoldMillis,
    Path checkpointDir) {

  /** The largest ring: Disruptor's sizes are ints, and the next power of two would not be one. */
  static final long MAX_CAPACITY = 1L << 30;
  /** The deferred lane counts its events in ints; no more than the largest express lane. */
  static final long MAX_DEFERRED_CAPACITY = 1L << 30;
  /** A day: longer than any sensible wait, and far from overflowing a nanosecond deadline. */
  static final long MAX_KEEP_ALIVE_SECONDS = TimeUnit.DAYS.toSeconds(1);
  static final Duration MAX_DURATION = Duration.ofDays(1);

  /**
   * What one ring slot costs before any event is put, with compressed references: the
   * preallocated slot object (16 bytes), its reference in the ring's array (4) and the
   * multi-producer sequencer's availability flag (4).
   */
  static final long BYTES_PER_SLOT = 24;

  /**
   * Reads and checks {@code ctx}. {@code runningRingSize} is the size of the ring a running
   * channel already has (0 before the first configuration): it bounds {@code transactionCapacity}
   * and is {@code deferred.capacity}'s default, since a running ring is never resized. {@code
   * maxHeapBytes} bounds the ring to be built ({@link Runtime#maxMemory()} in production).
   */
  static ChannelSettings parse(Context ctx, int runningRingSize, long maxHeapBytes) {
    long capacity = between("capacity", ctx.getString("capacity", "65536"), 1, MAX_CAPACITY);
    int ringSize = ringSizeFor(capacity);
    if (runningRingSize == 0) {
      checkRingFitsHeap(capacity, ringSize, maxHeapBytes);
    }
    int boundingRing = runningRingSize == 0 ? ringSize : runningRingSize;
    long txCapacity = between("transactionCapacity", ctx.getString("transactionCapacity", "1000"),
        1, Long.MAX_VALUE);
    if (txCapacity > boundingRing) {
      throw ConfigValues.invalid("transactionCapacity", Long.toString(txCapacity),
          "at most the capacity (" + boundingRing + ")");
    }
    long keepAlive = between("keep-alive", ctx.getString("keep-alive", "3"), 0,
        MAX_KEEP_ALIVE_SECONDS);
    long deferredCapacity = between("deferred.capacity",
        ctx.getString("deferred.capacity", Integer.toString(boundingRing)), 0,
        MAX_DEFERRED_CAPACITY);
    long maxLag = duration("deferred.maxLag", ctx.getString("deferred.maxLag", "100ms"),
        Duration.ZERO);
    long maxHold = duration("deferred.maxHold", ctx.getString("deferred.maxHold", "1m"),
        Duration.ofMillis(1));
    String dir = ctx.getString("checkpointDir");
    Path checkpointDir = dir == null || dir.isBlank() ? null : Paths.get(dir.trim());
    return new ChannelSettings(capacity, ringSize, (int) txCapacity,
        TimeUnit.SECONDS.toNanos(keepAlive), deferredCapacity, maxLag, maxHold, checkpointDir);
  }

  /** The ring's size for {@code capacity} (1 to {@value #MAX_CAPACITY}): the next power of two. */
  static int ringSizeFor(long capacity) {
    if (capacity < 1 || capacity > MAX_CAPACITY) {
      throw ConfigValues.invalid("capacity", Long.toString(capacity),
          "a whole number from 1 to " + MAX_CAPACITY);
    }
    return (int) Math.max(1, Long.highestOneBit(capacity - 1) << 1);
  }

  /**
   * Refuses a ring whose preallocation alone would take more than half the heap: it would fail
   * with an OutOfMemoryError at start, or leave no room for the events it is meant to hold.
   */
  static void checkRingFitsHeap(long capacity, int ringSize, long maxHeapBytes) {
    long ringBytes = ringSize * BYTES_PER_SLOT;
    if (ringBytes <= maxHeapBytes / 2) {
      return;
    }
    long largest = Long.highestOneBit(Math.max(1, maxHeapBytes / 2 / BYTES_PER_SLOT));
    throw ConfigValues.invalid("capacity", Long.toString(capacity), "at most " + largest
        + " with this JVM's maximum heap of " + mebibytes(maxHeapBytes) + ": a ring of "
        + ringSize + " slots preallocates about " + mebibytes(ringBytes) + " (" + BYTES_PER_SLOT
        + " bytes a slot) and may take at most half the heap; raise -Xmx or lower capacity");
  }

  private static String mebibytes(long bytes) {
    return bytes >= 10L << 30 ? (bytes >> 30) + " GiB" : (bytes >> 20) + " MiB";
  }

  private static long between(String key, String text, long min, long max) {
    String expected = max == Long.MAX_VALUE ? "a whole number of at least " + min
        : "a whole number from " + min + " to " + max;
    long v;
    try {
      v = Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      throw ConfigValues.invalid(key, text, expected);
    }
    if (v < min || v > max) {
      throw ConfigValues.invalid(key, text, expected);
    }
    return v;
  }

  /** A duration from {@code min} to {@link #MAX_DURATION}, in milliseconds. */
  private static long duration(String key, String text, Duration min) {
    Duration d = ConfigValues.duration(key, text);
    if (d.compareTo(min) < 0 || d.compareTo(MAX_DURATION) > 0) {
      throw ConfigValues.invalid(key, text, "a duration from " + (min.isZero() ? "0ms"
          : min.toMillis() + "ms") + " to 1d, such as 100ms, 2s or 1m");
    }
    return d.toMillis();
  }
}
