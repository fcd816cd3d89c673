package io.sluice.source;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.source.syslog.Framing;
import io.sluice.source.syslog.KeepFields;
import io.sluice.source.syslog.SyslogParser;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.flume.Event;
import org.junit.jupiter.api.Test;

/** The headers of one event, as DESIGN.md lists them, and configured names that clash with them. */
class SyslogEventsTest {

  private static final byte[] MESSAGE = ("<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog"
      + " 42 ID47 [exampleSDID@32473 iut=\"3\"] An application event").getBytes(StandardCharsets.UTF_8);
  private static final SyslogEvents.Origin ORIGIN = new SyslogEvents.Origin("192.0.2.7", "5141");

  private static Event event(String clientIpHeader, String portHeader) {
    SyslogEvents events = new SyslogEvents(SyslogParser.builder().build(), KeepFields.NONE, clientIpHeader, portHeader);
    return events.event(MESSAGE, 0, MESSAGE.length, Framing.LF, false, ORIGIN, "1700000000000",
        new SourceMetrics("test", SourceMetrics.Kind.DATAGRAMS).tally());
  }

  @Test
  void everyHeaderOfTheContract() {
    Map<String, String> h = event("clientIp", "localPort").getHeaders();
    String id = h.get("sluice.eventId");
    assertEquals(36, id.length());
    assertEquals(Map.ofEntries(Map.entry("Facility", "20"), Map.entry("Severity", "5"), Map.entry("priority", "165"),
        Map.entry("version", "1"), Map.entry("timestamp", "1065910455003"), Map.entry("host", "mymachine.example.com"),
        Map.entry("appName", "evntslog"), Map.entry("procId", "42"), Map.entry("msgId", "ID47"),
        Map.entry("structuredData", "[exampleSDID@32473 iut=\"3\"]"), Map.entry("syslog.format", "rfc5424"),
        Map.entry("syslog.framing", "lf"), Map.entry("clientIp", "192.0.2.7"), Map.entry("localPort", "5141"),
        Map.entry("sluice.eventId", id), Map.entry("sluice.receivedAt", "1700000000000")), h);
    assertEquals("An application event", new String(event("clientIp", "localPort").getBody(), StandardCharsets.UTF_8));
  }

  @Test
  void aConfiguredNameThatIsOneOfOursReplacesIt() {
    Map<String, String> h = event("host", "localPort").getHeaders();
    assertEquals("192.0.2.7", h.get("host"));
    assertEquals(15, h.size());
  }

  @Test
  void bothConfiguredNamesTheSameKeepOneHeader() {
    Map<String, String> h = event("origin", "origin").getHeaders();
    assertEquals("5141", h.get("origin"));
    assertEquals(15, h.size());
  }

  @Test
  void headersTurnedOffAreAbsent() {
    Map<String, String> h = event(null, null).getHeaders();
    assertEquals(14, h.size());
  }
}
