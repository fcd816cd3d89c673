package io.sluice.source.syslog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class RepeatedStringsTest {

  private static byte[] framed(String s) {
    return ("<<" + s + ">>").getBytes(StandardCharsets.US_ASCII); // the value sits inside a frame
  }

  /** Whatever came before (hits, misses, collisions), the text is always the bytes' own. */
  @Property(tries = 300, seed = "64")
  void theTextIsAlwaysTheBytes(@ForAll("values") List<String> values) {
    RepeatedStrings repeated = new RepeatedStrings();
    for (String v : values) {
      byte[] b = framed(v);
      assertEquals(v, repeated.of(b, 2, b.length - 2));
    }
  }

  @Provide
  Arbitrary<List<String>> values() {
    // Few distinct values, so that most are repeats; lengths on both sides of 8 and of MAX_BYTES;
    // values alike in their first and last eight bytes, which the slot is computed from.
    Arbitrary<String> v = Arbitraries.oneOf(
        Arbitraries.of("web-01.dc1.example.net", "web-02.dc1.example.net", "web-01.dc1XXexample.net",
            "sshd", "sshe", "", "-", "a", "abcdefgh", "abcdefghi", "x".repeat(64), "x".repeat(65)),
        Arbitraries.strings().withCharRange('!', '~').ofMaxLength(12));
    return v.list().ofMaxSize(200);
  }

  @Test
  void aRepeatedValueIsTheSameString() {
    RepeatedStrings repeated = new RepeatedStrings();
    byte[] b = framed("fw-edge-02.dc1.example.net");
    String first = repeated.of(b, 2, b.length - 2);
    assertSame(first, repeated.of(framed("fw-edge-02.dc1.example.net"), 2, b.length - 2));
  }

  @Test
  void valuesAlikeAtBothEndsAreKeptApart() {
    RepeatedStrings repeated = new RepeatedStrings();
    byte[] a = framed("fw-edge-02.dc1.example.net");
    byte[] b = framed("fw-edge-07.dc1.example.net");
    String first = repeated.of(a, 2, a.length - 2);
    String second = repeated.of(b, 2, b.length - 2);
    assertSame(first, repeated.of(a, 2, a.length - 2));
    assertSame(second, repeated.of(b, 2, b.length - 2));
  }

  @Test
  void longValuesAreNotKept() {
    RepeatedStrings repeated = new RepeatedStrings();
    String v = "h".repeat(RepeatedStrings.MAX_BYTES + 1);
    byte[] b = framed(v);
    String first = repeated.of(b, 2, b.length - 2);
    assertEquals(v, first);
    assertNotSame(first, repeated.of(b, 2, b.length - 2));
  }

  @Test
  void nilIsNull() {
    byte[] b = framed("-");
    assertNull(new RepeatedStrings().orNil(b, 2, 3));
  }
}
