package io.sluice.source;

import io.sluice.core.RetryLaterException;
import java.util.List;
import org.apache.flume.ChannelException;
import org.apache.flume.ChannelFullException;
import org.apache.flume.Event;
import org.apache.flume.channel.ChannelProcessor;

/**
 * Hands a batch of events to the source's channels (interceptors first, as Flume does) and says
 * what happened, without throwing: the callers are I/O threads that must never see an exception.
 */
public final class Delivery {

  /** Why a batch was not accepted; its name is the metric's last part ({@code dropped.full}). */
  public enum Refusal {
    /** A channel had no room within its keep-alive. */
    FULL("full"),
    /** The interceptor pushed back ({@code throttled = reject}): retry after its advice. */
    REJECTED("rejected"),
    /** Any other failure of a channel or an interceptor. */
    ERROR("error");

    private final String label;

    Refusal(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  /** The outcome of one attempt: accepted, or refused with a reason and a time to wait. */
  public record Outcome(Refusal refusal, long retryAfterMillis, Throwable cause) {
    static final Outcome ACCEPTED = new Outcome(null, 0, null);

    public boolean accepted() {
      return refusal == null;
    }
  }

  private final ChannelProcessor processor;
  private final SourceMetrics metrics;

  public Delivery(ChannelProcessor processor, SourceMetrics metrics) {
    this.processor = processor;
    this.metrics = metrics;
  }

  /**
   * One attempt to put {@code events} (a transaction per required channel). Counts the outcome
   * in Flume's SourceCounter; a refused batch is counted as refused, never as dropped, since only
   * the caller knows whether it will try again.
   */
  public Outcome deliver(List<Event> events) {
    if (events.isEmpty()) {
      return Outcome.ACCEPTED;
    }
    try {
      processor.processEventBatch(events);
      metrics.accepted(events.size());
      return Outcome.ACCEPTED;
    } catch (RetryLaterException e) {
      metrics.refused();
      return new Outcome(Refusal.REJECTED, Math.max(1, e.retryAfterMillis()), e);
    } catch (ChannelFullException e) {
      metrics.refused();
      return new Outcome(Refusal.FULL, 0, e);
    } catch (ChannelException e) {
      // Flume wraps a ChannelFullException thrown by one of several channels.
      metrics.refused();
      return new Outcome(e.getCause() instanceof ChannelFullException ? Refusal.FULL : Refusal.ERROR, 0, e);
    } catch (RuntimeException e) {
      metrics.refused();
      return new Outcome(Refusal.ERROR, 0, e);
    }
  }
}
