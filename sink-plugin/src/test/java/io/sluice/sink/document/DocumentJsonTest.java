package io.sluice.sink.document;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** DocumentJson writes, byte for byte, what Jackson's own writer writes for the same tree. */
class DocumentJsonTest {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final ObjectWriter JACKSON = JsonMapper.builder().build().writer();

  private static byte[] ours(ObjectNode doc, byte[] messageUtf8) {
    return new DocumentJson(8, JACKSON).write(doc, messageUtf8);
  }

  private static void same(ObjectNode doc) {
    assertEquals(new String(JACKSON.writeValueAsBytes(doc), StandardCharsets.UTF_8),
        new String(ours(doc, null), StandardCharsets.UTF_8));
    assertArrayEquals(JACKSON.writeValueAsBytes(doc), ours(doc, null));
  }

  @Test
  void everyKindOfValue() {
    ObjectNode doc = NODES.objectNode();
    doc.put("s", "text");
    doc.put("i", 7);
    doc.put("l", -1_795_410_000_123L);
    doc.put("d", 1.5e-7);
    doc.put("f", 2.5f);
    doc.put("bd", new BigDecimal("12345678901234567890.000100"));
    doc.put("bi", new BigInteger("123456789012345678901234567890"));
    doc.put("t", true);
    doc.put("n", false);
    doc.putNull("z");
    doc.putObject("empty");
    doc.putArray("none");
    ArrayNode a = doc.putArray("a");
    a.add(1).add("two").addObject().put("three", 3);
    a.addArray().add(NODES.nullNode());
    same(doc);
    same(NODES.objectNode());
  }

  @Test
  void everyCharacterThatNeedsCare() {
    StringBuilder all = new StringBuilder();
    for (char c = 0; c < 0x100; c++) {
      all.append(c);
    }
    all.append("\u0800\uFFFF\u2028\u2029😀"); // three-byte forms, a pair
    all.append("\uD800x\uDC00\uD83D"); // lone halves, one at the very end
    ObjectNode doc = NODES.objectNode();
    doc.put("all", all.toString());
    doc.put(all.toString(), "names are escaped too");
    same(doc);
  }

  @Property(tries = 500, seed = "8259")
  void anyStringsAsJacksonWritesThem(@ForAll("texts") String a, @ForAll("texts") String b) {
    ObjectNode doc = NODES.objectNode();
    doc.put("a", a);
    doc.putObject("o").put(b, a);
    doc.putArray("list").add(b).add(a);
    same(doc);
  }

  @Property(tries = 500, seed = "8259")
  void aMessageWrittenFromItsBytesIsTheSameAsFromItsString(@ForAll("texts") String text) {
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    String decoded = new String(utf8, StandardCharsets.UTF_8); // lone surrogates became '?'
    ObjectNode doc = NODES.objectNode();
    doc.put("host", "h");
    doc.put("message", decoded);
    doc.put("after", 1);
    assertArrayEquals(JACKSON.writeValueAsBytes(doc), ours(doc, utf8));
  }

  @Test
  void messagesOfEveryLengthAroundTheWordSize() {
    // the eight-at-a-time scan must hand over at every offset, escapes at the edges of words
    Random r = new Random(8259);
    String[] alphabet = {"a", "b", "c", "\"", "\\", "\n", "\u0001", "é", "€", "😀", " ", "x", "y", "z"};
    for (int len = 0; len < 40; len++) {
      for (int k = 0; k < 20; k++) {
        StringBuilder sb = new StringBuilder();
        while (sb.length() < len) {
          sb.append(alphabet[r.nextInt(alphabet.length)]);
        }
        String s = sb.toString();
        ObjectNode doc = NODES.objectNode();
        doc.put("message", s);
        assertArrayEquals(JACKSON.writeValueAsBytes(doc), ours(doc, s.getBytes(StandardCharsets.UTF_8)), s);
      }
    }
  }

  @Test
  void aLargeTreeGrowsTheBuffer() {
    ObjectNode doc = NODES.objectNode();
    for (int i = 0; i < 2000; i++) {
      doc.put("k" + i, "\u0001\u0002 value é " + i);
    }
    same(doc);
    assertTrue(ours(doc, null).length > 40_000);
  }

  @Provide
  Arbitrary<String> texts() {
    return Arbitraries.oneOf(
        Arbitraries.strings().ofMaxLength(30),
        Arbitraries.strings().withCharRange((char) 0, (char) 0x7F).ofMaxLength(30),
        Arbitraries.strings().withChars("\"\\\n\t\u0000\u001f\u007fé€\uD83D\uDE00 ab").ofMaxLength(30));
  }
}
