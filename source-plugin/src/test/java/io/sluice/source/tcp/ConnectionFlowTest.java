package io.sluice.source.tcp;

import static io.sluice.source.tcp.ConnectionRig.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.source.delivery.Pipelines;
import io.sluice.source.delivery.TaggingInterceptor;
import io.sluice.source.delivery.TestChannel;
import io.sluice.source.tcp.ConnectionRig.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * A connection's reader and its flow on an EmbeddedChannel, with time driven by hand: push-back,
 * the timers around it, closing while holding events, and stopping.
 */
class ConnectionFlowTest {

  private static List<String> bodies(String prefix, int from, int to) {
    return IntStream.range(from, to).mapToObj(i -> prefix + i).toList();
  }

  private static ConnectionRig rig(TestChannel channel, int batchSize, long idleSeconds, long frameSeconds) {
    return new ConnectionRig(Pipelines.delivery(Pipelines.replicating(Map.of(), channel), true),
        batchSize, idleSeconds, frameSeconds);
  }

  @Test
  void aFullChannelStopsTheReadingAndNothingIsLost() {
    TestChannel channel = new TestChannel(10);
    ConnectionRig rig = rig(channel, 5, 0, 0);
    Connection c = rig.connect("10.0.0.1").lines("m", 0, 30);
    assertFalse(c.reading(), "a refused batch stops the reading");
    assertEquals(ConnectionFlow.State.PAUSED, c.state());
    List<String> got = new ArrayList<>(channel.takeBodies(100));
    for (int round = 0; round < 10 && got.size() < 30; round++) {
      rig.time.advance(1, TimeUnit.SECONDS); // the retries find room
      got.addAll(channel.takeBodies(100));
    }
    assertEquals(bodies("m", 0, 30), got, "every message, once, in order");
    assertTrue(c.reading(), "reading again once everything held is in");
    assertEquals(ConnectionFlow.State.READING, c.state());
    assertEquals(0, rig.metrics.droppedCount(io.sluice.source.SourceMetrics.DropReason.FULL));
  }

  @Test
  void aPausedConnectionIsNeverClosedByItsTimers() {
    TestChannel channel = new TestChannel(2);
    ConnectionRig rig = rig(channel, 2, 2, 5);
    Connection c = rig.connect("10.0.0.1").lines("m", 0, 6).send(message("half a fra"));
    assertFalse(c.reading());
    rig.time.advance(10, TimeUnit.MINUTES); // a sink outage: far past both timers
    assertTrue(c.open(), "neither the idle nor the frame timer closed a paused connection");
    List<String> got = new ArrayList<>();
    for (int i = 0; i < 20 && got.size() < 6; i++) {
      got.addAll(channel.takeBodies(2));
      rig.time.advance(1, TimeUnit.SECONDS);
    }
    assertEquals(bodies("m", 0, 6), got);
    assertTrue(c.reading());
    c.send("me\n"); // the open frame ends
    assertEquals(List.of("half a frame"), channel.takeBodies(2));
    rig.time.advance(1900, TimeUnit.MILLISECONDS);
    assertTrue(c.open(), "the idle time began again with the last read");
    rig.time.advance(100, TimeUnit.MILLISECONDS);
    assertFalse(c.open(), "and closes an idle connection after 2 s of silence");
  }

  @Test
  void theFrameTimerMeasuresOneFrame() {
    TestChannel channel = new TestChannel(100);
    ConnectionRig rig = rig(channel, 10, 0, 5);
    Connection c = rig.connect("10.0.0.1").send(message("first") + "\n" + message("sec"));
    rig.time.advance(3, TimeUnit.SECONDS);
    c.send("ond\n" + message("thi")); // the second frame ends, a third begins in the same read
    rig.time.advance(3, TimeUnit.SECONDS);
    assertTrue(c.open(), "the third frame is 3 s old, not 6");
    rig.time.advance(2, TimeUnit.SECONDS);
    assertFalse(c.open(), "closed 5 s into the third frame");
    List<org.apache.flume.Event> got = channel.take(10);
    assertEquals(List.of("first", "second", "thi"), got.stream().map(TestChannel::body).toList());
    assertEquals("Incomplete", got.get(2).getHeaders().get("flume.syslog.status"),
        "a frame cut by the timer is Incomplete");
    assertEquals(null, got.get(1).getHeaders().get("flume.syslog.status"));
  }

