package io.sluice.source.hec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.flume.Event;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Splunk's protocol up to the channels: every answer it gives before them, and the events it makes. */
class HecProtocolTest {

  static final String OPS = "11111111-2222-3333-4444-555555555555";
  static final String WEB = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
  static final String OFF = "00000000-0000-0000-0000-000000000000";
  static final String ACKED = "99999999-9999-9999-9999-999999999999";
  static final String CHANNEL = "0A9C2B6E-1D2F-4A5B-8C7D-6E5F4A3B2C1D";

  static final HecTokens TOKENS = HecTokens.of(Map.ofEntries(
      Map.entry("tokens", "ops web off acked"),
      Map.entry("tokens.ops.value", OPS),
      Map.entry("tokens.ops.indexes", "main, security"),
      Map.entry("tokens.ops.index", "main"),
      Map.entry("tokens.ops.sourcetype", "ops:json"),
      Map.entry("tokens.web.value", WEB),
      Map.entry("tokens.web.allowQueryStringAuth", "true"),
      Map.entry("tokens.off.value", OFF),
      Map.entry("tokens.off.disabled", "true"),
      Map.entry("tokens.acked.value", ACKED),
      Map.entry("tokens.acked.useAck", "true")));

  static final BodyLimits LIMITS = new BodyLimits(1 << 20, 1000, 4096, 8);
  final io.sluice.core.time.ManualClock clock = new io.sluice.core.time.ManualClock(0, 0); // ackIds from 0
  /** Acks that complete on the channel: the protocol's part needs no sink. */
  final HecAcks acks = new HecAcks(new HecAcks.Settings(HecAcks.CompleteOn.CHANNEL, java.time.Duration.ofMinutes(10),
      10, 3, java.time.Duration.ZERO), clock);
  final BodyBudget budget = new BodyBudget(64 << 20);
  final HecProtocol protocol = new HecProtocol(TOKENS, LIMITS, null, () -> false, acks, budget);

  @org.junit.jupiter.api.AfterEach
  void closeAcks() {
    acks.close();
  }

  private HecProtocol.Decision post(String uri, String auth, String body) {
    return protocol.decide(new HecRequest("POST", uri, auth, null, null,
        body.getBytes(StandardCharsets.UTF_8), "10.0.0.7", 1_795_420_800_123L));
  }

  private HecProtocol.Decision post(String uri, String body) {
    return post(uri, "Splunk " + OPS, body);
  }

  private static Answer now(HecProtocol.Decision d) {
    assertTrue(d instanceof HecProtocol.Now, "answered at once: " + d);
    return ((HecProtocol.Now) d).answer();
  }

  private static HecProtocol.Deliver delivered(HecProtocol.Decision d) {
    assertTrue(d instanceof HecProtocol.Deliver, "events to deliver: " + d);
    return (HecProtocol.Deliver) d;
  }

  private static String text(Answer a) {
    return new String(a.body(), StandardCharsets.UTF_8);
  }

  private static void says(HecReply expected, Answer a) {
    assertEquals(expected.httpStatus(), a.status(), text(a));
    assertEquals("{\"text\":\"" + expected.text() + "\",\"code\":" + expected.code() + "}", text(a));
  }

  @Test
  void theCodeTableIsSplunks() {
    // Splunk's table (HEC's REST reference and "Troubleshoot HTTP Event Collector"): status, text
    String[] splunk = {
        "200 Success", "403 Token disabled", "401 Token is required", "401 Invalid authorization",
        "403 Invalid token", "400 No data", "400 Invalid data format", "400 Incorrect index",
        "500 Internal server error", "503 Server is busy", "400 Data channel is missing",
        "400 Invalid data channel", "400 Event field is required", "400 Event field cannot be blank",
        "400 ACK is disabled", "400 Error in handling indexed fields",
        "400 Query string authorization is not enabled", "200 HEC is healthy",
        "503 HEC is unhealthy, queues are full", "503 HEC is unhealthy, ack service unavailable",
        "503 HEC is unhealthy, queues are full, ack service unavailable", "400 Invalid token",
        "400 Token disabled"};
    assertEquals(splunk.length, HecReply.values().length);
    for (HecReply r : HecReply.values()) {
      assertEquals(r.ordinal(), r.code(), r.name());
      String[] statusAndText = splunk[r.code()].split(" ", 2);
      assertEquals(Integer.parseInt(statusAndText[0]), r.httpStatus(), r.name());
      assertEquals("{\"text\":\"" + statusAndText[1] + "\",\"code\":" + r.code() + "}",
          new String(r.json(), StandardCharsets.US_ASCII), r.name());
    }
    assertEquals("{\"text\":\"Success\",\"code\":0}", new String(HecReply.SUCCESS.json(), StandardCharsets.US_ASCII));
    assertEquals(503, HecReply.SERVER_BUSY.httpStatus());
    assertEquals("{\"text\":\"Invalid data format\",\"code\":6,\"invalid-event-number\":2}",
        new String(HecReply.INVALID_DATA_FORMAT.json("invalid-event-number", 2), StandardCharsets.US_ASCII));
  }

