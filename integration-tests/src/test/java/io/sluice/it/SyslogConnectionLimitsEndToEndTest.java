package io.sluice.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.it.harness.Ports;
import io.sluice.it.harness.SinkFiles.Written;
import io.sluice.it.harness.SyslogPipeline;
import io.sluice.it.harness.TcpSender;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The TCP source's edge limits against abusive senders, in a real agent: a connection flood
 * ({@code connectionRatePerIp}, {@code maxConnectionsPerIp}) and a slowloris ({@code frameTimeout},
 * {@code maxConnectionsPerIp}). Each abuser has its own loopback address (all of 127/8 is loopback
 * on Linux) and, during each attack, a well-behaved sender on another address sends to the same
 * source over one connection: every one of its messages must be delivered, in order.
 */
class SyslogConnectionLimitsEndToEndTest {

  private static final String GOOD = "127.0.0.3";
  private static final int READERS = 2;

  private static final int FLOOD_RATE_LIMIT = 10; // new connections per second per address
  private static final int FLOOD_BURST = 10;
  private static final int FLOOD_MAX_PER_IP = 20;
  private static final String FLOOD_FROM = "127.0.0.2";
  private static final int FLOOD_PER_SECOND = 200;
  private static final int FLOOD_SECONDS = 3;

  private static final int SLOW_MAX_PER_IP = 10;
  private static final int SLOW_EXTRA = 3;
  private static final long FRAME_TIMEOUT_MS = 2000;
  private static final String SLOW_FROM = "127.0.0.4";

  private static SyslogPipeline agent;
  private static int floodPort;
  private static int slowPort;

  @BeforeAll
  static void startAgent() {
    floodPort = Ports.free();
    slowPort = Ports.free();
    agent = SyslogPipeline.start("syslog-limits", "flood slow", """
        a1.sources.flood.type = io.sluice.source.SyslogTcpSource
        a1.sources.flood.host = 127.0.0.1
        a1.sources.flood.port = %d
        a1.sources.flood.connectionRatePerIp = %d/s burst %d
        a1.sources.flood.maxConnectionsPerIp = %d
        a1.sources.flood.readers = %d
        a1.sources.slow.type = io.sluice.source.SyslogTcpSource
        a1.sources.slow.host = 127.0.0.1
        a1.sources.slow.port = %d
        a1.sources.slow.connectionRatePerIp = 100/s burst 100
        a1.sources.slow.maxConnectionsPerIp = %d
        a1.sources.slow.frameTimeout = %dms
        """.formatted(floodPort, FLOOD_RATE_LIMIT, FLOOD_BURST, FLOOD_MAX_PER_IP, READERS,
            slowPort, SLOW_MAX_PER_IP, FRAME_TIMEOUT_MS));
  }

  @AfterAll
  static void stopAgent() {
    if (agent != null) {
      agent.close();
    }
  }

