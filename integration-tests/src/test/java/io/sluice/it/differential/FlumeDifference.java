package io.sluice.it.differential;

import static io.sluice.it.differential.Slot.BODY;
import static io.sluice.it.differential.Slot.FACILITY;
import static io.sluice.it.differential.Slot.HOST;
import static io.sluice.it.differential.Slot.PRIORITY;
import static io.sluice.it.differential.Slot.SEVERITY;
import static io.sluice.it.differential.Slot.STATUS;
import static io.sluice.it.differential.Slot.TIMESTAMP;
import static io.sluice.it.differential.Slot.VERSION;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The named ways in which Flume 1.11's syslog sources and Sluice's differ on purpose: each a fault
 * of Flume's (syslog.md §2.3-2.4) or a documented choice of Sluice's contract, listed by these names
 * in README.md ("Where they differ from Flume's syslog sources").
 *
 * <p>Each turns the event Sluice made into the event Flume must have made, exactly: applied, in
 * this order, to Sluice's event for every difference an entry declares, it must yield Flume's
 * event field for field, and it must change something (a declared difference that does not show is
 * an error too). The JVMs run in UTC (as does Sluice's {@code rfc3164.timezone}), so no difference
 * comes from a zone.
 */
public enum FlumeDifference {

  /** multiport's capitalised names; implied for every TCP entry whose event has them. */
  HEADER_CASE(
      EnumSet.of(Transport.TCP),
      "multiport_syslogtcp names them Priority and Version; Sluice uses syslogudp's priority and version",
      s -> {
        s.expect("Priority", s.expected(PRIORITY));
        s.expect(PRIORITY, null);
        s.expect("Version", s.expected(VERSION));
        s.expect(VERSION, null);
      }),

  ZONE_OFFSET_IGNORED(
      EnumSet.of(Transport.UDP),
      "syslogudp reads an RFC 5424 time in the JVM's zone and ignores its offset",
      s -> {
        Matcher m = Pattern.compile("([+-])(\\d\\d):(\\d\\d)$").matcher(rfc5424Time(s.entry().text()));
        if (!m.find()) {
          throw new IllegalStateException(s.entry() + " has no offset");
        }
        long offset = (Long.parseLong(m.group(2)) * 3600 + Long.parseLong(m.group(3)) * 60) * 1000;
        s.expect(TIMESTAMP, Long.toString(Long.parseLong(s.expected(TIMESTAMP))
            + (m.group(1).equals("-") ? -offset : offset)));
      }),

  FRACTION_AS_MILLISECONDS(
      EnumSet.of(Transport.UDP),
      "syslogudp reads a fraction of one or two digits as milliseconds (.5 is 5 ms)",
      s -> {
        Matcher m = Pattern.compile("\\.(\\d+)").matcher(rfc5424Time(s.entry().text()));
        if (!m.find()) {
          throw new IllegalStateException(s.entry() + " has no fraction");
        }
        String digits = m.group(1).substring(0, Math.min(3, m.group(1).length()));
        long asFlume = Long.parseLong(digits);
        long asFraction = Long.parseLong((digits + "00").substring(0, 3));
        s.expect(TIMESTAMP, Long.toString(Long.parseLong(s.expected(TIMESTAMP)) + asFlume - asFraction));
      }),

  NOT_PARSED_BY_REGEX(
      EnumSet.of(Transport.UDP),
      "a message syslogudp's regexes cannot read has no host or timestamp and all of it, PRI included, as body",
      s -> {
        s.expect(HOST, null);
        s.expect(TIMESTAMP, null);
        s.expect(BODY, s.entry().text());
      }),

  STALE_PRIORITY(
      EnumSet.of(Transport.UDP),
      "syslogudp gives a message it cannot read the priority and version of the message before it",
      s -> {
        s.expect(PRIORITY, s.previousFlume(PRIORITY));
        s.expect(VERSION, s.previousFlume(VERSION));
      }),

  INVALID_AS_FACILITY_0(
      EnumSet.of(Transport.UDP),
      "syslogudp gives a message without a valid PRI Facility 0 and Severity 0",
      s -> {
        s.expect(FACILITY, "0");
        s.expect(SEVERITY, "0");
      }),

  PRI_ABOVE_191(
      EnumSet.allOf(Transport.class),
      "Flume accepts a PRI above 191 (<999> is facility 124); Sluice marks the message Invalid",
      s -> {
        if (!"Invalid".equals(s.expected(STATUS)) || !s.entry().text().equals(s.expected(BODY))) {
          throw new AssertionError("Sluice should keep " + s.entry() + " whole as Invalid");
        }
        s.entry().flumeReads(s.transport).forEach(s::expect);
      }),

  BOM_KEPT(
      EnumSet.allOf(Transport.class),
      "Flume keeps the UTF-8 BOM that starts an RFC 5424 MSG in the body",
      s -> s.expect(BODY, "\uFEFF" + s.expected(BODY))),

  RFC5424_BODY_IS_MSG(
      EnumSet.allOf(Transport.class),
      "Flume's RFC 5424 body is everything after the HOSTNAME; Sluice's is the MSG, the fields before"
          + " it being headers",
      s -> {
        String fields = String.join(" ", nil(s.sluiceHeader("appName")), nil(s.sluiceHeader("procId")),
            nil(s.sluiceHeader("msgId")), nil(s.sluiceHeader("structuredData")));
        String msg = s.expected(BODY);
        s.expect(BODY, msg.isEmpty() && !s.entry().text().endsWith(" ") ? fields : fields + " " + msg);
      }),

  UDP_CUT_AT_2048(
      EnumSet.of(Transport.UDP),
      "syslogudp cuts a datagram at 2048 bytes without marking it",
      s -> {
        int header = Slot.utf8Length(s.entry().text()) - Slot.utf8Length(s.sluiceBody());
        s.expect(BODY, Slot.firstBytes(s.expected(BODY), 2048 - header));
      }),

  UDP_LATER_LINES_DROPPED(
      EnumSet.of(Transport.UDP),
      "syslogudp keeps the first line of a datagram and drops the others",
      s -> s.expect(BODY, s.expected(BODY).substring(0, s.expected(BODY).indexOf('\n')))),

  CR_KEPT(
      EnumSet.allOf(Transport.class),
      "Flume keeps the CR of a CRLF-terminated message in the body",
      s -> s.expect(BODY, s.expected(BODY) + "\r")),

  NIL_TIMESTAMP_NOW(
      EnumSet.of(Transport.TCP),
      "multiport_syslogtcp stamps a nil timestamp with the time it reads the message",
      s -> {
        long t = Long.parseLong(s.flume(TIMESTAMP) == null ? "0" : s.flume(TIMESTAMP));
        if (t < s.sentFrom() - 1000 || t > s.seenBy() + 1000) {
          throw new AssertionError(s.entry() + ": Flume's timestamp " + t + " is not when it was read, ["
              + s.sentFrom() + ", " + s.seenBy() + "]");
        }
        s.expect(TIMESTAMP, Long.toString(t));
      }),

  NIL_HOSTNAME_AS_DASH(
      EnumSet.of(Transport.TCP),
      "multiport_syslogtcp sets host to - for RFC 5424's nil HOSTNAME",
      s -> s.expect(HOST, "-")),

  HOST_FROM_TAG(
      EnumSet.of(Transport.TCP),
      "multiport_syslogtcp takes the tag of a message without a hostname (myproc[123]:) for the host",
      s -> {
        String body = s.expected(BODY);
        int space = body.indexOf(' ');
        s.expect(HOST, body.substring(0, space));
        s.expect(BODY, body.substring(space + 1));
      }),

  YEAR_2001(
      EnumSet.of(Transport.TCP),
      "multiport_syslogtcp gives an RFC 3164 date more than a month old the year 2001 (more than a month"
          + " ahead: 1999)",
      s -> s.expect(TIMESTAMP,
          Long.toString(multiportYear(Long.parseLong(s.expected(TIMESTAMP)), s.seenBy())))),

  DATE_BY_POSITION(
      EnumSet.of(Transport.TCP),
      "multiport_syslogtcp reads the 15 characters after the PRI as the date and the next word as host"
          + " (a date with a year gives timestamp 0)",
      s -> s.entry().flumeReads(s.transport).forEach(s::expect)),

  MULTIPORT_INVALID(
      EnumSet.of(Transport.TCP),
      "a message multiport_syslogtcp's parser cannot read is Invalid, whole, without Facility or Severity",
      s -> {
        s.expected.clear();
        s.expect(STATUS, "Invalid");
        s.expect(BODY, s.entry().tcpLine());
      }),

  OCTET_COUNTING_NOT_READ(
      EnumSet.of(Transport.TCP),
      "multiport_syslogtcp reads an RFC 6587 octet-counted frame as an Invalid line, count included",
      s -> {
        s.expected.clear();
        s.expect(STATUS, "Invalid");
        s.expect(BODY, s.entry().tcpLine());
      }),

  LONG_LINE_SPLIT(
      EnumSet.of(Transport.TCP),
      "multiport_syslogtcp cuts a line longer than eventSize into an Incomplete event and Invalid rest",
      s -> {
        int eventSize = 2500;
        int header = Slot.utf8Length(s.entry().text()) - Slot.utf8Length(s.sluiceBody());
        s.expect(BODY, Slot.firstBytes(s.expected(BODY), eventSize - header));
        s.expect(STATUS, "Incomplete");
        String rest = new String(s.entry().text().getBytes(java.nio.charset.StandardCharsets.UTF_8),
            eventSize, Slot.utf8Length(s.entry().text()) - eventSize, java.nio.charset.StandardCharsets.UTF_8);
        if (s.flumeExtra().size() != 1
            || !java.util.Map.of(STATUS, "Invalid", BODY, rest).equals(s.flumeExtra().get(0))) {
          throw new AssertionError(s.entry() + ": Flume's rest should be one Invalid event of the last "
              + Slot.utf8Length(rest) + " bytes: " + s.flumeExtra());
        }
        s.accountForExtra(1);
      }),

  BATCH_LOST(
      EnumSet.of(Transport.TCP),
      "multiport_syslogtcp throws on an RFC 5424 time with a fraction and no offset, losing that read's events",
      Slot::expectNoEvent);

  private final Set<Transport> on;
  private final String says;
  private final Consumer<Slot> expectation;

  FlumeDifference(Set<Transport> on, String says, Consumer<Slot> expectation) {
    this.on = on;
    this.says = says;
    this.expectation = expectation;
  }

  public Set<Transport> on() {
    return on;
  }

  public String says() {
    return says;
  }

  /** Turns the expected event (Sluice's, so far transformed) into what Flume makes of it. */
  void apply(Slot s) {
    expectation.accept(s);
  }

  private static String nil(String value) {
    return value == null ? "-" : value;
  }

  /** The TIMESTAMP field of an RFC 5424 message. */
  static String rfc5424Time(String text) {
    int afterVersion = text.indexOf(' ', text.indexOf('>'));
    return text.substring(afterVersion + 1, text.indexOf(' ', afterVersion + 1));
  }

  /**
   * The year multiport_syslogtcp's SyslogParser gives a date without one: it parses it into Joda's
   * default year 2000, then moves that date, not the one in this year, by a year when the date in
   * this year is over a month away (FLUME-3201/3316).
   */
  static long multiportYear(long millis, long nowMillis) {
    LocalDateTime date = LocalDateTime.ofInstant(Instant.ofEpochMilli(millis), ZoneOffset.UTC).withYear(2000);
    LocalDateTime now = LocalDateTime.ofInstant(Instant.ofEpochMilli(nowMillis), ZoneOffset.UTC);
    LocalDateTime fixed = date.withYear(now.getYear());
    if (fixed.isAfter(now) && fixed.minusMonths(1).isAfter(now)) {
      fixed = date.minusYears(1);
    } else if (fixed.isBefore(now) && fixed.plusMonths(1).isBefore(now)) {
      fixed = date.plusYears(1);
    }
    return fixed.toInstant(ZoneOffset.UTC).toEpochMilli();
  }
}
