package io.sluice.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.core.limit.redis.RedisServer;
import io.sluice.it.harness.FlumeAgent;
import io.sluice.it.harness.HecClient;
import io.sluice.it.harness.Ports;
import io.sluice.it.harness.SinkFiles;
import io.sluice.it.harness.SinkFiles.Written;
import io.sluice.it.harness.TcpSender;
import java.io.BufferedInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two real agents, each a SyslogTcpSource with the TokenBucketInterceptor on {@code store =
 * redis}, sharing one real {@code redis-server}: one sender's limit holds across both, its
 * deferred events come due in one order whichever agent took them, and when Redis dies the
 * agents go on deciding by {@code redis.onFailure} and come back to Redis when it returns.
 */
class SharedLimitEndToEndTest {

  private static final int RATE = 50; // per second
  private static final int BURST = 20;
  private static final long MAX_DELAY_MS = 2000;
  private static final int EVENTS_PER_AGENT = 300;
  private static final String GOV = "org.apache.flume.interceptor:type=gov";

  private RedisServer redis;
  private final List<FlumeAgent> agents = new ArrayList<>();

  @BeforeEach
  void startRedis() {
    redis = RedisServer.start();
  }

  @AfterEach
  void stopAll() {
    agents.forEach(FlumeAgent::close);
    redis.close();
  }

  @Test
  void theTcpSourcesConnectionRateIsSharedToo() {
    // 1 new connection a second per address, burst 5, in Redis: two agents together admit the
    // burst and about one more a second, where each alone would admit its own burst.
    int p1 = Ports.free();
    int p2 = Ports.free();
    List<FlumeAgent> two = new ArrayList<>();
    for (String name : List.of("edge-a", "edge-b")) {
      int port = two.isEmpty() ? p1 : p2;
      Path dir = FlumeAgent.cleanDir(FlumeAgent.workDir("shared-limit-" + name));
      String conf = """
          a1.sources = r1
          a1.channels = c1
          a1.sinks = k1
          a1.sources.r1.type = io.sluice.source.SyslogTcpSource
          a1.sources.r1.host = 127.0.0.1
          a1.sources.r1.port = %d
          a1.sources.r1.channels = c1
          a1.sources.r1.connectionRatePerIp = 1/s burst 5
          a1.sources.r1.store = redis
          a1.sources.r1.redis.uri = %s
          a1.channels.c1.type = memory
          a1.sinks.k1.type = null
          a1.sinks.k1.channel = c1
          """.formatted(port, redis.uri());
      FlumeAgent agent = FlumeAgent.start("a1", dir, conf);
      agents.add(agent);
      agent.awaitStarted(Duration.ofSeconds(30), List.of("org.apache.flume.source:type=r1"));
      two.add(agent);
    }
    long start = System.currentTimeMillis();
    List<TcpSender> open = new ArrayList<>();
    try {
      for (int i = 0; i < 10; i++) {
        open.add(TcpSender.open("127.0.0.1", p1));
        open.add(TcpSender.open("127.0.0.1", p2));
      }
      int admitted = 0;
      for (TcpSender s : open) {
        admitted += s.closedByPeer(300) ? 0 : 1;
      }
      double seconds = (System.currentTimeMillis() - start) / 1000.0;
      assertTrue(admitted >= 5 && admitted <= 5 + Math.ceil(seconds),
          admitted + " of 20 connections admitted in " + seconds + " s");
      long refused = 0;
      for (FlumeAgent x : two) {
        refused += x.counter("org.apache.flume.sluice:name=source.r1.connections.refused.connectionRate",
            "Count");
      }
      assertEquals(20 - admitted, refused);
    } finally {
      open.forEach(TcpSender::close);
    }
  }

