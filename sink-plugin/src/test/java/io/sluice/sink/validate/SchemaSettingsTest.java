package io.sluice.sink.validate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.flume.Context;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/** Reading the schema keys and loading their files: every way a configuration can be wrong. */
class SchemaSettingsTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  @TempDir
  Path dir;

  private String write(String name, String content) throws IOException {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    Files.writeString(p, content, StandardCharsets.UTF_8);
    return p.toString();
  }

  private static IllegalArgumentException refused(Map<String, String> config) {
    return assertThrows(IllegalArgumentException.class, () -> SchemaSettings.from(config).load());
  }

  private static void says(IllegalArgumentException e, String... parts) {
    for (String p : parts) {
      assertTrue(e.getMessage().contains(p), () -> "no '" + p + "' in: " + e.getMessage());
    }
  }

  private static final String MIN_2020 =
      "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"type\":\"object\",\"required\":[\"message\"]}";

  // ---- what loads

  @Test
  void noSchemaKeyMeansEveryDocumentIsValid() {
    SchemaSettings s = SchemaSettings.from(Map.of("batchSize", "100"));
    assertTrue(s.isEmpty());
    DocumentSchemas schemas = s.load();
    assertTrue(schemas.isEmpty());
    assertNull(schemas.schemaFor(Map.of("sourcetype", "x")));
    Validation v = schemas.validate(Map.of(), JSON.readTree("{\"anything\":[1,2,3]}"));
    assertTrue(v.isValid());
    assertNull(v.schema());
  }

  @Test
  void oneSchemaForEveryEvent() throws IOException {
    String path = write("s.json", MIN_2020);
    DocumentSchemas schemas = SchemaSettings.from(new Context(Map.of("schema", path))).load();
    assertFalse(schemas.isEmpty());
    assertTrue(schemas.validate(Map.of(), JSON.readTree("{\"message\":\"m\"}")).isValid());
    Validation v = schemas.validate(Map.of(), JSON.readTree("{}"));
    assertFalse(v.isValid());
    assertEquals(path, v.schema());
    assertEquals(1, v.errorCount());
    assertEquals("$: required property 'message' not found", v.errors().get(0));
  }

  @Test
  void bothDraftsInEveryUsualSpellingAndNoneAtAll() throws IOException {
    String[] ids = {"https://json-schema.org/draft/2020-12/schema", "https://json-schema.org/draft/2020-12/schema#",
        "http://json-schema.org/draft/2020-12/schema", "http://json-schema.org/draft-07/schema#",
        "http://json-schema.org/draft-07/schema", "https://json-schema.org/draft-07/schema#"};
    for (String id : ids) {
      String path = write("d.json", "{\"$schema\":\"" + id + "\",\"type\":\"object\",\"required\":[\"x\"]}");
      DocumentSchemas s = SchemaSettings.from(Map.of("schema", path)).load();
      assertFalse(s.validate(Map.of(), JSON.readTree("{}")).isValid(), id);
      assertTrue(s.validate(Map.of(), JSON.readTree("{\"x\":1}")).isValid(), id);
    }
    String path = write("none.json", "{\"type\":\"object\",\"required\":[\"x\"]}");
    assertFalse(SchemaSettings.from(Map.of("schema", path)).load().validate(Map.of(), JSON.readTree("{}")).isValid());
  }

  @Test
  void theDraftDecidesWhatKeywordsMean() throws IOException {
    // prefixItems is a 2020-12 keyword; draft-07 does not know it, and ignores it as it must
    String body = ",\"type\":\"object\",\"properties\":{\"a\":{\"prefixItems\":[{\"type\":\"string\"}]}}}";
    String d2020 = write("t2020.json", "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\"" + body);
    String d07 = write("t07.json", "{\"$schema\":\"http://json-schema.org/draft-07/schema#\"" + body);
    String doc = "{\"a\":[1]}";
    assertFalse(SchemaSettings.from(Map.of("schema", d2020)).load().validate(Map.of(), JSON.readTree(doc)).isValid(),
        "2020-12 knows prefixItems");
    assertTrue(SchemaSettings.from(Map.of("schema", d07)).load().validate(Map.of(), JSON.readTree(doc)).isValid(),
        "draft-07 does not: an unknown keyword is ignored");
  }

  @Test
  void aRelativeRefLeadsToALocalFile() throws IOException {
    write("defs/severity.json", "{\"type\":\"integer\",\"maximum\":7}");
    String main = write("main.json", "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\","
        + "\"properties\":{\"severity\":{\"$ref\":\"defs/severity.json\"}}}");
    DocumentSchemas s = SchemaSettings.from(Map.of("schema", main)).load();
    assertTrue(s.validate(Map.of(), JSON.readTree("{\"severity\":3}")).isValid());
    Validation v = s.validate(Map.of(), JSON.readTree("{\"severity\":9}"));
    assertEquals("$.severity: must have a maximum value of 7", v.errors().get(0));
  }

  @Test
  void aPathWithSpacesAndRelativeDotsIsAPath() throws IOException {
    write("with space/x.json", MIN_2020);
    String path = dir.resolve("with space/../with space/x.json").toString();
    assertFalse(SchemaSettings.from(Map.of("schema", path)).load().isEmpty());
  }

  @Test
  void aFileNamedByManyKeysIsLoadedOnce() throws IOException {
    String a = write("a.json", MIN_2020);
    String b = write("b.json", MIN_2020);
    DocumentSchemas s = SchemaSettings.from(Map.of("schema", a, "schema.header", "sourcetype",
        "schemas.x", a, "schemas.y", b, "schemas.z", b)).load();
    assertSame(s.schemaFor(Map.of()), s.schemaFor(Map.of("sourcetype", "x")));
    assertSame(s.schemaFor(Map.of("sourcetype", "y")), s.schemaFor(Map.of("sourcetype", "z")));
    assertEquals(b, s.schemaFor(Map.of("sourcetype", "z")).name());
  }

  // ---- the keys

  @Test
  void aSchemaHeaderNeedsPerValueSchemas() throws IOException {
    String a = write("a.json", MIN_2020);
    IllegalArgumentException e = refused(Map.of("schema", a, "schema.header", "sourcetype"));
    says(e, "Invalid value for 'schema.header': 'sourcetype'", "schemas.<value> = PATH");
  }

  @Test
  void aSchemaHeaderNeedsAFallback() throws IOException {
    String a = write("a.json", MIN_2020);
    IllegalArgumentException e = refused(Map.of("schema.header", "sourcetype", "schemas.app", a));
    says(e, "Invalid value for 'schema': ''", "the events no schemas.<value> matches");
  }

  @Test
  void perValueSchemasNeedAHeader() throws IOException {
    String a = write("a.json", MIN_2020);
    IllegalArgumentException e = refused(Map.of("schema", a, "schemas.app", a));
    says(e, "Invalid value for 'schemas.app': '" + a + "'", "schema.header");
  }

  @Test
  void emptyValuesAreRefused() throws IOException {
    String a = write("a.json", MIN_2020);
    says(refused(Map.of("schema", " ")), "Invalid value for 'schema': ' '");
    says(refused(Map.of("schema", a, "schema.header", "")), "Invalid value for 'schema.header': ''");
    says(refused(Map.of("schema", a, "schema.header", "st", "schemas.app", "")),
        "Invalid value for 'schemas.app': ''");
    says(refused(Map.of("schema", a, "schema.header", "st", "schemas.", a)), "Invalid value for 'schemas.'");
  }

  // ---- the files

  @Test
  void aMissingFileIsNamedWithItsKey() {
    String missing = dir.resolve("nope.json").toString();
    says(refused(Map.of("schema", missing)), "Invalid value for 'schema': '" + missing + "'",
        "cannot be read: no such file", "expected a JSON Schema file (draft 2020-12 or draft-07)");
  }

  @Test
  void aMissingPerValueFileIsNamedWithItsKey() throws IOException {
    String a = write("a.json", MIN_2020);
    String missing = dir.resolve("gone.json").toString();
    says(refused(Map.of("schema", a, "schema.header", "sourcetype", "schemas.app:json", missing)),
        "Invalid value for 'schemas.app:json': '" + missing + "'", "no such file");
  }

  @Test
  void aDirectoryIsNotASchema() {
    says(refused(Map.of("schema", dir.toString())), "Invalid value for 'schema'", "not a regular file");
  }

  @Test
  void malformedJsonIsRefusedWithWhereItBreaks() throws IOException {
    String path = write("bad.json", "{\n  \"type\": \"object\",\n  \"required\": [\"a\" \"b\"]\n}");
    says(refused(Map.of("schema", path)), "Invalid value for 'schema': '" + path + "'",
        "not valid JSON at line 3, column");
    String trailing = write("trailing.json", "{\"type\":\"object\"} {}");
    says(refused(Map.of("schema", trailing)), "not valid JSON");
    String empty = write("empty.json", "");
    says(refused(Map.of("schema", empty)), "Invalid value for 'schema'");
  }

  @Test
  void aSchemaIsAnObject() throws IOException {
    says(refused(Map.of("schema", write("arr.json", "[1,2]"))), "holds a JSON array, not a schema object");
    says(refused(Map.of("schema", write("true.json", "true"))), "holds a JSON boolean");
  }

  @Test
  void anUnknownDraftIsRefused() throws IOException {
    for (String id : new String[] {"https://json-schema.org/draft/2019-09/schema", "http://json-schema.org/draft-04/schema#",
        "https://json-schema.org/draft/2099-01/schema", "https://example.com/my-dialect", "17"}) {
      String value = id.equals("17") ? "17" : "\"" + id + "\"";
      String path = write("u.json", "{\"$schema\":" + value + ",\"type\":\"object\"}");
      says(refused(Map.of("schema", path)), "Invalid value for 'schema': '" + path + "'",
          "declares \"$schema\": " + value + ", a draft not accepted here",
          "https://json-schema.org/draft/2020-12/schema", "http://json-schema.org/draft-07/schema#");
    }
  }

  @Test
  void aRemoteRefIsRefusedAtConfigureTimeWithoutTouchingTheNetwork() throws IOException {
    // 192.0.2.1 is TEST-NET-1: nothing answers there, so a fetch would hang until a timeout
    for (String ref : new String[] {"http://192.0.2.1/severity.json", "https://192.0.2.1/s.json#/$defs/x"}) {
      String path = write("remote.json", "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\","
          + "\"properties\":{\"a\":{\"type\":\"array\",\"items\":{\"$ref\":\"" + ref + "\"}}}}");
      long t0 = System.nanoTime();
      IllegalArgumentException e = refused(Map.of("schema", path));
      long millis = (System.nanoTime() - t0) / 1_000_000;
      says(e, "Invalid value for 'schema': '" + path + "'", "refers to " + ref.replace("#/$defs/x", ""),
          "schemas are never fetched over the network");
      assertTrue(millis < 3000, "refused in " + millis + " ms: no connection was tried");
    }
  }

  @Test
  void aRelativeRefUnderARemoteIdIsRemoteToo() throws IOException {
    String path = write("id.json", "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\","
        + "\"$id\":\"https://schemas.example.com/event.json\",\"properties\":{\"a\":{\"$ref\":\"common.json\"}}}");
    says(refused(Map.of("schema", path)), "refers to https://schemas.example.com/common.json");
  }

  @Test
  void aRemoteIdWithOnlyInternalRefsLoads() throws IOException {
    String path = write("internal.json", "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\","
        + "\"$id\":\"https://schemas.example.com/event.json\",\"$defs\":{\"sev\":{\"maximum\":7}},"
        + "\"properties\":{\"severity\":{\"$ref\":\"#/$defs/sev\"}}}");
    DocumentSchemas s = SchemaSettings.from(Map.of("schema", path)).load();
    assertFalse(s.validate(Map.of(), JSON.readTree("{\"severity\":8}")).isValid());
  }

  @Test
  void aRefToAMissingLocalFileIsRefused() throws IOException {
    String path = write("dangling.json", "{\"properties\":{\"a\":{\"$ref\":\"missing.json\"}}}");
    says(refused(Map.of("schema", path)), "Invalid value for 'schema'", "not a usable schema");
  }

  @Test
  void aTooLargeFileIsRefused() throws IOException {
    Path big = dir.resolve("big.json");
    StringBuilder sb = new StringBuilder("{\"description\":\"");
    sb.append("x".repeat((int) SchemaFiles.MAX_SCHEMA_BYTES));
    sb.append("\"}");
    Files.writeString(big, sb);
    says(refused(Map.of("schema", big.toString())), "larger than 4 MiB");
  }

  @Test
  void theShippedSchemasLoadUnderEveryKey() {
    Map<String, String> config = new HashMap<>();
    config.put("schema", Shipped.syslog());
    config.put("schema.header", "sourcetype");
    config.put("schemas.app:json", Shipped.hec());
    DocumentSchemas s = SchemaSettings.from(config).load();
    assertNotNull(s.schemaFor(Map.of("sourcetype", "app:json")));
    assertTrue(s.schemaFor(Map.of("sourcetype", "app:json")).name().endsWith("hec-event.schema.json"));
    assertTrue(s.schemaFor(Map.of()).name().endsWith("syslog-event.schema.json"));
  }
}
