package io.sluice.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigValuesTest {

  @ParameterizedTest
  @CsvSource({
    "500ms, PT0.5S",
    "2s, PT2S",
    "0s, PT0S",
    "10m, PT10M",
    "1h, PT1H",
    "1d, PT24H",
    "' 2 s ', PT2S",
    "90m, PT1H30M",
  })
  void durations(String text, String iso) {
    assertEquals(Duration.parse(iso), ConfigValues.duration("defer.maxDelay", text));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "2", "s", "2x", "-1s", "1.5s", "2 seconds", "2S", "ms", "1h30m"})
  void badDurationsNameTheKeyTheValueAndTheForm(String text) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ConfigValues.duration("defer.maxDelay", text));
    assertEquals("Invalid value for 'defer.maxDelay': '" + text
        + "'; expected a duration such as 500ms, 2s, 10m, 1h or 1d", e.getMessage());
  }

  @ParameterizedTest
  @CsvSource({
    "75%, 0.75",
    "0%, 0.0",
    "100%, 1.0",
    "12.5%, 0.125",
    "' 75 % ', 0.75",
    "0.75, 0.75",
    "0, 0.0",
    "1, 1.0",
    "1.0, 1.0",
    "0.0, 0.0",
  })
  void percentagesAndFractions(String text, double expected) {
    assertEquals(expected, ConfigValues.fraction("shed.threshold", text), 1e-12);
  }

  @ParameterizedTest
  @ValueSource(strings = {"101%", "100.5%", "1.5", "-5%", "-0.5", "abc", "75", ".5", "", "%",
      "2", "0.75%%"})
  void badSharesNameTheKeyAndTheForm(String text) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ConfigValues.fraction("shed.threshold", text));
    assertEquals("Invalid value for 'shed.threshold': '" + text
        + "'; expected a share from 0% to 100% (or 0 to 1), e.g. 75%", e.getMessage());
  }

  @Test
  void wholeNumbersWithAMinimum() {
    assertEquals(5, ConfigValues.atLeast("maxKeys", "5", 1));
    assertEquals(7, ConfigValues.atLeast("maxKeys", " 7 ", 1));
    assertEquals(0, ConfigValues.atLeast("defer.maxEvents", "0", 0));
    for (String bad : new String[] {"0", "-1", "x", "", "1.5", "99999999999999999999"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> ConfigValues.atLeast("maxKeys", bad, 1));
      assertEquals("Invalid value for 'maxKeys': '" + bad
          + "'; expected a whole number of at least 1", e.getMessage());
    }
  }

  @Test
  void oneOfAFixedSet() {
    assertEquals("keep", ConfigValues.oneOf("throttled", "keep", "drop", "keep", "reject"));
    assertEquals("drop", ConfigValues.oneOf("throttled", " drop ", "drop", "keep", "reject"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ConfigValues.oneOf("throttled", "KEEP", "drop", "keep", "reject"));
    assertEquals("Invalid value for 'throttled': 'KEEP'; expected one of drop | keep | reject",
        e.getMessage());
  }

  /**
   * A number too large for a long (or a duration too long for {@link Duration}) escapes as
   * NumberFormatException / ArithmeticException without the key or the accepted form.
   */
  @ParameterizedTest
  @ValueSource(strings = {"99999999999999999999s", "999999999999999d"})
  void hugeDurationsAreRefusedLikeOtherBadValues(String text) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ConfigValues.duration("defer.maxDelay", text));
    assertTrue(e.getMessage().startsWith("Invalid value for 'defer.maxDelay'"), e.getMessage());
  }

  @Test
  void invalidBuildsTheSharedMessage() {
    IllegalArgumentException e = ConfigValues.invalid("k", "v", "something");
    assertTrue(e.getMessage().equals("Invalid value for 'k': 'v'; expected something"));
  }
}
