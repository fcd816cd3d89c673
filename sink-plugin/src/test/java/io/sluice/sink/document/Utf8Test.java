package io.sluice.sink.document;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class Utf8Test {

  private static byte[] hex(String h) {
    return HexFormat.of().parseHex(h.replace(" ", ""));
  }

  /** The JDK's strict decoder is the reference: it reports exactly what RFC 3629 forbids. */
  private static boolean jdkSaysValid(byte[] b) {
    try {
      StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(b));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  @Test
  void textInEveryLengthOfSequenceIsValid() {
    assertTrue(Utf8.isValid(new byte[0]));
    assertTrue(Utf8.isValid("plain ASCII, longer than eight bytes".getBytes(StandardCharsets.UTF_8)));
    assertTrue(Utf8.isValid("é ß – € 日本 😀".getBytes(StandardCharsets.UTF_8)));
    assertTrue(Utf8.isValid(hex("F4 8F BF BF"))); // U+10FFFF, the last code point
    assertTrue(Utf8.isValid(hex("EF BB BF 41"))); // a BOM is a character like any other
  }

  @Test
  void everyForbiddenFormIsInvalid() {
    String[] bad = {
      "80", // a continuation byte alone
      "C0 AF", "C1 BF", // overlong two-byte forms
      "E0 80 AF", "E0 9F BF", // overlong three-byte forms
      "ED A0 80", "ED BF BF", // UTF-16 surrogates
      "F0 80 80 AF", "F0 8F BF BF", // overlong four-byte forms
      "F4 90 80 80", // above U+10FFFF
      "F5 80 80 80", "FF", "FE",
      "C3", "E2 82", "F0 9F 98", // cut short at the end
      "C3 41", "E2 41 AC", "F0 9F 41 80", // a sequence broken by ASCII
    };
    for (String h : bad) {
      assertFalse(Utf8.isValid(hex(h)), h);
      assertFalse(jdkSaysValid(hex(h)), "the reference agrees: " + h);
    }
  }

  @Test
  void aBadByteIsFoundAfterALongRunOfAscii() {
    // the eight-bytes-at-a-time path must hand over at every offset
    for (int at = 0; at < 24; at++) {
      byte[] b = "abcdefghijklmnopqrstuvwxyz".getBytes(StandardCharsets.US_ASCII);
      b[at] = (byte) 0xFF;
      assertFalse(Utf8.isValid(b), "bad byte at " + at);
      assertTrue(Utf8.isValid(b, 0, at), "the part before it");
    }
  }

  @Property(tries = 2000, seed = "3629")
  void agreesWithTheJdkDecoderOnAnyBytes(@ForAll("bytes") byte[] b) {
    assertEquals(jdkSaysValid(b), Utf8.isValid(b));
  }

  @Property(tries = 500, seed = "3629")
  void everyStringEncodedIsValid(@ForAll String s) {
    // jqwik's strings include lone surrogates, which the encoder replaces: still valid
    assertTrue(Utf8.isValid(s.getBytes(StandardCharsets.UTF_8)));
  }

  @Provide
  Arbitrary<byte[]> bytes() {
    // mostly text with bytes of every kind mixed in, so that both outcomes are common
    Arbitrary<Byte> ascii = Arbitraries.bytes().between((byte) 0x20, (byte) 0x7E);
    Arbitrary<Byte> any = Arbitraries.bytes();
    Arbitrary<Byte> lead = Arbitraries.of((byte) 0xC3, (byte) 0xE0, (byte) 0xED, (byte) 0xE2,
        (byte) 0xF0, (byte) 0xF4, (byte) 0xF5);
    Arbitrary<Byte> cont = Arbitraries.bytes().between((byte) 0x80, (byte) 0xBF);
    return Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(6, ascii), net.jqwik.api.Tuple.of(1, any),
            net.jqwik.api.Tuple.of(2, lead), net.jqwik.api.Tuple.of(4, cont))
        .array(byte[].class).ofMaxSize(40);
  }

  @Test
  void theValidAndInvalidShareOfTheGeneratedBytesAreBothLarge() {
    // the property above proves little if one outcome never happens: count both on a sample
    int valid = 0;
    int n = 2000;
    java.util.Random r = new java.util.Random(3629);
    byte[] alphabet = {0x41, 0x20, (byte) 0xC3, (byte) 0xA9, (byte) 0xE2, (byte) 0x82, (byte) 0xAC,
        (byte) 0xF0, (byte) 0x9F, (byte) 0x98, (byte) 0x80, (byte) 0xFF};
    for (int i = 0; i < n; i++) {
      byte[] b = new byte[r.nextInt(12)];
      for (int k = 0; k < b.length; k++) {
        b[k] = alphabet[r.nextInt(alphabet.length)];
      }
      assertEquals(jdkSaysValid(b), Utf8.isValid(b));
      valid += jdkSaysValid(b) ? 1 : 0;
    }
    assertTrue(valid > n / 20 && valid < n - n / 20, "valid: " + valid + " of " + n);
  }

  @Test
  void aCutNeverSplitsACharacter() {
    byte[] b = "aé€😀".getBytes(StandardCharsets.UTF_8); // 1 + 2 + 3 + 4 bytes
    assertEquals(0, Utf8.boundaryAtOrBefore(b, 0));
    assertEquals(1, Utf8.boundaryAtOrBefore(b, 1));
    assertEquals(1, Utf8.boundaryAtOrBefore(b, 2));
    assertEquals(3, Utf8.boundaryAtOrBefore(b, 3));
    assertEquals(3, Utf8.boundaryAtOrBefore(b, 5));
    assertEquals(6, Utf8.boundaryAtOrBefore(b, 6));
    assertEquals(6, Utf8.boundaryAtOrBefore(b, 9));
    assertEquals(10, Utf8.boundaryAtOrBefore(b, 10));
    assertEquals(10, Utf8.boundaryAtOrBefore(b, 99));
  }
}
