package io.sluice.sink.validate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.sluice.sink.document.DocumentLimits;
import io.sluice.sink.document.DocumentMapper;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The shortcut never disagrees with networknt: on generated documents, for schemas that use every
 * keyword it compiles (and some it does not), whatever it is certain of, networknt says too. And
 * it is certain where it matters: the shipped schemas' documents.
 */
class CompiledSchemaTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final String DRAFT_07 = "\"$schema\":\"http://json-schema.org/draft-07/schema#\",";

  @TempDir
  Path dir;

  static Stream<String> schemas() {
    return Stream.of(
        "{\"type\":\"integer\",\"minimum\":0,\"maximum\":7}",
        "{\"type\":[\"string\",\"null\"],\"minLength\":1,\"maxLength\":3}",
        "{\"type\":\"number\",\"exclusiveMinimum\":0,\"exclusiveMaximum\":10}",
        "{\"minimum\":-1,\"maximum\":1.5}",
        "{\"enum\":[\"a\",\"b\",1,null,true]}",
        "{\"const\":2}",
        "{\"const\":{\"a\":1}}",
        "{\"pattern\":\"^a+$\"}",
        "{\"properties\":{\"a\":{\"pattern\":\"b\"}}}",
        "{\"required\":[\"a\",\"b\"],\"properties\":{\"a\":{\"type\":\"string\"}},\"additionalProperties\":{\"type\":\"integer\"}}",
        "{\"properties\":{\"a\":true,\"b\":false},\"additionalProperties\":false}",
        "{\"additionalProperties\":{\"type\":[\"string\",\"boolean\"]}}",
        "{\"minProperties\":1,\"maxProperties\":2}",
        "{\"items\":{\"type\":\"integer\"},\"minItems\":1,\"maxItems\":3}",
        "{\"dependentRequired\":{\"a\":[\"b\"]},\"dependentSchemas\":{\"b\":{\"required\":[\"c\"]}}}",
        "{" + DRAFT_07 + "\"dependencies\":{\"a\":[\"b\"],\"b\":{\"required\":[\"c\"]}}}",
        "{\"oneOf\":[{\"type\":\"integer\"},{\"minimum\":2},{\"type\":\"string\"}]}",
        "{\"not\":{\"anyOf\":[{\"required\":[\"a\"]},{\"type\":\"string\"}]}}",
        "{\"if\":{\"required\":[\"a\"]},\"then\":{\"required\":[\"b\"]},\"else\":{\"required\":[\"c\"]}}",
        "{\"then\":{\"required\":[\"b\"]}}",
        "{\"allOf\":[{\"type\":\"object\"},{\"not\":{\"required\":[\"x\"]}}]}",
        "{\"$defs\":{\"n\":{\"type\":\"integer\"}},\"properties\":{\"a\":{\"$ref\":\"#/$defs/n\",\"minimum\":1}}}",
        "{" + DRAFT_07 + "\"definitions\":{\"n\":{\"type\":\"integer\"}},\"properties\":{\"a\":{\"$ref\":\"#/definitions/n\",\"minimum\":1}}}",
        "{\"properties\":{\"a\":{\"$ref\":\"#\"}},\"maxProperties\":2}",
        "{\"properties\":{\"a\":{\"contentEncoding\":\"base64\"}}}",
        "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"object\",\"required\":[\"b\"],"
            + "\"properties\":{\"b\":{\"enum\":[0,1,\"x\"]}}}},\"anyOf\":[{\"required\":[\"a\"]},{\"required\":[\"c\"]}]}",
        "{\"items\":{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"array\",\"items\":{\"type\":\"integer\"}}]}}",
        "true",
        "false");
  }

  /** Schemas whose every document the shortcut leaves to networknt. */
  static Stream<String> leftToNetworknt() {
    return Stream.of(
        "{\"format\":\"ipv4\"}",
        "{\"not\":{\"format\":\"ipv4\"}}",
        "{\"oneOf\":[{\"format\":\"email\"},{\"type\":\"string\"}]}",
        "{\"patternProperties\":{\"^a\":{\"type\":\"integer\"}},\"additionalProperties\":false}",
        "{" + DRAFT_07 + "\"dependentRequired\":{\"a\":[\"b\"]}}"); // not a draft-07 keyword
  }

  @ParameterizedTest
  @MethodSource("schemas")
  void whatTheShortcutIsSureOfNetworkntSaysToo(String schemaJson) throws IOException {
    Map<Verdict, Integer> seen = compare(schemaJson);
    int decided = seen.getOrDefault(Verdict.VALID, 0) + seen.getOrDefault(Verdict.INVALID, 0);
    assertTrue(decided > DOCUMENTS / 2, "the shortcut decides most documents: " + seen);
  }

  @ParameterizedTest
  @MethodSource("leftToNetworknt")
  void aKeywordItDoesNotCompileLeavesEveryDocumentToNetworknt(String schemaJson) throws IOException {
    assertEquals(Map.of(Verdict.UNKNOWN, DOCUMENTS), compare(schemaJson));
  }

  private static final int DOCUMENTS = 3000;

  /** How often the shortcut gave each verdict on generated documents; fails where it is wrong. */
  private Map<Verdict, Integer> compare(String schemaJson) throws IOException {
    DocumentSchema schema = load(schemaJson);
    SplittableRandom random = new SplittableRandom(schemaJson.hashCode());
    Map<Verdict, Integer> seen = new EnumMap<>(Verdict.class);
    for (int i = 0; i < DOCUMENTS; i++) {
      JsonNode doc = value(random, 0);
      Verdict shortcut = schema.shortcut(doc);
      seen.merge(shortcut, 1, Integer::sum);
      if (shortcut == Verdict.UNKNOWN) {
        continue;
      }
      boolean valid = schema.validatedByNetworknt(doc).isValid();
      if (valid != (shortcut == Verdict.VALID)) {
        fail("schema " + schemaJson + ", document " + doc + ": the shortcut says " + shortcut
            + ", networknt " + schema.validatedByNetworknt(doc));
      }
    }
    return seen;
  }

  @Test
  void keywordsItDoesNotCompileLeaveTheDocumentToNetworknt() throws IOException {
    DocumentSchema format = load("{\"format\":\"ipv4\"}");
    assertEquals(Verdict.UNKNOWN, format.shortcut(JSON.readTree("\"10.0.0.1\"")));
    assertTrue(format.validate(JSON.readTree("\"10.0.0.1\"")).isValid());
    DocumentSchema remote = load("{\"properties\":{\"a\":{\"$ref\":\"other.json\"}}}", "other.json", "{\"type\":\"string\"}");
    assertEquals(Verdict.VALID, remote.shortcut(JSON.readTree("{\"b\":1}")), "the $ref is not reached");
    assertEquals(Verdict.UNKNOWN, remote.shortcut(JSON.readTree("{\"a\":\"x\"}")));
    assertTrue(remote.validate(JSON.readTree("{\"a\":\"x\"}")).isValid());
    assertFalse(remote.validate(JSON.readTree("{\"a\":1}")).isValid());
  }

  @Test
  void aDocumentPastTheStepLimitIsLeftToNetworkntWhichStopsIt() throws IOException {
    DocumentSchema s = load("{\"additionalProperties\":{\"type\":\"string\"}}");
    ObjectNode doc = NODES.objectNode();
    for (int i = 0; i < 20_000; i++) {
      doc.put("h" + i, "v");
    }
    assertEquals(Verdict.UNKNOWN, s.shortcut(doc));
    assertFalse(s.validate(doc).isValid());
  }

  /** networknt counts about four steps to the shortcut's one here: it must decide such documents. */
  @Test
  void aDocumentNetworkntWouldStopForItsStepsIsLeftToNetworknt() throws IOException {
    DocumentSchema hec = SchemaSettings.from(Map.of("schema", Shipped.hec())).load().schemaFor(Map.of());
    DocumentMapper mapper = new DocumentMapper(DocumentLimits.DEFAULTS);
    for (int n : new int[] {1_500, 3_000, 4_900}) {
      StringBuilder fields = new StringBuilder("{");
      for (int i = 0; i < n; i++) {
        fields.append(i == 0 ? "" : ",").append("\"f").append(i).append("\":\"v\"");
      }
      JsonNode doc = mapper.map(Map.of("timestamp", "1795420800000", "host", "web1", "index", "main",
          "hec.fields", fields.append('}').toString(), "hec.token", "ops", "sluice.eventId", "e2",
          "sluice.receivedAt", "1795420800001"), "hello".getBytes(StandardCharsets.UTF_8)).tree();
      assertEquals(Verdict.UNKNOWN, hec.shortcut(doc), n + " fields");
      assertEquals(hec.validatedByNetworknt(doc).isValid(), hec.validate(doc).isValid(), n + " fields");
    }
  }

  /** As networknt: '$' ends the input, not a line ("main\n" is no index), long-form property names work. */
  @Test
  void patternsMatchAsNetworkntsDo() throws IOException {
    DocumentSchema s = load("{\"properties\":{\"index\":{\"type\":\"string\",\"pattern\":\"^[a-z0-9][a-z0-9_-]{0,79}$\"},"
        + "\"word\":{\"pattern\":\"^\\\\p{Letter}+$\"}}}");
    for (String doc : new String[] {"{\"index\":\"main\\n\"}", "{\"index\":\"main\"}", "{\"word\":\"abc\"}",
        "{\"word\":\"ab1\"}", "{\"word\":\"abc\\n\"}"}) {
      JsonNode d = JSON.readTree(doc);
      boolean networknt = s.validatedByNetworknt(d).isValid();
      assertEquals(networknt ? Verdict.VALID : Verdict.INVALID, s.shortcut(d), doc);
    }
    assertFalse(s.validate(JSON.readTree("{\"index\":\"main\\n\"}")).isValid());
  }

  @Test
  void aSchemaThatRefersToItselfWithoutEndIsStoppedAtTheDepthLimit() throws IOException {
    DocumentSchema s = load("{\"$defs\":{\"loop\":{\"$ref\":\"#/$defs/loop\"}},\"$ref\":\"#/$defs/loop\"}");
    assertEquals(Verdict.UNKNOWN, s.shortcut(JSON.readTree("{}")));
  }

  @Test
  void theShippedSchemasDecideTheirOwnDocumentsWithoutNetworknt() throws IOException {
    DocumentMapper mapper = new DocumentMapper(DocumentLimits.DEFAULTS);
    DocumentSchema syslog = SchemaSettings.from(Map.of("schema", Shipped.syslog())).load().schemaFor(Map.of());
    Map<String, String> h = new java.util.HashMap<>(Map.of("timestamp", "1795420800000", "host", "web1",
        "Severity", "6", "Facility", "4", "appName", "sshd", "procId", "6040", "sluice.eventId", "e1",
        "sluice.receivedAt", "1795420800001", "sluice.disposition", "processed", "syslog.format", "rfc3164"));
    JsonNode doc = mapper.map(h, "Accepted publickey for alice".getBytes(StandardCharsets.UTF_8)).tree();
    assertEquals(Verdict.VALID, syslog.shortcut(doc), doc.toString());
    h.put("Severity", "9");
    JsonNode bad = mapper.map(h, "x".getBytes(StandardCharsets.UTF_8)).tree();
    assertEquals(Verdict.INVALID, syslog.shortcut(bad));
    assertEquals(List.of("$.severity: must have a maximum value of 7"), syslog.validate(bad).errors());

    DocumentSchema hec = SchemaSettings.from(Map.of("schema", Shipped.hec())).load().schemaFor(Map.of());
    Map<String, String> e = Map.of("timestamp", "1795420800000", "host", "web1", "index", "main",
        "sourcetype", "access", "hec.token", "ops", "hec.fields", "{\"dc\":\"x\",\"n\":[1,2]}",
        "sluice.eventId", "e2", "sluice.receivedAt", "1795420800001", "hec.eventJson", "true");
    JsonNode hecDoc = mapper.map(e, "{\"action\":\"login\"}".getBytes(StandardCharsets.UTF_8)).tree();
    assertTrue(hec.validatedByNetworknt(hecDoc).isValid(), hecDoc.toString());
    assertEquals(Verdict.VALID, hec.shortcut(hecDoc), hecDoc.toString());
  }

  private DocumentSchema load(String json, String... otherFiles) throws IOException {
    for (int i = 0; i < otherFiles.length; i += 2) {
      Files.writeString(dir.resolve(otherFiles[i]), otherFiles[i + 1]);
    }
    Path p = Files.writeString(dir.resolve("s.json"), json.equals("true") || json.equals("false")
        ? "{\"allOf\":[" + json + "]}" : json);
    return SchemaSettings.from(Map.of("schema", p.toString())).load().schemaFor(Map.of());
  }

  private static final String[] NAMES = {"a", "b", "c", "x", "severity", "message", "messageBase64", "sluice"};
  private static final String[] TEXTS = {"", "a", "ab", "abc", "aaaa", "ba", "\uD83D\uDE00\uD83D\uDE00",
      "\uD83D\uDE00\uD83D\uDE00\uD83D\uDE00\uD83D\uDE00", "10.0.0.1", "x"};

  /** A JSON value of the kinds and edges the schemas above look at. */
  private static JsonNode value(SplittableRandom r, int depth) {
    int kind = r.nextInt(depth >= 3 ? 6 : 8);
    return switch (kind) {
      case 0 -> NODES.stringNode(TEXTS[r.nextInt(TEXTS.length)]);
      case 1 -> NODES.numberNode(r.nextInt(-2, 12));
      case 2 -> switch (r.nextInt(4)) {
        case 0 -> NODES.numberNode(r.nextInt(-2, 12) + 0.5);
        case 1 -> NODES.numberNode((double) r.nextInt(-2, 12));
        case 2 -> NODES.numberNode(Long.MAX_VALUE);
        default -> NODES.numberNode(new BigInteger("123456789012345678901234567890"));
      };
      case 3 -> NODES.booleanNode(r.nextBoolean());
      case 4 -> NODES.nullNode();
      case 5 -> NODES.numberNode(r.nextInt(0, 3));
      case 6 -> {
        ArrayNode a = NODES.arrayNode();
        for (int i = r.nextInt(5); i > 0; i--) {
          a.add(value(r, depth + 1));
        }
        yield a;
      }
      default -> {
        ObjectNode o = NODES.objectNode();
        for (int i = r.nextInt(5); i > 0; i--) {
          o.set(NAMES[r.nextInt(NAMES.length)], value(r, depth + 1));
        }
        yield o;
      }
    };
  }
}
