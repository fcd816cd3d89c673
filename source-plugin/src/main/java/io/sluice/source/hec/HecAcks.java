package io.sluice.source.hec;

import io.sluice.core.Disposition;
import io.sluice.core.Headers;
import io.sluice.core.pipeline.DurablyHandled;
import io.sluice.core.time.Clock;
import io.sluice.source.delivery.Shipment;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.flume.Event;

/**
 * The indexer acknowledgements of an HEC source, between its requests and the pipeline: opens an
 * ack for each accepted request of a token with {@code useAck}, learns from the delivery how many
 * handlings complete it, and hears of the handlings from the sinks.
 *
 * <p>{@code ack.completeOn = sink} (the default): an event counts as handled once a ValidatingSink
 * has written or dead-lettered it and committed its take ({@link DurablyHandled}); an event the
 * selector sent to two channels is handled twice. A throttled event (kept or dropped by the
 * TokenBucketInterceptor) was handled as configured and is not waited for. {@code ack.completeOn =
 * channel}: the ack completes once the events are committed to the channels (weaker: a channel that
 * is not durable may still lose them; for pipelines whose sinks are not Sluice's).
 */
public final class HecAcks implements AutoCloseable {

  /** When an ack turns true. */
  public enum CompleteOn { SINK, CHANNEL }

  /**
   * @param ttl how long a channel without requests, and an ack, are remembered
   * @param drainTimeout how long a stopping source keeps answering {@code /ack} for the acks it gave
   */
  public record Settings(CompleteOn completeOn, Duration ttl, int maxChannels, int maxPendingPerChannel,
      Duration drainTimeout) {}

  private static final Predicate<Event> NOT_THROTTLED = e ->
      !Disposition.THROTTLED.value().equals(e.getHeaders().get(Headers.DISPOSITION));

  private final AckLedger ledger;
  private final Settings settings;
  private final DurablyHandled.Registration registration; // null: complete on channel

  public HecAcks(Settings settings, Clock clock) {
    this.settings = settings;
    this.ledger = new AckLedger(new AckLedger.Settings(settings.ttl(), settings.maxChannels(),
        settings.maxPendingPerChannel()), clock);
    this.registration = settings.completeOn() == CompleteOn.SINK ? DurablyHandled.listen(this::handled) : null;
  }

  public Settings settings() {
    return settings;
  }

  /**
   * An ackId for a request received at {@code receivedAtMillis}, or {@link AckLedger#BUSY} or
   * {@link AckLedger#OTHER_SOURCE}.
   */
  long open(String channel, long receivedAtMillis) {
    return ledger.open(channel, receivedAtMillis);
  }

  /** The request's shipments are all accepted: how many handlings complete the ack follows from them. */
  void delivered(String channel, long ackId, List<Shipment> shipments) {
    long handlings = 0;
    for (Shipment s : shipments) {
      long n = s.landings(NOT_THROTTLED);
      if (n < 0) { // an event was given up on the way: the ack must never turn true
        ledger.abandon(channel, ackId);
        return;
      }
      handlings += n;
    }
    ledger.expect(channel, ackId, settings.completeOn() == CompleteOn.SINK ? handlings : 0);
  }

  /** The request was refused: its ack never turns true. */
  void refused(String channel, long ackId) {
    ledger.abandon(channel, ackId);
  }

  boolean[] query(String channel, long[] ids) {
    return ledger.query(channel, ids);
  }

  /** Forgets what is older than the ttl; the source calls it every second. */
  public void expire() {
    ledger.expire();
  }

  /** Whether every ack given was queried, abandoned or forgotten: a stopping source may go. */
  public boolean settled() {
    return ledger.settled();
  }

  public long pending() {
    return ledger.pending();
  }

  public long completed() {
    return ledger.completed();
  }

  public long expired() {
    return ledger.expired();
  }

  /** Whether a request on a channel not seen yet would be refused (503). */
  boolean atChannelLimit() {
    return ledger.atChannelLimit();
  }

  public long channels() {
    return ledger.channels();
  }

  /** Events a sink has handled: those of this source's acks count toward them, in runs of one ack. */
  private void handled(String sinkName, List<Event> events) {
    String channel = null;
    long ackId = -1;
    long receivedAt = 0;
    int run = 0;
    for (Event e : events) {
      Map<String, String> h = e.getHeaders();
      String c = h.get(HecEvents.CHANNEL);
      String id = c == null ? null : h.get(HecEvents.ACK_ID);
      if (id == null || !NOT_THROTTLED.test(e) || !AckLedger.ownedBy(c, ledger)) {
        continue;
      }
      long a;
      long r;
      try {
        a = Long.parseLong(id);
        r = Long.parseLong(h.get(Headers.RECEIVED_AT));
      } catch (NumberFormatException ex) {
        continue; // not one of ours
      }
      if (run > 0 && a == ackId && r == receivedAt && c.equals(channel)) {
        run++;
        continue;
      }
      if (run > 0) {
        ledger.handled(channel, ackId, receivedAt, run);
      }
      channel = c;
      ackId = a;
      receivedAt = r;
      run = 1;
    }
    if (run > 0) {
      ledger.handled(channel, ackId, receivedAt, run);
    }
  }

  @Override
  public void close() {
    if (registration != null) {
      registration.close();
    }
    ledger.close();
  }
}
