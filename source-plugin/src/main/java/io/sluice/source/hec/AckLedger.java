package io.sluice.source.hec;

import io.sluice.core.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Splunk's indexer acknowledgements of one HEC source: per channel, an {@code ackId} for each
 * accepted request, counted up (from a number taken from the clock, see {@link #IDS_PER_MILLI}),
 * and whether every event of that request has been handled.
 * Plain logic with an injected clock; thread-safe (one lock: every call is a few map operations).
 *
 * <p>An ack is opened before its events go to the channels, so that they can carry its id, and
 * told afterwards how many handlings it waits for ({@link #expect}); the handlings the sinks report
 * ({@link #handled}) may come before that, which is why the count may go below zero before the
 * expectation is known. It completes when both are in and nothing is outstanding, and a query
 * reports it {@code true} once, then forgets it, as Splunk does. An ack whose request was refused,
 * or lost an event on the way, is {@link #abandon}ed: it never turns true, and the client sends its
 * request again.
 *
 * <p>Bounded: at most {@code maxChannels} channels and {@code maxPendingPerChannel} acks (pending
 * or complete but not yet queried) on each; a request beyond either is refused ({@link #BUSY}).
 * Channels not used for {@code ttl} are forgotten with their acks, and so is an ack older than
 * {@code ttl}, queried or not: the client has long sent it again.
 *
 * <p>A channel belongs to one source of the agent (sinks report to every source, and a channel's
 * ackIds must mean one request): a second source refuses it while the first keeps it.
 */
final class AckLedger implements AutoCloseable {

  /** No ack: a limit on channels or on pending acks is reached (the client should come back later). */
  static final long BUSY = -1;
  /** No ack: the channel belongs to another HEC source of the agent. */
  static final long OTHER_SOURCE = -2;

  /**
   * A channel's first ackId is the wall-clock millisecond it was first seen times this, not 0 as
   * in Splunk: a client that goes on with its channel after a restart of the agent, or after the
   * channel was forgotten idle, still waits for the ids it was given before, and a new request must
   * never get one of them (its ack would tell the client that a lost request was delivered). Ids
   * stay below 2^53, exact in JavaScript clients, until the year 2255; a channel could only catch
   * up with a later one's ids with over a thousand requests per millisecond.
   */
  static final long IDS_PER_MILLI = 1000;

  /** Owners of the channels in use, across the sources of the agent. */
  private static final Map<String, AckLedger> OWNERS = new ConcurrentHashMap<>();

  record Settings(Duration ttl, int maxChannels, int maxPendingPerChannel) {}

  private static final class Ack {
    final long openedAt;
    final long receivedAt; // the request's, which its events carry: a stale event cannot match
    long outstanding; // handlings expected minus reported; below zero while reports run ahead
    boolean expected;

    Ack(long openedAt, long receivedAt) {
      this.openedAt = openedAt;
      this.receivedAt = receivedAt;
    }

    boolean complete() {
      return expected && outstanding <= 0;
    }
  }

  private static final class ChannelAcks {
    final Map<Long, Ack> acks = new LinkedHashMap<>(); // in the order opened
    long nextId;
    long lastUsed;
  }

  private final long ttlNanos;
  private final int maxChannels;
  private final int maxPendingPerChannel;
  private final Clock clock;
  private final Map<String, ChannelAcks> channels = new HashMap<>();
  private long pending; // acks not complete, all channels
  private long completed;
  private long expired;

  AckLedger(Settings s, Clock clock) {
    this.ttlNanos = s.ttl().toNanos();
    this.maxChannels = s.maxChannels();
    this.maxPendingPerChannel = s.maxPendingPerChannel();
    this.clock = clock;
  }

  /**
   * A new ackId on {@code channel} (lower case) for a request received at {@code receivedAtMillis}
   * (the {@code sluice.receivedAt} of its events), or {@link #BUSY} or {@link #OTHER_SOURCE}.
   */
  synchronized long open(String channel, long receivedAtMillis) {
    long now = clock.nanoTime();
    ChannelAcks c = channels.get(channel);
    if (c == null) {
      if (channels.size() >= maxChannels) {
        return BUSY;
      }
      if (OWNERS.putIfAbsent(channel, this) != null) {
        return OTHER_SOURCE;
      }
      c = new ChannelAcks();
      c.nextId = Math.max(0, clock.currentTimeMillis()) * IDS_PER_MILLI;
      channels.put(channel, c);
    }
    c.lastUsed = now;
    if (c.acks.size() >= maxPendingPerChannel) {
      return BUSY;
    }
    long id = c.nextId++;
    c.acks.put(id, new Ack(now, receivedAtMillis));
    pending++;
    return id;
  }

  /** The request's events are in: {@code handlings} reports of them complete the ack. */
  synchronized void expect(String channel, long ackId, long handlings) {
    Ack a = ack(channel, ackId);
    if (a == null || a.expected) {
      return;
    }
    a.expected = true;
    a.outstanding += handlings;
    if (a.complete()) {
      pending--;
      completed++;
    }
  }

  /**
   * {@code n} events of the ack have been handled durably. Events of an older request with the
   * same channel and id (one the agent received before a restart, kept by a durable channel) are
   * told apart by their {@code receivedAt}, and ignored.
   */
  synchronized void handled(String channel, long ackId, long receivedAtMillis, int n) {
    Ack a = ack(channel, ackId);
    if (a == null || a.receivedAt != receivedAtMillis || a.complete()) {
      return;
    }
    a.outstanding -= n;
    if (a.complete()) {
      pending--;
      completed++;
    }
  }

  /** The ack never turns true: its request was refused, or lost events on the way. */
  synchronized void abandon(String channel, long ackId) {
    ChannelAcks c = channels.get(channel);
    Ack a = c == null ? null : c.acks.remove(ackId);
    if (a != null && !a.complete()) {
      pending--;
    }
  }

  /**
   * Whether each of {@code ids} is complete, as Splunk answers {@code /ack}: {@code true} once,
   * after which the ack is forgotten; {@code false} for pending, unknown and forgotten ones.
   */
  synchronized boolean[] query(String channel, long[] ids) {
    boolean[] done = new boolean[ids.length];
    ChannelAcks c = channels.get(channel);
    if (c == null) {
      return done;
    }
    c.lastUsed = clock.nanoTime();
    for (int i = 0; i < ids.length; i++) {
      Ack a = c.acks.get(ids[i]);
      if (a != null && a.complete()) {
        done[i] = true;
        c.acks.remove(ids[i]);
      }
    }
    return done;
  }

  /** Forgets idle channels and acks older than the ttl; called every second or so. */
  synchronized void expire() {
    long now = clock.nanoTime();
    for (Iterator<Map.Entry<String, ChannelAcks>> it = channels.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, ChannelAcks> e = it.next();
      ChannelAcks c = e.getValue();
      for (Iterator<Ack> acks = c.acks.values().iterator(); acks.hasNext(); ) {
        Ack a = acks.next();
        if (now - a.openedAt < ttlNanos) {
          break; // opened in order: the rest are younger
        }
        acks.remove();
        expired++;
        if (!a.complete()) {
          pending--;
        }
      }
      if (now - c.lastUsed >= ttlNanos && c.acks.isEmpty()) {
        it.remove();
        OWNERS.remove(e.getKey(), this);
      }
    }
  }

  /** Whether no ack is left: every one was queried, abandoned or forgotten. */
  synchronized boolean settled() {
    for (ChannelAcks c : channels.values()) {
      if (!c.acks.isEmpty()) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code channel} is one of this source's, so its events' reports are for this ledger. */
  static boolean ownedBy(String channel, AckLedger ledger) {
    return OWNERS.get(channel) == ledger;
  }

  /** Whether a channel not seen yet would be refused. */
  synchronized boolean atChannelLimit() {
    return channels.size() >= maxChannels;
  }

  synchronized int channels() {
    return channels.size();
  }

  /** Acks whose events are not all handled yet. */
  synchronized long pending() {
    return pending;
  }

  /** Acks that have completed, since the start. */
  synchronized long completed() {
    return completed;
  }

  /** Acks forgotten unqueried after the ttl, since the start. */
  synchronized long expired() {
    return expired;
  }

  private Ack ack(String channel, long ackId) {
    ChannelAcks c = channels.get(channel);
    return c == null ? null : c.acks.get(ackId);
  }

  /** Gives up the channels: the source stops. */
  @Override
  public synchronized void close() {
    for (String channel : channels.keySet()) {
      OWNERS.remove(channel, this);
    }
    channels.clear();
    pending = 0;
  }
}