  /**
   * Sends {@code count} LF-framed messages over one connection from {@link #GOOD}, spread over
   * {@code millis}; returns the bodies sent.
   */
  private static CompletableFuture<List<String>> wellBehaved(int port, String nonce, int count, long millis) {
    return CompletableFuture.supplyAsync(() -> {
      List<String> sent = new ArrayList<>();
      try (TcpSender s = TcpSender.open(GOOD, port)) {
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
          LockSupport.parkNanos(start + i * millis * 1_000_000L / count - System.nanoTime());
          String body = nonce + " " + i;
          s.send("<14>1 - goodhost goodapp - - - " + body + "\n");
          sent.add(body);
        }
      }
      return sent;
    });
  }

  /** Polls a gauge every 20 ms while running; reports the largest value seen. */
  private static final class GaugeWatch implements AutoCloseable {
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicLong max = new AtomicLong(-1);
    private final Thread thread;

    GaugeWatch(String metric) {
      thread = new Thread(() -> {
        while (!stop.get()) {
          max.accumulateAndGet(agent.gauge(metric), Math::max);
          LockSupport.parkNanos(20_000_000);
        }
      }, "gauge-watch");
      thread.setDaemon(true);
      thread.start();
    }

    long max() {
      return max.get();
    }

    @Override
    public void close() throws InterruptedException {
      stop.set(true);
      thread.join(5000);
    }
  }

  @Test
  void connectionFloodIsHeldToTheLimitsAndAWellBehavedSenderKeepsDelivering() throws Exception {
    String n = "good-flood-" + UUID.randomUUID().toString().substring(0, 8);
    String f = "flood-" + UUID.randomUUID().toString().substring(0, 8);
    String p = "source.flood.connections.refused.";
    long rateBefore = agent.count(p + "connectionRate");
    long perIpBefore = agent.count(p + "maxConnectionsPerIp");
    long refusedBefore = refusedTotal(p);
    List<TcpSender> flood = new ArrayList<>();
    int connectFailures = 0;
    List<String> sent;
    long floodMillis;
    try (GaugeWatch open = new GaugeWatch("source.flood.connections.open")) {
      CompletableFuture<List<String>> good = wellBehaved(floodPort, n, 150, FLOOD_SECONDS * 1000L);
      long start = System.nanoTime();
      int attempts = FLOOD_PER_SECOND * FLOOD_SECONDS;
      try {
        for (int i = 0; i < attempts; i++) {
          LockSupport.parkNanos(start + i * 1_000_000_000L / FLOOD_PER_SECOND - System.nanoTime());
          try {
            TcpSender s = TcpSender.open(FLOOD_FROM, floodPort);
            flood.add(s);
            // Only a connection the gate admitted is read: its message is delivered, no other.
            s.trySend(("<12>1 - floodhost floodapp - - - " + f + " " + i + "\n").getBytes());
          } catch (UncheckedIOException e) {
            connectFailures++;
          }
        }
        floodMillis = (System.nanoTime() - start) / 1_000_000;
        sent = good.get(30, java.util.concurrent.TimeUnit.SECONDS);

        // Every flood connection is refused (and counted) or admitted (and its message delivered).
        int connected = flood.size();
        agent.await(Duration.ofSeconds(20), "every flood connection to be admitted or refused",
            () -> refusedTotal(p) - refusedBefore
                + agent.events(w -> w.body().startsWith(f + " ")).size() >= connected);
        List<Written> good1 = agent.await(sent.size(), "well-behaved events " + n,
            w -> w.body().startsWith(n + " "));
        assertEquals(sent, good1.stream().map(Written::body).toList(),
            "the well-behaved sender's messages, all and in order");
        good1.forEach(w -> assertEquals(GOOD, w.header("clientIp")));

        long stillOpen = flood.stream().filter(s -> !s.closedByPeer(1)).count();
        long admitted = agent.events(w -> w.body().startsWith(f + " ")).size();
        long rate = agent.count(p + "connectionRate") - rateBefore;
        long perIp = agent.count(p + "maxConnectionsPerIp") - perIpBefore;
        System.out.printf("flood: %d connections in %d ms (%d failed to connect), %d admitted,"
                + " %d still open; refused: %d by rate, %d by maxConnectionsPerIp; max open %d%n",
            connected, floodMillis, connectFailures, admitted, stillOpen, rate, perIp, open.max());

        // The limits held: over the whole flood the source admitted (read from) exactly
        // maxConnectionsPerIp connections and closed none of them, so never more were open.
        assertEquals(FLOOD_MAX_PER_IP, admitted, "flood connections whose message was read");
        assertEquals(FLOOD_MAX_PER_IP, stillOpen, "flood connections left open by the source");
        // The gauge: those, the good sender's, and at most one per reader thread that the gate is
        // refusing at that instant (counted from its accept until its close).
        assertTrue(open.max() <= FLOOD_MAX_PER_IP + 1 + READERS, "open connections peaked at " + open.max());
        // Burst + rate x time admits more than maxConnectionsPerIp, so both limits refused some.
        assertTrue(rate > 0 && perIp > 0, "refusals: rate " + rate + ", perIp " + perIp);
        double seconds = floodMillis / 1000.0 + 1;
        assertTrue(admitted + perIp <= FLOOD_BURST + FLOOD_RATE_LIMIT * seconds,
            "the rate limit let through " + perIp + " + " + admitted + " in " + seconds + " s");
        assertEquals(connected, refusedTotal(p) - refusedBefore + stillOpen, "every connection accounted for");
        assertEquals(0, agent.count(p + "maxConnections"));
        assertEquals(0, connectFailures);
        // Flume's own counter agrees, once the good sender's connection is released.
        agent.await(Duration.ofSeconds(10), "OpenConnectionCount to show the held flood connections",
            () -> agent.sourceCounter("flood", "OpenConnectionCount") == FLOOD_MAX_PER_IP);
      } finally {
        flood.forEach(TcpSender::close);
      }
    }
    agent.await(Duration.ofSeconds(10), "flood connections to be released",
        () -> agent.gauge("source.flood.connections.open") == 0
            && agent.sourceCounter("flood", "OpenConnectionCount") == 0);
  }

  private static long refusedTotal(String prefix) {
    return agent.count(prefix + "connectionRate") + agent.count(prefix + "maxConnectionsPerIp")
        + agent.count(prefix + "maxConnections");
  }

  /**
   * Opens {@code SLOW_MAX_PER_IP + SLOW_EXTRA} connections from {@link #SLOW_FROM}; checks the
   * extra ones are refused by {@code maxConnectionsPerIp}; returns the admitted ones.
   */
  private static List<TcpSender> openSlowConnections(List<TcpSender> all) {
    String p = "source.slow.connections.refused.";
    long perIpBefore = agent.count(p + "maxConnectionsPerIp");
    for (int i = 0; i < SLOW_MAX_PER_IP + SLOW_EXTRA; i++) {
      all.add(TcpSender.open(SLOW_FROM, slowPort));
    }
    agent.await(Duration.ofSeconds(10), SLOW_EXTRA + " refusals by maxConnectionsPerIp",
        () -> agent.count(p + "maxConnectionsPerIp") - perIpBefore >= SLOW_EXTRA);
    // The refused ones were closed at once: a connection still open after 200 ms was admitted.
    List<CompletableFuture<Boolean>> closed = all.stream()
        .map(s -> CompletableFuture.supplyAsync(() -> s.closedByPeer(200), r -> {
          Thread t = new Thread(r, "slowloris-probe");
          t.setDaemon(true);
          t.start();
        }))
        .toList();
    List<TcpSender> held = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      if (!closed.get(i).join()) {
        held.add(all.get(i));
      }
    }
    assertEquals(SLOW_MAX_PER_IP, held.size(), "slowloris connections admitted");
    assertEquals(SLOW_EXTRA, agent.count(p + "maxConnectionsPerIp") - perIpBefore);
    return held;
  }

  /**
   * Writes {@code head} at once, then one more byte of {@code tail} a second, on every connection,
   * never a frame's end; returns, per connection, the milliseconds from its first byte until the
   * source closed it (0 if it did not within 8 s).
   */
  private static long[] dribble(List<TcpSender> held, String head, String tail) throws Exception {
    long[] firstByte = new long[held.size()];
    long[] closedAfter = new long[held.size()];
    List<CompletableFuture<Void>> watchers = new ArrayList<>();
    for (int i = 0; i < held.size(); i++) {
      int c = i;
      firstByte[c] = System.nanoTime();
      held.get(c).trySend(head.getBytes());
      watchers.add(CompletableFuture.runAsync(() -> {
        if (held.get(c).closedByPeer(8000)) {
          closedAfter[c] = Math.max(1, (System.nanoTime() - firstByte[c]) / 1_000_000);
        }
      }, r -> {
        Thread t = new Thread(r, "slowloris-watch-" + c);
        t.setDaemon(true);
        t.start();
      }));
    }
    long t0 = System.nanoTime();
    for (int second = 1; second <= 8 && !CompletableFuture.allOf(watchers.toArray(new CompletableFuture[0])).isDone(); second++) {
      LockSupport.parkNanos(t0 + second * 1_000_000_000L - System.nanoTime());
      for (int i = 0; i < held.size(); i++) {
        if (closedAfter[i] == 0 && second - 1 < tail.length()) {
          held.get(i).trySend(new byte[] {(byte) tail.charAt(second - 1)});
        }
      }
    }
    CompletableFuture.allOf(watchers.toArray(new CompletableFuture[0])).get(15, java.util.concurrent.TimeUnit.SECONDS);
    return closedAfter;
  }

  @Test
  void slowlorisIsCutByTheFrameTimeoutAndAWellBehavedSenderKeepsDelivering() throws Exception {
    String n = "good-slow-" + UUID.randomUUID().toString().substring(0, 8);
    String p = "source.slow.connections.refused.";
    long timeoutsBefore = agent.count(p + "frameTimeout");
    List<TcpSender> all = new ArrayList<>();
    try (GaugeWatch open = new GaugeWatch("source.slow.connections.open")) {
      CompletableFuture<List<String>> good = wellBehaved(slowPort, n, 100, 4000);
      List<TcpSender> held = openSlowConnections(all);
      // The classic slowloris: a frame begun, continued a byte a second, never ended.
      long[] closedAfter = dribble(held, "<", "13>1 2026-11-23T01:02:03Z slowhost slowapp - - - never");
      List<String> sent = good.get(30, java.util.concurrent.TimeUnit.SECONDS);
      List<Written> delivered = agent.await(sent.size(), "well-behaved events " + n,
          w -> w.body().startsWith(n + " "));

      System.out.printf("slowloris: closed after (ms from first byte) %s; max open %d%n",
          java.util.Arrays.toString(closedAfter), open.max());
      for (int i = 0; i < held.size(); i++) {
        assertTrue(closedAfter[i] > 0, "slowloris connection " + i + " never closed by the source");
        assertTrue(closedAfter[i] >= FRAME_TIMEOUT_MS - 50 && closedAfter[i] <= FRAME_TIMEOUT_MS + 3000,
            "slowloris connection " + i + " closed " + closedAfter[i] + " ms after its first byte");
      }
      agent.await(Duration.ofSeconds(5), "frame timeouts to be counted",
          () -> agent.count(p + "frameTimeout") - timeoutsBefore >= SLOW_MAX_PER_IP);
      assertEquals(SLOW_MAX_PER_IP, agent.count(p + "frameTimeout") - timeoutsBefore);
      // Admitted slowloris connections, the good sender's, and at most one per reader thread being
      // refused at that instant.
      assertTrue(open.max() <= SLOW_MAX_PER_IP + 1 + READERS, "open connections peaked at " + open.max());

      assertEquals(sent, delivered.stream().map(Written::body).toList(),
          "the well-behaved sender's messages, all and in order");
      delivered.forEach(w -> assertEquals(GOOD, w.header("clientIp")));
    } finally {
      all.forEach(TcpSender::close);
    }
    agent.await(Duration.ofSeconds(10), "slowloris connections to be released",
        () -> agent.gauge("source.slow.connections.open") == 0);
  }

  /**
   * A line the source cut with its frame timeout is a truncated message: it must not be delivered
   * as a complete one (without {@code flume.syslog.status}). Here each slow connection sends a whole
   * parseable RFC 5424 message but never its LF, then a byte a second.
   */
  @Test
  void aLineCutByTheFrameTimeoutIsNotDeliveredAsComplete() throws Exception {
    String n = "cut-" + UUID.randomUUID().toString().substring(0, 8);
    String p = "source.slow.connections.refused.";
    long timeoutsBefore = agent.count(p + "frameTimeout");
    List<TcpSender> all = new ArrayList<>();
    try {
      List<TcpSender> held = openSlowConnections(all);
      long[] closedAfter = dribble(held, "<13>1 2026-11-23T01:02:03Z slowhost slowapp - - - " + n + " part",
          "ial message that never ends");
      for (long c : closedAfter) {
        assertTrue(c >= FRAME_TIMEOUT_MS - 50 && c <= FRAME_TIMEOUT_MS + 3000, "closed after " + c + " ms");
      }
      agent.await(Duration.ofSeconds(5), "frame timeouts to be counted",
          () -> agent.count(p + "frameTimeout") - timeoutsBefore >= SLOW_MAX_PER_IP);
    } finally {
      all.forEach(TcpSender::close);
    }
    agent.awaitDrained();
    List<Written> cut = agent.events(w -> w.body().contains(n));
    for (Written w : cut) {
      assertTrue(w.header("flume.syslog.status") != null,
          "a message cut by the frame timeout was delivered as if complete: " + w);
    }
  }
}
