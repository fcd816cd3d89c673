package io.sluice.it.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.it.harness.SinkFiles.Written;

/** Assertions on the headers the syslog sources set (DESIGN.md, "Event headers"). */
public final class SyslogChecks {

  private static final String UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

  private SyslogChecks() {}

  /** A marker unique to one test's messages, so it finds its own among everything the sink wrote. */
  public static String nonce(String label) {
    return label + "-" + java.util.UUID.randomUUID().toString().substring(0, 8);
  }

  /**
   * The headers every syslog event carries: format and framing, the sender's address and the
   * listening port, a well-formed {@code sluice.eventId}, and a {@code sluice.receivedAt} between
   * {@code sentFrom} and now; and no {@code flume.syslog.status} (it parsed and it fitted).
   */
  public static void assertEnvelope(Written w, String format, String framing, String clientIp,
      int localPort, long sentFrom) {
    long now = System.currentTimeMillis();
    assertEquals(format, w.header("syslog.format"), () -> "syslog.format of " + w);
    assertEquals(framing, w.header("syslog.framing"), () -> "syslog.framing of " + w);
    assertEquals(clientIp, w.header("clientIp"), () -> "clientIp of " + w);
    assertEquals(Integer.toString(localPort), w.header("localPort"), () -> "localPort of " + w);
    assertTrue(w.header("sluice.eventId") != null && w.header("sluice.eventId").matches(UUID),
        () -> "sluice.eventId of " + w);
    long receivedAt = Long.parseLong(w.header("sluice.receivedAt"));
    assertTrue(receivedAt >= sentFrom - 5 && receivedAt <= now + 5,
        () -> "sluice.receivedAt " + receivedAt + " outside [" + sentFrom + ", " + now + "]: " + w);
    assertNull(w.header("flume.syslog.status"), () -> "flume.syslog.status of " + w);
  }

  /** {@code Facility}, {@code Severity} and {@code priority} (facility * 8 + severity). */
  public static void assertPriority(Written w, int facility, int severity) {
    assertEquals(Integer.toString(facility), w.header("Facility"), () -> "Facility of " + w);
    assertEquals(Integer.toString(severity), w.header("Severity"), () -> "Severity of " + w);
    assertEquals(Integer.toString(facility * 8 + severity), w.header("priority"), () -> "priority of " + w);
  }

  /**
   * The event's own {@code timestamp} lies within {@code slackMillis} of the interval in which it
   * was sent ({@code [from, to]}, this machine's clock, which the sender also read).
   */
  public static long assertTimestampNear(Written w, long from, long to, long slackMillis) {
    String t = w.header("timestamp");
    assertTrue(t != null, () -> "no timestamp header: " + w);
    long ts = Long.parseLong(t);
    assertTrue(ts >= from - slackMillis && ts <= to + slackMillis,
        () -> "timestamp " + ts + " not within " + slackMillis + " ms of [" + from + ", " + to + "]: " + w);
    return ts;
  }

  /** None of {@code headers} is set. */
  public static void assertAbsent(Written w, String... headers) {
    for (String h : headers) {
      assertNull(w.header(h), () -> h + " should not be set: " + w);
    }
  }
}
