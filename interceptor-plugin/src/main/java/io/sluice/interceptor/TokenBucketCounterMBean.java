package io.sluice.interceptor;

/**
 * JMX view of a TokenBucketInterceptor: {@code org.apache.flume.interceptor:type=<metricsName>},
 * beside Flume's own source, channel and sink counters.
 */
public interface TokenBucketCounterMBean {

  long getProcessedCount();

  long getBatchedCount();

  long getThrottledCount();

  long getThrottledRateCount();

  long getThrottledGlobalCount();

  long getThrottledDeferFullCount();

  long getThrottledSeverityCount();

  long getThrottledOverflowCount();

  /** Throttled because the shared store could not decide and {@code redis.onFailure = closed}. */
  long getThrottledStoreCount();

  long getDroppedCount();

  long getRejectedEventCount();

  long getKeyCount();

  /** Keys longer than {@code maxKeyLength}, cut to it. */
  long getKeysTruncatedCount();

  long getDeferredDepth();

  /** The most throttled keys of the current window, {@code key=count, ...}, most first. */
  String getTopOffenders();

  /** The most throttled keys of the last finished window. */
  String getTopOffendersPrevious();

  long getStartTime();

  long getStopTime();

  String getType();
}
