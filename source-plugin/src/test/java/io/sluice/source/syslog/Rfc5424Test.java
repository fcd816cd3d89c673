package io.sluice.source.syslog;

import static io.sluice.source.syslog.Fixtures.parse;
import static io.sluice.source.syslog.Fixtures.utc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.source.syslog.Fixtures.Parsed;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 5424: the four examples of §6.5, the grammar's edges, and the leniencies we chose. */
class Rfc5424Test {

  private static final String BOM = "\uFEFF";

  @Test
  void example1WithBomMessage() {
    Parsed p =
        parse(
            "<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - "
                + BOM
                + "'su root' failed for lonvick on /dev/pts/8");
    SyslogMessage m = p.message();
    assertEquals(SyslogFormat.RFC5424, m.format());
    assertNull(m.status());
    assertEquals(34, m.priority());
    assertEquals(4, m.facility());
    assertEquals(2, m.severity());
    assertEquals(1, m.version());
    assertEquals(1065910455003L, m.timestampMillis());
    assertFalse(m.tzAssumed());
    assertEquals("2003-10-11T22:14:15.003Z", p.timestampText());
    assertEquals("mymachine.example.com", m.hostname());
    assertEquals("su", m.appName());
    assertNull(m.procId());
    assertEquals("ID47", m.msgId());
    assertNull(m.structuredData());
    assertEquals("'su root' failed for lonvick on /dev/pts/8", p.body()); // the BOM is not body
  }

  @Test
  void example2WithOffsetAndMicroseconds() {
    Parsed p =
        parse(
            "<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% It's time to make"
                + " the do-nuts.");
    SyslogMessage m = p.message();
    assertEquals(165, m.priority());
    assertEquals(20, m.facility());
    assertEquals(5, m.severity());
    assertEquals(utc("2003-08-24T12:14:15Z"), m.timestampMillis());
    assertEquals(1061727255000L, m.timestampMillis());
    assertEquals("192.0.2.1", m.hostname());
    assertEquals("myproc", m.appName());
    assertEquals("8710", m.procId());
    assertNull(m.msgId());
    assertNull(m.structuredData());
    assertEquals("%% It's time to make the do-nuts.", p.body());
  }

