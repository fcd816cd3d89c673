package io.sluice.sink.validate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** What one validation may cost and say: bounded errors, bounded evaluation. */
class DocumentSchemaTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  @TempDir
  Path dir;

  private DocumentSchema schema(String json) throws IOException {
    Path p = Files.writeString(dir.resolve("s.json"), json);
    return SchemaSettings.from(Map.of("schema", p.toString())).load().schemaFor(Map.of());
  }

  @Test
  void manyErrorsAreCountedButTenAreKept() throws IOException {
    DocumentSchema s = schema("{\"type\":\"object\",\"additionalProperties\":{\"type\":\"integer\"}}");
    ObjectNode doc = JSON.createObjectNode();
    for (int i = 0; i < 50; i++) {
      doc.put("f" + i, "not a number");
    }
    Validation v = s.validate(doc);
    assertFalse(v.isValid());
    assertEquals(50, v.errorCount());
    assertEquals(Validation.MAX_ERRORS, v.errors().size());
    assertEquals("$.f0: string found, integer expected", v.errors().get(0));
  }

  @Test
  void aLongMessageIsCut() throws IOException {
    String longPattern = "^(" + "a".repeat(400) + ")$";
    DocumentSchema s = schema("{\"properties\":{\"m\":{\"pattern\":\"" + longPattern + "\"}}}");
    Validation v = s.validate(JSON.readTree("{\"m\":\"b\"}"));
    String e = v.errors().get(0);
    assertEquals(Validation.MAX_ERROR_CHARS, e.length());
    assertTrue(e.startsWith("$.m: does not match the regex pattern ^(aaa"), e);
    assertTrue(e.endsWith("..."), e);
  }

  @Test
  void aCutNeverSplitsASurrogatePair() {
    String s = "x".repeat(Validation.MAX_ERROR_CHARS - 4) + "😀" + "y".repeat(10);
    String cut = Validation.cut(s);
    assertTrue(cut.length() <= Validation.MAX_ERROR_CHARS);
    assertFalse(Character.isHighSurrogate(cut.charAt(cut.length() - 4)), cut);
  }

  @Test
  void aDocumentThatWouldTakeTooManyStepsIsStoppedAndInvalid() throws IOException {
    // every property costs a few evaluation steps: 20,000 of them exceed the limit
    DocumentSchema s = schema("{\"type\":\"object\",\"additionalProperties\":{\"type\":\"string\",\"maxLength\":10}}");
    ObjectNode doc = JSON.createObjectNode();
    for (int i = 0; i < 20_000; i++) {
      doc.put("h" + i, "v");
    }
    Validation v = s.validate(doc);
    assertFalse(v.isValid());
    assertEquals(1, v.errorCount());
    assertTrue(v.errors().get(0).startsWith(
        "validation stopped: the document took more than 10000 evaluation steps, at $.h"), v.errors().get(0));

    ObjectNode fewer = JSON.createObjectNode();
    for (int i = 0; i < 1000; i++) {
      fewer.put("h" + i, "v");
    }
    assertTrue(s.validate(fewer).isValid(), "a thousand headers are fine");
  }

  @Test
  void aSchemaThatRecursesWithoutEndIsStopped() throws IOException {
    DocumentSchema s = schema("{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\","
        + "\"$defs\":{\"loop\":{\"$ref\":\"#/$defs/loop\"}},\"$ref\":\"#/$defs/loop\"}");
    Validation v = s.validate(JSON.readTree("{\"a\":1}"));
    assertFalse(v.isValid());
    assertTrue(v.errors().get(0).startsWith("validation stopped: the document "), v.errors().get(0));
  }

  @Test
  void aDeepDocumentAgainstARecursiveSchemaIsStoppedAtTheDepthLimit() throws IOException {
    DocumentSchema s = schema("{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\","
        + "\"type\":\"object\",\"additionalProperties\":{\"$ref\":\"#\"}}");
    String deep = "{\"a\":".repeat(400) + "{}" + "}".repeat(400);
    Validation v = s.validate(JSON.readTree(deep));
    assertFalse(v.isValid());
    assertTrue(v.errors().get(0).startsWith(
        "validation stopped: the document nested 256 schema evaluations deep, at $.a.a."), v.errors().get(0));
    String shallow = "{\"a\":".repeat(20) + "{}" + "}".repeat(20);
    assertTrue(s.validate(JSON.readTree(shallow)).isValid());
  }

  @Test
  void aSchemaIsSharedByThreads() throws Exception {
    DocumentSchema s = schema("{\"properties\":{\"n\":{\"maximum\":10}}}");
    Thread[] threads = new Thread[4];
    java.util.concurrent.atomic.AtomicInteger wrong = new java.util.concurrent.atomic.AtomicInteger();
    for (int t = 0; t < threads.length; t++) {
      int seed = t;
      threads[t] = new Thread(() -> {
        for (int i = 0; i < 5000; i++) {
          int n = (i * 7 + seed) % 20;
          boolean valid = s.validate(JSON.readTree("{\"n\":" + n + "}")).isValid();
          if (valid != (n <= 10)) {
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
}
