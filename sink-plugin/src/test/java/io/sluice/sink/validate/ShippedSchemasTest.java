package io.sluice.sink.validate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.sink.document.DocumentLimits;
import io.sluice.sink.document.DocumentMapper;
import io.sluice.sink.document.EventDocument;
import io.sluice.sink.document.Events;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The schemas shipped in conf-examples/schemas, loaded from there as a user would, against the
 * documents of real events: what passes, and what fails with which error.
 */
class ShippedSchemasTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final DocumentSchema SYSLOG =
      new SchemaSettings(Shipped.syslog(), null, Map.of()).load().schemaFor(Map.of());
  private static final DocumentSchema HEC =
      new SchemaSettings(Shipped.hec(), null, Map.of()).load().schemaFor(Map.of());
  private final DocumentMapper mapper = new DocumentMapper(DocumentLimits.DEFAULTS);

  private ObjectNode doc(Events.Event e) {
    EventDocument d = mapper.map(e.headers(), e.body());
    assertTrue(d.isMapped(), d::refusal);
    return d.tree();
  }

  private static ObjectNode json(String text) {
    return (ObjectNode) JSON.readTree(text);
  }

  private static void valid(DocumentSchema s, JsonNode doc) {
    Validation v = s.validate(doc);
    assertTrue(v.isValid(), () -> v + " for " + doc);
    assertEquals(s.name(), v.schema());
  }

  /** Invalid, and the first error says {@code expected} (a JSON path, then what is wrong). */
  private static Validation invalid(DocumentSchema s, JsonNode doc, String... expected) {
    Validation v = s.validate(doc);
    assertFalse(v.isValid(), () -> "valid: " + doc);
    assertEquals(s.name(), v.schema());
    for (String e : expected) {
      assertTrue(v.errors().stream().anyMatch(m -> m.contains(e)), () -> "no '" + e + "' in " + v.errors());
    }
    return v;
  }

  // ---- syslog-event.schema.json (draft 2020-12)

  @Test
  void syslogEventsOfEveryFormatPass() {
    valid(SYSLOG, doc(Events.rfc5424()));
    valid(SYSLOG, doc(Events.rfc3164()));
    valid(SYSLOG, doc(Events.rfc5424().withBody("caf\u00e9".getBytes(StandardCharsets.ISO_8859_1))));
    valid(SYSLOG, doc(Events.rfc3164().with("flume.syslog.status", "Incomplete")));
    valid(SYSLOG, doc(Events.rfc5424().withBody(new byte[0])));
  }

  @Test
  void invalidSyslogMessagesPassOnPurpose() {
    // no PRI: no severity, no facility; the SOC keeps them searchable (see the schema's description)
    valid(SYSLOG, doc(Events.invalidSyslog()));
    assertTrue(SYSLOG.validate(doc(Events.invalidSyslog())).isValid());
  }

  @Test
  void withoutSeverityOnlyAnInvalidMessagePasses() {
    invalid(SYSLOG, doc(Events.rfc5424().with("Severity", null).with("Facility", null)),
        "$: required property 'severity' not found", "$: required property 'facility' not found");
    invalid(SYSLOG, doc(Events.rfc3164().with("Severity", null)), "required property 'severity'");
    invalid(SYSLOG, doc(Events.rfc3164().with("Severity", null).with("flume.syslog.status", "Incomplete")),
        "required property 'severity'");
  }

  @Test
  void syslogFieldsOutsideTheirRangesFail() {
    invalid(SYSLOG, doc(Events.rfc5424().with("Severity", "9")), "$.severity: must have a maximum value of 7");
    invalid(SYSLOG, doc(Events.rfc5424().with("Facility", "24")), "$.facility: must have a maximum value of 23");
    invalid(SYSLOG, doc(Events.rfc5424().with("host", "h".repeat(256))), "$.host: must be at most 255 characters long");
    invalid(SYSLOG, doc(Events.rfc5424().with("msgId", "m".repeat(33))), "$.msgId");
    invalid(SYSLOG, doc(Events.rfc5424().with("appName", "a".repeat(49))), "$.app: must be at most 48 characters long");
    invalid(SYSLOG, doc(Events.rfc5424().with("procId", "p".repeat(129))), "$.procId");
    invalid(SYSLOG, doc(Events.rfc5424().with("sluice.disposition", "maybe")), "$.sluice.disposition");
    invalid(SYSLOG, doc(Events.rfc5424().with("syslog.format", "rfc9999")), "$.headers['syslog.format']");
    invalid(SYSLOG, doc(Events.rfc5424().with("sluice.eventId", null)), "$.sluice: required property 'eventId' not found");
  }

  @Test
  void aSyslogDocumentWithoutItsTimeOrIdFails() {
    invalid(SYSLOG, doc(Events.invalidSyslog().with("sluice.receivedAt", null)),
        "$: required property '@timestamp' not found");
    ObjectNode d = doc(Events.rfc5424());
    d.remove("sluice");
    invalid(SYSLOG, d, "$: required property 'sluice' not found");
    d = doc(Events.rfc5424());
    d.put("@timestamp", 1_795_410_000_123L);
    invalid(SYSLOG, d, "$['@timestamp']: integer found, string expected");
    d = doc(Events.rfc5424());
    ((ObjectNode) d.get("sluice")).remove("receivedAt");
    invalid(SYSLOG, d, "$.sluice: required property 'receivedAt' not found");
  }

  @Test
  void anHecDocumentIsNotASyslogDocument() {
    invalid(SYSLOG, doc(Events.hecString()),
        "$: property 'source' is not defined in the schema", "$: property 'fields' is not defined");
    invalid(SYSLOG, doc(Events.hecObject()), "property 'event' is not defined");
  }

  @Test
  void aSyslogDocumentHasExactlyOneBody() {
    ObjectNode both = doc(Events.rfc5424());
    both.put("messageBase64", "AAAA");
    invalid(SYSLOG, both, "$: must not be valid to the schema {\"required\":[\"message\"]}");
    ObjectNode none = doc(Events.rfc5424());
    none.remove("message");
    invalid(SYSLOG, none, "$: required property 'message' not found", "$: required property 'messageBase64' not found");
  }

  // ---- hec-event.schema.json (draft-07)

  @Test
  void hecEventsOfEveryKindPass() {
    valid(HEC, doc(Events.hecString()));
    valid(HEC, doc(Events.hecObject()));
    valid(HEC, doc(Events.hecObject().withBody("[1,2,3]".getBytes(StandardCharsets.UTF_8))));
    valid(HEC, doc(Events.hecString().with("hec.fields", null).with("index", null)));
    valid(HEC, doc(Events.hecString().with("hec.fields", "{\"n\":1.5,\"ok\":true,\"list\":[\"x\",2]}")));
    valid(HEC, doc(Events.hecString().withBody(new byte[] {(byte) 0xFF, 0x00})));
  }

  @Test
  void indexedFieldsMustBeFlat() {
    Validation v = invalid(HEC, doc(Events.hecString().with("hec.fields", "{\"geo\":{\"lat\":1}}")), "$.fields.geo");
    assertNotNull(v.errors().get(0));
    invalid(HEC, doc(Events.hecString().with("hec.fields", "{\"list\":[[1]]}")), "$.fields.list");
    invalid(HEC, doc(Events.hecString().with("hec.fields", "{\"n\":null}")), "$.fields.n");
  }

  @Test
  void hecDocumentsWithoutTokenOrWithBadMetadataFail() {
    invalid(HEC, doc(Events.hecString().with("hec.token", null)),
        "$.headers: required property 'hec.token' not found");
    invalid(HEC, doc(Events.hecString().with("index", "Main")), "$.index: does not match the regex pattern");
    invalid(HEC, doc(Events.hecString().with("index", "_internal")), "$.index");
    invalid(HEC, doc(Events.hecString().with("sourcetype", "")), "$.sourcetype: must be at least 1 characters long");
  }

  @Test
  void anHecEventValueMayNotBeNullNorAString() {
    invalid(HEC, doc(Events.hecObject().withBody("null".getBytes(StandardCharsets.UTF_8))), "$.event");
    ObjectNode d = doc(Events.hecObject());
    d.put("event", "a string is a message");
    invalid(HEC, d, "$.event");
  }

  @Test
  void aSyslogDocumentIsNotAnHecDocument() {
    invalid(HEC, doc(Events.rfc5424()), "$: property 'severity' is not defined in the schema",
        "$.headers: required property 'hec.token' not found");
  }

  @Test
  void bothDraftsAreInPlay() {
    assertEquals("https://json-schema.org/draft/2020-12/schema",
        JSON.readTree(read(Shipped.syslog())).get("$schema").stringValue());
    assertEquals("http://json-schema.org/draft-07/schema#",
        JSON.readTree(read(Shipped.hec())).get("$schema").stringValue());
    // draft-07 reads "definitions"; a 2020-12 schema would not need them: the $refs resolve
    valid(HEC, json("{\"@timestamp\":\"2026-11-23T05:00:00.000Z\",\"message\":\"m\","
        + "\"fields\":{\"a\":[\"x\"]},\"sluice\":{\"eventId\":\"e\",\"receivedAt\":1},"
        + "\"headers\":{\"hec.token\":\"t\"}}"));
  }

  @Test
  void everyErrorNamesWhereInTheDocument() {
    Validation v = SYSLOG.validate(doc(Events.rfc5424().with("Severity", "9").with("Facility", "99")
        .with("host", "h".repeat(300)).with("sluice.disposition", "x")));
    assertEquals(4, v.errorCount(), v.toString());
    for (String e : v.errors()) {
      assertTrue(e.startsWith("$."), e);
    }
    assertEquals(List.of("$.host", "$.severity", "$.facility", "$.sluice.disposition"),
        v.errors().stream().map(e -> e.substring(0, e.indexOf(':'))).toList());
  }

  private static byte[] read(String path) {
    try {
      return java.nio.file.Files.readAllBytes(java.nio.file.Path.of(path));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
