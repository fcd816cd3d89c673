package io.sluice.source;

import io.sluice.core.EventIds;
import io.sluice.core.HeaderMap;
import io.sluice.core.Headers;
import io.sluice.source.syslog.Framing;
import io.sluice.source.syslog.KeepFields;
import io.sluice.source.syslog.SyslogMessage;
import io.sluice.source.syslog.SyslogParser;
import java.util.Objects;
import java.util.Set;
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
  private static final String PRIORITY = "priority";
  private static final String VERSION = "version";
  private static final String TIMESTAMP = "timestamp";
  private static final String HOST = "host";
  private static final String APP_NAME = "appName";
  private static final String PROC_ID = "procId";
  private static final String MSG_ID = "msgId";
  private static final String STRUCTURED_DATA = "structuredData";
  private static final String FORMAT = "syslog.format";
  private static final String FRAMING = "syslog.framing";

  /** Every header name written here, whatever the configuration. */
  private static final Set<String> OURS = Set.of(Headers.FACILITY, Headers.SEVERITY, PRIORITY,
      VERSION, TIMESTAMP, TZ_ASSUMED, HOST, APP_NAME, PROC_ID, MSG_ID, STRUCTURED_DATA, STATUS,
      FORMAT, FRAMING, Headers.EVENT_ID, Headers.RECEIVED_AT);

  /** "0" to "191": every PRI, facility and severity value, made once. */
  private static final String[] SMALL = new String[192];

  static {
    for (int i = 0; i < SMALL.length; i++) {
      SMALL[i] = Integer.toString(i).intern();
    }
  }

  /** Room for the most headers made here (16) and those an interceptor adds (the Governor's). */
  private static final int HEADROOM = 20;

  private final SyslogParser parser;
  private final KeepFields keepFields;
  private final String clientIpHeader;
  private final String portHeader;
  /** True unless a configured name is one of ours, or both are the same: then the last put wins. */
  private final boolean configuredNamesFree;

  public SyslogEvents(SyslogParser parser, KeepFields keepFields, String clientIpHeader, String portHeader) {
    this.parser = parser;
    this.keepFields = keepFields;
    this.clientIpHeader = clientIpHeader;
    this.portHeader = portHeader;
    this.configuredNamesFree = (clientIpHeader == null || !OURS.contains(clientIpHeader))
        && (portHeader == null || !OURS.contains(portHeader))
        && !Objects.equals(clientIpHeader, portHeader);
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
      Origin origin, String receivedAt, SourceMetrics.Tally tally) {
    SyslogMessage m = parser.parse(frame, off, len);
    HeaderMap h = new HeaderMap(HEADROOM);
    if (m.priority() >= 0) {
      h.putNew(Headers.FACILITY, SMALL[m.facility()]);
      h.putNew(Headers.SEVERITY, SMALL[m.severity()]);
      h.putNew(PRIORITY, SMALL[m.priority()]);
    }
    if (m.version() > 0) {
      h.putNew(VERSION, m.version() < SMALL.length ? SMALL[m.version()] : Integer.toString(m.version()));
    }
    if (m.timestampMillis() != SyslogMessage.NO_TIMESTAMP) {
      h.putNew(TIMESTAMP, Long.toString(m.timestampMillis()));
      if (m.tzAssumed()) {
        h.putNew(TZ_ASSUMED, "true");
      }
    }
    putIfPresent(h, HOST, m.hostname());
    putIfPresent(h, APP_NAME, m.appName());
    putIfPresent(h, PROC_ID, m.procId());
    putIfPresent(h, MSG_ID, m.msgId());
    putIfPresent(h, STRUCTURED_DATA, m.structuredData());
    boolean invalid = m.status() != null;
    if (invalid) {
      h.putNew(STATUS, m.status());
    } else if (incomplete) {
      h.putNew(STATUS, INCOMPLETE);
    }
    h.putNew(FORMAT, m.format().headerValue());
    h.putNew(FRAMING, framing.headerValue());
    h.putNew(Headers.EVENT_ID, EventIds.next());
    h.putNew(Headers.RECEIVED_AT, receivedAt);
    if (clientIpHeader != null && origin.clientIp() != null) {
      putConfigured(h, clientIpHeader, origin.clientIp());
    }
    if (portHeader != null) {
      putConfigured(h, portHeader, origin.localPort());
    }
    tally.received(len, invalid, incomplete);

    SimpleEvent e = new SimpleEvent();
    e.setHeaders(h);
    e.setBody(keepFields.body(frame, off, len, m));
    return e;
  }

  private void putConfigured(HeaderMap h, String name, String value) {
    if (configuredNamesFree) {
      h.putNew(name, value);
    } else {
      h.put(name, value);
    }
  }

  private static void putIfPresent(HeaderMap h, String name, String value) {
    if (value != null) {
      h.putNew(name, value);
    }
  }
}
