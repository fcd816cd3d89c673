package io.sluice.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.core.metrics.SluiceMetrics;
import io.sluice.core.pipeline.DurablyHandled;
import io.sluice.core.time.ManualClock;
import io.sluice.sink.write.HecReceiver;
import io.sluice.sink.write.HecReceiver.Answer;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import org.apache.flume.Channel;
import org.apache.flume.Context;
import org.apache.flume.Event;
import org.apache.flume.Sink;
import org.apache.flume.Transaction;
import org.apache.flume.channel.MemoryChannel;
import org.apache.flume.conf.Configurables;
import org.apache.flume.lifecycle.LifecycleState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * ValidatingSink with {@code writer = hec}, draining a real MemoryChannel into a test HEC on a
 * real socket: events are delivered with their metadata, and the take commits only once they are;
 * while HEC is down or refuses, they stay in (or go back to) the channel.
 */
class ValidatingSinkHecTest {

  private static final Path SYSLOG_SCHEMA = Paths.get("..", "conf-examples", "schemas",
      "syslog-event.schema.json").toAbsolutePath().normalize();
  private static final String TOKEN = "0f0e0d0c-0b0a-0908-0706-050403020100";

  private final ManualClock clock = new ManualClock();
  private final List<Long> waits = new ArrayList<>();
  private LongConsumer onWait = ms -> {};
  private final List<List<Event>> heard = new ArrayList<>();
  private DurablyHandled.Registration listening;
  private HecReceiver hec;
  private ValidatingSink sink;
  private MemoryChannel channel;

  @BeforeEach
  void receiver() throws IOException {
    hec = new HecReceiver();
    listening = DurablyHandled.listen((name, handled) -> heard.add(handled));
  }

  @AfterEach
  void stop() {
    listening.close();
    if (sink != null && sink.getLifecycleState() == LifecycleState.START) {
      sink.stop();
    }
    hec.close();
  }

  private void start(String... keyValues) {
    channel = new MemoryChannel();
    channel.setName("c1");
    Configurables.configure(channel, new Context(Map.of("capacity", "1000", "transactionCapacity", "100",
        "keep-alive", "0"))); // a take from an empty channel returns at once rather than in 3 s
    channel.start();
    Map<String, String> conf = new HashMap<>(Map.of("schema", SYSLOG_SCHEMA.toString(),
        "writer", "hec", "hec.url", hec.url(), "hec.token", TOKEN, "hec.batchSize", "4",
        "onInvalid", "drop", "batchSize", "10"));
    for (int i = 0; i < keyValues.length; i += 2) {
      conf.put(keyValues[i], keyValues[i + 1]);
    }
    sink = new ValidatingSink();
    sink.setName("k1");
    sink.setChannel(channel);
    sink.setTime(clock, ms -> {
      waits.add(ms);
      onWait.accept(ms);
    });
    Configurables.configure(sink, new Context(conf));
    sink.start();
  }

  private static Event event(int i, boolean valid) {
    return SyslogTestEvents.event(i, valid);
  }


  private void put(int from, int to) {
    Transaction tx = channel.getTransaction();
    tx.begin();
    for (int i = from; i < to; i++) {
      channel.put(event(i, true));
    }
    tx.commit();
    tx.close();
  }

  private static int sizeOf(Channel c) {
    return SyslogTestEvents.sizeOf(c);
  }


  /** The eventId of every envelope received, in order. */
  private List<String> delivered() {
    return hec.envelopes().stream()
        .map(e -> e.get("event").get("sluice").get("eventId").stringValue()).toList();
  }

  private static List<String> ids(int from, int to) {
    List<String> l = new ArrayList<>();
    for (int i = from; i < to; i++) {
      l.add("id-" + i);
    }
    return l;
  }

  private static long count(String metric) {
    return SluiceMetrics.registry().getCounters().get("sink.k1." + metric).getCount();
  }

