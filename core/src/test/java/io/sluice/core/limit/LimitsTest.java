package io.sluice.core.limit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LimitsTest {

  private static final long S = 1_000_000_000L;

  @Test
  void oneLimitWithTheDefaultBurstOfOnePeriod() {
    List<Rate> rates = Limits.parse("3000/s");
    assertEquals(1, rates.size());
    Rate r = rates.get(0);
    assertEquals(3000, r.count());
    assertEquals(S, r.periodNanos());
    assertEquals(3000, r.burst());
    assertEquals("3000/s", r.toString());
    assertEquals(3000.0, r.perSecond(), 1e-9);
  }

  @Test
  void minutesAndHours() {
    assertEquals(60 * S, Limits.parse("100000/m").get(0).periodNanos());
    assertEquals(3600 * S, Limits.parse("2000000/h").get(0).periodNanos());
    assertEquals(100000 / 60.0, Limits.parse("100000/m").get(0).perSecond(), 1e-9);
  }

  @Test
  void explicitBurst() {
    Rate r = Limits.parse("3000/s burst 6000").get(0);
    assertEquals(3000, r.count());
    assertEquals(6000, r.burst());
    assertEquals("3000/s burst 6000", r.toString());
    assertEquals(1, Limits.parse("10/m burst 1").get(0).burst());
  }

  @Test
  void severalCommaSeparatedInOrder() {
    List<Rate> rates = Limits.parse("3000/s burst 6000, 100000/m,2000000/h");
    assertEquals(3, rates.size());
    assertEquals("3000/s burst 6000", rates.get(0).toString());
    assertEquals("100000/m", rates.get(1).toString());
    assertEquals("2000000/h", rates.get(2).toString());
    assertThrows(UnsupportedOperationException.class, () -> rates.add(Rate.of(1, "s")));
  }

  @Test
  void whitespaceAroundTheParts() {
    Rate r = Limits.parse("  10 / m   burst   20  ").get(0);
    assertEquals(10, r.count());
    assertEquals(60 * S, r.periodNanos());
    assertEquals(20, r.burst());
  }

  @ParameterizedTest
  @ValueSource(strings = {"3000/x", "0/s", "-1/s", "", "abc", "   ", "3000", "3000/s burst",
      "3000/s burst 0", "3000/s burst -5", "3000/s,,100/m", "3000/s,", ",3000/s", "1.5/s",
      "3000 per s", "3000/sec"})
  void errorsNameTheAcceptedForm(String text) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Limits.parse(text));
    assertTrue(e.getMessage().contains(Limits.FORM), e.getMessage());
  }

  @Test
  void errorsQuoteTheOffendingPart() {
    assertTrue(message("3000/x").startsWith("'3000/x' is not a limit"), message("3000/x"));
    assertTrue(message("10/s, 3000/x").startsWith("'3000/x' is not a limit"));
    assertTrue(message("0/s").contains("'0/s' must have a positive rate and burst"), message("0/s"));
    assertTrue(message("-1/s").startsWith("'-1/s' is not a limit"), message("-1/s"));
    assertTrue(message("").startsWith("no limit given"), message(""));
    assertTrue(message("abc").startsWith("'abc' is not a limit"), message("abc"));
  }

  @Test
  void nullIsNoLimit() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Limits.parse(null));
    assertTrue(e.getMessage().contains(Limits.FORM));
  }

  @Test
  void numbersOutOfRangeAreRefusedClearly() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Limits.parse("99999999999999999999/s"));
    assertTrue(e.getMessage().contains("out of range"), e.getMessage());
    IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class,
        () -> Limits.parse("1/h burst 9000000000"));
    assertTrue(tooLong.getMessage().contains("spans more time"), tooLong.getMessage());
  }

  @Test
  void rateOfRejectsNonPositiveValuesAndUnknownUnits() {
    assertThrows(IllegalArgumentException.class, () -> Rate.of(0, "s"));
    assertThrows(IllegalArgumentException.class, () -> Rate.of(10, "s", 0));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Rate.of(10, "d"));
    assertTrue(e.getMessage().contains("'d'"), e.getMessage());
  }

  @Test
  void aSettingsErrorNamesItsKeyAndTheForm() {
    assertEquals("[10/s]", Limits.setting("limit", "10/s").toString());
    String m = assertThrows(IllegalArgumentException.class,
        () -> Limits.setting("tiers.gold.limit", "10/x")).getMessage();
    assertEquals("Invalid value for 'tiers.gold.limit': '10/x'; expected " + Limits.FORM, m);
    assertThrows(IllegalArgumentException.class, () -> Limits.setting("limit", "none"));
  }

  @Test
  void anOptionalSettingTakesNoneInAnyCase() {
    for (String none : new String[] {"none", "None", " NONE "}) {
      assertEquals(List.of(), Limits.optionalSetting("newKeyLimit", none));
    }
    assertEquals("[5/m]", Limits.optionalSetting("newKeyLimit", "5/m").toString());
    String m = assertThrows(IllegalArgumentException.class,
        () -> Limits.optionalSetting("newKeyLimit", "nothing")).getMessage();
    assertTrue(m.startsWith("Invalid value for 'newKeyLimit': 'nothing'"), m);
    assertTrue(m.endsWith(", or none"), m);
  }

  private static String message(String text) {
    return assertThrows(IllegalArgumentException.class, () -> Limits.parse(text)).getMessage();
  }
}
