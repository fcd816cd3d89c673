package io.sluice.sink.write;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.core.time.ManualClock;
import io.sluice.sink.write.HecReceiver.Answer;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.flume.Context;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * HecWriter against a real socket ({@link HecReceiver}): what goes on the wire, which failures are
 * retried and how long it waits (recorded, never slept: the sleeper advances a manual clock),
 * acknowledgements, abort and interrupt.
 */
class HecWriterTest {

  static final String TOKEN = "11111111-2222-3333-4444-555555555555";

  HecReceiver hec;
  final ManualClock clock = new ManualClock();
  final List<Long> waits = new ArrayList<>();
  final CountingMetrics metrics = new CountingMetrics();
  HecWriter writer;

  @BeforeEach
  void receiver() throws IOException {
    hec = new HecReceiver();
  }

  @AfterEach
  void stop() {
    if (writer != null) {
      writer.close();
    }
    hec.close();
  }

  /** The writer under test, with settings over the defaults; its waits are recorded, not slept. */
  HecWriter writer(String... keyValues) {
    writer = new HecWriter(settings(keyValues), "k1", metrics, clock, ms -> {
      waits.add(ms);
      clock.advanceMillis(ms);
    });
    return writer;
  }

  HecWriterSettings settings(String... keyValues) {
    Map<String, String> m = new HashMap<>(Map.of("hec.url", hec.url(), "hec.token", TOKEN));
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put(keyValues[i], keyValues[i + 1]);
    }
    return HecWriterSettings.parse(new Context(m));
  }

  static byte[] doc(int n) {
    return ("{\"n\":" + n + ",\"message\":\"line " + n + "\"}").getBytes(UTF_8);
  }

  static void append(HecWriter w, int from, int to) throws IOException {
    for (int i = from; i < to; i++) {
      w.append(doc(i));
    }
  }

  /** The {@code n} of every envelope received, in order of arrival. */
  List<Integer> received() {
    return hec.envelopes().stream().map(e -> e.get("event").get("n").intValue()).toList();
  }

  static List<Integer> range(int from, int to) {
    List<Integer> l = new ArrayList<>();
    for (int i = from; i < to; i++) {
      l.add(i);
    }
    return l;
  }

  @Test
  void anEnvelopeCarriesTheHeadersMetadataAndTheDocumentAsItsEventObject() throws IOException {
    HecWriter w = writer();
    Map<String, String> h = new HashMap<>();
    h.put("timestamp", "1700000000123");
    h.put("host", "web\"1\\\n\u00e9");
    h.put("source", "syslog:514");
    h.put("sourcetype", "syslog");
    h.put("index", "main");
    h.put("Severity", "6"); // not metadata: stays out of the envelope
    w.append("{\"message\":\"hello\",\"nested\":{\"a\":[1,2.5,null]}}".getBytes(UTF_8), h);
    w.append(doc(1), Map.of("timestamp", "5")); // no other metadata: no such keys
    w.append(doc(2), Map.of("timestamp", "not a number"));
    w.commit();

    assertEquals(1, hec.events().size());
    HecReceiver.Received r = hec.events().get(0);
    assertEquals(HecWriterSettings.EVENT_PATH, r.path());
    assertEquals("Splunk " + TOKEN, r.header("Authorization"));
    assertEquals("gzip", r.header("Content-Encoding"));
    assertEquals(writer.channel(), r.header("X-Splunk-Request-Channel"));
    UUID.fromString(writer.channel());
    List<JsonNode> e = r.envelopes();
    assertEquals(3, e.size());
    JsonNode first = e.get(0);
    assertTrue(first.get("time").isNumber(), "time is a JSON number: " + first);
    assertEquals(new BigDecimal("1700000000.123"), first.get("time").decimalValue());
    assertEquals("web\"1\\\n\u00e9", first.get("host").stringValue());
    assertEquals("syslog:514", first.get("source").stringValue());
    assertEquals("syslog", first.get("sourcetype").stringValue());
    assertEquals("main", first.get("index").stringValue());
    assertEquals(Set.of("time", "host", "source", "sourcetype", "index", "event"),
        fieldNames(first));
    assertTrue(first.get("event").isObject());
    assertEquals("{\"message\":\"hello\",\"nested\":{\"a\":[1,2.5,null]}}",
        first.get("event").toString(), "the document as it was");
    assertEquals(new BigDecimal("0.005"), e.get(1).get("time").decimalValue());
    assertEquals(Set.of("time", "event"), fieldNames(e.get(1)));
    assertEquals(Set.of("event"), fieldNames(e.get(2)), "a timestamp Splunk would refuse is left out");
    assertTrue(r.text().startsWith("{\"time\":1700000000.123,\"host\":\"web\\\"1\\\\\\n\u00e9\""),
        r.text());
    assertEquals(1, metrics.requests);
  }

  static Set<String> fieldNames(JsonNode n) {
    return n.properties().stream().map(Map.Entry::getKey).collect(Collectors.toSet());
  }

  /** Half a surrogate pair in a header: escaped as Jackson would, the batch sent, not failed. */
  @Test
  void aHeaderThatIsHalfASurrogatePairIsSentEscaped() throws IOException {
    HecWriter w = writer();
    w.append(doc(0), Map.of("host", "\ud800", "source", "s\udc00"));
    w.commit();
    assertEquals(List.of(0), received());
    assertEquals("\ud800", hec.envelopes().get(0).get("host").stringValue());
    assertEquals("s\udc00", hec.envelopes().get(0).get("source").stringValue());
    assertTrue(hec.events().get(0).text().startsWith("{\"host\":\"\\uD800\",\"source\":\"s\\uDC00\","),
        hec.events().get(0).text());
  }

  @Test
  void aBatchGoesInRequestsOfAtMostBatchSizeInOrderAndUncompressedWithGzipOff() throws IOException {
    HecWriter w = writer("hec.batchSize", "3", "hec.gzip", "false");
    append(w, 0, 7);
    assertEquals(0, hec.events().size(), "nothing is sent before commit");
    w.commit();
    assertEquals(List.of(3, 3, 1), hec.events().stream().map(r -> r.envelopes().size()).toList());
    assertEquals(range(0, 7), received());
    for (HecReceiver.Received r : hec.events()) {
      assertNull(r.header("Content-Encoding"));
      assertTrue(r.text().startsWith("{\"event\":{\"n\":"), r.text());
      assertEquals(writer.channel(), r.header("X-Splunk-Request-Channel"), "one channel throughout");
    }
    append(w, 7, 8);
    w.commit();
    assertEquals(range(0, 8), received(), "a later batch after it");
    assertEquals(List.of(), waits);
  }

  @Test
  void busyAndThrottledAreRetriedHonouringRetryAfterWithoutResendingWhatSucceeded() throws IOException {
    HecWriter w = writer("hec.batchSize", "1");
    hec.answerEvents(Answer.of(200, HecReceiver.SUCCESS),
        Answer.of(503, HecReceiver.BUSY, "Retry-After", "1"),
        Answer.of(429, "{\"text\":\"Too many requests\",\"code\":9}"),
        Answer.of(502, "<html>bad gateway</html>"));
    append(w, 0, 3);
    w.commit();
    assertEquals(List.of(0, 1, 1, 1, 1, 2), received(), "0 once; 1 until accepted; then 2");
    assertEquals(List.of(1000L, 200L, 400L), waits,
        "Retry-After's second over the 100 ms backoff, then doubling");
    assertEquals(6, metrics.requests);
    assertEquals(3, metrics.retries);
  }

  @Test
  void retryAfterIsCappedByMaxBackoffAndTheBackoffStartsOverForEachRequest() throws IOException {
    HecWriter w = writer("hec.batchSize", "1", "hec.maxBackoff", "500ms");
    hec.answerEvents(Answer.of(503, HecReceiver.BUSY, "Retry-After", "3600"),
        Answer.of(503, HecReceiver.BUSY), Answer.of(503, HecReceiver.BUSY),
        Answer.of(503, HecReceiver.BUSY), Answer.of(503, HecReceiver.BUSY),
        Answer.of(200, HecReceiver.SUCCESS), Answer.of(500, "{\"text\":\"Internal server error\",\"code\":8}"));
    append(w, 0, 2);
    w.commit();
    assertEquals(List.of(500L, 200L, 400L, 500L, 500L, 100L), waits);
    assertEquals(List.of(0, 0, 0, 0, 0, 0, 1, 1), received());
  }

  @Test
  void aDroppedConnectionIsRetried() throws IOException {
    HecWriter w = writer();
    hec.answerEvents(Answer.drop());
    append(w, 0, 2);
    w.commit();
    assertEquals(List.of(100L), waits);
    assertEquals(List.of(0, 1, 0, 1), received(), "the dropped request, then again");
    assertEquals(1, metrics.retries);
  }

  @Test
  void aReceiverThatIsDownIsRetriedUntilItListensAgain() throws IOException {
    hec.stop();
    writer = new HecWriter(settings(), "k1", metrics, clock, ms -> {
      waits.add(ms);
      if (waits.size() == 3) {
        try {
          hec.restart(); // it comes back while the writer waits
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    });
    append(writer, 0, 2);
    writer.commit();
    assertEquals(List.of(100L, 200L, 400L), waits, "connection refused three times");
    assertEquals(List.of(0, 1), received());
    assertEquals(4, metrics.requests);
  }

  @Test
  void aPermanentRefusalThrowsNamingStatusAndCodeButNeverTheToken() throws IOException {
    HecWriter w = writer();
    hec.answerEvents(Answer.of(403, "{\"text\":\"Invalid token " + TOKEN + "\",\"code\":4}"));
    append(w, 0, 2);
    IOException e = assertThrows(IOException.class, w::commit);
    assertTrue(e.getMessage().contains("403") && e.getMessage().contains("code 4")
        && e.getMessage().contains("Invalid token"), e.getMessage());
    assertFalse(e.getMessage().contains(TOKEN), e.getMessage());
    assertTrue(e.getMessage().contains("hec.token"), "says what to check: " + e.getMessage());
    assertEquals(List.of(), waits, "not retried inside commit");
    assertEquals(1, hec.events().size());

    for (Answer a : List.of(
        Answer.of(400, "{\"text\":\"Data channel is missing\",\"code\":10}"),
        Answer.of(401, "{\"text\":\"Token is required\",\"code\":2}"),
        Answer.of(404, "not found"),
        Answer.of(200, "{\"text\":\"Incorrect index\",\"code\":7}"),
        Answer.of(200, "<html>a proxy's page</html>"))) {
      w.abort();
      hec.answerEvents(a);
      append(w, 0, 1);
      IOException refused = assertThrows(IOException.class, w::commit, a.toString());
      assertTrue(refused.getMessage().contains("HTTP " + a.status()), refused.getMessage());
      assertFalse(refused.getMessage().contains(TOKEN), refused.getMessage());
    }
    assertEquals(List.of(), waits);
  }

  /**
   * One event the far side will never take must not hold the sink back forever: the events before
   * it were accepted (HEC's partial batch), it is dropped and counted, the rest goes again.
   */
  @Test
  void anEventTheFarSideRefusesIsDroppedAndCountedAndTheRestGoesOn() throws IOException {
    HecWriter w = writer("hec.batchSize", "4");
    hec.answerEvents(Answer.of(400, "{\"text\":\"Incorrect index\",\"code\":7,\"invalid-event-number\":1}"));
    append(w, 0, 6);
    w.commit();
    assertEquals(List.of(0, 1, 2, 3, 2, 3, 4, 5), received(), "0 accepted, 1 refused, 2 and 3 sent again");
    assertEquals(1, metrics.refused);
    assertEquals(List.of(1), w.droppedByLastCommit(), "so that the sink does not report it handled");
    assertEquals(List.of(), waits, "no waiting: the far side has said what it will not take");
    append(w, 6, 7);
    w.commit();
    assertEquals(List.of(), w.droppedByLastCommit(), "of the last commit only");
  }

  /** 413: the request goes again in halves, down to a lone event, which is refused if still too large. */
  @Test
  void aRequestTooLargeForTheFarSideGoesAgainInHalves() throws IOException {
    HecWriter w = writer("hec.batchSize", "4");
    hec.answerEvents(Answer.of(413, ""), Answer.of(200, HecReceiver.SUCCESS), Answer.of(413, ""),
        Answer.of(413, ""));
    append(w, 0, 4);
    w.commit();
    assertEquals(List.of(0, 1, 2, 3, 0, 1, 2, 3, 2, 3), received());
    assertEquals(1, metrics.refused, "event 2, too large alone");
    assertEquals(List.of(2), w.droppedByLastCommit());
  }

  @Test
  void abortForgetsTheBatch() throws IOException {
    HecWriter w = writer("hec.batchSize", "2");
    append(w, 0, 3);
    w.abort();
    w.commit();
    assertEquals(0, hec.events().size(), "nothing left to send");

    hec.answerEvents(Answer.of(200, HecReceiver.SUCCESS), Answer.of(400,
        "{\"text\":\"Invalid data format\",\"code\":6}"));
    append(w, 10, 13);
    assertThrows(IOException.class, w::commit);
    w.abort();
    append(w, 20, 21);
    w.commit();
    assertEquals(List.of(10, 11, 12, 20), received(),
        "the aborted batch's requests are not sent again with the next one");
    assertEquals(List.of(), w.droppedByLastCommit());
  }

  @Test
  void aCommitThatFailedGoesOnWhereItStoppedWhenNotAborted() throws IOException {
    HecWriter w = writer("hec.batchSize", "1");
    hec.answerEvents(Answer.of(200, HecReceiver.SUCCESS), Answer.of(403,
        "{\"text\":\"Token disabled\",\"code\":1}"));
    append(w, 0, 3);
    assertThrows(IOException.class, w::commit);
    w.commit();
    assertEquals(List.of(0, 1, 1, 2), received(), "0 was accepted and is not sent again");
  }

  @Test
  void withAcksCommitReturnsOnlyOnceEveryRequestReadsTrue() throws IOException {
    hec.acks(3);
    HecWriter w = writer("hec.useAck", "true", "hec.batchSize", "2", "hec.ackPollInterval", "1s");
    append(w, 0, 3);
    w.commit();
    assertEquals(List.of(10L, 20L, 40L), waits, "polled soon, then less often, until true");
    List<HecReceiver.Received> polls = hec.polls();
    assertEquals(3, polls.size());
    assertEquals("{\"acks\":[0,1]}", polls.get(0).text());
    for (HecReceiver.Received p : polls) {
      assertEquals("Splunk " + TOKEN, p.header("Authorization"));
      assertEquals(writer.channel(), p.header("X-Splunk-Request-Channel"));
    }
    assertEquals(List.of(2, 2, 2, 0), metrics.pending, "two requests awaited their acks");
    assertEquals(range(0, 3), received(), "nothing resent");
  }

  /** A batch of many requests polls for their acks every hundred, as receivers bound pending acks. */
  @Test
  void aBatchOfManyRequestsAwaitsTheirAcksEveryHundred() throws IOException {
    hec.acks(1);
    HecWriter w = writer("hec.useAck", "true", "hec.batchSize", "1");
    append(w, 0, 250);
    w.commit();
    List<HecReceiver.Received> polls = hec.polls();
    assertEquals(3, polls.size(), "after 100, after 200, and at the end");
    assertTrue(polls.get(0).text().startsWith("{\"acks\":[0,1,") && polls.get(0).text().endsWith(",99]}"),
        polls.get(0).text());
    assertTrue(polls.get(2).text().startsWith("{\"acks\":[200,"), polls.get(2).text());
    assertEquals(range(0, 250), received());
  }

  @Test
  void aRequestNotAcknowledgedWithinTheTimeoutIsSentAgain() throws IOException {
    hec.acks(1).neverTrue(0);
    HecWriter w = writer("hec.useAck", "true", "hec.ackPollInterval", "1s", "hec.ackTimeout", "3s");
    append(w, 0, 2);
    w.commit();
    assertEquals(List.of(0, 1, 0, 1), received(), "sent again, whole");
    List<Long> untilTimeout = List.of(10L, 20L, 40L, 80L, 160L, 320L, 640L, 1000L, 1000L); // 3.27 s
    List<Long> expected = new ArrayList<>(untilTimeout);
    expected.add(1000L); // the resent request's poll, at the interval reached: acknowledged
    assertEquals(expected, waits, "polls without the ack until the timeout, then one for the resent request's");
    assertEquals("{\"acks\":[1]}", hec.polls().get(untilTimeout.size()).text(), "polls the new ackId");
    assertEquals(1, metrics.ackTimeouts);
    assertEquals(2, metrics.requests);
  }

  /** The reply to a request accepted with this ackId (the receiver's own count goes on from 0). */
  static Answer acceptedAs(long ackId) {
    return Answer.of(200, "{\"text\":\"Success\",\"code\":0,\"ackId\":" + ackId + "}");
  }

  /**
   * A request sent again after its ack timed out, and then split by a 413: its halves must go out
   * and be acknowledged before commit returns, or its events are reported durable unsent.
   */
  @Test
  void aResendSplitByA413GoesOutInHalvesBeforeCommitReturns() throws IOException {
    hec.acks(1).neverTrue(99);
    HecWriter w = writer("hec.useAck", "true", "hec.ackPollInterval", "1s", "hec.ackTimeout", "3s");
    hec.answerEvents(acceptedAs(99), Answer.of(413, "{\"text\":\"Content too large\",\"code\":27}"));
    append(w, 0, 4);
    w.commit();
    assertEquals(List.of(0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3), received(),
        "lost, split, then both halves");
    assertEquals(4, metrics.requests);
    assertEquals("{\"acks\":[0,1]}", hec.polls().get(hec.polls().size() - 1).text(),
        "the halves' acks awaited");
    assertEquals(0, metrics.refused);
    assertEquals(List.of(), w.droppedByLastCommit());
  }

  /** The same, the resend answered 400 naming its first event: the rest goes out, acknowledged. */
  @Test
  void aResendPartlyRefusedSendsTheRestBeforeCommitReturns() throws IOException {
    hec.acks(1).neverTrue(99);
    HecWriter w = writer("hec.useAck", "true", "hec.ackPollInterval", "1s", "hec.ackTimeout", "3s");
    hec.answerEvents(acceptedAs(99),
        Answer.of(400, "{\"text\":\"Invalid data format\",\"code\":6,\"invalid-event-number\":0}"));
    append(w, 0, 4);
    w.commit();
    assertEquals(List.of(0, 1, 2, 3, 0, 1, 2, 3, 1, 2, 3), received(), "event 0 refused, 1 to 3 again");
    assertEquals("{\"acks\":[0]}", hec.polls().get(hec.polls().size() - 1).text());
    assertEquals(1, metrics.refused);
    assertEquals(List.of(0), w.droppedByLastCommit());
  }

  /**
   * Within a batch of many requests, one that times out while the writer awaits the first hundred
   * acks goes again, and what a 413 puts in place of the first request sent after the timeout goes
   * out too, wherever it sits in the batch: the events of both appear in requests sent later.
   */
  @Test
  void aRequestTimedOutMidBatchAndThenSplitStillGoesOutBeforeCommitReturns() throws IOException {
    hec.acks(1).neverTrue(999);
    hec.answerEvents(acceptedAs(999)); // the batch's first request: lost
    boolean[] scripted = {false};
    writer = new HecWriter(settings("hec.useAck", "true", "hec.batchSize", "2",
        "hec.ackPollInterval", "1s", "hec.ackTimeout", "3s"), "k1", metrics, clock, ms -> {
          waits.add(ms);
          clock.advanceMillis(ms);
          if (!scripted[0] && clock.nanoTime() >= 3_000_000_000L) {
            scripted[0] = true; // the first request sent once the lost one has timed out
            hec.answerEvents(Answer.of(413, "{\"text\":\"Content too large\",\"code\":27}"));
          }
        });
    int requests = HecWriter.MAX_UNACKNOWLEDGED + 1;
    append(writer, 0, 2 * requests);
    writer.commit();
    List<List<Integer>> sent = hec.events().stream()
        .map(r -> r.envelopes().stream().map(e -> e.get("event").get("n").intValue()).toList())
        .toList();
    List<Integer> split = sent.get(HecWriter.MAX_UNACKNOWLEDGED);
    List<Integer> later = sent.subList(HecWriter.MAX_UNACKNOWLEDGED + 1, sent.size()).stream()
        .flatMap(List::stream).toList();
    assertTrue(later.containsAll(split), "the halves of " + split + " in " + later);
    assertTrue(later.containsAll(List.of(0, 1)), "the request whose ack timed out, in " + later);
    assertTrue(received().containsAll(range(0, 2 * requests)));
    assertEquals(1, metrics.ackTimeouts);
  }

  @Test
  void aFailedPollCountsAsNotYet() throws IOException {
    hec.acks(1).answerPolls(Answer.of(500, "oops"), Answer.drop(), Answer.of(200, "not json"));
    HecWriter w = writer("hec.useAck", "true");
    append(w, 0, 1);
    w.commit();
    assertEquals(4, hec.polls().size());
    assertEquals(List.of(10L, 20L, 40L, 80L), waits);
    assertEquals(0, metrics.retries, "polls are not request retries");
  }

  @Test
  void withAcksAReplyWithoutAnAckIdIsAnError() throws IOException {
    HecWriter w = writer("hec.useAck", "true"); // the receiver does not acknowledge
    append(w, 0, 1);
    IOException e = assertThrows(IOException.class, w::commit);
    assertTrue(e.getMessage().contains("is useAck set on its token?"), e.getMessage());
  }

  @Test
  void anInterruptEndsAWaitAtOnceAndKeepsTheFlag() throws Exception {
    hec.answerEvents(Answer.of(503, HecReceiver.BUSY, "Retry-After", "30"));
    writer = new HecWriter(settings(), "k1", metrics); // real sleeping
    append(writer, 0, 1);
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    AtomicReference<Boolean> flag = new AtomicReference<>();
    Thread t = new Thread(() -> {
      try {
        writer.commit();
      } catch (Throwable e) {
        thrown.set(e);
      }
      flag.set(Thread.currentThread().isInterrupted());
    });
    t.start();
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (hec.events().isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    Thread.sleep(50); // into its 30 s wait
    long start = System.nanoTime();
    t.interrupt();
    t.join(5_000);
    assertFalse(t.isAlive());
    assertTrue(System.nanoTime() - start < 2_000_000_000L, "ended at once");
    assertTrue(thrown.get() instanceof InterruptedIOException, String.valueOf(thrown.get()));
    assertEquals(Boolean.TRUE, flag.get(), "the interrupt flag is kept");
    assertEquals(1, hec.events().size());
  }

  @Test
  void aClosedWriterTakesNothing() {
    HecWriter w = writer();
    w.close();
    assertThrows(IOException.class, () -> w.append(doc(0)));
    assertNotNull(w.channel());
  }

  /** HecMetrics that remember. */
  static final class CountingMetrics implements HecMetrics {
    int requests;
    int retries;
    int ackTimeouts;
    int refused;
    final List<Integer> pending = new ArrayList<>();

    @Override
    public void requestSent() {
      requests++;
    }

    @Override
    public void retried() {
      retries++;
    }

    @Override
    public void acksPending(int n) {
      pending.add(n);
    }

    @Override
    public void refused() {
      refused++;
    }

    @Override
    public void ackTimedOut() {
      ackTimeouts++;
    }
  }
}
