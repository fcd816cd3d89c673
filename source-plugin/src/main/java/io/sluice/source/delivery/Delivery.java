package io.sluice.source.delivery;

import io.sluice.source.SourceMetrics;
import io.sluice.source.SourceMetrics.DropReason;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.apache.flume.Channel;
import org.apache.flume.ChannelFullException;
import org.apache.flume.ChannelSelector;
import org.apache.flume.Event;
import org.apache.flume.channel.ChannelProcessor;
import org.apache.flume.interceptor.InterceptorChain;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A source's way into its channels: makes a {@link Shipment} of each batch and runs its attempts
 * where no I/O thread can be made to wait.
 *
 * <p>Where attempts run: when every channel of the source commits without waiting ({@link
 * io.sluice.core.pipeline.ImmediateCommit}, as DisruptorChannel does), on the caller's I/O thread
 * — nothing in an attempt then waits, and a full channel is a refusal the caller turns into
 * backpressure at once. Otherwise a commit may wait its channel's {@code keep-alive} for room, so
 * attempts run on this source's {@link DeliveryThreads}, and the outcome is handed back to the
 * caller's I/O thread. With all of them busy, an attempt is refused at once as if the channel were
 * full.
 *
 * <p>{@link Retries} says what becomes of a refused shipment: the caller attempts the same one
 * again (TCP), the sender resends the whole batch, which comes as a new shipment (HEC), or nobody
 * tries again (UDP, which cannot push back). It decides what an attempt may keep of a refused
 * batch and what it may give up: see {@link Shipment} and {@link ChannelShare}.
 */