  @ParameterizedTest
  @ValueSource(strings = {"/services/collector", "/services/collector/event", "/services/collector/event/1.0",
      "/services/collector/event/", "/services/collector?index=security"})
  void eventEndpoints(String path) {
    HecProtocol.Deliver d = delivered(post(path, "{\"event\":\"hello\"}"));
    assertEquals(1, d.events().size());
    says(HecReply.SUCCESS, d.acceptedAnswer());
  }

  @ParameterizedTest
  @ValueSource(strings = {"/services/collector/raw", "/services/collector/raw/1.0"})
  void rawEndpoints(String path) {
    HecProtocol.Deliver d = delivered(post(path, "one\r\ntwo\n\n\r\nthree"));
    assertEquals(List.of("one", "two", "three"), bodies(d.events()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"/services/collector/health", "/services/collector/health/1.0"})
  void healthNeedsNoToken(String path) {
    says(HecReply.HEALTHY, now(protocol.decide(new HecRequest("GET", path, null, null, null, new byte[0], "10.0.0.7", 0))));
    Answer post = now(post(path, "x"));
    assertEquals(405, post.status());
    assertEquals("GET", post.allow());
  }

  @Test
  void unknownPathsAndMethods() {
    assertEquals(404, now(post("/services/other", "{\"event\":1}")).status());
    Answer get = now(protocol.decide(new HecRequest("GET", "/services/collector/event", "Splunk " + OPS, null,
        null, new byte[0], "10.0.0.7", 0)));
    assertEquals(405, get.status());
    assertEquals("POST", get.allow());
  }

  @Test
  void authenticationFailuresInSplunksOrder() {
    says(HecReply.TOKEN_REQUIRED, now(post("/services/collector", null, "{\"event\":1}")));
    says(HecReply.INVALID_AUTHORIZATION, now(post("/services/collector", OPS, "{\"event\":1}")));
    says(HecReply.INVALID_AUTHORIZATION, now(post("/services/collector", "Bearer " + OPS, "{\"event\":1}")));
    says(HecReply.INVALID_AUTHORIZATION, now(post("/services/collector", "Splunk ", "{\"event\":1}")));
    says(HecReply.INVALID_AUTHORIZATION, now(post("/services/collector", "Basic !!notbase64", "{\"event\":1}")));
    says(HecReply.INVALID_TOKEN, now(post("/services/collector", "Splunk nope", "{\"event\":1}")));
    says(HecReply.TOKEN_DISABLED, now(post("/services/collector", "Splunk " + OFF, "{\"event\":1}")));
    // the query string's token first: unknown, then known but not allowed there
    says(HecReply.INVALID_TOKEN, now(post("/services/collector?token=nope", "Splunk " + OPS, "{\"event\":1}")));
    says(HecReply.QUERY_AUTH_DISABLED, now(post("/services/collector?token=" + OPS, null, "{\"event\":1}")));
  }

  @Test
  void theThreeWaysToPresentAToken() {
    assertEquals("ops", delivered(post("/services/collector", "Splunk " + OPS, "{\"event\":1}")).token().name());
    assertEquals("ops", delivered(post("/services/collector", "splunk  " + OPS, "{\"event\":1}")).token().name());
    String basic = Base64.getEncoder().encodeToString(("anyone:" + OPS).getBytes(StandardCharsets.UTF_8));
    assertEquals("ops", delivered(post("/services/collector", "Basic " + basic, "{\"event\":1}")).token().name());
    assertEquals("web", delivered(post("/services/collector?token=" + WEB, null, "{\"event\":1}")).token().name());
  }

  @Test
  void channels() {
    HecProtocol.Deliver d = delivered(protocol.decide(new HecRequest("POST", "/services/collector/raw", "Splunk " + OPS,
        CHANNEL, null, "x".getBytes(StandardCharsets.UTF_8), "10.0.0.7", 0)));
    assertEquals(CHANNEL.toLowerCase(), d.events().get(0).getHeaders().get("hec.channel"), "case-insensitive");
    d = delivered(post("/services/collector/raw?channel=" + CHANNEL, "x"));
    assertEquals(CHANNEL.toLowerCase(), d.events().get(0).getHeaders().get("hec.channel"));
    d = delivered(post("/services/collector/raw?channel=", "x"));
    assertNull(d.events().get(0).getHeaders().get("hec.channel"), "an empty channel is none");
    says(HecReply.INVALID_CHANNEL, now(post("/services/collector/raw?channel=not-a-guid", "x")));
    says(HecReply.CHANNEL_MISSING, now(post("/services/collector", "Splunk " + ACKED, "{\"event\":1}")));
    says(HecReply.ACK_DISABLED, now(post("/services/collector/ack?channel=" + CHANNEL, "{\"acks\":[0]}")));
  }

  // Indexer acknowledgements: the ids, the answers and the /ack exchange.

  private HecProtocol.Decision acked(String uri, String channel, String body) {
    return protocol.decide(new HecRequest("POST", uri, "Splunk " + ACKED, channel, null,
        body.getBytes(StandardCharsets.UTF_8), "10.0.0.7", 1_795_420_800_123L));
  }

  private String ackQuery(String channel, String body) {
    return text(now(acked("/services/collector/ack", channel, body)));
  }

  @Test
  void eachAcceptedRequestGetsTheNextAckIdOfItsChannel() {
    HecProtocol.Deliver first = delivered(acked("/services/collector", CHANNEL, "{\"event\":1}{\"event\":2}"));
    assertEquals(0, first.ackId());
    assertEquals("{\"text\":\"Success\",\"code\":0,\"ackId\":0}", text(first.acceptedAnswer()));
    for (Event e : first.events()) {
      assertEquals("0", e.getHeaders().get("hec.ackId"));
      assertEquals(CHANNEL.toLowerCase(), e.getHeaders().get("hec.channel"));
    }
    HecProtocol.Deliver raw = delivered(acked("/services/collector/raw?channel=" + CHANNEL.toLowerCase(), null, "x"));
    assertEquals(1, raw.ackId(), "the channel is the same whatever its case and wherever it is given");
    String other = "5c5f2c1e-0000-4000-8000-000000000001";
    assertEquals(0, delivered(acked("/services/collector", other, "{\"event\":1}")).ackId(), "per channel");
    HecProtocol.Deliver plain = delivered(post("/services/collector", "{\"event\":1}"));
    assertFalse(plain.acknowledged(), "a token without useAck gets no ackId");
    assertNull(plain.events().get(0).getHeaders().get("hec.ackId"));
  }

  @Test
  void anAckIsTrueOnceItsEventsAreInThenForgotten() {
    HecProtocol.Deliver d = delivered(acked("/services/collector", CHANNEL, "{\"event\":1}"));
    assertEquals("{\"acks\":{\"0\":false,\"7\":false}}", ackQuery(CHANNEL, "{\"acks\":[0,7]}"));
    acks.delivered(d.channel(), d.ackId(), List.of());
    assertEquals("{\"acks\":{\"0\":true,\"7\":false}}", ackQuery(CHANNEL, "{\"acks\":[0, 7]}"));
    assertEquals("{\"acks\":{\"0\":false}}", ackQuery(CHANNEL, "{\"acks\":[0]}"), "reported true once");
    assertEquals("{\"acks\":{}}", ackQuery(CHANNEL, "{\"acks\":[]}"));
  }

  @Test
  void aRefusedRequestsAckNeverTurnsTrue() {
    HecProtocol.Deliver d = delivered(acked("/services/collector", CHANNEL, "{\"event\":1}"));
    acks.refused(d.channel(), d.ackId());
    assertEquals("{\"acks\":{\"0\":false}}", ackQuery(CHANNEL, "{\"acks\":[0]}"));
  }

  @Test
  void ackQueriesThatAreWrong() {
    says(HecReply.CHANNEL_MISSING, now(acked("/services/collector/ack", null, "{\"acks\":[0]}")));
    says(HecReply.INVALID_CHANNEL, now(acked("/services/collector/ack", "nope", "{\"acks\":[0]}")));
    says(HecReply.NO_DATA, now(acked("/services/collector/ack", CHANNEL, "")));
    for (String bad : List.of("[0]", "{\"acks\":0}", "{\"acks\":[-1]}", "{\"acks\":[\"0\"]}", "{\"acks\":[0.5]}",
        "{\"acks\":[0],\"more\":1}", "{\"acks\":[0]}{}", "{\"acks\":[0]", "{}", "{\"acks\":[99999999999999999999]}")) {
      says(HecReply.INVALID_DATA_FORMAT, now(acked("/services/collector/ack", CHANNEL, bad)));
    }
  }

  @Test
  void anAckQueryMayBeGzipped() throws IOException {
    HecProtocol.Deliver d = delivered(acked("/services/collector", CHANNEL, "{\"event\":1}"));
    acks.delivered(d.channel(), d.ackId(), List.of());
    Answer a = now(protocol.decide(new HecRequest("POST", "/services/collector/ack", "Splunk " + ACKED, CHANNEL, "gzip",
        gzip("{\"acks\":[0]}".getBytes(StandardCharsets.UTF_8)), "10.0.0.7", 0)));
    assertEquals("{\"acks\":{\"0\":true}}", text(a));
  }

  @Test
  void aPartialBodyIsAnsweredWithItsRefusalAndGetsNoAckId() {
    HecProtocol.Deliver d = delivered(acked("/services/collector", CHANNEL, "{\"event\":1}{\"nope\":2}"));
    assertFalse(d.acknowledged());
    assertEquals(400, d.acceptedAnswer().status());
    assertNull(d.events().get(0).getHeaders().get("hec.ackId"));
  }

  @Test
  void aChannelFullOfUnqueriedAcksIsBusy() {
    for (int i = 0; i < 3; i++) {
      acks.delivered(CHANNEL.toLowerCase(), delivered(acked("/services/collector", CHANNEL, "{\"event\":1}")).ackId(),
          List.of());
    }
    Answer busy = now(acked("/services/collector", CHANNEL, "{\"event\":1}"));
    assertEquals("{\"text\":\"Server is busy\",\"code\":9}", text(busy));
    assertEquals(503, busy.status());
    assertTrue(busy.retryAfterSeconds() > 0);
    ackQuery(CHANNEL, "{\"acks\":[0]}"); // the client collects one: room for one more
    assertEquals(3, delivered(acked("/services/collector", CHANNEL, "{\"event\":1}")).ackId());
  }

  @Test
  void aDrainingSourceTakesNoEventsButAnswersAcks() {
    HecProtocol.Deliver d = delivered(acked("/services/collector", CHANNEL, "{\"event\":1}"));
    acks.delivered(d.channel(), d.ackId(), List.of());
    protocol.drain();
    Answer refused = now(acked("/services/collector", CHANNEL, "{\"event\":1}"));
    assertEquals(503, refused.status());
    assertEquals(HecProtocol.DRAINING_RETRY_SECONDS, refused.retryAfterSeconds());
    assertEquals(503, now(post("/services/collector/raw", "x")).status());
    assertEquals("{\"acks\":{\"0\":true}}", ackQuery(CHANNEL, "{\"acks\":[0]}"));
  }

  @Test
  void emptyBodies() {
    says(HecReply.NO_DATA, now(post("/services/collector", "")));
    says(HecReply.NO_DATA, now(post("/services/collector", " \r\n\t")));
    says(HecReply.NO_DATA, now(post("/services/collector/raw", "\n\n")));
  }

  @Test
  void aPartialBatchKeepsWhatCameBeforeTheFirstBadEvent() {
    HecProtocol.Deliver d = delivered(post("/services/collector",
        "{\"event\":\"a\"}{\"event\":\"b\"}\n{\"event\":\"c\"}  {\"event\": tru}{\"event\":\"d\"}"));
    assertEquals(List.of("a", "b", "c"), bodies(d.events()));
    Answer a = d.acceptedAnswer();
    assertEquals(400, a.status());
    assertEquals("{\"text\":\"Invalid data format\",\"code\":6,\"invalid-event-number\":3}", text(a));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{\"event\":\"a\"}[1]|6|1",
      "{\"event\":\"a\"}{\"time\":1}|12|1",
      "{\"event\":null}|12|0",
      "{\"event\":\"\"}|13|0",
      "{\"event\":\"a\",\"fields\":{\"nested\":{\"x\":1}}}|15|0",
      "{\"event\":\"a\",\"fields\":{\"list\":[[1]]}}|15|0",
      "{\"event\":\"a\",\"fields\":\"text\"}|15|0",
      "{\"event\":\"a\",\"time\":\"2026-12-03T10:00:00Z\"}|15|0",
      "{\"event\":\"a\",\"time\":-5}|15|0",
      "{\"event\":\"a\",\"time\":1e-2147483648}|15|0",
      "{\"event\":\"a\",\"host\":{\"x\":1}}|6|0",
      "{\"event\":\"a\",\"index\":\"finance\"}|7|0",
      "{\"event\":\"a\"} trailing|6|1",
      "{\"event\":[[[[[[[[[[1]]]]]]]]]]}|6|0"})
  void eachBadEventIsNamedWithItsCode(String body, int code, int number) {
    HecProtocol.Decision d = post("/services/collector", body);
    Answer a = d instanceof HecProtocol.Deliver del ? del.acceptedAnswer() : now(d);
    assertEquals(400, a.status(), text(a));
    assertTrue(text(a).contains("\"code\":" + code + ","), text(a));
    assertTrue(text(a).endsWith("\"invalid-event-number\":" + number + "}"), text(a));
  }

  @Test
  void tooManyEventsOrAnEventTooLargeStopTheBatchThere() {
    String big = "x".repeat(LIMITS.maxEventBytes() + 1);
    HecProtocol.Deliver d = delivered(post("/services/collector", "{\"event\":\"a\"}{\"event\":\"" + big + "\"}"));
    assertEquals(1, d.events().size());
    assertTrue(text(d.acceptedAnswer()).endsWith("\"invalid-event-number\":1}"));
    StringBuilder many = new StringBuilder();
    for (int i = 0; i < LIMITS.maxEvents() + 5; i++) {
      many.append("{\"event\":").append(i).append('}');
    }
    d = delivered(post("/services/collector", many.toString()));
    assertEquals(LIMITS.maxEvents(), d.events().size());
    assertTrue(text(d.acceptedAnswer()).endsWith("\"invalid-event-number\":" + LIMITS.maxEvents() + "}"));
  }

  @Test
  void theEventsHeadersAndBody() {
    HecProtocol.Deliver d = delivered(post("/services/collector?host=qhost&source=qsrc",
        "{\"event\":{\"action\":\"login\",\"n\":[1,2]},\"time\":1795420800.5,\"host\":\"web1\",\"index\":\"security\","
            + "\"fields\":{\"dc\":\"eu\",\"tags\":[\"a\",\"b\"]},\"sluice.eventId\":\"forged\"}"
            + "{\"event\":\"plain text\",\"time\":\"1795420801\"}"));
    Event e = d.events().get(0);
    Map<String, String> h = e.getHeaders();
    assertEquals("{\"action\":\"login\",\"n\":[1,2]}", new String(e.getBody(), StandardCharsets.UTF_8));
    assertEquals("true", h.get("hec.eventJson"));
    assertEquals("1795420800500", h.get("timestamp"));
    assertEquals("web1", h.get("host"), "the envelope's host over the query's");
    assertEquals("qsrc", h.get("source"), "the query's source as the default");
    assertEquals("ops:json", h.get("sourcetype"), "the token's sourcetype");
    assertEquals("security", h.get("index"));
    assertEquals("{\"dc\":\"eu\",\"tags\":[\"a\",\"b\"]}", h.get("hec.fields"));
    assertEquals("ops", h.get("hec.token"), "the token's name, never its value");
    assertEquals("10.0.0.7", h.get("clientIp"));
    assertEquals("1795420800123", h.get("sluice.receivedAt"));
    assertTrue(h.get("sluice.eventId").matches("[0-9a-f-]{36}"), "a key of the envelope sets no header");
    assertEquals(java.util.Set.of("host", "source", "sourcetype", "index", "timestamp", "hec.fields",
        "hec.eventJson", "hec.token", "clientIp", "sluice.eventId", "sluice.receivedAt"), h.keySet());

    Event second = d.events().get(1);
    assertEquals("plain text", new String(second.getBody(), StandardCharsets.UTF_8));
    assertNull(second.getHeaders().get("hec.eventJson"));
    assertEquals("1795420801000", second.getHeaders().get("timestamp"));
    assertEquals("qhost", second.getHeaders().get("host"));
    assertEquals("main", second.getHeaders().get("index"), "the token's default index");
  }

  @Test
  void withoutMetadataTheClientsAddressIsTheHostAndTheTokenTheSource() {
    Map<String, String> h = delivered(post("/services/collector?token=" + WEB, null, "{\"event\":\"x\"}"))
        .events().get(0).getHeaders();
    assertEquals("10.0.0.7", h.get("host"));
    assertEquals("http:web", h.get("source"));
    assertNull(h.get("sourcetype"));
    assertNull(h.get("index"));
    assertNull(h.get("timestamp"), "no time given: the receive time stands");
  }

  @ParameterizedTest
  @CsvSource({
      "1795420800, 1795420800000",
      "1795420800.123, 1795420800123",
      "1795420800.1239, 1795420800123",
      "\"1795420800.5\", 1795420800500",
      "1795420800123, 1795420800123", // milliseconds: only they can be that large
      "0, 0"})
  void timeFormats(String time, long millis) {
    HecProtocol.Deliver d = delivered(post("/services/collector", "{\"event\":\"x\",\"time\":" + time + "}"));
    assertEquals(Long.toString(millis), d.events().get(0).getHeaders().get("timestamp"));
  }

  @Test
  void rawTakesItsMetadataFromTheQueryString() {
    HecProtocol.Deliver d = delivered(post(
        "/services/collector/raw?host=h1&source=s1&sourcetype=st1&index=security&time=1795420800.25", "line"));
    Map<String, String> h = d.events().get(0).getHeaders();
    assertEquals("h1", h.get("host"));
    assertEquals("s1", h.get("source"));
    assertEquals("st1", h.get("sourcetype"));
    assertEquals("security", h.get("index"));
    assertEquals("1795420800250", h.get("timestamp"));
    says(HecReply.INCORRECT_INDEX, now(post("/services/collector/raw?index=finance", "line")));
  }

  @Test
  void gzipBodies() throws IOException {
    byte[] gz = gzip("{\"event\":\"zipped\"}".getBytes(StandardCharsets.UTF_8));
    HecProtocol.Deliver d = delivered(protocol.decide(new HecRequest("POST", "/services/collector", "Splunk " + OPS,
        null, "gzip", gz, "10.0.0.7", 0)));
    assertEquals(List.of("zipped"), bodies(d.events()));

    byte[] cut = java.util.Arrays.copyOf(gz, gz.length - 6);
    Answer a = now(protocol.decide(new HecRequest("POST", "/services/collector", "Splunk " + OPS, null, "gzip", cut,
        "10.0.0.7", 0)));
    assertEquals(400, a.status());
    assertTrue(text(a).contains("\"code\":6"), text(a));

    byte[] bomb = gzip(new byte[LIMITS.maxInflatedBytes() * 4]); // 4 MiB of zeros: a few KB of gzip
    assertTrue(bomb.length < 10_000);
    assertEquals(413, now(protocol.decide(new HecRequest("POST", "/services/collector", "Splunk " + OPS, null, "gzip",
        bomb, "10.0.0.7", 0))).status());
    assertEquals(415, now(protocol.decide(new HecRequest("POST", "/services/collector", "Splunk " + OPS, null,
        "deflate", gz, "10.0.0.7", 0))).status());
  }

  /** Inflated bodies count against the source's budget while they are parsed, and give it back. */
  @Test
  void aGzipBodyThatWouldInflatePastTheSourcesBudgetIsBusy() throws IOException {
    BodyBudget small = new BodyBudget(20_000);
    HecProtocol p = new HecProtocol(TOKENS, LIMITS, null, () -> false, null, small);
    byte[] big = gzip(("{\"event\":\"" + "x".repeat(30_000) + "\"}").getBytes(StandardCharsets.UTF_8));
    Answer busy = now(p.decide(new HecRequest("POST", "/services/collector", "Splunk " + OPS, null, "gzip", big,
        "10.0.0.7", 0)));
    assertEquals(503, busy.status());
    assertEquals(1, busy.retryAfterSeconds());
    assertEquals(0, small.used(), "what it took is given back");
    byte[] fits = gzip("{\"event\":\"fits\"}".getBytes(StandardCharsets.UTF_8));
    HecProtocol.Deliver d = delivered(p.decide(new HecRequest("POST", "/services/collector", "Splunk " + OPS, null,
        "gzip", fits, "10.0.0.7", 0)));
    assertEquals(2 * 16, small.used(), "the inflated body and its events' copies, until it is answered");
    p.answered(d);
    assertEquals(0, small.used());
    small.take(19_990); // other connections hold the rest
    assertEquals(503, now(p.decide(new HecRequest("POST", "/services/collector", "Splunk " + OPS, null, "gzip", fits,
        "10.0.0.7", 0))).status());
  }

  @Test
  void aHealthCheckChecksATokenOnlyWhenOneIsGiven() {
    HecRequest plain = new HecRequest("GET", "/services/collector/health", null, null, null, new byte[0], "10.0.0.7", 0);
    says(HecReply.HEALTHY, now(protocol.decide(plain)));
    says(HecReply.HEALTHY, now(protocol.decide(new HecRequest("GET", "/services/collector/health", "Splunk " + OPS,
        null, null, new byte[0], "10.0.0.7", 0))));
    says(HecReply.HEALTH_INVALID_TOKEN, now(protocol.decide(new HecRequest("GET", "/services/collector/health",
        "Splunk nope", null, null, new byte[0], "10.0.0.7", 0))));
    says(HecReply.HEALTH_INVALID_TOKEN, now(protocol.decide(new HecRequest("GET", "/services/collector/health?token=nope",
        null, null, null, new byte[0], "10.0.0.7", 0))));
    says(HecReply.HEALTH_TOKEN_DISABLED, now(protocol.decide(new HecRequest("GET", "/services/collector/health",
        "Splunk " + OFF, null, null, new byte[0], "10.0.0.7", 0))));
  }

  /** 19 while the acks are at their limit of channels, 20 when a channel is too full as well. */
  @Test
  void aHealthCheckSaysWhenTheAckServiceIsFull() {
    java.util.concurrent.atomic.AtomicBoolean full = new java.util.concurrent.atomic.AtomicBoolean();
    try (HecAcks small = new HecAcks(new HecAcks.Settings(HecAcks.CompleteOn.CHANNEL, java.time.Duration.ofMinutes(10),
        1, 10, java.time.Duration.ZERO), clock)) {
      HecProtocol p = new HecProtocol(TOKENS, LIMITS, null, full::get, small, budget);
      HecRequest health = new HecRequest("GET", "/services/collector/health", null, null, null, new byte[0], "10.0.0.7", 0);
      says(HecReply.HEALTHY, now(p.decide(health)));
      delivered(p.decide(new HecRequest("POST", "/services/collector", "Splunk " + ACKED, CHANNEL, null,
          "{\"event\":1}".getBytes(StandardCharsets.UTF_8), "10.0.0.7", 0)));
      says(HecReply.UNHEALTHY_ACK, now(p.decide(health)));
      full.set(true);
      says(HecReply.UNHEALTHY_BOTH, now(p.decide(health)));
      assertEquals(503, now(p.decide(new HecRequest("POST", "/services/collector", "Splunk " + ACKED,
          "5c5f2c1e-0000-4000-8000-000000000001", null, "{\"event\":1}".getBytes(StandardCharsets.UTF_8),
          "10.0.0.7", 0))).status(), "a new channel is refused, as health said");
    }
  }

  @Test
  void aHealthCheckSaysWhenAChannelIsTooFull() {
    java.util.concurrent.atomic.AtomicBoolean full = new java.util.concurrent.atomic.AtomicBoolean();
    HecProtocol p = new HecProtocol(TOKENS, LIMITS, null, full::get, null, budget);
    HecRequest health = new HecRequest("GET", "/services/collector/health", null, null, null, new byte[0], "10.0.0.7", 0);
    says(HecReply.HEALTHY, now(p.decide(health)));
    full.set(true);
    says(HecReply.UNHEALTHY_QUEUES_FULL, now(p.decide(health)));
  }

  /** preAuthLimit: per address, before any token is looked at; other addresses are served. */
  @Test
  void thePreAuthLimitRefusesAnAddressOverItBeforeAnyToken() {
    java.util.concurrent.atomic.AtomicInteger refusals = new java.util.concurrent.atomic.AtomicInteger();
    HecProtocol p = new HecProtocol(TOKENS, LIMITS,
        new PreAuthLimit(io.sluice.core.limit.Limits.parse("2/s burst 2"), null, clock, refusals::incrementAndGet), () -> false,
        null, budget);
    HecRequest good = new HecRequest("POST", "/services/collector", "Splunk " + OPS, null, null,
        "{\"event\":1}".getBytes(StandardCharsets.UTF_8), "10.0.0.7", 0);
    HecRequest bad = new HecRequest("POST", "/services/collector", "Splunk nope", null, null,
        "{\"event\":1}".getBytes(StandardCharsets.UTF_8), "10.0.0.7", 0);
    says(HecReply.INVALID_TOKEN, now(screened(p, bad)));
    delivered(screened(p, good));
    Answer refused = now(screened(p, good));
    assertEquals(429, refused.status());
    assertEquals("{\"text\":\"Server is busy\",\"code\":9}", text(refused));
    assertEquals(1, refused.retryAfterSeconds());
    assertEquals(429, now(screened(p, bad)).status(), "a bad token is refused by the limit, not looked up");
    HecRequest elsewhere = new HecRequest("POST", "/services/collector", "Splunk " + OPS, null, null,
        "{\"event\":1}".getBytes(StandardCharsets.UTF_8), "10.0.0.8", 0);
    delivered(screened(p, elsewhere));
    clock.advance(java.time.Duration.ofSeconds(1));
    delivered(screened(p, good));
    assertEquals(2, refusals.get(), "each refusal counted");
  }

  /**
   * A health check that gives a token says whether it is known: it passes preAuthLimit first, as
   * any request that has a token looked up, so that an address cannot try tokens through it at
   * any rate. One without a token (a load balancer's probe) is not limited.
   */
  @Test
  void aHealthCheckWithATokenPassesThePreAuthLimitFirst() {
    HecProtocol p = new HecProtocol(TOKENS, LIMITS,
        new PreAuthLimit(io.sluice.core.limit.Limits.parse("2/s burst 2"), null, clock, () -> {}), () -> false,
        null, budget);
    HecRequest guess = new HecRequest("GET", "/services/collector/health?token=nope", null, null, null,
        new byte[0], "10.0.0.7", 0);
    HecRequest known = new HecRequest("GET", "/services/collector/health", "Splunk " + OPS, null, null,
        new byte[0], "10.0.0.7", 0);
    HecRequest probe = new HecRequest("GET", "/services/collector/health", null, null, null,
        new byte[0], "10.0.0.7", 0);
    assertTrue(p.decide(guess) instanceof HecProtocol.PreAuth, "a token given: screened first");
    says(HecReply.HEALTH_INVALID_TOKEN, now(screened(p, guess)));
    says(HecReply.HEALTHY, now(screened(p, known)));
    assertEquals(429, now(screened(p, guess)).status(), "over the limit: refused before the lookup");
    assertEquals(429, now(screened(p, known)).status());
    for (int i = 0; i < 5; i++) {
      says(HecReply.HEALTHY, now(screened(p, probe))); // no token: not limited
    }
    clock.advance(java.time.Duration.ofSeconds(1));
    says(HecReply.HEALTH_INVALID_TOKEN, now(screened(p, guess)));
  }

  /** What {@code p} decides for {@code r}, through preAuthLimit (in this process: at once). */
  private static HecProtocol.Decision screened(HecProtocol p, HecRequest r) {
    HecProtocol.Decision d = p.decide(r);
    if (!(d instanceof HecProtocol.PreAuth pre)) {
      return d;
    }
    long[] wait = {-1};
    p.screen(pre, w -> wait[0] = w);
    assertTrue(wait[0] >= 0, "a limit in this process answers at once");
    return p.afterPreAuth(pre, wait[0]);
  }

  @Test
  void tokensNeverShowTheirSecrets() {
    assertEquals("[ops, web, off, acked]", TOKENS.toString());
    assertFalse(TOKENS.tokens().toString().contains(OPS));
    assertNull(TOKENS.find(OPS.substring(0, 35)));
    assertEquals("ops", TOKENS.find(OPS).name());
  }

  @Test
  void tokenConfigurationErrorsNameTheKey() {
    assertTrue(message(Map.of()).contains("'tokens'"));
    assertTrue(message(Map.of("tokens", "a")).contains("'tokens.a.value'"));
    assertTrue(message(Map.of("tokens", "a a", "tokens.a.value", "x")).contains("each name once"));
    assertTrue(message(Map.of("tokens", "a b", "tokens.a.value", "x", "tokens.b.value", "x"))
        .contains("the same secret"));
    String m = message(Map.of("tokens", "a", "tokens.a.value", "s3cret", "tokens.a.indexes", "x", "tokens.a.index", "y"));
    assertTrue(m.contains("'tokens.a.index'"), m);
    assertFalse(m.contains("s3cret"), m);
    assertTrue(message(Map.of("tokens", "a", "tokens.a.value", "x", "tokens.a.useAck", "yes")).contains("useAck"));
  }

  private static String message(Map<String, String> props) {
    try {
      HecTokens.of(props);
      return "accepted";
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }

  private static List<String> bodies(List<Event> events) {
    return events.stream().map(e -> new String(e.getBody(), StandardCharsets.UTF_8)).toList();
  }

  static byte[] gzip(byte[] b) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(b);
    }
    return out.toByteArray();
  }

  @Test
  void eventBodiesAreTheStringAsUtf8() {
    HecProtocol.Deliver d = delivered(post("/services/collector", "{\"event\":\"caf\\u00e9 \\ud83d\\ude00\"}"));
    assertArrayEquals("café 😀".getBytes(StandardCharsets.UTF_8), d.events().get(0).getBody());
  }
}
