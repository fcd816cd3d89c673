package io.sluice.source.syslog;

import static io.sluice.source.syslog.Fixtures.local;
import static io.sluice.source.syslog.Fixtures.parse;
import static io.sluice.source.syslog.Fixtures.parserAt;
import static io.sluice.source.syslog.Fixtures.utc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.source.syslog.Fixtures.Parsed;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/**
 * One test per parsing fault of Flume 1.11's syslog sources (syslog.md §2.3-2.4), each showing we
 * do not have it.
 */
class FlumeFaultsTest {

  @Test
  void zoneOffsetIsHonouredWithFractionalSeconds() {
    // Flume's SyslogUtils tries "yyyy-MM-dd'T'HH:mm:ss.S" first, which ignores what follows.
    assertEquals(
        utc("2003-08-24T12:14:15.123Z"),
        parse("<165>1 2003-08-24T05:14:15.123-07:00 h a - - - x").message().timestampMillis());
    assertEquals(
        utc("2003-10-11T22:14:15.003Z"),
        parse("<34>1 2003-10-11T22:14:15.003Z h a - - - x").message().timestampMillis());
    assertEquals(
        utc("2026-01-01T00:00:00.500Z"),
        parse("<13>1 2026-01-01T05:30:00.5+05:30 h a - - - x").message().timestampMillis());
  }

  @Test
  void halfSecondFractionIs500Milliseconds() {
    // SimpleDateFormat's "S" reads ".5" as 5 ms.
    assertEquals(
        utc("2003-10-11T22:14:15.500Z"),
        parse("<34>1 2003-10-11T22:14:15.5Z h a - - - x").message().timestampMillis());
  }

  @Test
  void crlfTerminatedLineParsesOnceTrailersAreStripped() {
    // Flume's regex "(.*)$" does not match the CR, so the whole message fell through unparsed.
    byte[] line =
        "<34>Oct 11 22:14:15 mymachine su: failed\r\n".getBytes(StandardCharsets.US_ASCII);
    SyslogMessage m = Fixtures.parser().parse(line, 0, Trailers.stripLength(line, 0, line.length));
    assertEquals("mymachine", m.hostname());
    assertEquals(
        "su: failed", new String(line, m.bodyOffset(), m.bodyLength(), StandardCharsets.US_ASCII));
  }

  @Test
  void priorityAndVersionAreNotCarriedOverToTheNextMessage() {
    // SyslogUtils.reset() forgets to clear them: an invalid message inherited the previous PRI.
    SyslogParser parser = Fixtures.parser();
    parse(parser, "<165>1 2003-10-11T22:14:15.003Z h a - - - x");
    SyslogMessage invalid = parse(parser, "<abc>not syslog").message();
    assertEquals(-1, invalid.priority());
    assertEquals(-1, invalid.version());
    SyslogMessage bsd = parse(parser, "<13>Feb  5 17:32:18 host app: x").message();
    assertEquals(13, bsd.priority());
    assertEquals(-1, bsd.version());
  }

  @Test
  void rfc3164DateOlderThanAMonthGetsThisYearNot2001() {
    // SyslogParser's rollover fixes the default-year (2000) date, yielding 2001 for older dates.
    Parsed p = parse("<34>Aug 23 08:00:00 host app: three months ago");
    assertEquals(local("2026-08-23T08:00:00", ZoneId.of("UTC")), p.message().timestampMillis());
  }

  @Test
  void newYearRolloverBackwardInTheConfiguredZone() {
    ZoneId tokyo = ZoneId.of("Asia/Tokyo");
    // Received 30 s into the new year in Tokyo; sent a minute before midnight: last year's.
    Instant now = LocalDateTime.parse("2027-01-01T00:00:30").atZone(tokyo).toInstant();
    Parsed p = parse(parserAt(now, tokyo), "<13>Dec 31 23:59:30 host app: late");
    assertEquals(local("2026-12-31T23:59:30", tokyo), p.message().timestampMillis());
    assertTrue(p.message().tzAssumed());
  }

