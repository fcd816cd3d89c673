package io.sluice.source.syslog;

import static io.sluice.source.syslog.Fixtures.local;
import static io.sluice.source.syslog.Fixtures.parse;
import static io.sluice.source.syslog.Fixtures.utc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.source.syslog.Fixtures.Parsed;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * RFC 3164: the examples of §5.4 and every variant in syslog.md §1.2. "Now" is 2026-11-23T12:00Z
 * and the assumed zone UTC, so a date without a year falls in the 11 months before.
 */
class Rfc3164Test {

  private static final ZoneId UTC = ZoneOffset.UTC;

  /**
   * The body is the MSG of §4.1.3, TAG and CONTENT, everything after the HOSTNAME and its space,
   * byte for byte, as Flume's syslog sources give it; the tag is read into headers besides.
   */
  @Nested
  class BodiesAsFlumeGivesThem {

    @Test
    void tagWithPid() {
      Parsed p = parse("<38>Jan 12 06:29:59 web1 sshd[6040]: Accepted publickey for alice");
      assertEquals("sshd[6040]: Accepted publickey for alice", p.body());
      assertEquals("sshd", p.message().appName());
      assertEquals("6040", p.message().procId());
    }

    @Test
    void tagWithParenthesesAndPid() {
      Parsed p = parse("<86>Jan 12 06:29:59 web1 sshd(pam_unix)[31738]: session opened for user root");
      assertEquals("sshd(pam_unix)[31738]: session opened for user root", p.body());
      assertEquals("sshd(pam_unix)", p.message().appName());
    }

    @Test
    void kernelLineWithBracketsInTheContent() {
      Parsed p = parse("<4>Jan 12 06:29:59 gw kernel: [WAN]IN=eth0 OUT= MAC=00:11 SRC=10.0.0.1");
      assertEquals("kernel: [WAN]IN=eth0 OUT= MAC=00:11 SRC=10.0.0.1", p.body());
      assertEquals("kernel", p.message().appName());
    }

    @Test
    void twoSpacesAfterTheTagAreKept() {
      Parsed p = parse("<46>Jan 12 06:29:59 host1 rsyslogd:  [origin software=\"rsyslogd\"] start");
      assertEquals("rsyslogd:  [origin software=\"rsyslogd\"] start", p.body());
    }

    @Test
    void aFortyCharacterTag() {
      String tag = "a".repeat(40);
      Parsed p = parse("<13>Jan 12 06:29:59 host1 " + tag + "[7]: content");
      assertEquals(tag + "[7]: content", p.body());
      assertEquals(tag, p.message().appName());
    }

    @Test
    void noTagAtAll() {
      Parsed p = parse("<13>Jan 12 06:29:59 10.0.0.99 Use the BFG!");
      assertEquals("Use the BFG!", p.body());
      assertNull(p.message().appName());
    }

    @Test
    void withoutAHostnameTheBodyIsWhatFollowsTheTimestamp() {
      Parsed p = parse("<13>Jan 12 06:29:59 myproc[123]: msg");
      assertNull(p.message().hostname());
      assertEquals("myproc[123]: msg", p.body());
    }

    @Test
    void spacesAfterTheHostnameBeyondTheFirstAreKept() {
      assertEquals(" su: x", parse("<34>Oct 11 22:14:15 mymachine  su: x").body());
    }
  }

  @Nested
  class RfcExamples {

    @Test
    void example1() {
      Parsed p =
          parse("<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8");
      assertHeader(p, 34, "2026-10-11T22:14:15", "mymachine", "su", null);
      assertEquals("Oct 11 22:14:15", p.timestampText());
      assertEquals("su: 'su root' failed for lonvick on /dev/pts/8", p.body());
      assertTrue(p.message().tzAssumed());
    }

    @Test
    void example2RelayedWithIpHostAndNoTag() {
      Parsed p = parse("<13>Feb  5 17:32:18 10.0.0.99 Use the BFG!");
      assertHeader(p, 13, "2026-02-05T17:32:18", "10.0.0.99", null, null);
      assertEquals("Feb  5 17:32:18", p.timestampText());
      assertEquals("Use the BFG!", p.body());
    }

