package io.sluice.it.differential;

import static io.sluice.it.differential.FlumeDifference.BATCH_LOST;
import static io.sluice.it.differential.FlumeDifference.BOM_KEPT;
import static io.sluice.it.differential.FlumeDifference.CR_KEPT;
import static io.sluice.it.differential.FlumeDifference.DATE_BY_POSITION;
import static io.sluice.it.differential.FlumeDifference.FRACTION_AS_MILLISECONDS;
import static io.sluice.it.differential.FlumeDifference.HOST_FROM_TAG;
import static io.sluice.it.differential.FlumeDifference.INVALID_AS_FACILITY_0;
import static io.sluice.it.differential.FlumeDifference.LONG_LINE_SPLIT;
import static io.sluice.it.differential.FlumeDifference.MULTIPORT_INVALID;
import static io.sluice.it.differential.FlumeDifference.NIL_HOSTNAME_AS_DASH;
import static io.sluice.it.differential.FlumeDifference.NIL_TIMESTAMP_NOW;
import static io.sluice.it.differential.FlumeDifference.NOT_PARSED_BY_REGEX;
import static io.sluice.it.differential.FlumeDifference.OCTET_COUNTING_NOT_READ;
import static io.sluice.it.differential.FlumeDifference.PRI_ABOVE_191;
import static io.sluice.it.differential.FlumeDifference.RFC5424_BODY_IS_MSG;
import static io.sluice.it.differential.FlumeDifference.STALE_PRIORITY;
import static io.sluice.it.differential.FlumeDifference.UDP_CUT_AT_2048;
import static io.sluice.it.differential.FlumeDifference.UDP_LATER_LINES_DROPPED;
import static io.sluice.it.differential.FlumeDifference.YEAR_2001;
import static io.sluice.it.differential.FlumeDifference.ZONE_OFFSET_IGNORED;
import static io.sluice.it.differential.Slot.BODY;
import static io.sluice.it.differential.Slot.FACILITY;
import static io.sluice.it.differential.Slot.HOST;
import static io.sluice.it.differential.Slot.PRIORITY;
import static io.sluice.it.differential.Slot.SEVERITY;
import static io.sluice.it.differential.Slot.STATUS;
import static io.sluice.it.differential.Slot.TIMESTAMP;

import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Real-world syslog messages, in the shapes syslog.md §1.2 quotes from senders' and receivers'
 * test suites and the parser's unit tests use (RFC 5424 and RFC 3164 examples, util-linux logger,
 * rsyslog, syslog-ng's loggen, npm syslog-client, Linux daemons, Cisco IOS, NX-OS and ASA,
 * Fortigate, Juniper, Snare, Cisco ISE relays, text that is not syslog), in the order they are sent.
 *
 * <p>RFC 3164 dates carry no year, so they are made from the test's own clock: a minute ago, the
 * latest day below 10 (a space-padded day) and three months ago; the year each belongs to is then
 * the same for every reader but multiport_syslogtcp, whose fault it is. Dates with a year, and
 * RFC 5424's, are the senders' own.
 */
public final class Corpus {

  private static final DateTimeFormatter BSD = DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss", Locale.ENGLISH);
  private static final DateTimeFormatter IOS = DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss.SSS", Locale.ENGLISH);
  private static final DateTimeFormatter RFC3339_MICROS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS", Locale.ENGLISH);
  private static final DateTimeFormatter RFC3339_SECONDS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss", Locale.ENGLISH);

  private final List<Entry> entries = new ArrayList<>();

  private Entry add(String family, String template) {
    Entry e = new Entry(entries.size() + 1, family, template);
    entries.add(e);
    return e;
  }

  public List<Entry> entries() {
    return List.copyOf(entries);
  }

