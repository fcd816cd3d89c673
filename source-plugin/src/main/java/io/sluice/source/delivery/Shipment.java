package io.sluice.source.delivery;

import io.sluice.core.RetryLaterException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.flume.Channel;
import org.apache.flume.ChannelException;
import org.apache.flume.ChannelSelector;
import org.apache.flume.Event;
import org.apache.flume.channel.ReplicatingChannelSelector;

/**
 * One batch on its way into a source's channels, attempted until it is in. What Flume's {@code
 * ChannelProcessor.processEventBatch} does in one go, kept apart so that a retry repeats only what
 * failed:
 *
 * <ol>
 *   <li>the interceptor chain runs once: a retry of a decided batch never books the limiter again.
 *       Only a push-back ({@link RetryLaterException}: the interceptor gave back what it had
 *       booked) or a failing interceptor leaves the batch undecided, to be decided again;
 *   <li>the selector routes the decided events once, into one {@link ChannelShare} per channel;
 *   <li>each required channel's share is committed in its own transaction, and a retry commits
 *       only the shares still missing: no channel ever gets an event twice;
 *   <li>once every required share is in, the optional channels get theirs, once, as in Flume.
 * </ol>
 *
 * <p>That is for a caller that keeps a refused shipment ({@link Delivery.Retries#SHIPMENT_KEPT},
 * TCP). A sender that resends the whole batch ({@link Delivery.Retries#BATCH_RESENT}, HEC) comes
 * back with a new shipment, which is decided again and writes again whatever the refused one had
 * committed; so a refused attempt there gives up nothing (not even a lone event an interceptor
 * cannot read) and stops at the first refused share (see {@link #attempt}).
 *
 * <p>Not thread-safe: one attempt at a time, by whoever holds the shipment.
 */
public final class Shipment {

  private final Delivery delivery;
  private final List<Event> events;
  private List<ChannelShare> required; // null while undecided
  private List<ChannelShare> optional;
  private int poisonedByInterceptors;

  Shipment(Delivery delivery, List<Event> events) {
    this.delivery = delivery;
    this.events = events;
  }

  /** The events as read, in order (before any interceptor). */
  public List<Event> events() {
    return events;
  }

  public int size() {
    return events.size();
  }

  /**
   * Whether the interceptors have decided these events. An undecided shipment that was refused
   * can be broken up and its events shipped again in other batches; a decided one cannot.
   */
  public boolean decided() {
    return required != null;
  }

  /** Events of the batch not yet in every required channel (an upper bound once decided). */
  public int left() {
    if (required == null) {
      return events.size();
    }
    int left = 0;
    for (ChannelShare s : required) {
      left = Math.max(left, s.left());
    }
    return left;
  }

  /** Events some required channel gave up (without retries, or poison): not accepted. */
  int givenUp() {
    int n = poisonedByInterceptors;
    if (required != null) {
      for (ChannelShare s : required) {
        n = Math.max(n, s.givenUp());
      }
    }
    return n;
  }

  /** One attempt: the shares still missing, then the optional ones. Never throws. */
  public Outcome attempt() {
    if (required == null) {
      Outcome refused = decide();
      if (refused != null) {
        return refused;
      }
    }
    Throwable failed = null;
    for (ChannelShare share : required) {
      if (!share.done()) {
        Throwable t = share.commit(delivery.committer(), delivery.retries(), delivery.losses());
        if (t != null && (failed == null || Committer.classify(t) == Refusal.FULL)) {
          failed = t; // a full channel is the refusal to report: it tells the sender to slow down
        }
        if (t != null && delivery.retries() == Delivery.Retries.BATCH_RESENT) {
          // The resend would write the later shares again. What cannot be helped here (nor in
          // Flume's ChannelProcessor): the shares committed before this one land twice, e.g. with
          // two required channels, the first committed and the second full.
          break;
        }
      }
    }
    if (failed != null) {
      return Outcome.refused(Committer.classify(failed), failed);
    }
    for (ChannelShare share : optional) {
      if (!share.done()) {
        share.commit(delivery.committer(), Delivery.Retries.NONE, delivery.optionalLosses()); // once: done after it
      }
    }
    return Outcome.ACCEPTED;
  }