    /**
     * The zone and year after the time. CST is ambiguous (US Central or China Standard), so we do
     * not guess: the time is read in the configured zone and marked as assumed.
     */
    @Test
    void example3WithZoneAbbreviationAndYear() {
      Parsed p =
          parse(
              "<165>Aug 24 05:34:00 CST 1987 mymachine myproc[10]: %% It's time to make the"
                  + " do-nuts.  %%  Ingredients: Mix=OK, Jelly=OK # Devices: Mixer=OK,"
                  + " Jelly_Injector=OK, Frier=OK # Transport: Conveyer1=OK, Conveyer2=OK # %%");
      assertHeader(p, 165, "1987-08-24T05:34:00", "mymachine", "myproc", "10");
      assertTrue(p.message().tzAssumed());
      assertEquals("Aug 24 05:34:00 CST 1987", p.timestampText());
      assertTrue(p.body().startsWith("myproc[10]: %% It's time to make the do-nuts.  %%  Ingredients"));
    }

    /** §5.4 itself says a relay would not recognise this TIMESTAMP: PRI only, body after it. */
    @Test
    void example4WithUnrecognisableTimestamp() {
      String text =
          "<0>1990 Oct 22 10:52:01 TZ-6 scapegoat.dmz.example.org 10.1.2.3 sched[0]: That's All"
              + " Folks!";
      Parsed p = parse(text);
      assertPriorityOnly(p, 0, text.substring(3));
    }

    @Test
    void example4AsRelayed() {
      Parsed p =
          parse(
              "<0>Oct 22 10:52:12 scapegoat 1990 Oct 22 10:52:01 TZ-6 scapegoat.dmz.example.org"
                  + " 10.1.2.3 sched[0]: That's All Folks!");
      assertHeader(p, 0, "2026-10-22T10:52:12", "scapegoat", null, null);
      assertEquals(
          "1990 Oct 22 10:52:01 TZ-6 scapegoat.dmz.example.org 10.1.2.3 sched[0]: That's All"
              + " Folks!",
          p.body());
    }
  }

  /** The rows of syslog.md §1.2's variants table, in its order. */
  @Nested
  class VariantsInTheWild {

    @Test
    void missingHostnameWithTagAndPid() {
      Parsed p = parse("<13>Feb  5 17:32:18 myproc[123]: msg");
      assertHeader(p, 13, "2026-02-05T17:32:18", null, "myproc", "123");
      assertEquals("myproc[123]: msg", p.body());
    }

    @Test
    void missingHostnameAndTimestampWithLeadingSpace() {
      Parsed p = parse("<15> openvpn[2499]: TLS: Initial packet");
      assertEquals(SyslogFormat.RFC3164, p.message().format());
      assertEquals(SyslogMessage.NO_TIMESTAMP, p.message().timestampMillis());
      assertNull(p.message().hostname());
      assertEquals("openvpn", p.message().appName());
      assertEquals("2499", p.message().procId());
      assertEquals(" openvpn[2499]: TLS: Initial packet", p.body());
    }

    @Test
    void yearBeforeTheTimeAndColonAfterIt() {
      Parsed p =
          parse("<167>Mar 7 2008 19:06:53: example tag: testmessage (only date actually tested)");
      assertHeader(p, 167, "2008-03-07T19:06:53", "example", "tag", null);
      assertEquals("Mar 7 2008 19:06:53", p.timestampText());
      assertEquals("tag: testmessage (only date actually tested)", p.body());
    }

    @Test
    void upperCaseMonthAndYearAfterTheTime() {
      Parsed p =
          parse("<6>AUG 10 22:18:24 2009  netips-warden2-p [audit] user=[*SMS] src=192.168.11.11");
      assertHeader(p, 6, "2009-08-10T22:18:24", "netips-warden2-p", null, null);
      assertEquals("[audit] user=[*SMS] src=192.168.11.11", p.body());
    }

    @Test
    void leadingSpaceAfterPri() {
      Parsed p = parse("<167> Mar  7 19:06:53 example tag: testmessage");
      assertHeader(p, 167, "2026-03-07T19:06:53", "example", "tag", null);
      assertEquals("tag: testmessage", p.body());
    }

    @Test
    void rfc3339TimestampWithZone() {
      Parsed p = parse("<6>2016-10-12T14:10:18Z hostname testmsg[20]: Test");
      assertEquals(utc("2016-10-12T14:10:18Z"), p.message().timestampMillis());
      assertFalse(p.message().tzAssumed());
      assertEquals("hostname", p.message().hostname());
      assertEquals("testmsg", p.message().appName());
      assertEquals("20", p.message().procId());
      assertEquals("testmsg[20]: Test", p.body());
    }

