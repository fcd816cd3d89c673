package io.sluice.sink.write;

/**
 * What the {@code hec} writer counts. ValidatingSink registers them as {@code
 * sink.<name>.hec.requests}, {@code .hec.retries}, {@code .hec.acks.pending}, {@code
 * .hec.acks.timedOut} and {@code .hec.refused}; {@link #NONE} counts nothing, for a writer used on its own.
 */
public interface HecMetrics {

  /** A request went to the {@code /event} endpoint: first attempts, retries and resends alike. */
  void requestSent();

  /** A request is about to be sent again after a transient failure (connection, 429, 5xx). */
  void retried();

  /** How many accepted requests now wait for their acknowledgement. */
  void acksPending(int requests);

  /** A request's acknowledgement did not read true within {@code hec.ackTimeout}: it is resent. */
  void ackTimedOut();

  /** An event the far side refused (its number in a 400, or alone too large, 413): not sent again. */
  void refused();

  HecMetrics NONE = new HecMetrics() {
    @Override
    public void requestSent() {}

    @Override
    public void retried() {}

    @Override
    public void acksPending(int requests) {}

    @Override
    public void ackTimedOut() {}

    @Override
    public void refused() {}
  };
}
