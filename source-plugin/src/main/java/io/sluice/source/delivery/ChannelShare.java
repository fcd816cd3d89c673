package io.sluice.source.delivery;

import io.sluice.core.Disposition;
import io.sluice.core.Headers;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.apache.flume.Channel;
import org.apache.flume.Event;

/**
 * One channel's share of a batch: committed in one transaction while that works; when the caller
 * keeps a refused shipment (TCP) or nobody retries (UDP), after a failure that is not a full
 * channel, one event per transaction, so that an event the channel can never take (a poison
 * event) holds up only itself.
 *
 * <p>When the caller keeps the shipment ({@link Delivery.Retries#SHIPMENT_KEPT}), an event that
 * fails alone {@value #POISON_FAILURES} times is dropped as poison only once the channel is seen to
 * work for other events: it took another commit since the event first failed alone, or it takes
 * the next event of the share alone (a probe; committing that event first does not break the
 * order, as the failing one is then dropped). A channel that fails for every event is broken, not
 * poisoned: nothing is dropped and the sender is held back until it recovers. Without retries
 * ({@link Delivery.Retries#NONE}), a failing event is dropped at once, and a share refused for
 * room is tried once more with only its express events, so that the deferred events of one sender
 * cannot cost another sender its processed ones.
 *
 * <p>When the sender resends the whole batch ({@link Delivery.Retries#BATCH_RESENT}), the resend is
 * a new shipment that writes again whatever this one committed: the share goes in one transaction
 * or not at all, never one event at a time. Nor is there poison to find, as no shipment is
 * attempted twice: an event the channel can never take keeps its batch refused, as it does under
 * Flume's own {@code ChannelProcessor}.
 */
final class ChannelShare {

  static final int POISON_FAILURES = 3;

  final Channel channel;
  private final List<Event> events;
  private int next; // events[0, next) are committed or given up
  private int givenUp; // dropped or poisoned
  private boolean oneByOne;
  private int failures; // lone failures of events[next]
  private long commitsAtFirstFailure;

  ChannelShare(Channel channel, List<Event> events) {
    this.channel = channel;
    this.events = events;
  }

  boolean done() {
    return next == events.size();
  }

  int size() {
    return events.size();
  }

  /** Events this channel will never get (dropped without retries, or poison). */
  int givenUp() {
    return givenUp;
  }

  /** Events of the share that {@code match}. */
  int count(Predicate<Event> match) {
    int n = 0;
    for (Event e : events) {
      if (match.test(e)) {
        n++;
      }
    }
    return n;
  }

  /** Events neither committed nor given up yet. */
  int left() {
    return events.size() - next;
  }

  /**
   * Commits what is left; returns null when all of it is in, else the failure that stopped it.
   * With {@link Delivery.Retries#NONE}, never leaves anything for a later attempt: what fails is
   * dropped and counted in {@code losses}; with {@link Delivery.Retries#BATCH_RESENT}, never
   * commits part of the share.
   */
  Throwable commit(Committer committer, Delivery.Retries retries, Losses losses) {
    if (!oneByOne) {
      Throwable t = committer.commit(channel, next == 0 ? events : events.subList(next, events.size()));
      if (t == null) {
        next = events.size();
        return null;
      }
      if (Committer.classify(t) == Refusal.FULL) {
        return retries == Delivery.Retries.NONE ? expressOnly(committer, t, losses) : t;
      }
      if (retries == Delivery.Retries.BATCH_RESENT) {
        return t; // events committed alone now would come again with the resend: duplicates
      }
      oneByOne = true;
    }
    while (next < events.size()) {
      Throwable t = committer.commit(channel, events.subList(next, next + 1));
      if (t == null) {
        next++;
        failures = 0;
        continue;
      }
      if (retries == Delivery.Retries.NONE) {
        losses.dropped(Committer.classify(t), 1, channel, t);
        givenUp++;
        next++;
        continue;
      }
      if (Committer.classify(t) == Refusal.FULL) {
        return t;
      }
      if (failures++ == 0) {
        commitsAtFirstFailure = committer.commitsInto(channel);
      }
      if (failures < POISON_FAILURES) {
        return t;
      }
      boolean channelWorks = committer.commitsInto(channel) > commitsAtFirstFailure;
      if (!channelWorks && next + 1 < events.size()) {
        Throwable probe = committer.commit(channel, events.subList(next + 1, next + 2));
        if (probe == null) {
          channelWorks = true;
          events.set(next + 1, events.get(next)); // the probe is in: the poison event takes its place
          next++;
        }
      }
      if (!channelWorks) {
        return t;
      }
      losses.poisoned(events.get(next), channel, t, failures);
      givenUp++;
      next++;
      failures = 0;
    }
    return null;
  }

  /**
   * Without retries, after the channel refused the share for room: the events to deliver now
   * (processed, throttled-and-kept) may still fit where the deferred ones did not.
   */
  private Throwable expressOnly(Committer committer, Throwable full, Losses losses) {
    List<Event> express = new ArrayList<>(left());
    for (Event e : events.subList(next, events.size())) {
      if (!Disposition.BATCHED.value().equals(e.getHeaders().get(Headers.DISPOSITION))) {
        express.add(e);
      }
    }
    int deferred = left() - express.size();
    Throwable t = deferred == 0 || express.isEmpty() ? full : committer.commit(channel, express);
    if (t == null) {
      losses.dropped(Refusal.FULL, deferred, channel, full);
      givenUp += deferred;
    } else {
      losses.dropped(Committer.classify(t), left(), channel, t);
      givenUp += left();
    }
    next = events.size();
    return null;
  }

  /** Where a share reports what it gave up. */
  interface Losses {
    /** {@code n} events given up without retries, for {@code why}. */
    void dropped(Refusal why, int n, Channel channel, Throwable cause);

    /** An event that failed alone {@code failures} times while the channel took others. */
    void poisoned(Event event, Channel channel, Throwable cause, int failures);
  }
}