  @Test
  void validDocumentsAreDeliveredInEnvelopesWithTheirMetadata() {
    start();
    put(0, 25);
    Transaction tx = channel.getTransaction();
    tx.begin();
    channel.put(event(99, false));
    tx.commit();
    tx.close();
    assertEquals(Sink.Status.READY, sink.process());
    assertEquals(Sink.Status.READY, sink.process());
    assertEquals(Sink.Status.READY, sink.process());
    assertEquals(Sink.Status.BACKOFF, sink.process(), "the channel is empty");
    assertEquals(ids(0, 25), delivered());
    assertEquals(List.of(4, 4, 2, 4, 4, 2, 4, 1),
        hec.events().stream().map(r -> r.envelopes().size()).toList(),
        "each sink batch of 10 in requests of at most hec.batchSize = 4; the invalid one dropped");
    JsonNode first = hec.envelopes().get(0);
    assertTrue(hec.events().get(0).text().startsWith("{\"time\":1700000000.000,\"host\":\"web1\","),
        hec.events().get(0).text());
    assertEquals("web1", first.get("host").stringValue());
    assertFalse(first.has("sourcetype"), "no such header");
    assertEquals("message 0", first.get("event").get("message").stringValue());
    assertEquals("Splunk " + TOKEN, hec.events().get(0).header("Authorization"));
    assertEquals(List.of(10, 10, 6), heard.stream().map(List::size).toList(),
        "every event taken, the invalid one dropped as configured too");
    assertEquals(1, count("invalid"));
    assertEquals(8, count("hec.requests"));
    assertEquals(0, count("hec.retries"));
    assertEquals(0, count("hec.acks.timedOut"));
    assertEquals(0, SluiceMetrics.registry().getGauges().get("sink.k1.hec.acks.pending").getValue());
    assertEquals(25, count("written"));
    sink.stop();
    assertFalse(SluiceMetrics.registry().getCounters().containsKey("sink.k1.hec.requests"),
        "removed at stop");
  }

  @Test
  void whileHecIsDownTheTakeIsNotCommittedAndTheEventsStayInTheChannel() throws IOException {
    start("hec.batchSize", "100");
    put(0, 10);
    hec.stop();
    onWait = ms -> {
      assertTrue(heard.isEmpty(), "nothing committed while HEC is down");
      if (waits.size() == 3) {
        Thread.currentThread().interrupt(); // Flume stops the sink
      }
    };
    assertEquals(Sink.Status.BACKOFF, sink.process());
    assertTrue(Thread.interrupted(), "the interrupt is kept for the sink's runner");
    assertEquals(List.of(100L, 200L, 400L, 100L), waits, "three retries, then the sink's own wait");
    assertEquals(10, sizeOf(channel), "the batch went back to the channel");
    assertTrue(heard.isEmpty());

    onWait = ms -> {};
    hec.restart();
    assertEquals(Sink.Status.READY, sink.process());
    assertEquals(ids(0, 10), delivered(), "each once, once HEC answers");
    assertEquals(0, sizeOf(channel));
    assertEquals(List.of(10), heard.stream().map(List::size).toList());
    assertEquals(3, count("hec.retries"));
  }