  @Test
  void aRedisThatStopsAnsweringHoldsBackTheNewConnectionOnlyNotTheOpenOnes() throws Exception {
    // One I/O thread, so the open connection and the new one share it; a Redis timeout far longer
    // than the test waits, so a thread waiting for Redis would stay stuck.
    int port = Ports.free();
    Path dir = FlumeAgent.cleanDir(FlumeAgent.workDir("shared-limit-stalled"));
    String conf = """
        a1.sources = r1
        a1.channels = c1
        a1.sinks = k1
        a1.sources.r1.type = io.sluice.source.SyslogTcpSource
        a1.sources.r1.host = 127.0.0.1
        a1.sources.r1.port = %d
        a1.sources.r1.readers = 1
        a1.sources.r1.channels = c1
        a1.sources.r1.connectionRatePerIp = 10/s burst 10
        a1.sources.r1.store = redis
        a1.sources.r1.redis.uri = %s
        a1.sources.r1.redis.timeout = 60s
        a1.channels.c1.type = memory
        a1.sinks.k1.type = null
        a1.sinks.k1.channel = c1
        """.formatted(port, redis.uri());
    FlumeAgent agent = FlumeAgent.start("a1", dir, conf);
    agents.add(agent);
    String source = "org.apache.flume.source:type=r1";
    agent.awaitStarted(Duration.ofSeconds(30), List.of(source));
    String open = "org.apache.flume.sluice:name=source.r1.connections.open";

    try (TcpSender first = TcpSender.open("127.0.0.1", port)) {
      first.send(lines("before", 10));
      agent.await(Duration.ofSeconds(30), "the first connection's lines",
          () -> agent.counter(source, "EventAcceptedCount") == 10);

      redis.freeze();
      TcpSender second;
      try {
        second = TcpSender.open("127.0.0.1", port); // its admission now waits for Redis
        second.send(lines("second", 5));
        Thread.sleep(500);
        first.send(lines("during", 100));
        agent.await(Duration.ofSeconds(20), "the open connection's lines while Redis is frozen",
            () -> agent.counter(source, "EventAcceptedCount") == 110);
        assertEquals(1L, ((Number) agent.attribute(open, "Value")).longValue(),
            "the new connection is not admitted before Redis answers");
      } finally {
        redis.resume();
      }
      try (TcpSender s = second) {
        agent.await(Duration.ofSeconds(30), "the new connection admitted once Redis answers",
            () -> agent.counter(source, "EventAcceptedCount") == 115);
        assertEquals(2L, ((Number) agent.attribute(open, "Value")).longValue());
      }
    }
  }

  @Test
  void aRequestWaitingForRedisOnPreAuthLimitHoldsNoOtherConnection() throws Exception {
    // The HEC source with preAuthLimit in Redis and one I/O thread: while Redis does not answer,
    // a request waits for its verdict, and another connection's /health is answered meanwhile.
    // (connectionRatePerIp would be asked of Redis too: a new connection would wait for it.)
    int port = Ports.free();
    FlumeAgent agent = hecAgent("shared-limit-hec-stalled", port);
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    URI collector = URI.create("http://127.0.0.1:" + port + "/services/collector");
    HttpRequest post = HttpRequest.newBuilder(collector)
        .header("Authorization", "Splunk " + HEC_TOKEN)
        .timeout(Duration.ofSeconds(60))
        .POST(HttpRequest.BodyPublishers.ofString("{\"event\":\"stalled\"}"))
        .build();
    assertEquals(200, http.send(post, HttpResponse.BodyHandlers.ofString()).statusCode());

    redis.freeze();
    CompletableFuture<HttpResponse<String>> waiting;
    try {
      String open = "org.apache.flume.sluice:name=source.hec.connections.open";
      long before = ((Number) agent.attribute(open, "Value")).longValue();
      waiting = HttpClient.newHttpClient().sendAsync(post, HttpResponse.BodyHandlers.ofString());
      // its connection is open (the client writes the request as soon as it is): then it waits
      agent.await(Duration.ofSeconds(20), "the waiting request's connection",
          () -> ((Number) agent.attribute(open, "Value")).longValue() == before + 1);
      Thread.sleep(300);
      HttpRequest health = HttpRequest.newBuilder(URI.create(
          "http://127.0.0.1:" + port + "/services/collector/health")).timeout(Duration.ofSeconds(20)).build();
      assertEquals(200, HttpClient.newHttpClient().send(health, HttpResponse.BodyHandlers.ofString())
          .statusCode(), "another connection is served while a request waits for Redis");
      assertFalse(waiting.isDone(), "the request waits for Redis's verdict");
    } finally {
      redis.resume();
    }
    assertEquals(200, waiting.get(30, TimeUnit.SECONDS).statusCode(), "admitted once Redis answers");
    agent.await(Duration.ofSeconds(30), "both events in the channel",
        () -> agent.counter("org.apache.flume.source:type=hec", "EventAcceptedCount") == 2);
  }