    @Test
    void rfc3339TimestampWithoutZoneFromLoggen() {
      Parsed p =
          parse("<38>2026-11-23T00:56:27 localhost prg00000[1234]: seq: 0000000000, thread: 0000");
      assertHeader(p, 38, "2026-11-23T00:56:27", "localhost", "prg00000", "1234");
      assertTrue(p.message().tzAssumed());
      assertEquals("prg00000[1234]: seq: 0000000000, thread: 0000", p.body());
    }

    @Test
    void ciscoIosSequenceNumberAndMilliseconds() {
      Parsed p = parse("<186>1541800: Feb 27 06:08:59.485: %HARDWARE-2-FAN_ERROR: Fan Failure");
      assertEquals(local("2026-02-27T06:08:59.485", UTC), p.message().timestampMillis());
      assertEquals("Feb 27 06:08:59.485", p.timestampText());
      assertNull(p.message().hostname());
      assertNull(p.message().appName());
      assertEquals("%HARDWARE-2-FAN_ERROR: Fan Failure", p.body());
    }

    @Test
    void ciscoIosUnsynchronisedClock() {
      Parsed p = parse("<190>530470: *Sep 28 17:13:35.098: %SEC-6-IPACCESSLOGP: list 102 denied");
      assertEquals(local("2026-09-28T17:13:35.098", UTC), p.message().timestampMillis());
      assertNull(p.message().hostname());
      assertEquals("%SEC-6-IPACCESSLOGP: list 102 denied", p.body());
    }

    @Test
    void ciscoIosWithUtcZone() {
      Parsed p =
          parse("<189>12: *Mar  1 18:46:11.123 UTC: %SYS-5-CONFIG_I: Configured from console");
      assertEquals(utc("2026-03-01T18:46:11.123Z"), p.message().timestampMillis());
      assertFalse(p.message().tzAssumed());
      assertEquals("%SYS-5-CONFIG_I: Configured from console", p.body());
    }

    @Test
    void ciscoNxOsWithLocalZone() {
      Parsed p =
          parse("<189>: 2020 Apr  1 09:46:57 CET: %ETH_PORT_CHANNEL-5-PORT_UP: port-channel1: up");
      assertHeader(p, 189, "2020-04-01T09:46:57", null, null, null);
      assertTrue(p.message().tzAssumed());
      assertEquals("2020 Apr  1 09:46:57 CET", p.timestampText());
      assertEquals("%ETH_PORT_CHANNEL-5-PORT_UP: port-channel1: up", p.body());
    }

    @Test
    void ciscoNxOsWithUtc() {
      Parsed p =
          parse("<134>: 2016 Mar  6 12:53:10 UTC: %POLICY_ENGINE-6-POLICY_LOOKUP_EVENT: policy=x");
      assertEquals(utc("2016-03-06T12:53:10Z"), p.message().timestampMillis());
      assertFalse(p.message().tzAssumed());
      assertEquals("%POLICY_ENGINE-6-POLICY_LOOKUP_EVENT: policy=x", p.body());
    }

    @Test
    void ciscoAsaWithHostAndColonSeparator() {
      Parsed p =
          parse("<166>Jan 05 2023 10:00:00 fw01 : %ASA-6-302013: Built inbound TCP connection");
      assertHeader(p, 166, "2023-01-05T10:00:00", "fw01", null, null);
      assertEquals(": %ASA-6-302013: Built inbound TCP connection", p.body());
    }

    @Test
    void ciscoAsaWithoutHeader() {
      String text = "<166>%ASA-6-302015: Built inbound UDP connection 1 for outside:10.0.0.1/53";
      assertPriorityOnly(parse(text), 166, text.substring(5));
    }

    @Test
    void ciscoIseRelayedWithoutPri() {
      String text =
          "Aug  6 17:26:31 10.34.84.145 Aug  7 00:45:43 stage-pdp01 CISE_Profiler 0000024855 1 0"
              + " 2014-08-07 00:45:43.741 -07:00 0000288542 80002 INFO  Profiler: Profiler EndPoint"
              + " profiling event occurred";
      assertInvalid(parse(text));
    }

