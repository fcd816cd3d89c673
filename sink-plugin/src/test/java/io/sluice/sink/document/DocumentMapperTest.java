package io.sluice.sink.document;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.core.HeaderMap;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class DocumentMapperTest {

  /** Reads numbers as the mapper does (exact decimals), so that "the bytes are the tree" compares like with like. */
  private static final JsonMapper JSON =
      JsonMapper.builder().enable(tools.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();
  private final DocumentMapper mapper = new DocumentMapper(DocumentLimits.DEFAULTS);

  private static String text(EventDocument d) {
    return new String(d.json(), StandardCharsets.UTF_8);
  }

  /** What every mapped document must be: its bytes are its tree, on one line. */
  private static EventDocument checked(EventDocument d) {
    assertTrue(d.isMapped(), () -> "refused: " + d.refusal());
    assertNull(d.refusal());
    JsonNode reread = JSON.readTree(d.json());
    assertEquals(d.tree(), reread, "the bytes are the tree");
    assertFalse(text(d).contains("\n"), "one line");
    return d;
  }

  private EventDocument map(Events.Event e) {
    return checked(mapper.map(e.headers(), e.body()));
  }

  @Test
  void anRfc5424EventHasEveryFieldOfTheContract() {
    assertEquals("{\"@timestamp\":\"2026-11-23T05:00:00.123Z\",\"host\":\"web1.example.com\","
        + "\"severity\":5,\"facility\":20,\"app\":\"nginx\",\"procId\":\"4242\",\"msgId\":\"ID47\","
        + "\"structuredData\":\"[exampleSDID@32473 iut=\\\"3\\\" eventSource=\\\"Application\\\"]\","
        + "\"clientIp\":\"192.0.2.10\",\"message\":\"GET /index.html 200\","
        + "\"sluice\":{\"eventId\":\"2f0a10d2-0e8e-410a-af7a-0250df22c5d0\",\"disposition\":\"processed\","
        + "\"limitKey\":\"192.0.2.10\",\"receivedAt\":1795500000000},"
        + "\"headers\":{\"priority\":\"165\",\"version\":\"1\",\"syslog.format\":\"rfc5424\","
        + "\"syslog.framing\":\"udp\",\"localPort\":\"5514\"}}",
        text(map(Events.rfc5424())));
  }

  @Test
  void anRfc3164EventKeepsItsTagInTheMessageAndItsReleaseTime() {
    assertEquals("{\"@timestamp\":\"2026-11-23T06:00:00.000Z\",\"host\":\"fw1\",\"severity\":2,"
        + "\"facility\":4,\"app\":\"sshd\",\"procId\":\"42\",\"clientIp\":\"192.0.2.11\","
        + "\"message\":\"sshd[42]: Accepted publickey for alice from 10.0.0.7 port 52100 ssh2\","
        + "\"sluice\":{\"eventId\":\"c48edcfa-c913-4203-9aba-cead3de15fa3\",\"disposition\":\"batched\","
        + "\"limitKey\":\"192.0.2.11\",\"receivedAt\":1795500000000,\"releaseAt\":1795500000250},"
        + "\"headers\":{\"priority\":\"34\",\"syslog.tzAssumed\":\"true\",\"syslog.format\":\"rfc3164\","
        + "\"syslog.framing\":\"lf\",\"localPort\":\"5514\"}}",
        text(map(Events.rfc3164())));
  }

  @Test
  void anInvalidSyslogMessageIsTimedByItsReceiptAndKeepsItsStatus() {
    assertEquals("{\"@timestamp\":\"2026-11-24T06:00:00.000Z\",\"clientIp\":\"192.0.2.12\","
        + "\"message\":\"hello this is not syslog\","
        + "\"sluice\":{\"eventId\":\"1251ef47-edfe-435e-ad5a-4d1dd2baa46f\",\"disposition\":\"processed\","
        + "\"limitKey\":\"192.0.2.12\",\"receivedAt\":1795500000000},"
        + "\"headers\":{\"flume.syslog.status\":\"Invalid\",\"syslog.format\":\"unknown\","
        + "\"syslog.framing\":\"udp\",\"localPort\":\"5514\"}}",
        text(map(Events.invalidSyslog())));
  }

  @Test
  void anHecStringEventHasItsMetadataAndItsFieldsAsAnObject() {
    assertEquals("{\"@timestamp\":\"2026-11-23T05:00:00.500Z\",\"host\":\"app7\",\"source\":\"orders\","
        + "\"sourcetype\":\"app:json\",\"index\":\"main\",\"clientIp\":\"198.51.100.7\","
        + "\"fields\":{\"region\":\"eu-west-1\",\"tags\":[\"a\",\"b\"]},\"message\":\"order 17 shipped\","
        + "\"sluice\":{\"eventId\":\"7d1c9e55-5c5e-4f2c-8d3e-2b1f1f0c0a01\",\"disposition\":\"processed\","
        + "\"limitKey\":\"orders-team\",\"receivedAt\":1795500000100},"
        + "\"headers\":{\"hec.token\":\"orders-team\",\"hec.channel\":\"b7f5a3c2-1111-4d6e-9a0b-0c0d0e0f1011\","
        + "\"hec.ackId\":\"17\"}}",
        text(map(Events.hecString())));
  }

  @Test
  void anHecObjectEventIsThatObjectUnderEventAndTheMarkerIsNotAHeader() {
    EventDocument d = map(Events.hecObject());
    JsonNode event = d.tree().get("event");
    assertEquals(JSON.readTree("{\"order\":17,\"state\":\"shipped\",\"items\":[{\"sku\":\"A-1\",\"qty\":2}]}"), event);
    assertNull(d.tree().get("message"));
    assertNull(d.tree().get("headers").get("hec.eventJson"));
    assertTrue(text(d).contains(",\"event\":{\"order\":17,"), text(d));
  }

  @Test
  void anyJsonValueButAStringCanBeAnHecEvent() {
    Events.Event e = Events.hecObject();
    assertEquals(JSON.readTree("[1,\"two\",{\"three\":3}]"),
        map(e.withBody("[1,\"two\",{\"three\":3}]".getBytes(StandardCharsets.UTF_8))).tree().get("event"));
    assertEquals(42, map(e.withBody("42".getBytes(StandardCharsets.UTF_8))).tree().get("event").intValue());
    assertTrue(map(e.withBody(" true ".getBytes(StandardCharsets.UTF_8))).tree().get("event").booleanValue());
  }

  @Test
  void anHecEventsNumbersAreTheSendersOwn() {
    EventDocument d = map(Events.hecObject().withBody(
        "{\"tiny\":0.1,\"huge\":1e400,\"big\":123456789012345678901234567890,\"n\":-7}".getBytes(StandardCharsets.UTF_8)));
    assertTrue(text(d).contains(",\"event\":{\"tiny\":0.1,\"huge\":1E+400,\"big\":123456789012345678901234567890,\"n\":-7},"),
        text(d));
  }

  @Test
  void mappersAreSharedByThreads() throws Exception {
    Events.Event[] events = {Events.rfc5424(), Events.rfc3164(), Events.invalidSyslog(), Events.hecString(), Events.hecObject()};
    String[] expected = new String[events.length];
    for (int i = 0; i < events.length; i++) {
      expected[i] = text(map(events[i]));
    }
    java.util.concurrent.atomic.AtomicInteger wrong = new java.util.concurrent.atomic.AtomicInteger();
    Thread[] threads = new Thread[4];
    for (int t = 0; t < threads.length; t++) {
      int seed = t;
      threads[t] = new Thread(() -> {
        for (int i = 0; i < 20_000; i++) {
          int k = (i + seed) % events.length;
          if (!expected[k].equals(text(mapper.map(events[k].headers(), events[k].body())))) {
            wrong.incrementAndGet();
          }
        }
      });
      threads[t].start();
    }
    for (Thread t : threads) {
      t.join();
    }
    assertEquals(0, wrong.get());
  }

  @Test
  void aDocumentLargerThanTheKeptBufferIsWrittenWhole() {
    byte[] body = new byte[200_000];
    Arrays.fill(body, (byte) 'z');
    EventDocument big = map(Events.rfc5424().withBody(body));
    assertEquals(200_000, big.tree().get("message").stringValue().length());
    assertEquals(text(map(Events.rfc3164())).length(), text(map(Events.rfc3164())).length(), "and the next is not disturbed");
  }

  @Test
  void withoutTheMarkerAJsonLookingBodyIsAMessage() {
    Events.Event e = Events.hecString().withBody("{\"a\":1}".getBytes(StandardCharsets.UTF_8));
    assertEquals("{\"a\":1}", map(e).tree().get("message").stringValue());
    e = Events.hecObject().with(DocumentFields.HEC_EVENT_JSON_HEADER, "false");
    assertTrue(map(e).tree().has("message"));
    assertFalse(map(e).tree().get("headers").has("hec.eventJson"), "the marker is read, never copied");
  }

  @Test
  void fieldsThatAreNotAnObjectStayUnderHeadersAsText() {
    for (String notAnObject : new String[] {"[\"a\"]", "\"text\"", "17", "{\"unclosed\":", "not json", ""}) {
      EventDocument d = map(Events.hecString().with("hec.fields", notAnObject));
      assertNull(d.tree().get("fields"), notAnObject);
      assertEquals(notAnObject, d.tree().get("headers").get("hec.fields").stringValue());
    }
  }

  @Test
  void anEventWithoutHeadersIsItsMessageAlone() {
    byte[] body = "just a line".getBytes(StandardCharsets.UTF_8);
    assertEquals("{\"message\":\"just a line\"}", text(checked(mapper.map(Map.of(), body))));
    assertEquals("{\"message\":\"just a line\"}", text(checked(mapper.map(null, body))));
    assertEquals("{\"message\":\"\"}", text(checked(mapper.map(Map.of(), null))));
    assertEquals("{\"message\":\"\"}", text(checked(mapper.map(Map.of(), new byte[0]))));
  }

  @Test
  void aBodyThatIsNotUtf8IsBase64() {
    byte[] latin1 = "caf\u00e9 cr\u00e8me".getBytes(StandardCharsets.ISO_8859_1);
    EventDocument d = map(Events.rfc5424().withBody(latin1));
    assertNull(d.tree().get("message"));
    assertEquals(Base64.getEncoder().encodeToString(latin1), d.tree().get("messageBase64").stringValue());
    assertTrue(Arrays.equals(latin1, Base64.getDecoder().decode(d.tree().get("messageBase64").stringValue())));
  }

  @Test
  void textIsEscapedOntoOneLine() {
    String body = "line one\nline two\ttab \"quoted\" \\ back \u0001 ctl \u2028 sep 😀";
    EventDocument d = map(Events.rfc5424().withBody(body.getBytes(StandardCharsets.UTF_8)));
    assertEquals(body, d.tree().get("message").stringValue());
    assertEquals(body, JSON.readTree(d.json()).get("message").stringValue());
  }

  @Test
  void aNumberHeaderThatIsNotANumberStaysUnderHeaders() {
    EventDocument d = map(Events.rfc5424().with("timestamp", "yesterday").with("Severity", "high")
        .with("sluice.releaseAt", "soon"));
    assertEquals("2026-11-24T06:00:00.000Z", d.tree().get("@timestamp").stringValue(),
        "the next source: sluice.receivedAt");
    assertEquals("yesterday", d.tree().get("headers").get("timestamp").stringValue());
    assertNull(d.tree().get("severity"));
    assertEquals("high", d.tree().get("headers").get("Severity").stringValue());
    assertEquals(20, d.tree().get("facility").intValue());
    assertEquals("soon", d.tree().get("headers").get("sluice.releaseAt").stringValue());
    assertNull(d.tree().get("sluice").get("releaseAt"));
  }

  @Test
  void aTimeBeyondYear9999IsNoTimestamp() {
    EventDocument d = map(Events.rfc5424().with("timestamp", "999999999999999999"));
    assertEquals("2026-11-24T06:00:00.000Z", d.tree().get("@timestamp").stringValue());
    assertEquals("999999999999999999", d.tree().get("headers").get("timestamp").stringValue());
  }

  @Test
  void withNeitherTimeThereIsNoTimestamp() {
    EventDocument d = map(Events.invalidSyslog().with("sluice.receivedAt", null));
    assertNull(d.tree().get("@timestamp"));
    assertNull(d.tree().get("sluice").get("receivedAt"));
  }

  @Test
  void largeAndNegativeNumbersAreKept() {
    EventDocument d = map(Events.rfc5424().with("Severity", "-3").with("Facility", "123456789012"));
    assertEquals(-3, d.tree().get("severity").intValue());
    assertEquals(123_456_789_012L, d.tree().get("facility").longValue());
  }

  @Test
  void nullNamesAndValuesAreNoHeaders() {
    Map<String, String> h = new HashMap<>();
    h.put(null, "x");
    h.put("host", null);
    h.put("a", null);
    h.put("b", "kept");
    assertEquals("{\"message\":\"m\",\"headers\":{\"b\":\"kept\"}}",
        text(checked(mapper.map(h, "m".getBytes(StandardCharsets.UTF_8)))));
  }

  @Test
  void anyMapWillDo() {
    Events.Event e = Events.rfc3164();
    Map<String, String> copy = new LinkedHashMap<>(e.headers());
    assertEquals(text(map(e)), text(checked(mapper.map(copy, e.body()))));
  }

  @Test
  void documentsOfOneMapperDoNotShareState() {
    EventDocument a = map(Events.rfc5424());
    EventDocument b = map(Events.invalidSyslog());
    assertEquals(text(map(Events.rfc5424())), text(a));
    assertFalse(b.tree().has("severity"));
  }

  // ---- limits

  @Test
  void anEventLargerThanTheLimitIsRefusedBeforeItsDocumentIsBuilt() {
    DocumentMapper small = new DocumentMapper(new DocumentLimits(1024, 64));
    EventDocument d = small.map(Events.rfc5424().headers(), new byte[2000]);
    assertFalse(d.isMapped());
    assertTrue(d.refusal().startsWith("event of "), d.refusal());
    assertTrue(d.refusal().endsWith("bytes (body and headers) is larger than maxDocumentBytes (1024)"), d.refusal());
    assertThrows(IllegalStateException.class, d::tree);
    assertThrows(IllegalStateException.class, d::json);

    HeaderMap huge = Events.headers("host", "h".repeat(1100));
    assertFalse(small.map(huge, new byte[0]).isMapped(), "headers count as well as the body");
  }

  @Test
  void aDocumentWhoseJsonIsLargerThanTheLimitHasNoJson() {
    // control characters are written as six characters each (\u0001): the event fits, the document does not
    DocumentMapper small = new DocumentMapper(new DocumentLimits(1024, 64));
    byte[] body = new byte[600];
    Arrays.fill(body, (byte) 1);
    EventDocument d = small.map(Map.of(), body);
    assertTrue(d.isMapped(), "its tree is there to validate");
    assertNull(d.refusal());
    assertNull(d.json());
    assertEquals("document of 3614 bytes is larger than maxDocumentBytes (1024)", d.refusal());
    assertNull(d.json(), "asked again");

    Arrays.fill(body, (byte) 'a');
    assertTrue(small.map(Map.of(), body).json().length <= 1024, "the same size in plain text fits");
  }

  @Test
  void aDocumentOfExactlyTheLimitIsMapped() {
    DocumentMapper small = new DocumentMapper(new DocumentLimits(1024, 64));
    byte[] body = new byte[1024 - "{\"message\":\"\"}".length()];
    Arrays.fill(body, (byte) 'a');
    assertEquals(1024, small.map(Map.of(), body).json().length);
    assertNull(small.map(Map.of(), Arrays.copyOf(body, body.length + 1)).json());
  }

  @Test
  void anHecEventNestedDeeperThanTheLimitIsRefusedAndOneAtTheLimitIsNot() {
    Events.Event e = Events.hecObject();
    EventDocument atLimit = map(e.withBody(nested(64)));
    assertTrue(atLimit.isMapped());
    EventDocument deeper = mapper.map(e.headers(), nested(65));
    assertFalse(deeper.isMapped());
    assertEquals("event: JSON nested deeper than maxNestingDepth (64)", deeper.refusal());
  }

  @Test
  void hostileNestingCostsOnlyTheLimit() {
    // a megabyte of '[': without the limit, a tree a million levels deep (or a StackOverflowError)
    byte[] body = new byte[DocumentLimits.DEFAULT_MAX_DOCUMENT_BYTES - 2000];
    Arrays.fill(body, (byte) '[');
    long t0 = System.nanoTime();
    EventDocument d = mapper.map(Events.hecObject().headers(), body);
    long millis = (System.nanoTime() - t0) / 1_000_000;
    assertEquals("event: JSON nested deeper than maxNestingDepth (64)", d.refusal());
    assertTrue(millis < 2000, "refused after " + millis + " ms");

    // the same in hec.fields: not an object within the limits, so it stays text
    String deepFields = "{\"a\":".repeat(100) + "1" + "}".repeat(100);
    EventDocument f = map(Events.hecString().with("hec.fields", deepFields));
    assertNull(f.tree().get("fields"));
    assertEquals(deepFields, f.tree().get("headers").get("hec.fields").stringValue());
  }

  @Test
  void aSmallerDepthLimitIsHonoured() {
    DocumentMapper shallow = new DocumentMapper(new DocumentLimits(1 << 20, 2));
    Events.Event e = Events.hecObject();
    assertTrue(shallow.map(e.headers(), "{\"a\":[1]}".getBytes(StandardCharsets.UTF_8)).isMapped());
    assertEquals("event: JSON nested deeper than maxNestingDepth (2)",
        shallow.map(e.headers(), "{\"a\":[[1]]}".getBytes(StandardCharsets.UTF_8)).refusal());
  }

  @Test
  void anHecEventThatIsNotOneJsonValueIsRefused() {
    Events.Event e = Events.hecObject();
    for (String bad : new String[] {"{\"a\":", "{} {}", "{\"a\":1} trailing", "", "nope", "{'a':1}", "  "}) {
      EventDocument d = mapper.map(e.headers(), bad.getBytes(StandardCharsets.UTF_8));
      assertFalse(d.isMapped(), bad);
      assertTrue(d.refusal().startsWith("event: not valid JSON: "), d.refusal());
      assertTrue(d.refusal().length() < 300, d.refusal());
    }
  }

  private static byte[] nested(int depth) {
    return ("[".repeat(depth) + "]".repeat(depth)).getBytes(StandardCharsets.UTF_8);
  }
}
