package io.sluice.channel;

import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.apache.flume.instrumentation.ChannelCounter;

/**
 * Flume's {@link ChannelCounter} (the same MBean, attributes and meaning) with its put and take
 * counts kept in {@link LongAdder}s and its size read live from the store.
 *
 * <p>Flume's own counters are one map lookup and one atomic add on a cache line that every source
 * and sink thread writes, per event for the attempts and per commit for the rest; at a transaction
 * per event that was a tenth of the channel's time. The getters, which JMX and Flume's HTTP
 * monitoring call, read the adders instead; {@link #stop()} copies them into Flume's map first, so
 * Flume's shutdown log shows the same numbers.
 */
final class StripedChannelCounter extends ChannelCounter {

  // ChannelCounter's keys for these counters (private there).
  private static final String PUT_ATTEMPT = "channel.event.put.attempt";
  private static final String TAKE_ATTEMPT = "channel.event.take.attempt";
  private static final String PUT_SUCCESS = "channel.event.put.success";
  private static final String TAKE_SUCCESS = "channel.event.take.success";
  private static final String SIZE = "channel.current.size";

  private final LongAdder putAttempts = new LongAdder();
  private final LongAdder takeAttempts = new LongAdder();
  private final LongAdder putSuccesses = new LongAdder();
  private final LongAdder takeSuccesses = new LongAdder();
  private final LongSupplier size;

  StripedChannelCounter(String name, LongSupplier size) {
    super(name);
    this.size = size;
  }

  // The hot path: these return nothing, since summing the adders would read every thread's cell.

  void countPutAttempts(long n) {
    putAttempts.add(n);
  }

  void countTakeAttempts(long n) {
    takeAttempts.add(n);
  }

  void countPuts(long n) {
    putSuccesses.add(n);
  }

  void countTakes(long n) {
    takeSuccesses.add(n);
  }

  // Flume's own increments, kept right for any caller (the channel uses the methods above).

  @Override
  public long incrementEventPutAttemptCount() {
    putAttempts.increment();
    return putAttempts.sum();
  }

  @Override
  public long incrementEventTakeAttemptCount() {
    takeAttempts.increment();
    return takeAttempts.sum();
  }

  @Override
  public long addToEventPutSuccessCount(long n) {
    putSuccesses.add(n);
    return putSuccesses.sum();
  }

  @Override
  public long addToEventTakeSuccessCount(long n) {
    takeSuccesses.add(n);
    return takeSuccesses.sum();
  }

  @Override
  public long getEventPutAttemptCount() {
    return putAttempts.sum();
  }

  @Override
  public long getEventTakeAttemptCount() {
    return takeAttempts.sum();
  }

  @Override
  public long getEventPutSuccessCount() {
    return putSuccesses.sum();
  }

  @Override
  public long getEventTakeSuccessCount() {
    return takeSuccesses.sum();
  }

  /**
   * Events in the channel as the store counts them now, those taken by transactions not yet
   * committed left out (as MemoryChannel's queue leaves them out); read live, so no commit has to
   * keep it up to date.
   */
  @Override
  public long getChannelSize() {
    return size.getAsLong();
  }

  @Override
  public void setChannelSize(long ignored) {
    // read live from the store (getChannelSize)
  }

  /** Flume's start resets its counters: so do these. */
  @Override
  public void start() {
    super.start();
    for (LongAdder a : new LongAdder[] {putAttempts, takeAttempts, putSuccesses, takeSuccesses}) {
      a.reset();
    }
  }

  @Override
  public void stop() {
    set(PUT_ATTEMPT, putAttempts.sum());
    set(TAKE_ATTEMPT, takeAttempts.sum());
    set(PUT_SUCCESS, putSuccesses.sum());
    set(TAKE_SUCCESS, takeSuccesses.sum());
    set(SIZE, size.getAsLong());
    super.stop();
  }
}
