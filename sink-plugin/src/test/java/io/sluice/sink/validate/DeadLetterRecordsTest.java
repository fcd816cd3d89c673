package io.sluice.sink.validate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.core.HeaderMap;
import io.sluice.core.time.ManualClock;
import io.sluice.sink.document.Events;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class DeadLetterRecordsTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  // 2026-11-23T06:00:01.250Z
  private final ManualClock clock = new ManualClock(1_000_000_000L, 1_795_413_601_250L);
  private final DeadLetterRecords records = new DeadLetterRecords("k1", clock, 64);

  private static JsonNode parsed(byte[] record) {
    String text = new String(record, StandardCharsets.UTF_8);
    assertFalse(text.contains("\n"), "one line");
    return JSON.readTree(record);
  }

  private static Validation severityError() {
    return Validation.invalid("conf/schemas/syslog-event.schema.json",
        List.of("$.severity: must have a maximum value of 7"), 1);
  }

  @Test
  void aRecordHoldsTheEventAsItCameAndWhy() {
    Events.Event e = Events.rfc5424().with("Severity", "9");
    byte[] record = records.record(e.headers(), e.body(), severityError());
    assertEquals("{\"time\":\"2026-11-23T06:00:01.250Z\",\"sink\":\"k1\","
        + "\"schema\":\"conf/schemas/syslog-event.schema.json\",\"errorCount\":1,"
        + "\"errors\":[\"$.severity: must have a maximum value of 7\"],"
        + "\"headers\":{\"Facility\":\"20\",\"Severity\":\"9\",\"priority\":\"165\",\"version\":\"1\","
        + "\"timestamp\":\"1795410000123\",\"host\":\"web1.example.com\",\"appName\":\"nginx\","
        + "\"procId\":\"4242\",\"msgId\":\"ID47\","
        + "\"structuredData\":\"[exampleSDID@32473 iut=\\\"3\\\" eventSource=\\\"Application\\\"]\","
        + "\"syslog.format\":\"rfc5424\",\"syslog.framing\":\"udp\","
        + "\"sluice.eventId\":\"2f0a10d2-0e8e-410a-af7a-0250df22c5d0\",\"sluice.receivedAt\":\"1795500000000\","
        + "\"clientIp\":\"192.0.2.10\",\"localPort\":\"5514\",\"sluice.disposition\":\"processed\","
        + "\"sluice.limitKey\":\"192.0.2.10\"},\"headersTruncated\":false,"
        + "\"bodyEncoding\":\"utf-8\",\"body\":\"GET /index.html 200\",\"bodyBytes\":19,\"bodyTruncated\":false}",
        new String(record, StandardCharsets.UTF_8));
  }

  @Test
  void theTimeIsTheClocks() {
    clock.advanceMillis(60_000);
    JsonNode r = parsed(records.record(Map.of(), new byte[0], severityError()));
    assertEquals("2026-11-23T06:01:01.250Z", r.get("time").stringValue());
  }

  @Test
  void aRefusedEventHasNoSchemaAndItsReason() {
    JsonNode r = parsed(records.record(Map.of(), "x".getBytes(StandardCharsets.UTF_8),
        Validation.refused("event of 2000000 bytes (body and headers) is larger than maxDocumentBytes (1048576)")));
    assertNull(r.get("schema"));
    assertEquals(1, r.get("errorCount").intValue());
    assertTrue(r.get("errors").get(0).stringValue().startsWith("event of 2000000 bytes"));
  }

  @Test
  void aBinaryBodyIsBase64() {
    byte[] body = {(byte) 0xFF, 0x00, 0x01, (byte) 0xC3};
    JsonNode r = parsed(records.record(Map.of(), body, severityError()));
    assertEquals("base64", r.get("bodyEncoding").stringValue());
    assertTrue(Arrays.equals(body, Base64.getDecoder().decode(r.get("body").stringValue())));
    assertEquals(4, r.get("bodyBytes").intValue());
    assertFalse(r.get("bodyTruncated").booleanValue());
  }

  @Test
  void aLargeTextBodyIsCutOnACharacterBoundaryAndSaysSo() {
    // 62 ASCII bytes, then a 4-byte character that crosses the 64-byte limit
    byte[] body = ("a".repeat(62) + "😀" + "tail").getBytes(StandardCharsets.UTF_8);
    JsonNode r = parsed(records.record(Map.of(), body, severityError()));
    assertEquals("utf-8", r.get("bodyEncoding").stringValue());
    assertEquals("a".repeat(62), r.get("body").stringValue());
    assertEquals(body.length, r.get("bodyBytes").intValue());
    assertTrue(r.get("bodyTruncated").booleanValue());
  }

  @Test
  void aLargeBinaryBodyIsCutAtTheLimit() {
    byte[] body = new byte[1000];
    Arrays.fill(body, (byte) 0xFE);
    JsonNode r = parsed(records.record(Map.of(), body, severityError()));
    assertEquals("base64", r.get("bodyEncoding").stringValue());
    assertEquals(64, Base64.getDecoder().decode(r.get("body").stringValue()).length);
    assertEquals(1000, r.get("bodyBytes").intValue());
    assertTrue(r.get("bodyTruncated").booleanValue());
  }

  @Test
  void aHugeBodyMakesABoundedRecord() {
    DeadLetterRecords big = new DeadLetterRecords("k1", clock, DeadLetterRecords.DEFAULT_MAX_BODY_BYTES);
    byte[] body = new byte[10 << 20];
    Arrays.fill(body, (byte) 'x');
    byte[] record = big.record(Map.of(), body, severityError());
    assertTrue(record.length < DeadLetterRecords.DEFAULT_MAX_BODY_BYTES + 1024, "record of " + record.length);
    assertTrue(parsed(record).get("bodyTruncated").booleanValue());
  }

  @Test
  void manyOrLongHeadersAreBoundedAndSaySo() {
    HeaderMap many = new HeaderMap(400);
    for (int i = 0; i < 400; i++) {
      many.put("h" + i, "v");
    }
    JsonNode r = parsed(records.record(many, new byte[0], severityError()));
    assertEquals(DeadLetterRecords.MAX_HEADERS, r.get("headers").size());
    assertTrue(r.get("headersTruncated").booleanValue());

    JsonNode longValue = parsed(records.record(Map.of("h", "v".repeat(10_000)), new byte[0], severityError()));
    assertEquals(DeadLetterRecords.MAX_HEADER_CHARS, longValue.get("headers").get("h").stringValue().length());
    assertTrue(longValue.get("headersTruncated").booleanValue());

    HeaderMap wide = new HeaderMap(100);
    for (int i = 0; i < 100; i++) {
      wide.put("h" + i, "v".repeat(4000));
    }
    byte[] record = records.record(wide, new byte[0], severityError());
    JsonNode w = parsed(record);
    assertTrue(w.get("headers").size() < 20, "stopped at 64 KiB of header text: " + w.get("headers").size());
    assertTrue(w.get("headersTruncated").booleanValue());
    assertTrue(record.length < 70_000, "record of " + record.length);
  }

  @Test
  void tenErrorsAtMostAreWrittenAndAllAreCounted() {
    List<String> errors = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      errors.add("$.f" + i + ": " + "bad ".repeat(200));
    }
    JsonNode r = parsed(records.record(Map.of(), new byte[0], Validation.invalid("s.json", errors, 40)));
    assertEquals(40, r.get("errorCount").intValue());
    assertEquals(Validation.MAX_ERRORS, r.get("errors").size());
    for (JsonNode e : r.get("errors")) {
      assertEquals(Validation.MAX_ERROR_CHARS, e.stringValue().length());
    }
  }

  @Test
  void nullBodiesAndNullHeaderValuesAreWritten() {
    HeaderMap h = new HeaderMap(2);
    h.put("a", null);
    JsonNode r = parsed(records.record(h, null, severityError()));
    assertTrue(r.get("headers").get("a").isNull());
    assertEquals("", r.get("body").stringValue());
    assertEquals(0, r.get("bodyBytes").intValue());
  }
}
