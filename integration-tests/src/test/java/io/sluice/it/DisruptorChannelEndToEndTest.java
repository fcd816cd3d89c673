package io.sluice.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.it.harness.FlumeAgent;
import io.sluice.it.harness.HttpEvents;
import io.sluice.it.harness.Ports;
import io.sluice.it.harness.SinkFiles;
import io.sluice.it.harness.SinkFiles.Written;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Flume's HTTP source (lossless, so every count can be exact), then the TokenBucketInterceptor,
 * then DisruptorChannel, then a {@code file_roll} sink: batched events wait in the channel's
 * deferred lane until their {@code sluice.releaseAt}.
 */
class DisruptorChannelEndToEndTest {

  private static String config(int port, Path out, int limit, String maxDelay, String checkpoint) {
    return """
        a1.sources = r1
        a1.channels = c1
        a1.sinks = k1
        a1.sources.r1.type = http
        a1.sources.r1.bind = 127.0.0.1
        a1.sources.r1.port = %d
        a1.sources.r1.channels = c1
        a1.sources.r1.interceptors = gov
        a1.sources.r1.interceptors.gov.type = io.sluice.interceptor.TokenBucketInterceptor$Builder
        a1.sources.r1.interceptors.gov.metricsName = gov
        a1.sources.r1.interceptors.gov.key = clientIp
        a1.sources.r1.interceptors.gov.limit = %d/s
        a1.sources.r1.interceptors.gov.defer.maxDelay = %s
        a1.sources.r1.interceptors.gov.throttled = drop
        a1.channels.c1.type = io.sluice.channel.DisruptorChannel
        a1.channels.c1.capacity = 65536
        a1.channels.c1.transactionCapacity = 1000
        %s
        a1.sinks.k1.type = file_roll
        a1.sinks.k1.channel = c1
        a1.sinks.k1.sink.directory = %s
        a1.sinks.k1.sink.rollInterval = 0
        a1.sinks.k1.sink.serializer = header_and_text
        a1.sinks.k1.sink.batchSize = 1000
        """.formatted(port, limit, maxDelay,
            checkpoint == null ? "" : "a1.channels.c1.checkpointDir = " + checkpoint, out);
  }