  @Test
  void theTakeCommitsOnlyAfterDeliveryWhenHecComesBackDuringTheRetries() throws IOException {
    start("hec.batchSize", "100");
    put(0, 10);
    hec.stop();
    onWait = ms -> {
      assertTrue(heard.isEmpty(), "not committed before delivery");
      if (waits.size() == 2) {
        try {
          hec.restart();
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      }
    };
    assertEquals(Sink.Status.READY, sink.process());
    assertEquals(List.of(100L, 200L), waits);
    assertEquals(ids(0, 10), delivered());
    assertEquals(List.of(10), heard.stream().map(List::size).toList());
    assertEquals(0, sizeOf(channel));
  }

  @Test
  void aRefusalRollsTheBatchBackAndItIsSentAgainLater() {
    start();
    put(0, 10);
    hec.answerEvents(Answer.of(200, HecReceiver.SUCCESS),
        Answer.of(403, "{\"text\":\"Token disabled\",\"code\":1}"));
    assertEquals(Sink.Status.READY, sink.process(), "READY after the sink's own wait");
    assertEquals(List.of(100L), waits, "the sink backed off");
    assertEquals(10, sizeOf(channel), "the batch went back to the channel");
    assertTrue(heard.isEmpty());
    assertEquals(1, count("write.errors"));
    assertEquals(Sink.Status.READY, sink.process());
    List<String> expected = new ArrayList<>(ids(0, 4)); // the first request, accepted before the refusal
    expected.addAll(ids(4, 8));
    expected.addAll(ids(0, 10));
    assertEquals(expected, delivered(), "at least once: the whole batch again");
    assertEquals(0, sizeOf(channel));
  }

  /**
   * An event HEC refuses for good is dropped by the writer: it was neither written nor
   * dead-lettered, so it is not reported handled (an upstream ack stays false) nor counted written;
   * the rest of its batch is.
   */
  @Test
  void anEventHecRefusesForGoodIsNotReportedHandledNorCountedWritten() {
    start();
    put(0, 10);
    hec.answerEvents(Answer.of(400,
        "{\"text\":\"Incorrect index\",\"code\":7,\"invalid-event-number\":1}"));
    assertEquals(Sink.Status.READY, sink.process());
    assertEquals(List.of(), waits, "not rolled back");
    List<String> expected = new ArrayList<>(ids(0, 4));
    expected.addAll(ids(2, 10));
    assertEquals(expected, delivered(), "id-1 refused, the rest of its request again");
    List<String> others = new ArrayList<>(ids(0, 10));
    others.remove("id-1");
    assertEquals(List.of(others), heard.stream().map(ValidatingSinkHecTest::eventIds).toList());
    assertEquals(1, count("hec.refused"));
    assertEquals(9, count("written"));
    assertEquals(10, count("valid"));
    long bytes = count("bytes"); // nine documents of one length (ids 0 to 9 differ in one digit)
    assertEquals(0, bytes % 9, "the refused document's bytes are not counted: " + bytes);

    put(10, 12);
    assertEquals(Sink.Status.READY, sink.process());
    assertEquals(ids(10, 12), eventIds(heard.get(1)), "the next batch whole: nothing left over");
    assertEquals(11, count("written"));
    long more = count("bytes") - bytes; // two documents, each id a digit longer where it appears
    assertTrue(more > 2 * (bytes / 9) && more <= 2 * (bytes / 9 + 4), "two documents counted: " + more);
  }

  private static List<String> eventIds(List<Event> events) {
    return events.stream().map(e -> e.getHeaders().get("sluice.eventId")).toList();
  }

  /** Half a surrogate pair in a header must not fail the batch on every try (and wedge the sink). */
  @Test
  void aHostThatIsHalfASurrogatePairIsDeliveredNotRetriedForever() {
    start();
    Event e = event(0, true);
    e.getHeaders().put("host", "web\ud800");
    Transaction tx = channel.getTransaction();
    tx.begin();
    channel.put(e);
    tx.commit();
    tx.close();
    assertEquals(Sink.Status.READY, sink.process());
    assertEquals(List.of(), waits, "not rolled back");
    assertEquals(ids(0, 1), delivered());
    assertEquals("web\ud800", hec.envelopes().get(0).get("host").stringValue());
    assertEquals(List.of(ids(0, 1)), heard.stream().map(ValidatingSinkHecTest::eventIds).toList());
    assertEquals(0, sizeOf(channel));
  }

  @Test
  void withAcksTheTakeCommitsOnlyOnceAcknowledged() {
    hec.acks(2);
    start("hec.useAck", "true", "hec.ackPollInterval", "1s");
    put(0, 10);
    onWait = ms -> assertTrue(heard.isEmpty(), "not committed before the acks read true");
    assertEquals(Sink.Status.READY, sink.process());
    assertEquals(List.of(10L, 20L), waits);
    assertEquals(2, hec.polls().size());
    assertEquals(List.of(10), heard.stream().map(List::size).toList());
  }

  @Test
  void hecSettingsAreCheckedAtConfigureTime() {
    for (String[] kv : List.of(new String[] {"hec.url", ""}, new String[] {"hec.token", " "},
        new String[] {"hec.batchSize", "0"}, new String[] {"hec.gzip", "maybe"})) {
      ValidatingSink s = new ValidatingSink();
      s.setName("bad");
      Map<String, String> conf = new HashMap<>(Map.of("schema", SYSLOG_SCHEMA.toString(),
          "writer", "hec", "hec.url", "http://127.0.0.1:8088", "hec.token", TOKEN,
          "onInvalid", "drop"));
      conf.put(kv[0], kv[1]);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> Configurables.configure(s, new Context(conf)), String.join("=", kv));
      assertTrue(e.getMessage().contains("'" + kv[0] + "'"), e.getMessage());
      assertFalse(e.getMessage().contains(TOKEN), e.getMessage());
    }
  }
}