  @Test
  void anIdleConnectionIsClosedAndItsHalfLineIsIncomplete() {
    TestChannel channel = new TestChannel(100);
    ConnectionRig rig = rig(channel, 10, 2, 0);
    Connection c = rig.connect("10.0.0.1").send(message("whole") + "\n" + message("half"));
    rig.time.advance(2, TimeUnit.SECONDS);
    assertFalse(c.open());
    List<org.apache.flume.Event> got = channel.take(10);
    assertEquals(List.of("whole", "half"), got.stream().map(TestChannel::body).toList());
    assertEquals("Incomplete", got.get(1).getHeaders().get("flume.syslog.status"));
  }

  @Test
  void aLastLineWithoutItsTerminatorIsWholeWhenTheSenderCloses() {
    TestChannel channel = new TestChannel(100);
    ConnectionRig rig = rig(channel, 10, 0, 0);
    Connection c = rig.connect("10.0.0.1").send(message("last"));
    c.close();
    List<org.apache.flume.Event> got = channel.take(10);
    assertEquals(List.of("last"), got.stream().map(TestChannel::body).toList());
    assertEquals(null, got.get(0).getHeaders().get("flume.syslog.status"));
  }

  @Test
  void aConnectionClosedWhilePausedDeliversWhatItHeldAndKeepsItsSlotUntilThen() {
    TestChannel channel = new TestChannel(4);
    ConnectionRig rig = rig(channel, 4, 0, 0).gate(10, 1);
    Connection c = rig.connect("10.0.0.1").lines("m", 0, 20).send(message("no terminator"));
    assertFalse(c.reading());
    c.close();
    assertEquals(ConnectionFlow.State.DRAINING, c.state());
    assertEquals(1, rig.draining.size());
    assertEquals(1, rig.gate.open(), "a draining connection still holds its slot");
    Connection second = rig.connect("10.0.0.1");
    assertFalse(second.open(), "so the same address cannot open another one (maxConnectionsPerIp 1)");
    List<String> got = new ArrayList<>();
    for (int i = 0; i < 50 && c.state() != ConnectionFlow.State.FINISHED; i++) {
      got.addAll(channel.takeBodies(4));
      rig.time.advance(1, TimeUnit.SECONDS);
    }
    got.addAll(channel.takeBodies(4));
    List<String> expected = new ArrayList<>(bodies("m", 0, 20));
    expected.add("no terminator");
    assertEquals(expected, got, "everything held, unread and unterminated, delivered in order");
    assertEquals(0, rig.gate.open(), "the slot is free once all is delivered");
    assertTrue(rig.connect("10.0.0.1").open());
  }

  @Test
  void whatAPausedConnectionHoldsDoesNotGrowWithWhatItIsSent() {
    TestChannel channel = new TestChannel(1);
    ConnectionRig rig = rig(channel, 10, 0, 0);
    Connection c = rig.connect("10.0.0.1");
    ConnectionFlow flow = c.reader.flow();
    c.lines("r0-", 0, 3000);
    int held = flow.held();
    // The batch under way, the events read ahead (one connection: READ_AHEAD_EVENTS), and those
    // of the one slice being cut when the reader stopped.
    int perSlice = FrameReader.SLICE_BYTES / (message("r0-0").length() + 1) + 1;
    assertTrue(held <= 10 + ConnectionFlow.READ_AHEAD_EVENTS + perSlice, held + " events held");
    for (int read = 1; read < 50; read++) {
      c.lines("r" + read + "-", 0, 1000); // an EmbeddedChannel hands reads in even when reading is off
    }
    assertEquals(held, flow.held(), "what came after the refusal stays bytes, not events");
    assertFalse(c.reading());
  }