  @Test
  void newYearRolloverForwardInTheConfiguredZone() {
    ZoneId newYork = ZoneId.of("America/New_York");
    // Received just before midnight; the sender's clock runs a minute fast: next year's.
    Instant now = LocalDateTime.parse("2026-12-31T23:59:30").atZone(newYork).toInstant();
    Parsed p = parse(parserAt(now, newYork), "<13>Jan  1 00:00:30 host app: early");
    assertEquals(local("2027-01-01T00:00:30", newYork), p.message().timestampMillis());
  }

  @Test
  void newYearIsJudgedInTheConfiguredZoneNotUtc() {
    // 2026-12-31T20:00Z is already 2027 in Auckland, so "Jan  1 08:00" is this morning, in 2027.
    ZoneId auckland = ZoneId.of("Pacific/Auckland");
    Parsed p =
        parse(
            parserAt(Instant.parse("2026-12-31T20:00:00Z"), auckland),
            "<13>Jan  1 08:00:00 h a: x");
    assertEquals(local("2027-01-01T08:00:00", auckland), p.message().timestampMillis());
  }

  @Test
  void badTimestampAffectsOnlyItsOwnMessage() {
    SyslogParser parser = Fixtures.parser();
    assertEquals(
        SyslogMessage.STATUS_INVALID,
        parse(parser, "<34>1 2003-13-45T22:14:15Z h a - - - x").message().status());
    assertEquals(
        SyslogMessage.NO_TIMESTAMP,
        parse(parser, "<34>Feb 30 22:14:15 host app: x").message().timestampMillis());
    SyslogMessage next = parse(parser, "<34>1 2003-10-11T22:14:15.003Z h a - - - x").message();
    assertNull(next.status());
    assertEquals(1065910455003L, next.timestampMillis());
  }

  @Test
  void offsetlessFractionalTimestampDoesNotFail() {
    // Flume's multiport parser threw StringIndexOutOfBoundsException and lost the whole TCP batch.
    Parsed p = parse("<13>1 2003-10-11T22:14:15.003 hostname app - - - x");
    assertEquals(utc("2003-10-11T22:14:15.003Z"), p.message().timestampMillis());
    assertTrue(p.message().tzAssumed());
  }

  @Test
  void ipv6HostnameIsAccepted() {
    // Flume's UDP/TCP regex ([\w][\w\d\.@-]*) misses it and leaves the message unparsed.
    assertEquals("::1", parse("<13>1 2026-11-23T00:00:00Z ::1 app - - - x").message().hostname());
    assertEquals(
        "2001:db8::1",
        parse("<13>1 2026-11-23T00:00:00Z 2001:db8::1 app - - - x").message().hostname());
  }

  @Test
  void priority999IsRejected() {
    // Flume accepts it as facility 124.
    for (String text : new String[] {"<999>Feb  5 17:32:18 host x", "<192>1 - - - - - -"}) {
      SyslogMessage m = parse(text).message();
      assertEquals(SyslogMessage.STATUS_INVALID, m.status(), text);
      assertEquals(-1, m.priority());
      assertEquals(-1, m.facility());
    }
  }

  @Test
  void missingHostnameIsNotTakenFromTheTag() {
    // Flume's multiport parser reports host=myproc[123]:.
    Parsed p = parse("<13>Feb  5 17:32:18 myproc[123]: msg");
    assertNull(p.message().hostname());
    assertEquals("myproc", p.message().appName());
  }

  @Test
  void nilTimestampGivesNoTimestampRatherThanNow() {
    // Flume's multiport parser stamps a nil timestamp with the receive time.
    assertEquals(
        SyslogMessage.NO_TIMESTAMP, parse("<13>1 - h a - - - x").message().timestampMillis());
  }

  @Test
  void linesAfterTheFirstStayInTheBody() {
    // SyslogUDPSource kept "app: line1" and dropped the other lines of a datagram.
    assertEquals("app: line1\nline2\nline3",
        parse("<13>Feb  5 17:32:18 host app: line1\nline2\nline3").body());
  }
}
