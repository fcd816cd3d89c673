package io.sluice.tools.load;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.regex.Matcher;

/**
 * With {@code --ack}: asks {@code /services/collector/ack}, on the sender's channel and from its
 * source address (a connection of its own), which of the sender's accepted requests are
 * acknowledged, and records their events in acks.csv. {@link #poll} is one round; {@link #run}
 * repeats it every {@link #INTERVAL_MILLIS} until stopped.
 */
final class AckPoller implements Runnable, AutoCloseable {

  static final long INTERVAL_MILLIS = 500;
  /** The most ackIds asked in one request. */
  static final int MAX_IDS = 1000;
  private static final java.util.regex.Pattern TRUE_ID =
      java.util.regex.Pattern.compile("\"(\\d+)\"\\s*:\\s*true");

  /** The events of one request, waiting for its ack. */
  private record Request(long firstSeq, int count, long sentEpochMillis) {}

  /** By ackId, so that polls can go round them in order (see {@link #poll}). */
  private final ConcurrentSkipListMap<Long, Request> pending = new ConcurrentSkipListMap<>();
  /** The last ackId asked about: the next poll starts after it. */
  private long cursor = -1;
  private final HttpConnection connection;
  private final Map<String, String> headers;
  private final Clock clock;
  private final Recorder recorder;
  private final int sender;
  private volatile boolean stopped;
  private volatile long failures;

  AckPoller(Target target, InetAddress source, Tls tls, HecSettings settings, String channel, Clock clock,
      Recorder recorder, int sender) {
    this.connection = new HttpConnection(target, source, tls);
    this.headers = HecSender.commonHeaders(settings, channel);
    headers.put("Content-Type", "application/json");
    this.clock = clock;
    this.recorder = recorder;
    this.sender = sender;
  }

  /** A request was accepted with this ackId. */
  void expect(long ackId, long firstSeq, int count, long sentEpochMillis) {
    pending.put(ackId, new Request(firstSeq, count, sentEpochMillis));
  }

  /**
   * Asks once about up to {@link #MAX_IDS} of the acks pending, going round them: each poll starts
   * after the last id the previous one asked about, so acks that never turn true (the agent forgot
   * them after its ack.ttl) cannot take every poll and leave the others unasked. Returns how many
   * turned true.
   */
  int poll() {
    List<Long> ids = new ArrayList<>(Math.min(MAX_IDS, pending.size()));
    take(pending.tailMap(cursor, false), ids);
    take(pending.headMap(cursor, true), ids);
    if (ids.isEmpty()) {
      return 0;
    }
    cursor = ids.get(ids.size() - 1);
    String query = "{\"acks\":" + ids.toString().replace(" ", "") + "}";
    HttpConnection.Response r;
    try {
      r = connection.post(Target.ACK, headers, query.getBytes(StandardCharsets.US_ASCII));
    } catch (IOException e) {
      failures++;
      return 0;
    }
    if (r.status() != 200) {
      failures++;
      return 0;
    }
    long now = clock.epochMillis();
    int done = 0;
    for (Matcher m = TRUE_ID.matcher(r.text()); m.find(); ) {
      Request q = pending.remove(Long.parseLong(m.group(1)));
      if (q != null) {
        recorder.acked(sender, q.firstSeq(), q.count(), q.sentEpochMillis(), now);
        done++;
      }
    }
    return done;
  }

  private static void take(NavigableMap<Long, Request> from, List<Long> ids) {
    for (Long id : from.keySet()) {
      if (ids.size() == MAX_IDS) {
        return;
      }
      ids.add(id);
    }
  }

  /** Whether no accepted request waits for its ack. */
  boolean settled() {
    return pending.isEmpty();
  }

  long failures() {
    return failures;
  }

  @Override
  public void run() {
    try {
      while (!stopped) {
        clock.sleepUntil(clock.nanoTime() + INTERVAL_MILLIS * 1_000_000L);
        poll();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  void stop() {
    stopped = true;
  }

  @Override
  public void close() {
    stop();
    connection.close();
  }
}