  @Test
  void whileRedisIsFrozenPipelinedRequestsWaitInOrderAndALeavingClientsBodyIsGivenBack()
      throws Exception {
    int port = Ports.free();
    FlumeAgent agent = hecAgent("shared-limit-hec-pipelined", port);
    String bodies = "org.apache.flume.sluice:name=source.hec.bodies.bytes";
    String open = "org.apache.flume.sluice:name=source.hec.connections.open";
    redis.freeze();
    try (Socket pipelining = new Socket("127.0.0.1", port); Socket leaving = new Socket("127.0.0.1", port)) {
      pipelining.setSoTimeout(30_000);
      OutputStream out = pipelining.getOutputStream();
      out.write((rawPost("one") + rawPost("two")).getBytes(StandardCharsets.US_ASCII));
      out.flush();
      leaving.getOutputStream().write(rawPost("gone").getBytes(StandardCharsets.US_ASCII));
      leaving.getOutputStream().flush();
      agent.await(Duration.ofSeconds(20), "both connections open and their bodies held",
          () -> ((Number) agent.attribute(open, "Value")).longValue() == 2
              && ((Number) agent.attribute(bodies, "Value")).longValue() > 0);
      Thread.sleep(300);
      leaving.close(); // its request waits for Redis: what it held must come back all the same
      Thread.sleep(300);
      assertEquals(0, pipelining.getInputStream().available(), "nothing answered before Redis");
      redis.resume();
      InputStream in = new BufferedInputStream(pipelining.getInputStream());
      assertEquals("HTTP/1.1 200 OK", HecClient.readAnswer(in), "the first pipelined request");
      assertEquals("HTTP/1.1 200 OK", HecClient.readAnswer(in), "then the second, in order");
    } finally {
      redis.resume();
    }
    agent.await(Duration.ofSeconds(30), "the bodies given back, the leaving client's too",
        () -> ((Number) agent.attribute(bodies, "Value")).longValue() == 0);
    agent.await(Duration.ofSeconds(30), "the pipelined events in the channel (the leaving one's "
            + "request was decided after its connection closed: not taken)",
        () -> agent.counter("org.apache.flume.source:type=hec", "EventAcceptedCount") == 2);
  }

  /** A whole HTTP/1.1 request posting one event, as a client writes it. */
  private static String rawPost(String event) {
    String body = "{\"event\":\"" + event + "\"}";
    return "POST /services/collector HTTP/1.1\r\nHost: x\r\nAuthorization: Splunk " + HEC_TOKEN
        + "\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
  }

  private static final String HEC_TOKEN = "9d1e2f3a-0000-4000-8000-00000000beef";

  /**
   * A HEC agent with preAuthLimit in Redis and one I/O thread (connectionRatePerIp off: it would
   * make a new connection wait for Redis too), and a Redis timeout longer than any test waits.
   */
  private FlumeAgent hecAgent(String name, int port) {
    Path dir = FlumeAgent.cleanDir(FlumeAgent.workDir(name));
    String conf = """
        a1.sources = hec
        a1.channels = c1
        a1.sinks = k1
        a1.sources.hec.type = io.sluice.source.HecSource
        a1.sources.hec.host = 127.0.0.1
        a1.sources.hec.port = %d
        a1.sources.hec.threads = 1
        a1.sources.hec.channels = c1
        a1.sources.hec.tokens = ops
        a1.sources.hec.tokens.ops.value = %s
        a1.sources.hec.preAuthLimit = 100/s burst 100
        a1.sources.hec.connectionRatePerIp = none
        a1.sources.hec.store = redis
        a1.sources.hec.redis.uri = %s
        a1.sources.hec.redis.timeout = 60s
        a1.channels.c1.type = memory
        a1.sinks.k1.type = null
        a1.sinks.k1.channel = c1
        """.formatted(port, HEC_TOKEN, redis.uri());
    FlumeAgent agent = FlumeAgent.start("a1", dir, conf);
    agents.add(agent);
    agent.awaitStarted(Duration.ofSeconds(30), List.of("org.apache.flume.source:type=hec"));
    return agent;
  }

