package io.sluice.sink.document;

import static io.sluice.sink.document.DecimalText.NOT_A_NUMBER;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class DecimalTextTest {

  @Test
  void decimalsAreNumbers() {
    assertEquals(0, DecimalText.parse("0"));
    assertEquals(7, DecimalText.parse("007"));
    assertEquals(-12, DecimalText.parse("-12"));
    assertEquals(1_795_410_000_123L, DecimalText.parse("1795410000123"));
    assertEquals(999_999_999_999_999_999L, DecimalText.parse("999999999999999999"));
  }

  @Test
  void anythingElseIsNotANumber() {
    for (String s : new String[] {"", "-", "+1", " 1", "1 ", "1.5", "1e3", "0x10", "abc", "１",
        "1000000000000000000" /* 19 digits */, "--1"}) {
      assertEquals(NOT_A_NUMBER, DecimalText.parse(s), s);
    }
  }
}