  /** The corpus, with RFC 3164 dates relative to {@code now}. */
  public static Corpus at(ZonedDateTime now) {
    ZonedDateTime utc = now.withZoneSameInstant(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS);
    ZonedDateTime startOfYear = utc.withDayOfYear(1).truncatedTo(ChronoUnit.DAYS);
    // A minute ago, but in the year the messages will be read in: around New Year the year of an
    // RFC 3164 date is every reader's guess, so the corpus keeps out of that (a date minutes ahead is
    // this year's to all of them).
    ZonedDateTime recent = utc.plusMinutes(10).getYear() != utc.getYear()
        ? startOfYear.plusYears(1)
        : utc.minusMinutes(1).isBefore(startOfYear) ? startOfYear : utc.minusMinutes(1);
    ZonedDateTime padded = recent.getDayOfMonth() < 10 ? recent : recent.withDayOfMonth(9);
    ZonedDateTime older = recent.minusMonths(3);
    String r = BSD.format(recent);
    String p = BSD.format(padded);
    String o = BSD.format(older);
    String ios = IOS.format(recent.plusNanos(485_000_000));
    String micros = RFC3339_MICROS.format(recent.plusNanos(123_456_000)) + "+00:00";
    String recentMillis = Long.toString(recent.toInstant().toEpochMilli());

    Corpus c = new Corpus();

    // ---- RFC 5424
    c.add("RFC 5424 §6.5 example 1 (BOM)",
            "<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - \uFEFF'su root' failed for"
                + " lonvick on /dev/pts/8 {m}")
        .udp(BOM_KEPT, RFC5424_BODY_IS_MSG)
        .tcp(BOM_KEPT, RFC5424_BODY_IS_MSG);
    c.add("RFC 5424 §6.5 example 2 (offset, microseconds)",
            "<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% It's time to make the"
                + " do-nuts. {m}")
        .udp(ZONE_OFFSET_IGNORED, RFC5424_BODY_IS_MSG)
        .tcp(RFC5424_BODY_IS_MSG);
    c.add("RFC 5424 §6.5 example 3 (structured data, BOM)",
            "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473"
                + " iut=\"3\" eventSource=\"Application\" eventID=\"1011\"] \uFEFFAn application event log"
                + " entry... {m}")
        .udp(BOM_KEPT, RFC5424_BODY_IS_MSG)
        .tcp(BOM_KEPT, RFC5424_BODY_IS_MSG);
    c.add("RFC 5424 §6.5 example 4 (structured data, no MSG)",
            "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473"
                + " iut=\"3\" eventSource=\"Application\" eventID=\"1011\"][examplePriority@32473"
                + " class=\"high\"]")
        .udp(RFC5424_BODY_IS_MSG)
        .tcp(RFC5424_BODY_IS_MSG);
    c.add("util-linux logger (timeQuality, microseconds)",
            "<13>1 " + micros + " vm root 14699 ID47 [timeQuality tzKnown=\"1\" isSynced=\"0\""
                + " syncAccuracy=\"44500\"] backup finished {m}")
        .udp(RFC5424_BODY_IS_MSG)
        .tcp(RFC5424_BODY_IS_MSG);
    c.add("util-linux logger --rfc5424=notq,nohost (nil HOSTNAME)",
            "<13>1 " + micros + " - root - - - no hostname here {m}")
        .udp(RFC5424_BODY_IS_MSG)
        .tcp(RFC5424_BODY_IS_MSG, NIL_HOSTNAME_AS_DASH);
    c.add("RFC 5424 nil timestamp",
            "<14>1 - web1 app 321 - - nil timestamp {m}")
        .udp(RFC5424_BODY_IS_MSG)
        .tcp(RFC5424_BODY_IS_MSG, NIL_TIMESTAMP_NOW);
    c.add("rsyslog omfwd RSYSLOG_SyslogProtocol23Format (3164 relayed, LF)",
            "<13>1 " + micros + " vm app - - -  hello from a 3164 sender {m}")
        .datagramEnd("\n")
        .udp(RFC5424_BODY_IS_MSG)
        .tcp(RFC5424_BODY_IS_MSG);
    c.add("Go RFC3339Nano (nine fraction digits)",
            "<14>1 2026-03-14T09:26:53.589793238Z api-7f9c orders 4242 - - order placed {m}")
        .udp(NOT_PARSED_BY_REGEX, STALE_PRIORITY)
        .tcp(RFC5424_BODY_IS_MSG);
    c.add("Go RFC3339Nano (trailing zeros trimmed: .5)",
            "<14>1 2026-03-14T09:26:53.5Z api-7f9c orders 4242 - - order shipped {m}")
        .udp(FRACTION_AS_MILLISECONDS, RFC5424_BODY_IS_MSG)
        .tcp(RFC5424_BODY_IS_MSG);
    c.add("RFC 5424 offset +05:30 with two fraction digits",
            "<134>1 2026-01-02T05:30:00.25+05:30 blr-app-01 billing 77 INV - invoice sent {m}")
        .udp(ZONE_OFFSET_IGNORED, FRACTION_AS_MILLISECONDS, RFC5424_BODY_IS_MSG)
        .tcp(RFC5424_BODY_IS_MSG);
    c.add("RFC 5424 offset without fraction",
            "<134>1 2026-01-02T05:30:00+05:30 blr-app-01 billing 77 INV - invoice paid {m}")
        .udp(RFC5424_BODY_IS_MSG)
        .tcp(RFC5424_BODY_IS_MSG);
    c.add("RFC 5424 IPv6 hostname",
            "<13>1 " + micros + " ::1 app - - - from an IPv6 host {m}")
        .udp(NOT_PARSED_BY_REGEX, STALE_PRIORITY)
        .tcp(RFC5424_BODY_IS_MSG);
    c.add("Juniper RT_FLOW (long SD-ID)",
            "<14>1 2014-05-01T08:26:51.179Z fw01 RT_FLOW - RT_FLOW_SESSION_DENY [junos@2636.1.1.1.2.39"
                + " source-address=\"10.0.0.1\" source-port=\"51234\" destination-address=\"10.0.0.2\""
                + " destination-port=\"443\" service-name=\"junos-https\" protocol-id=\"6\""
                + " policy-name=\"deny-all\" source-zone-name=\"trust\" destination-zone-name=\"untrust\"]"
                + " session denied {m}")
        .udp(RFC5424_BODY_IS_MSG)
        .tcp(RFC5424_BODY_IS_MSG);
    c.add("syslog4j RFC 5424 time without offset (fraction)",
            "<13>1 2003-10-11T22:14:15.003 hostname app - - - no offset {m}")
        .alone()
        .udp(RFC5424_BODY_IS_MSG)
        .tcp(BATCH_LOST);

    // ---- RFC 3164 from Linux and BSD
    c.add("RFC 3164 §5.4 classic",
            "<34>" + r + " mymachine su: 'su root' failed for lonvick on /dev/pts/8 {m}");
    c.add("RFC 3164 §5.4 no tag, IP host, space-padded day",
            "<13>" + p + " 10.0.0.99 Use the BFG! {m}");
    c.add("OpenSSH",
            "<38>" + r + " web1 sshd[6040]: Accepted publickey for alice from 10.1.2.3 port 51234 ssh2:"
                + " ED25519 SHA256:Xq3mL0 {m}");
    c.add("PAM (tag with parentheses)",
            "<86>" + r + " web1 sshd(pam_unix)[31738]: session opened for user root(uid=0) by {m}");
    c.add("Linux kernel (netfilter)",
            "<4>" + r + " gw kernel: [WAN]IN=eth0 OUT= MAC=00:11:22:33:44:55 SRC=10.0.0.1 DST=10.0.0.2"
                + " PROTO=TCP {m}");
    c.add("rsyslogd start (two spaces after the tag)",
            "<46>" + r + " host1 rsyslogd:  [origin software=\"rsyslogd\" swVersion=\"8.2302.0\""
                + " x-pid=\"812\" x-info=\"https://www.rsyslog.com\"] start {m}");
    c.add("Postfix (tag with a slash)",
            "<22>" + r + " mail postfix/smtpd[1234]: connect from unknown[10.0.0.1] {m}");
    c.add("cron",
            "<78>" + r + " host CRON[4321]: (root) CMD (run-parts /etc/cron.hourly) {m}");
    c.add("systemd",
            "<30>" + r + " host systemd[1]: Started Session 42 of user alice. {m}");
    c.add("BSD syslogd (no tag)",
            "<13>" + r + " freebsd1 last message repeated 3 times {m}");
    c.add("macOS launchd (dotted tag, parenthesised detail)",
            "<5>" + r + " MacBook-Pro com.apple.xpc.launchd[1] (com.apple.mdworker.shared.0B00000000[12345]):"
                + " Service exited due to SIGKILL {m}");
    c.add("rsyslog parsertest (tag longer than 32 characters)",
            "<38>" + r + " source_server sshd0123456789012345678901234567890123456789: MSG part {m}");
    c.add("util-linux logger --rfc3164",
            "<132>" + r + " vm app: backup finished {m}");
    c.add("npm syslog-client 3164 (no tag, LF)",
            "<134>" + r + " vm hello world {m}")
        .datagramEnd("\n");
    c.add("UTF-8 content",
            "<14>" + r + " web1 app: café ✓ ünïcødé {m}");
    c.add("RFC 3164 three months old",
            "<34>" + o + " mymachine su: session closed for user root {m}")
        .tcp(YEAR_2001);
    c.add("no hostname (local /dev/log style)",
            "<13>" + p + " myproc[123]: started {m}")
        .udp(NOT_PARSED_BY_REGEX, STALE_PRIORITY)
        .tcp(HOST_FROM_TAG);
    c.add("openvpn (no timestamp, leading space)",
            "<15> openvpn[2499]: TLS: Initial packet from [AF_INET]10.0.0.2:1194 {m}")
        .udp(NOT_PARSED_BY_REGEX, STALE_PRIORITY)
        .tcp(MULTIPORT_INVALID);
    c.add("rsyslog parsertest (space after the PRI)",
            "<167> " + r + " example tag: testmessage {m}")
        .tcp(MULTIPORT_INVALID);
    c.add("Graylog/syslog4j RFC 3339 time in a 3164 header",
            "<6>2016-10-12T14:10:18Z hostname testmsg[20]: Test {m}");
    c.add("syslog-ng loggen (RFC 3339 time without zone)",
            "<38>" + RFC3339_SECONDS.format(recent) + " localhost prg00000[1234]: seq: 0000000000, thread:"
                + " 0000, runid: 1700000000, stamp: {m} PADDPADDPADD")
        .tcp(MULTIPORT_INVALID);
    c.add("rsyslog parsertest (year in the date)",
            "<167>Mar 7 2008 19:06:53: example tag: testmessage (only date actually tested) {m}")
        .udp(NOT_PARSED_BY_REGEX, STALE_PRIORITY)
        .tcp(DATE_BY_POSITION)
        .flumeReads(Transport.TCP, TIMESTAMP, "0", HOST, ":53:",
            BODY, "example tag: testmessage (only date actually tested) {m}");
    c.add("rsyslog parsertest (upper-case month, year after the time)",
            "<6>AUG 10 22:18:24 2009  netips-warden2-p [audit] user=[*SMS] src=192.168.11.11 {m}")
        .udp(NOT_PARSED_BY_REGEX, STALE_PRIORITY)
        .tcp(DATE_BY_POSITION, YEAR_2001) // the year after the time is not read: multiport's own
        .flumeReads(Transport.TCP, HOST, "2009", BODY, " netips-warden2-p [audit] user=[*SMS] src=192.168.11.11 {m}");

    // ---- network appliances
    c.add("Cisco IOS (sequence number, milliseconds)",
            "<186>1541800: " + ios + ": %HARDWARE-2-FAN_ERROR: Fan Failure {m}")
        .udp(NOT_PARSED_BY_REGEX, STALE_PRIORITY)
        .tcp(MULTIPORT_INVALID);
    c.add("Cisco IOS (clock not synchronised)",
            "<190>530470: *" + ios + ": %SEC-6-IPACCESSLOGP: list 102 denied tcp 10.1.1.1(1234) ->"
                + " 10.2.2.2(22), 1 packet {m}")
        .udp(NOT_PARSED_BY_REGEX, STALE_PRIORITY)
        .tcp(MULTIPORT_INVALID);
    c.add("Cisco IOS (UTC)",
            "<189>12: *" + ios + " UTC: %SYS-5-CONFIG_I: Configured from console by vty0 (10.0.0.1) {m}")
        .udp(NOT_PARSED_BY_REGEX, STALE_PRIORITY)
        .tcp(MULTIPORT_INVALID);
    c.add("Cisco NX-OS (CET)",
            "<189>: 2020 Apr  1 09:46:57 CET: %ETH_PORT_CHANNEL-5-PORT_UP: port-channel1: is up {m}")
        .udp(NOT_PARSED_BY_REGEX, STALE_PRIORITY)
        .tcp(MULTIPORT_INVALID);
    c.add("Cisco NX-OS (UTC)",
            "<134>: 2016 Mar  6 12:53:10 UTC: %POLICY_ENGINE-6-POLICY_LOOKUP_EVENT: policy=POLICY1"
                + " rule=RULE1 action=Permit {m}")
        .udp(NOT_PARSED_BY_REGEX, STALE_PRIORITY)
        .tcp(MULTIPORT_INVALID);
    c.add("Cisco ASA (date with year, host : )",
            "<166>Jan 05 2023 10:00:00 fw01 : %ASA-6-302013: Built inbound TCP connection 1234 for"
                + " outside:10.0.0.1/51234 (10.0.0.1/51234) to inside:10.1.1.1/80 (10.1.1.1/80) {m}")
        .udp(NOT_PARSED_BY_REGEX, STALE_PRIORITY)
        .tcp(DATE_BY_POSITION)
        .flumeReads(Transport.TCP, TIMESTAMP, "0", HOST, "0:00",
            BODY, "fw01 : %ASA-6-302013: Built inbound TCP connection 1234 for outside:10.0.0.1/51234"
                + " (10.0.0.1/51234) to inside:10.1.1.1/80 (10.1.1.1/80) {m}");
    c.add("Cisco ASA (no header)",
            "<166>%ASA-6-302015: Built inbound UDP connection 1 for outside:10.0.0.1/53 (10.0.0.1/53) to"
                + " inside:10.1.1.1/53 (10.1.1.1/53) {m}")
        .udp(NOT_PARSED_BY_REGEX, STALE_PRIORITY)
        .tcp(MULTIPORT_INVALID);
    c.add("Fortigate (key=value, no header)",
            "<45>date=2017-03-06 time=12:53:10 devname=FGT60D devid=FGT60D4614000000 logid=0000000013"
                + " type=traffic subtype=forward level=notice srcip=10.0.0.1 dstip=10.0.0.2 action=accept"
                + " sessionid={m}")
        .udp(NOT_PARSED_BY_REGEX, STALE_PRIORITY)
        .tcp(MULTIPORT_INVALID);
    c.add("Snare for Windows (#011 tabs)",
            "<175>" + r + " #001 MSWinEventLog 0#011Security#011171#011" + r + " 2024#0114624#011"
                + "Microsoft-Windows-Security-Auditing#011alice#011N/A#011Success Audit {m}")
        .udp(NOT_PARSED_BY_REGEX, STALE_PRIORITY);
    c.add("rsyslog weird.parse1 (header only)",
            "<14>" + r + " X4711")
        .udp(NOT_PARSED_BY_REGEX, STALE_PRIORITY)
        .tcp(MULTIPORT_INVALID);
    c.add("RFC 3164 IPv6 hostname",
            "<13>" + p + " fe80::1 app: from a link-local host {m}")
        .udp(NOT_PARSED_BY_REGEX, STALE_PRIORITY);

    // ---- transport quirks
    c.add("CRLF-terminated",
            "<34>" + r + " mymachine su: pam_unix(su:auth): authentication failure; logname=alice {m}")
        .datagramEnd("\r\n")
        .lineEnd("\r\n")
        .udp(NOT_PARSED_BY_REGEX, CR_KEPT, STALE_PRIORITY)
        .tcp(CR_KEPT);
    c.add("stack trace in one datagram",
            "<11>" + r + " web1 java: {m} java.lang.NullPointerException\n\tat"
                + " com.example.orders.OrderService.place(OrderService.java:42)\n\tat"
                + " com.example.orders.Api.post(Api.java:17)")
        .only(Transport.UDP)
        .udp(UDP_LATER_LINES_DROPPED);
    c.add("3000-byte message",
            longMessage("<14>" + r + " web1 app: {m} request failed:", 3000))
        .udp(UDP_CUT_AT_2048)
        .tcp(LONG_LINE_SPLIT);
    c.add("rsyslog omfwd octet-counted (LF inside the count)",
            "<13>1 " + micros + " vm app - - - hello 5424 via rsyslog {m}")
        .only(Transport.TCP)
        .tcp(OCTET_COUNTING_NOT_READ);

    // ---- not syslog
    c.add("rsyslog -- MARK -- without PRI",
            "Feb 18 16:01:59 serverX -- MARK -- {m}")
        .udp(INVALID_AS_FACILITY_0, STALE_PRIORITY);
    c.add("Cisco ISE relayed (double header, no PRI)",
            "Aug  6 17:26:31 10.34.84.145 Aug  7 00:45:43 stage-pdp01 CISE_Profiler 0000024855 1 0"
                + " 2014-08-07 00:45:43.741 -07:00 0000024855 80002 INFO  Profiler: Profiler EndPoint"
                + " profiling event occurred {m}")
        .udp(INVALID_AS_FACILITY_0, STALE_PRIORITY);
    c.add("application text sent to the syslog port",
            "java.lang.IllegalStateException: connection pool exhausted {m}")
        .udp(INVALID_AS_FACILITY_0, STALE_PRIORITY);
    c.add("PRI above 191",
            "<999>" + r + " fw01 app: priority out of range {m}")
        .udp(PRI_ABOVE_191)
        .tcp(PRI_ABOVE_191);
    Entry pri = c.entries.get(c.entries.size() - 1);
    for (Transport t : Transport.values()) {
      pri.flumeReads(t, FACILITY, "124", SEVERITY, "7", PRIORITY, "999", TIMESTAMP, recentMillis,
          HOST, "fw01", STATUS, null, BODY, "app: priority out of range {m}");
    }

    // The octet-counted frame's count includes its LF, as rsyslog and syslog-ng send it.
    for (Entry e : c.entries) {
      if (e.differences(Transport.TCP).contains(OCTET_COUNTING_NOT_READ)) {
        String msg = e.text() + "\n";
        e.wire(msg.getBytes(StandardCharsets.UTF_8).length + " " + msg);
      }
    }
    return c;
  }

  private static String longMessage(String head, int bytes) {
    StringBuilder b = new StringBuilder(head);
    int frame = 0;
    while (b.length() < bytes) {
      b.append(" at com.example.orders.OrderService.place").append(frame++).append("(OrderService.java:42)");
    }
    return b.substring(0, bytes);
  }
}