  private static String lines(String tag, int count) {
    StringBuilder frames = new StringBuilder();
    for (int i = 0; i < count; i++) {
      frames.append("<13>Dec  4 08:00:00 host app: ").append(tag).append(' ').append(i).append('\n');
    }
    return frames.toString();
  }

  private FlumeAgent agent(String name, int port, String onFailure) {
    Path dir = FlumeAgent.cleanDir(FlumeAgent.workDir("shared-limit-" + name));
    FlumeAgent.cleanDir(dir.resolve("out"));
    String conf = """
        a1.sources = r1
        a1.channels = c1
        a1.sinks = k1

        a1.sources.r1.type = io.sluice.source.SyslogTcpSource
        a1.sources.r1.host = 127.0.0.1
        a1.sources.r1.port = %1$d
        a1.sources.r1.clientIPHeader = clientIp
        a1.sources.r1.channels = c1
        a1.sources.r1.interceptors = gov
        a1.sources.r1.interceptors.gov.type = io.sluice.interceptor.TokenBucketInterceptor$Builder
        a1.sources.r1.interceptors.gov.metricsName = gov
        a1.sources.r1.interceptors.gov.key = clientIp
        a1.sources.r1.interceptors.gov.limit = %2$d/s burst %3$d
        a1.sources.r1.interceptors.gov.defer.maxDelay = %4$dms
        a1.sources.r1.interceptors.gov.throttled = drop
        a1.sources.r1.interceptors.gov.store = redis
        a1.sources.r1.interceptors.gov.redis.uri = %5$s
        a1.sources.r1.interceptors.gov.redis.onFailure = %6$s
        a1.sources.r1.interceptors.gov.redis.expectedAgents = 2

        a1.channels.c1.type = memory
        a1.channels.c1.capacity = 100000
        a1.channels.c1.transactionCapacity = 1000

        a1.sinks.k1.type = file_roll
        a1.sinks.k1.channel = c1
        a1.sinks.k1.sink.directory = %7$s/out
        a1.sinks.k1.sink.rollInterval = 0
        a1.sinks.k1.sink.serializer = header_and_text
        """.formatted(port, RATE, BURST, MAX_DELAY_MS, redis.uri(), onFailure, dir);
    FlumeAgent agent = FlumeAgent.start("a1", dir, conf);
    agents.add(agent);
    agent.awaitStarted(Duration.ofSeconds(30), List.of(GOV));
    return agent;
  }

  private static void send(int port, int count, String tag) {
    try (TcpSender s = TcpSender.open("127.0.0.1", port)) {
      s.send(lines(tag, count));
    }
  }

  /** Waits until the source accepted {@code events} in all, and each was written or dropped. */
  private static List<Written> drained(FlumeAgent agent, long events) {
    String source = "org.apache.flume.source:type=r1";
    agent.await(Duration.ofSeconds(60), "the sink to drain", () -> {
      long accepted = agent.counter(source, "EventAcceptedCount");
      long written = agent.counter("org.apache.flume.sink:type=k1", "EventDrainSuccessCount");
      return accepted == events && written + agent.counter(GOV, "DroppedCount") == accepted;
    });
    return SinkFiles.read(agent.dir().resolve("out"));
  }

