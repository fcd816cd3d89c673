package io.sluice.sink.write;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class OneLineTest {

  @Property(tries = 2000)
  void findsALineEndWhereverItIs(@ForAll @Size(max = 40) byte[] bytes) {
    boolean naive = false;
    for (byte b : bytes) {
      naive |= b == '\n';
    }
    assertEquals(naive, OneLine.holdsLineEnd(bytes));
  }

  @Test
  void atEveryPositionAndNextToEveryOtherByte() {
    for (int len = 1; len <= 24; len++) {
      for (int at = 0; at < len; at++) {
        for (int other = 0; other < 256; other++) {
          byte[] b = new byte[len];
          java.util.Arrays.fill(b, (byte) other);
          assertEquals(other == '\n', OneLine.holdsLineEnd(b));
          b[at] = '\n';
          assertTrue(OneLine.holdsLineEnd(b), len + " " + at + " " + other);
        }
      }
    }
    assertFalse(OneLine.holdsLineEnd(new byte[0]));
  }
}
