package io.sluice.source.syslog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.source.syslog.Fixtures.Parsed;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Flume's keepFields values and the bodies they produce. */
class KeepFieldsTest {

  private static final String RFC5424 =
      "<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - 'su root' failed";
  private static final String RFC3164 = "<34>Oct 11 22:14:15 mymachine su: 'su root' failed";

  @ParameterizedTest
  @ValueSource(strings = {"none", "false", "NONE", " none ", ""})
  void noneMeansTheMessageOnly(String value) {
    assertSame(KeepFields.NONE, KeepFields.parse(value));
    assertEquals("'su root' failed", body(KeepFields.parse(value), RFC5424));
  }

  @Test
  void nullMeansNone() {
    assertSame(KeepFields.NONE, KeepFields.parse(null));
  }

  @ParameterizedTest
  @ValueSource(strings = {"all", "true", "True", "ALL"})
  void allMeansTheFrameAsReceived(String value) {
    assertEquals(RFC5424, body(KeepFields.parse(value), RFC5424));
    assertEquals(RFC3164, body(KeepFields.parse(value), RFC3164));
  }

  @Test
  void allFourFieldsRebuildFlumesLayout() {
    KeepFields keep = KeepFields.parse("priority version timestamp hostname");
    assertEquals(
        "<34>1 2003-10-11T22:14:15.003Z mymachine.example.com 'su root' failed",
        body(keep, RFC5424));
    assertEquals("<34>Oct 11 22:14:15 mymachine su: 'su root' failed", body(keep, RFC3164));
  }

  @Test
  void fieldsAreWrittenInFlumesOrderWhateverTheListOrder() {
    assertEquals(
        "<34>mymachine.example.com 'su root' failed",
        body(KeepFields.parse("hostname,priority"), RFC5424));
    assertEquals(
        "2003-10-11T22:14:15.003Z 'su root' failed", body(KeepFields.parse("timestamp"), RFC5424));
  }

  @Test
  void nilRfc5424FieldsAreWrittenAsDashes() {
    assertEquals(
        "<14>1 - - x",
        body(KeepFields.parse("priority version timestamp hostname"), "<14>1 - - a - - - x"));
  }

  @Test
  void fieldsA3164MessageLacksAreLeftOut() {
    KeepFields keep = KeepFields.parse("priority version timestamp hostname");
    assertEquals("<13>Feb  5 17:32:18 myproc[1]: msg", body(keep, "<13>Feb  5 17:32:18 myproc[1]: msg"));
    assertEquals("<13>%ASA-6-302015: Built", body(keep, "<13>%ASA-6-302015: Built"));
  }

  @Test
  void invalidMessageBodyIsTheWholeInput() {
    assertEquals("no pri here", body(KeepFields.parse("priority hostname"), "no pri here"));
    assertEquals("<34>1 broken", body(KeepFields.parse("priority hostname"), "<34>1 broken"));
  }

  @Test
  void unknownWordIsAConfigurationError() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> KeepFields.parse("priority hostnames"));
    assertTrue(e.getMessage().contains("hostnames"), e.getMessage());
  }

  @Test
  void readsBackAsConfigured() {
    assertEquals("none", KeepFields.NONE.toString());
    assertEquals("all", KeepFields.ALL.toString());
    assertEquals("[priority, hostname]", KeepFields.parse("hostname priority").toString());
  }

  private static String body(KeepFields keep, String text) {
    Parsed p = Fixtures.parse(text);
    return new String(
        keep.body(p.input(), 0, p.input().length, p.message()), StandardCharsets.UTF_8);
  }
}