    @Test
    void fortigateWithoutHeader() {
      String text = "<45>date=2017-03-06 time=12:53:10 devname=DEVICENAME devid=FGT type=traffic";
      assertPriorityOnly(parse(text), 45, text.substring(4));
    }

    @Test
    void juniperIsRfc5424WithLongSdId() {
      Parsed p =
          parse(
              "<14>1 2014-05-01T08:26:51.179Z fw01 RT_FLOW - RT_FLOW_SESSION_DENY"
                  + " [junos@2636.1.1.1.2.39 source-address=\"1.2.3.4\"] session denied");
      assertEquals(SyslogFormat.RFC5424, p.message().format());
      assertEquals(
          "[junos@2636.1.1.1.2.39 source-address=\"1.2.3.4\"]", p.message().structuredData());
    }

    @Test
    void tagWithParentheses() {
      Parsed p =
          parse("<38>Feb  5 17:32:18 host sshd(pam_unix)[12750]: session opened for user root");
      assertHeader(p, 38, "2026-02-05T17:32:18", "host", "sshd(pam_unix)", "12750");
      assertEquals("sshd(pam_unix)[12750]: session opened for user root", p.body());
    }

    @Test
    void tagOfFortyCharactersIsWithinTheAppNameLimit() {
      String tag = "0123456789012345678901234567890123456789";
      Parsed p = parse("<38>Feb  5 17:32:18 source_server " + tag + ": MSG part");
      assertEquals("source_server", p.message().hostname());
      assertEquals(tag, p.message().appName());
      assertEquals("0123456789012345678901234567890123456789: MSG part", p.body());
    }

    @Test
    void tagOverTheAppNameLimitStaysInTheBody() {
      String tag = "x".repeat(49);
      Parsed p = parse("<38>Feb  5 17:32:18 source_server " + tag + ": MSG part");
      assertNull(p.message().appName());
      assertEquals(tag + ": MSG part", p.body());
    }

    @Test
    void noPriAtAll() {
      assertInvalid(parse("Feb 18 16:01:59 serverX -- MARK --"));
    }

    @Test
    void snareWithEscapedTabs() {
      Parsed p =
          parse("<175>Oct 16 23:47:31 #001 MSWinEventLog 0#011Security#011171#011Thu Oct 16");
      assertHeader(p, 175, "2026-10-16T23:47:31", "#001", null, null);
      assertEquals("MSWinEventLog 0#011Security#011171#011Thu Oct 16", p.body());
    }

    @Test
    void headerOnly() {
      Parsed p = parse("<14>Aug 30 23:00:05 X4711");
      assertHeader(p, 14, "2026-08-30T23:00:05", "X4711", null, null);
      assertEquals("", p.body());
    }

    @Test
    void headerOnlyWithTrailingSpace() {
      Parsed p = parse("<14>Aug 30 23:00:05 X4711 ");
      assertEquals("X4711", p.message().hostname());
      assertEquals("", p.body());
    }
  }

  @Nested
  class OtherShapes {

    @Test
    void utilLinuxLogger() {
      Parsed p = parse("<132>Nov 23 00:54:19 vm app: msg");
      assertHeader(p, 132, "2026-11-23T00:54:19", "vm", "app", null);
      assertEquals("app: msg", p.body());
    }

    @Test
    void npmSyslogClientSendsNoTag() {
      Parsed p = parse("<134>Nov 23 00:56:12 vm hello world");
      assertEquals("vm", p.message().hostname());
      assertNull(p.message().appName());
      assertEquals("hello world", p.body());
    }

    @Test
    void tagWithSpaceBeforeColon() {
      Parsed p = parse("<13>Feb  5 17:32:18 host app[323] : msg");
      assertEquals("app", p.message().appName());
      assertEquals("323", p.message().procId());
      assertEquals("app[323] : msg", p.body());
    }

    @Test
    void ipv6Hostname() {
      Parsed p = parse("<13>Feb  5 17:32:18 fe80::1 app: msg");
      assertEquals("fe80::1", p.message().hostname());
      assertEquals("app", p.message().appName());
      assertEquals("app: msg", p.body());
    }