  /** Sends {@code perSecond} events a second for {@code seconds}, in batches of 100. */
  private static int burst(HttpEvents http, int perSecond, int seconds) {
    int sent = 0;
    long start = System.nanoTime();
    int batches = perSecond * seconds / 100;
    for (int b = 0; b < batches; b++) {
      long due = start + (long) (b * 100 * 1e9 / perSecond);
      LockSupport.parkNanos(due - System.nanoTime());
      List<Map<String, String>> headers = new ArrayList<>();
      List<String> bodies = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        headers.add(Map.of("clientIp", "10.0.0.1"));
        bodies.add("event " + (sent + i));
      }
      assertEquals(200, http.post(headers, bodies));
      sent += 100;
    }
    return sent;
  }

  @Test
  void batchedEventsAreDeliveredAfterTheirDueTimeAndNoneIsLost() {
    Path dir = FlumeAgent.cleanDir(FlumeAgent.workDir("channel-burst"));
    Path out = FlumeAgent.cleanDir(dir.resolve("out"));
    int port = Ports.free();
    try (FlumeAgent agent = FlumeAgent.start("a1", dir, config(port, out, 1000, "5s", null))) {
      String gov = "org.apache.flume.interceptor:type=gov";
      agent.awaitStarted(Duration.ofSeconds(30), List.of(gov));
      int sent = burst(new HttpEvents(port), 10_000, 2); // 10x the limit for 2 s, then silence

      // Watch the sink's file while the deferred lane drains: when each event first appears.
      Map<String, Long> firstSeen = new HashMap<>();
      long admitted = agent.counter(gov, "ProcessedCount") + agent.counter(gov, "BatchedCount");
      long deadline = System.currentTimeMillis() + 30_000;
      while (firstSeen.size() < admitted && System.currentTimeMillis() < deadline) {
        List<Written> read = SinkFiles.read(out);
        // Taken after the read: an event written while the file was being read was written
        // before this time, not before the read began (on a loaded machine a read of thousands
        // of events takes longer than the slack below).
        long now = System.currentTimeMillis();
        for (Written w : read) {
          firstSeen.putIfAbsent(w.header("sluice.eventId"), now);
        }
        LockSupport.parkNanos(20_000_000);
      }
      List<Written> written = SinkFiles.read(out);
      long batched = agent.counter(gov, "BatchedCount");
      long processed = agent.counter(gov, "ProcessedCount");
      long dropped = agent.counter(gov, "DroppedCount");
      assertEquals(sent, processed + batched + dropped);
      assertTrue(batched > 3000 && dropped > 5000,
          "the burst should be partly deferred and partly throttled: " + batched + " / " + dropped);
      assertEquals(processed + batched, written.size(), "every admitted event written once");
      assertEquals(written.size(), written.stream().map(w -> w.header("sluice.eventId")).distinct().count());

      long maxRelease = 0;
      int deferredSeen = 0;
      for (Written w : written) {
        if (!"batched".equals(w.header("sluice.disposition"))) {
          continue;
        }
        deferredSeen++;
        long releaseAt = Long.parseLong(w.header("sluice.releaseAt"));
        long seen = firstSeen.get(w.header("sluice.eventId"));
        // Visible no earlier than due (a few ms of slack for the millisecond clocks).
        assertTrue(seen >= releaseAt - 5, "written " + (releaseAt - seen) + " ms before due: " + w);
        maxRelease = Math.max(maxRelease, releaseAt);
      }
      assertEquals(batched, deferredSeen);
      assertTrue(maxRelease - System.currentTimeMillis() < 0);
      String ch = "org.apache.flume.channel:type=c1";
      assertEquals(processed + batched, agent.counter(ch, "EventTakeSuccessCount"));
      assertEquals(0, agent.counter(ch, "ChannelSize"));
      assertEquals(0L, ((Number) agent.attribute(
          "org.apache.flume.sluice:name=channel.c1.deferred.depth", "Value")).longValue());
    }
  }

  @Test
  void eventsHeldAtStopAreDeliveredOnceAfterARestart() {
    Path dir = FlumeAgent.cleanDir(FlumeAgent.workDir("channel-restart"));
    Path out = FlumeAgent.cleanDir(dir.resolve("out"));
    Path checkpoint = dir.resolve("checkpoint");
    int port = Ports.free();
    String conf = config(port, out, 200, "10s", checkpoint.toString());
    long admitted;
    try (FlumeAgent agent = FlumeAgent.start("a1", dir.resolve("run1"), conf)) {
      String gov = "org.apache.flume.interceptor:type=gov";
      agent.awaitStarted(Duration.ofSeconds(30), List.of(gov));
      burst(new HttpEvents(port), 2000, 1);
      admitted = agent.counter(gov, "ProcessedCount") + agent.counter(gov, "BatchedCount");
      assertTrue(agent.counter(gov, "BatchedCount") > 1000);
      assertTrue(SinkFiles.read(out).size() < admitted, "events must still be held at stop");
    } // SIGTERM: Flume stops the channel, which writes what it holds
    long heldAtStop = admitted - SinkFiles.read(out).size();
    assertTrue(heldAtStop > 0);

    try (FlumeAgent agent = FlumeAgent.start("a1", dir.resolve("run2"), conf)) {
      assertTrue(agent.log().contains("restored " + heldAtStop + " events"), agent.logTail(30));
      agent.await(Duration.ofSeconds(40), "all held events to be delivered",
          () -> SinkFiles.read(out).size() >= admitted);
      List<Written> written = SinkFiles.read(out);
      Set<String> ids = new HashSet<>();
      for (Written w : written) {
        assertTrue(ids.add(w.header("sluice.eventId")), "delivered twice: " + w);
      }
      assertEquals(admitted, written.size());
      long now = System.currentTimeMillis();
      for (Written w : written) {
        if ("batched".equals(w.header("sluice.disposition"))) {
          assertTrue(Long.parseLong(w.header("sluice.releaseAt")) <= now);
        }
      }
    }
  }
}