  @Test
  void example3WithStructuredDataAndMessage() {
    String sd = "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"]";
    Parsed p =
        parse(
            "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 "
                + sd
                + " "
                + BOM
                + "An application event log entry...");
    SyslogMessage m = p.message();
    assertEquals(SyslogFormat.RFC5424, m.format());
    assertEquals(1065910455003L, m.timestampMillis());
    assertEquals("evntslog", m.appName());
    assertNull(m.procId());
    assertEquals("ID47", m.msgId());
    assertEquals(sd, m.structuredData());
    assertEquals("An application event log entry...", p.body());
  }

  @Test
  void example4WithStructuredDataOnly() {
    String sd =
        "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"]"
            + "[examplePriority@32473 class=\"high\"]";
    Parsed p = parse("<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 " + sd);
    assertEquals(SyslogFormat.RFC5424, p.message().format());
    assertEquals(sd, p.message().structuredData());
    assertEquals(0, p.message().bodyLength());
    assertEquals(p.input().length, p.message().bodyOffset());
  }

  @Test
  void allNilFields() {
    Parsed p = parse("<14>1 - - - - - -");
    SyslogMessage m = p.message();
    assertEquals(SyslogFormat.RFC5424, m.format());
    assertEquals(SyslogMessage.NO_TIMESTAMP, m.timestampMillis());
    assertEquals("-", p.timestampText());
    assertNull(m.hostname());
    assertNull(m.appName());
    assertNull(m.procId());
    assertNull(m.msgId());
    assertNull(m.structuredData());
    assertEquals("", p.body());
  }

  @Test
  void utilLinuxLoggerWithTimeQuality() {
    Parsed p =
        parse(
            "<13>1 2026-11-23T00:54:19.123456+00:00 vm root 14699 ID47 [timeQuality tzKnown=\"1\""
                + " isSynced=\"0\"][ex@32473 k=\"v\"] msg");
    assertEquals(utc("2026-11-23T00:54:19.123Z"), p.message().timestampMillis());
    assertEquals("14699", p.message().procId());
    assertEquals(
        "[timeQuality tzKnown=\"1\" isSynced=\"0\"][ex@32473 k=\"v\"]",
        p.message().structuredData());
    assertEquals("msg", p.body());
  }

  @Test
  void juniperLongSdId() {
    Parsed p =
        parse(
            "<14>1 2014-05-01T08:26:51.179Z fw01 RT_FLOW - RT_FLOW_SESSION_DENY"
                + " [junos@2636.1.1.1.2.39 source-address=\"1.2.3.4\""
                + " destination-address=\"5.6.7.8\"] session denied");
    assertEquals(SyslogFormat.RFC5424, p.message().format());
    assertEquals("RT_FLOW_SESSION_DENY", p.message().msgId());
    assertEquals("session denied", p.body());
  }

  @Test
  void messageKeepsLeadingSpacesAfterTheSeparator() {
    // rsyslog relaying a 3164 message in 5424 format: the MSG keeps the sender's leading space.
    assertEquals(" hello", parse("<13>1 2026-11-23T00:00:00+00:00 vm app - - -  hello").body());
  }

  @Test
  void spaceAfterStructuredDataWithoutMessageGivesEmptyBody() {
    assertEquals("", parse("<13>1 - h a - - - ").body());
  }

  @Test
  void bomWithoutTextGivesEmptyBody() {
    assertEquals("", parse("<13>1 - h a - - - " + BOM).body());
  }

  @Test
  void threeDigitVersionIsAccepted() {
    assertEquals(999, parse("<13>999 - h a - - - x").message().version());
  }

  @Test
  void fieldsAtTheirMaximumLengthAreAccepted() {
    Parsed p =
        parse(
            "<13>1 - "
                + "h".repeat(255)
                + " "
                + "a".repeat(48)
                + " "
                + "p".repeat(128)
                + " "
                + "m".repeat(32)
                + " - x");
    assertEquals(SyslogFormat.RFC5424, p.message().format());
    assertEquals(255, p.message().hostname().length());
  }

  @Test
  void raisedLimitsAcceptLongerFields() {
    SyslogParser lenient = SyslogParser.builder().limits(new FieldLimits(300, 48, 128, 32)).build();
    assertEquals(
        SyslogFormat.RFC5424,
        parse(lenient, "<13>1 - " + "h".repeat(300) + " a - - - x").message().format());
  }

  @Test
  void offsetlessTimestampIsReadInTheConfiguredZone() {
    ZoneId paris = ZoneId.of("Europe/Paris");
    Parsed p =
        parse(Fixtures.parserAt(Fixtures.NOW, paris), "<13>1 2026-07-01T12:00:00.25 h a - - - x");
    assertEquals(Fixtures.local("2026-07-01T12:00:00.25", paris), p.message().timestampMillis());
    assertTrue(p.message().tzAssumed());
  }

  /** The time after 2026-01-02T03:04:05, and the instant it must give. */
  @ParameterizedTest
  @CsvSource({
    ".5Z, 2026-01-02T03:04:05.500Z",
    ".05Z, 2026-01-02T03:04:05.050Z",
    ".000003Z, 2026-01-02T03:04:05Z",
    ".9999Z, 2026-01-02T03:04:05.999Z", // truncated, not rounded
    ".000000003Z, 2026-01-02T03:04:05Z", // more than six digits: lenient
    ".123456789012345678901234567890123456789012345678901234567890Z, 2026-01-02T03:04:05.123Z",
    "Z, 2026-01-02T03:04:05Z",
    ".25+01:00, 2026-01-02T02:04:05.250Z",
    "-00:30, 2026-01-02T03:34:05Z"
  })
  void fractionsAreTruncatedToMillisecondsAndOffsetsApplied(String suffix, String instant) {
    Parsed p = parse("<13>1 2026-01-02T03:04:05" + suffix + " h a - - - x");
    assertEquals(utc(instant), p.message().timestampMillis(), suffix);
  }

  /** Each of these starts like RFC 5424 and breaks it: Invalid, whole input as body, PRI kept. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "<34>1 2003-10-11T22:14:15.003Z", // truncated after the timestamp
        "<34>1 2003-10-11T22:14:15.003Z host app - ID47", // no STRUCTURED-DATA
        "<34>0 - h a - - - x", // VERSION 0 (Graylog issue 3502)
        "<34>01 - h a - - - x", // leading zero
        "<34>1  - h a - - - x", // empty TIMESTAMP
        "<34>1 - h  a - - - x", // empty APP-NAME
        "<34>1 2003-13-11T22:14:15Z h a - - - x", // month 13
        "<34>1 2003-02-29T22:14:15Z h a - - - x", // not a leap year
        "<34>1 2003-10-11t22:14:15Z h a - - - x", // lower-case T
        "<34>1 2003-10-11T22:14:15z h a - - - x", // lower-case Z
        "<34>1 2003-10-11T24:00:00Z h a - - - x", // hour 24
        "<34>1 2003-10-11T22:14:60Z h a - - - x", // leap second
        "<34>1 2003-10-11T22:14:15.Z h a - - - x", // empty fraction
        "<34>1 2003-10-11T22:14:15+0700 h a - - - x", // offset without colon
        "<34>1 2003-10-11T22:14:15+24:00 h a - - - x", // offset out of range
        "<34>1 2003-10-11 22:14:15Z h a - - - x", // space for T
        "<34>1 - h\u00e9 a - - - x", // non-ASCII HOSTNAME
        "<34>1 - h a - - [x@1 a=\"b\"]msg", // no space after SD
        "<34>1 - h a - - [x@1 a=\"b\"", // unterminated SD
        "<34>1 - h a - - [x@1 a=b]", // unquoted value
        "<34>1 - h a - - [x@1 a=\"b]", // unterminated value
        "<34>1 - h a - - [x@1 =\"b\"]", // empty PARAM-NAME
        "<34>1 - h a - - []", // empty SD-ID
        "<34>1 - h a - - [x@1  a=\"b\"]", // two spaces before a param
        "<34>1 - h a - - [a\"b c=\"d\"]", // quote in SD-ID
        "<34>1 - h a - - x", // neither nil nor an element
        "<34>1 - h a - - -x" // nil SD glued to the message
      })
  void grammarViolationsAreInvalid(String text) {
    Parsed p = parse(text);
    SyslogMessage m = p.message();
    assertEquals(SyslogFormat.UNKNOWN, m.format(), text);
    assertEquals(SyslogMessage.STATUS_INVALID, m.status());
    assertEquals(34, m.priority());
    assertEquals(-1, m.version());
    assertEquals(SyslogMessage.NO_TIMESTAMP, m.timestampMillis());
    assertNull(m.hostname());
    assertEquals(text, p.body());
  }

  @Test
  void fieldsOverTheirLimitsAreInvalid() {
    assertInvalid("<13>1 - " + "h".repeat(256) + " a - - - x");
    assertInvalid("<13>1 - h " + "a".repeat(49) + " - - - x");
    assertInvalid("<13>1 - h a " + "p".repeat(129) + " - - x");
    assertInvalid("<13>1 - h a - " + "m".repeat(33) + " - x");
    assertInvalid("<13>1 - h a - - [" + "s".repeat(33) + "]");
    assertInvalid("<13>1 - h a - - [x " + "n".repeat(33) + "=\"v\"]");
  }

  private static void assertInvalid(String text) {
    assertEquals(SyslogMessage.STATUS_INVALID, parse(text).message().status(), text);
  }
}