    /** An IPv6 address may end in a colon; it is a hostname, not a tag. */
    @Test
    void ipv6HostnamesEndingInAColonAreHostnames() {
      for (String host : new String[] {"2001:db8::", "fe80::", "::", "2001:db8:0:0:1::"}) {
        Parsed p = parse("<13>Feb  5 17:32:18 " + host + " sshd[42]: Accepted publickey");
        assertEquals(host, p.message().hostname(), host);
        assertEquals("sshd", p.message().appName(), host);
        assertEquals("42", p.message().procId(), host);
        assertEquals("sshd[42]: Accepted publickey", p.body(), host);
        Parsed untagged = parse("<13>Feb  5 17:32:18 " + host + " no tag here");
        assertEquals(host, untagged.message().hostname(), host);
        assertEquals("no tag here", untagged.body(), host);
      }
    }

    @Test
    void dashHostnameIsAbsent() {
      Parsed p = parse("<13>Feb  5 17:32:18 - app: msg");
      assertNull(p.message().hostname());
      assertEquals("app", p.message().appName());
      assertEquals("app: msg", p.body());
    }

    @Test
    void dashTagNameAndPidAreAbsent() {
      Parsed p = parse("<13>Feb  5 17:32:18 host -[-]: msg");
      assertNull(p.message().appName());
      assertNull(p.message().procId());
      assertEquals("-[-]: msg", p.body());
    }

    @Test
    void headerlessTagNeedsANumericPid() {
      assertPriorityOnly(parse("<6>x[y]: z"), 6, "x[y]: z");
      assertPriorityOnly(parse("<6>\\[-] :"), 6, "\\[-] :"); // found by the fuzzer
    }

    @Test
    void wordThatCannotBeAHostnameIsMessage() {
      Parsed p = parse("<13>Feb  5 17:32:18 key=value other=thing");
      assertNull(p.message().hostname());
      assertEquals("key=value other=thing", p.body());
    }

    @Test
    void upperCaseTagIsNotMistakenForAZone() {
      Parsed p = parse("<13>Feb  5 17:32:18 CRON: job done");
      assertNull(p.message().hostname());
      assertEquals("CRON", p.message().appName());
    }

    @Test
    void impossibleDateIsNotATimestamp() {
      assertPriorityOnly(
          parse("<13>Feb 30 17:32:18 host app: x"), 13, "Feb 30 17:32:18 host app: x");
    }

    @Test
    void timeGluedToTextIsNotATimestamp() {
      assertPriorityOnly(parse("<13>Feb  5 17:32:18x host"), 13, "Feb  5 17:32:18x host");
    }

    @Test
    void leadingYearWithoutColonIsNotNxOs() {
      assertPriorityOnly(
          parse("<13>2020 Apr  1 09:46:57 host x"), 13, "2020 Apr  1 09:46:57 host x");
    }

    @Test
    void headerlessTagWithoutPidIsNotATag() {
      assertPriorityOnly(parse("<13>Error: disk full"), 13, "Error: disk full");
    }

    @Test
    void priorityOnly() {
      assertPriorityOnly(parse("<13>"), 13, "");
    }
  }

  private static void assertHeader(
      Parsed p, int priority, String isoLocalTime, String hostname, String appName, String procId) {
    SyslogMessage m = p.message();
    assertEquals(SyslogFormat.RFC3164, m.format(), m::toString);
    assertNull(m.status());
    assertEquals(priority, m.priority());
    assertEquals(-1, m.version());
    assertEquals(local(isoLocalTime, UTC), m.timestampMillis(), m::toString);
    assertEquals(hostname, m.hostname());
    assertEquals(appName, m.appName());
    assertEquals(procId, m.procId());
    assertNull(m.msgId());
    assertNull(m.structuredData());
  }

  private static void assertPriorityOnly(Parsed p, int priority, String body) {
    SyslogMessage m = p.message();
    assertEquals(SyslogFormat.RFC3164, m.format(), m::toString);
    assertNull(m.status());
    assertEquals(priority, m.priority());
    assertEquals(SyslogMessage.NO_TIMESTAMP, m.timestampMillis());
    assertFalse(m.tzAssumed());
    assertEquals(0, m.timestampTextLength());
    assertNull(m.hostname());
    assertNull(m.appName());
    assertEquals(body, p.body());
  }

  private static void assertInvalid(Parsed p) {
    assertEquals(SyslogFormat.UNKNOWN, p.message().format());
    assertEquals(SyslogMessage.STATUS_INVALID, p.message().status());
    assertEquals(-1, p.message().priority());
    assertEquals(new String(p.input(), java.nio.charset.StandardCharsets.UTF_8), p.body());
  }
}
