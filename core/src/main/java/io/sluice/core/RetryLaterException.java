package io.sluice.core;

import org.apache.flume.ChannelException;

/**
 * Thrown from the interceptor (inside {@code ChannelProcessor.processEventBatch}) when throttled
 * events are to be pushed back to the sender. Being a {@link ChannelException}, every Flume source
 * already treats it as "the channel cannot take this now"; Sluice's sources also read {@link
 * #retryAfterMillis()} to stop reading (TCP) or answer 429/503 with {@code Retry-After} (HEC).
 * Nothing of the refused batch was put into any channel, and its reserved tokens were given back.
 */
public class RetryLaterException extends ChannelException {

  private static final long serialVersionUID = 1L;

  private final long retryAfterMillis;

  public RetryLaterException(String message, long retryAfterMillis) {
    super(message);
    this.retryAfterMillis = retryAfterMillis;
  }

  /** How long the sender should wait before trying again, in milliseconds (at least 1). */
  public long retryAfterMillis() {
    return retryAfterMillis;
  }
}