  /**
   * Once accepted: how many times events that {@code count} went into a channel (an event routed
   * to two channels counts twice), or -1 when any event was given up on the way (dropped, poison),
   * so that nothing can be told complete that was not all delivered.
   */
  public long landings(Predicate<Event> count) {
    if (required == null || poisonedByInterceptors > 0) {
      return -1;
    }
    long n = 0;
    for (List<ChannelShare> shares : List.of(required, optional)) {
      for (ChannelShare share : shares) {
        if (!share.done() || share.givenUp() > 0) {
          return -1;
        }
        n += share.count(count);
      }
    }
    return n;
  }

  /** Runs the interceptors and routes their events; returns null, or why the batch stays undecided. */
  private Outcome decide() {
    List<Event> decided;
    try {
      decided = delivery.chain().intercept(events);
    } catch (RetryLaterException e) {
      return new Outcome(Refusal.REJECTED, Math.max(1, e.retryAfterMillis()), e);
    } catch (ChannelException e) {
      return Outcome.refused(Committer.classify(e), e);
    } catch (RuntimeException | StackOverflowError e) {
      if (events.size() > 1 || delivery.retries() == Delivery.Retries.BATCH_RESENT) {
        // Undecided. A kept batch is shipped again one event at a time, to find the one no
        // interceptor can read; a resent one comes back whole, and the fault may have passed
        // (a backend that blinked): dropping its only event would answer it taken while lost.
        return Outcome.refused(Refusal.ERROR, e);
      }
      delivery.losses().poisoned(events.get(0), null, e, 1); // an interceptor cannot read it
      poisonedByInterceptors = 1;
      required = List.of();
      optional = List.of();
      return null;
    }
    route(decided);
    return null;
  }

  private void route(List<Event> decided) {
    ChannelSelector selector = delivery.selector();
    if (selector.getClass() == ReplicatingChannelSelector.class && !decided.isEmpty()) {
      // Flume's default selector sends every event to the same channels: each share is a copy of
      // the whole batch (a share may write to its list), with no question asked per event.
      Event first = decided.get(0);
      required = wholeBatch(selector.getRequiredChannels(first), decided);
      optional = wholeBatch(selector.getOptionalChannels(first), decided);
      return;
    }
    Map<Channel, List<Event>> req = new IdentityHashMap<>(4);
    Map<Channel, List<Event>> opt = new IdentityHashMap<>(4);
    List<Channel> order = new ArrayList<>(4); // Flume's order: by first event, required first
    for (Event e : decided) {
      for (Channel c : selector.getRequiredChannels(e)) {
        add(req, order, c, e, decided.size());
      }
      for (Channel c : selector.getOptionalChannels(e)) {
        add(opt, order, c, e, decided.size());
      }
    }
    required = shares(req, order);
    optional = shares(opt, order);
  }

  private static List<ChannelShare> wholeBatch(List<Channel> channels, List<Event> decided) {
    List<ChannelShare> out = new ArrayList<>(channels.size());
    for (Channel c : channels) {
      if (out.stream().noneMatch(share -> share.channel == c)) { // one share a channel, as routed
        out.add(new ChannelShare(c, new ArrayList<>(decided)));
      }
    }
    return out;
  }

  private static void add(Map<Channel, List<Event>> m, List<Channel> order, Channel c, Event e, int n) {
    List<Event> list = m.get(c);
    if (list == null) {
      list = new ArrayList<>(n);
      m.put(c, list);
      if (!order.contains(c)) {
        order.add(c);
      }
    }
    list.add(e);
  }

  private static List<ChannelShare> shares(Map<Channel, List<Event>> m, List<Channel> order) {
    if (m.isEmpty()) {
      return List.of();
    }
    List<ChannelShare> out = new ArrayList<>(m.size());
    for (Channel c : order) {
      List<Event> list = m.get(c);
      if (list != null) {
        out.add(new ChannelShare(c, list));
      }
    }
    return out;
  }
}
