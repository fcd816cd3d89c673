package io.sluice.tools.load;

/**
 * How a HEC sender talks to the collector.
 *
 * @param token the HEC token (sent as {@code Authorization: Splunk TOKEN}), or null
 * @param batch events per {@code /event} or {@code /raw} request
 * @param retries how many times a request answered 429 or 503 is sent again, after its Retry-After
 * @param ack whether to poll {@code /services/collector/ack} for each accepted request's ackId
 */
record HecSettings(String token, int batch, boolean gzip, int retries, boolean ack) {

  /** How long a batch may wait to fill at low rates: it goes out partial after this. */
  static final long LINGER_NANOS = 200_000_000L;
  /** Retry-After, when the answer has none or one that is not a number of seconds. */
  static final long DEFAULT_RETRY_AFTER_SECONDS = 1;
  /** The longest Retry-After honoured: a run is not left waiting on a confused server. */
  static final long MAX_RETRY_AFTER_SECONDS = 60;
}
