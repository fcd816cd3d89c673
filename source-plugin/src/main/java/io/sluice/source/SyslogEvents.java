package io.sluice.source;

import io.sluice.core.EventIds;
import io.sluice.core.Headers;
import io.sluice.source.syslog.Framing;
import io.sluice.source.syslog.KeepFields;
import io.sluice.source.syslog.SyslogMessage;
import io.sluice.source.syslog.SyslogParser;
import java.util.HashMap;
import java.util.Map;
import org.apache.flume.Event;
import org.apache.flume.event.SimpleEvent;

/**
 * Turns one received syslog message (a datagram or a TCP frame) into a Flume event with the
 * headers of the contract (DESIGN.md, "Event headers"): Flume's own names and values first, then
 * the RFC 5424 fields, the format and framing, the sender and the listening port, and Sluice's id
 * and receive time. Thread-safe: one instance serves every I/O thread of a source.
 */
public final class SyslogEvents {

  /** Flume's status for a message cut at {@code eventSize}. */
  public static final String INCOMPLETE = "Incomplete";
  public static final String STATUS = "flume.syslog.status";
  public static final String TZ_ASSUMED = "syslog.tzAssumed";

  /** "0" to "191": every PRI, facility and severity value, made once. */
  private static final String[] SMALL = new String[192];

  static {
    for (int i = 0; i < SMALL.length; i++) {
      SMALL[i] = Integer.toString(i).intern();
    }
  }

  private final SyslogParser parser;
  private final KeepFields keepFields;
  private final String clientIpHeader;
  private final String portHeader;

  public SyslogEvents(SyslogParser parser, KeepFields keepFields, String clientIpHeader, String portHeader) {
    this.parser = parser;
    this.keepFields = keepFields;
    this.clientIpHeader = clientIpHeader;
    this.portHeader = portHeader;
  }

  /** What the caller knows of where a message came from. */
  public record Origin(String clientIp, String localPort) {}

  /**
   * The event for the message in {@code frame[off, off + len)}, already stripped of its trailer,
   * received at {@code receivedAt} (epoch ms, as text: see {@link MillisText}).
   * Never throws for any input: the parser cannot, and a message it cannot read becomes an {@code
   * Invalid} event with the whole frame as its body.
   */
  public Event event(byte[] frame, int off, int len, Framing framing, boolean incomplete,
      Origin origin, String receivedAt, SourceMetrics metrics) {
    SyslogMessage m = parser.parse(frame, off, len);
    Map<String, String> h = new HashMap<>(32);
    if (m.priority() >= 0) {
      h.put(Headers.FACILITY, SMALL[m.facility()]);
      h.put(Headers.SEVERITY, SMALL[m.severity()]);
      h.put("priority", SMALL[m.priority()]);
    }
    if (m.version() > 0) {
      h.put("version", m.version() < SMALL.length ? SMALL[m.version()] : Integer.toString(m.version()));
    }
    if (m.timestampMillis() != SyslogMessage.NO_TIMESTAMP) {
      h.put("timestamp", Long.toString(m.timestampMillis()));
      if (m.tzAssumed()) {
        h.put(TZ_ASSUMED, "true");
      }
    }
    putIfPresent(h, "host", m.hostname());
    putIfPresent(h, "appName", m.appName());
    putIfPresent(h, "procId", m.procId());
    putIfPresent(h, "msgId", m.msgId());
    putIfPresent(h, "structuredData", m.structuredData());
    boolean invalid = m.status() != null;
    if (invalid) {
      h.put(STATUS, m.status());
    } else if (incomplete) {
      h.put(STATUS, INCOMPLETE);
    }
    h.put("syslog.format", m.format().headerValue());
    h.put("syslog.framing", framing.headerValue());
    if (clientIpHeader != null && origin.clientIp() != null) {
      h.put(clientIpHeader, origin.clientIp());
    }
    if (portHeader != null) {
      h.put(portHeader, origin.localPort());
    }
    h.put(Headers.EVENT_ID, EventIds.next());
    h.put(Headers.RECEIVED_AT, receivedAt);
    metrics.received(len, invalid, incomplete);

    SimpleEvent e = new SimpleEvent();
    e.setHeaders(h);
    e.setBody(keepFields.body(frame, off, len, m));
    return e;
  }

  private static void putIfPresent(Map<String, String> h, String name, String value) {
    if (value != null) {
      h.put(name, value);
    }
  }
}