  @Test
  void batchesReadAheadGoTogetherInOrderAndThoseAfterARefusedOneWaitAtTheHead() {
    TestChannel channel = new TestChannel(25);
    ConnectionRig rig = rig(channel, 10, 0, 0);
    Connection c = rig.connect("10.0.0.1").lines("m", 0, 100);
    // m0..m19 went in two batches; m20..m29 was refused (25 is full); the rest was read ahead.
    assertEquals(ConnectionFlow.State.PAUSED, c.state());
    assertEquals(80, c.reader.flow().held());
    assertEquals(bodies("m", 0, 20), channel.takeBodies(100));

    // Room for 25: the retried batch, then the 7 read ahead in one go: the first fits, the second
    // is refused, and the 5 after it are not attempted.
    rig.time.advance(1, TimeUnit.SECONDS);
    assertEquals(60, c.reader.flow().held());
    assertEquals(bodies("m", 20, 40), channel.takeBodies(100));

    List<String> got = new ArrayList<>();
    for (int round = 0; round < 20 && got.size() < 60; round++) {
      rig.time.advance(1, TimeUnit.SECONDS);
      got.addAll(channel.takeBodies(100));
    }
    assertEquals(bodies("m", 40, 100), got, "the rest, once each, in order");
    assertEquals(0, c.reader.flow().held());
    assertEquals(ConnectionFlow.State.READING, c.state());
  }

  @Test
  void connectionsShareTheReadAheadSoManyHoldNoMoreThanTheBudgetAndABatchOrTwoEach() {
    TestChannel channel = new TestChannel(1);
    int batch = 10;
    ConnectionRig rig = rig(channel, batch, 0, 0);
    int n = 2 * ConnectionFlow.READ_AHEAD_BUDGET / ConnectionFlow.READ_AHEAD_EVENTS; // 131
    List<Connection> connections = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      connections.add(rig.connect("10.0.0." + (i % 250)));
    }
    int share = ConnectionFlow.READ_AHEAD_BUDGET / n; // 500: half of what one connection alone reads ahead
    int perSlice = FrameReader.SLICE_BYTES / (message("r0-0").length() + 1) + 1;
    long total = 0;
    for (Connection c : connections) {
      c.lines("r-", 0, 2000);
      int held = c.reader.flow().held();
      assertTrue(held > share - perSlice && held <= batch + share + perSlice,
          held + " events held by one of " + n + " connections, whose share is " + share);
      total += held;
    }
    assertTrue(total <= ConnectionFlow.READ_AHEAD_BUDGET + (long) n * (batch + perSlice),
        total + " events held by " + n + " connections");
  }

  @Test
  void aStoppingSourceCutsWhatItReadAndCountsWhatIsLeft() throws Exception {
    TestChannel channel = new TestChannel(3);
    ConnectionRig rig = rig(channel, 3, 0, 0);
    Connection c = rig.connect("10.0.0.1").lines("m", 0, 10).send(message("open fra"));
    assertFalse(c.reading());
    int lost = c.reader.flow().stop().get();
    c.channel.runPendingTasks();
    assertEquals(3, channel.take(10).size(), "the channel's room");
    assertEquals(11 - 3, lost, "the rest, the cut-short frame included, counted as lost");
    assertFalse(c.open());
    assertEquals(ConnectionFlow.State.FINISHED, c.state());
  }

  @Test
  void aStoppingSourceDeliversWhatTheChannelsStillTake() throws Exception {
    TestChannel channel = new TestChannel(100);
    ConnectionRig rig = rig(channel, 10, 0, 0);
    Connection c = rig.connect("10.0.0.1").lines("m", 0, 5).send(message("open fra"));
    assertEquals(0, (int) c.reader.flow().stop().get());
    List<org.apache.flume.Event> got = channel.take(100);
    assertEquals(6, got.size());
    assertEquals("Incomplete", got.get(5).getHeaders().get("flume.syslog.status"),
        "a frame cut by the stop is Incomplete");
  }

  @Test
  void anEventNoInterceptorCanReadHoldsUpOnlyItself() {
    TestChannel channel = new TestChannel(100);
    ConnectionRig rig = new ConnectionRig(Pipelines.delivery(Pipelines.replicating(
        TaggingInterceptor.chain("flow-boom"), channel), true), 10, 0, 0);
    Connection c = rig.connect("10.0.0.1").send(message("a") + "\n" + message("boom") + "\n"
        + message("b") + "\n");
    for (int i = 0; i < 10 && c.state() != ConnectionFlow.State.READING; i++) {
      rig.time.advance(1, TimeUnit.SECONDS);
    }
    c.send(message("c") + "\n");
    assertEquals(List.of("a", "b", "c"), channel.takeBodies(10));
    assertEquals(1, rig.metrics.droppedCount(io.sluice.source.SourceMetrics.DropReason.POISON));
    assertTrue(c.reading());
  }
}