  @Test
  void twoAgentsHoldOneSendersLimitTogetherAndItsDeferredEventsComeDueInOneOrder() {
    int p1 = Ports.free();
    int p2 = Ports.free();
    FlumeAgent a = agent("a", p1, "closed");
    FlumeAgent b = agent("b", p2, "closed");

    long start = System.currentTimeMillis();
    Thread other = new Thread(() -> send(p2, EVENTS_PER_AGENT, "b"));
    other.start();
    send(p1, EVENTS_PER_AGENT, "a");
    try {
      other.join();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
    List<Written> admitted = new ArrayList<>(drained(a, EVENTS_PER_AGENT));
    int fromA = admitted.size();
    admitted.addAll(drained(b, EVENTS_PER_AGENT));
    long decidedBy = System.currentTimeMillis();
    int fromB = admitted.size() - fromA;

    // Together: the burst, plus the rate over the time the events arrived and were deferred.
    double seconds = (decidedBy - start) / 1000.0;
    long ceiling = BURST + Math.round(RATE * (seconds + MAX_DELAY_MS / 1000.0));
    int total = admitted.size();
    assertTrue(total <= ceiling, "admitted " + total + " > " + ceiling + " in " + seconds + " s");
    // The limit was used, not split in two: at least the burst and the deferral window's worth.
    long floor = BURST + RATE * MAX_DELAY_MS / 1000;
    assertTrue(total >= floor, "admitted only " + total + " < " + floor);
    // Each agent alone admits at least that floor (a limit of its own); together they admit
    // fewer than two floors: one limit, shared. (Which agent gets how much is a race.)
    assertTrue(total < 2 * floor,
        "admitted " + fromA + " + " + fromB + ": as much as two separate limits would");

    // One order: over the deferred events of both agents, no span of time holds more due times
    // than the limit allows (ms labels: one more for rounding at each end).
    long[] due = admitted.stream()
        .filter(w -> w.header("sluice.disposition").equals("batched"))
        .mapToLong(w -> Long.parseLong(w.header("sluice.releaseAt")))
        .sorted().toArray();
    assertTrue(due.length > RATE, "deferred: " + due.length);
    for (int i = 0; i < due.length; i++) {
      for (int j = i; j < due.length; j++) {
        long span = due[j] - due[i];
        long allowed = BURST + (RATE * (span + 2)) / 1000 + 1;
        assertTrue(j - i + 1 <= allowed,
            (j - i + 1) + " events due within " + span + " ms, more than " + allowed);
      }
    }

    for (FlumeAgent x : List.of(a, b)) {
      assertEquals(0, x.counter("org.apache.flume.sluice:name=interceptor.gov.redis.failures",
          "Value"));
      assertTrue(x.counter("org.apache.flume.sluice:name=interceptor.gov.redis.roundTrips", "Value")
          > 0);
    }
  }

  @Test
  void whenRedisDiesTheAgentsDecideAloneWithTheirShareAndComeBackWhenItReturns() {
    int port = Ports.free();
    FlumeAgent a = agent("local", port, "local");
    send(port, 10, "before");
    drained(a, 10);
    String fallback = "org.apache.flume.sluice:name=interceptor.gov.redis.fallback";
    assertEquals(0, a.counter(fallback, "Value"));

    redis.kill();
    // Alone, with half the limit (expectedAgents = 2): at most half the burst and half the rate.
    long start = System.currentTimeMillis();
    send(port, EVENTS_PER_AGENT, "alone");
    List<Written> written = drained(a, 10 + EVENTS_PER_AGENT);
    double seconds = (System.currentTimeMillis() - start) / 1000.0;
    long alone = written.stream().filter(w -> w.body().contains("alone ")).count();
    long ceiling = BURST / 2 + Math.round(RATE / 2.0 * (seconds + MAX_DELAY_MS / 1000.0));
    assertTrue(alone > 0 && alone <= ceiling, "admitted alone " + alone + ", at most " + ceiling);
    assertTrue(a.counter(fallback, "Value") >= EVENTS_PER_AGENT);
    assertTrue(a.log().contains("the shared store failed"), "the failure is logged");

    redis.restart();
    String roundTrips = "org.apache.flume.sluice:name=interceptor.gov.redis.roundTrips";
    long before = a.counter(roundTrips, "Value");
    a.await(Duration.ofSeconds(30), "decisions by Redis again", () -> {
      send(port, 1, "after");
      return a.counter(roundTrips, "Value") > before;
    });
    assertTrue(a.log().contains("the shared store answers again"), "the recovery is logged");
  }
}