public final class Delivery implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Delivery.class);
  private static final long LOG_EVERY_NANOS = 10_000_000_000L;

  private final String sourceName;
  private final InterceptorChain chain;
  private final ChannelSelector selector;
  private final Committer committer;
  private final SourceMetrics metrics;
  private final Retries retries;
  private final DeliveryThreads threads; // null when attempts run on the caller's thread
  private final ChannelShare.Losses losses = new CountedLosses();
  private final ChannelShare.Losses optionalLosses = new LoggedLosses();
  private volatile long lastLossLog = System.nanoTime() - LOG_EVERY_NANOS;

  /** What becomes of a refused shipment. */
  public enum Retries {
    /** Nobody tries it again (UDP): what fails is dropped, and the rest goes. */
    NONE,
    /**
     * The caller keeps it and attempts it again (TCP): what is in stays in, a retry commits only
     * what is missing, and an event that fails alone while the channel takes others is poison.
     */
    SHIPMENT_KEPT,
    /**
     * The sender resends the whole batch, which comes as a new shipment (HEC): a refused shipment
     * must leave as little as it can in the channels (the resend writes it again) and give up
     * nothing (the sender was not told it was taken).
     */
    BATCH_RESENT
  }

  /**
   * {@code retries}: the caller keeps a refused shipment and attempts it again ({@link
   * Retries#SHIPMENT_KEPT}, TCP), or nobody does ({@link Retries#NONE}, UDP).
   */
  public Delivery(String sourceName, ChannelProcessor processor, SourceMetrics metrics, boolean retries) {
    this(sourceName, processor, metrics, retries ? Retries.SHIPMENT_KEPT : Retries.NONE);
  }

  public Delivery(String sourceName, ChannelProcessor processor, SourceMetrics metrics, Retries retries) {
    this.sourceName = sourceName;
    this.chain = InterceptorChains.of(processor);
    this.selector = processor.getSelector();
    this.committer = new Committer(selector.getAllChannels());
    this.metrics = metrics;
    this.retries = retries;
    this.threads = committer.neverWaits() ? null : new DeliveryThreads(sourceName);
    warnIfDeferredRoomShort();
  }

  /** A shipment of {@code events}, which it owns from now on. */
  public Shipment shipment(List<Event> events) {
    return new Shipment(this, events);
  }

  /** Whether attempts run on the caller's thread (every channel commits without waiting). */
  public boolean inline() {
    return threads == null;
  }

  /**
   * Runs one attempt of {@code s} and gives its outcome to {@code done} on {@code callerLoop}: at
   * once, on this thread, when {@link #inline()}; else later, from a delivery thread.
   */
  public void attempt(Shipment s, Executor callerLoop, Consumer<Outcome> done) {
    attemptInOrder(List.of(s), callerLoop, outcomes -> done.accept(outcomes.get(0)));
  }

  /**
   * Attempts {@code shipments} one after the other, in order, up to the first one refused, and
   * gives the outcomes of those attempted (every one accepted but perhaps the last) to {@code
   * done} on {@code callerLoop}, as {@link #attempt} does. The shipments after a refused one are
   * not attempted. One hand-over to a delivery thread and back for all of them: with small
   * batches, one per batch cost more than the batch's commit.
   */
  public void attemptInOrder(List<Shipment> shipments, Executor callerLoop,
      Consumer<List<Outcome>> done) {
    if (threads == null) {
      done.accept(attemptEach(shipments));
      return;
    }
    try {
      threads.execute(callerLoop, () -> {
        List<Outcome> outcomes = attemptEach(shipments);
        try {
          callerLoop.execute(() -> done.accept(outcomes));
        } catch (RejectedExecutionException stopped) {
          // The caller's I/O thread has ended: its source stopped and counted what it held.
          LOG.debug("Source {}: outcomes came back after its reader stopped: {}", sourceName, outcomes);
        }
      });
    } catch (RejectedExecutionException e) {
      done.accept(List.of(counted(shipments.get(0), Outcome.refused(Refusal.FULL, new ChannelFullException(
          "all " + DeliveryThreads.MAX_SHARED + " delivery threads of source " + sourceName + " are waiting on full channels")))));
    }
  }

  private List<Outcome> attemptEach(List<Shipment> shipments) {
    List<Outcome> outcomes = new ArrayList<>(shipments.size());
    for (Shipment s : shipments) {
      Outcome o = counted(s, s.attempt());
      outcomes.add(o);
      if (!o.accepted()) {
        break;
      }
    }
    return outcomes;
  }

  /** Runs one attempt on this thread, whatever the channels (for a source stopping or a test). */
  public Outcome attemptHere(Shipment s) {
    return counted(s, s.attempt());
  }

  private Outcome counted(Shipment s, Outcome o) {
    if (o.accepted()) {
      metrics.accepted(s.size() - s.givenUp());
    } else {
      metrics.refused();
    }
    return o;
  }

  public SourceMetrics metrics() {
    return metrics;
  }

  Retries retries() {
    return retries;
  }

  InterceptorChain chain() {
    return chain;
  }

  ChannelSelector selector() {
    return selector;
  }

  Committer committer() {
    return committer;
  }

  ChannelShare.Losses losses() {
    return losses;
  }

  ChannelShare.Losses optionalLosses() {
    return optionalLosses;
  }

  private void warnIfDeferredRoomShort() {
    for (String warning : DeferredRoomCheck.shortfalls(InterceptorChains.interceptorsOf(chain),
        DeferredRoomCheck.channelsOfBatchedEvents(selector))) {
      LOG.warn("Source {}: {}", sourceName, warning);
    }
  }

  /** Lets attempts under way on delivery threads end; starts no more. */
  @Override
  public void close() {
    if (threads != null) {
      threads.shutdown();
    }
  }


  /** Losses without retries and poison events: counted, and logged at most once per 10 s. */
  private final class CountedLosses implements ChannelShare.Losses {
    @Override
    public void dropped(Refusal why, int n, Channel channel, Throwable cause) {
      metrics.dropped(why, n);
      logLoss("dropped {} events refused by channel {} ({}: {})", n, channel.getName(), why.label(), cause);
    }

    @Override
    public void poisoned(Event event, Channel channel, Throwable cause, int failures) {
      metrics.dropped(DropReason.POISON, 1);
      LOG.warn("Source {}: dropped an event that {} could not take in {} tries while taking"
          + " others (a poison event; headers {}): {}", sourceName,
          channel == null ? "the interceptors" : "channel " + channel.getName(), failures,
          event.getHeaders(), cause.toString());
    }
  }

  /** Optional channels: Flume logs their failures and goes on; so do we. */
  private final class LoggedLosses implements ChannelShare.Losses {
    @Override
    public void dropped(Refusal why, int n, Channel channel, Throwable cause) {
      logLoss("{} events not written to optional channel {} ({}: {})", n, channel.getName(), why.label(), cause);
    }

    @Override
    public void poisoned(Event event, Channel channel, Throwable cause, int failures) {
      dropped(Refusal.ERROR, 1, channel, cause);
    }
  }

  private void logLoss(String format, int n, String channel, String why, Throwable cause) {
    long now = System.nanoTime();
    if (now - lastLossLog >= LOG_EVERY_NANOS) {
      lastLossLog = now;
      LOG.warn("Source {}: " + format + " (logged at most once per 10 s)", sourceName, n, channel,
          why, String.valueOf(cause));
    }
  }
}
