package io.sluice.source;

import io.sluice.core.EventIds;
import io.sluice.core.HeaderMap;
import io.sluice.core.Headers;
import io.sluice.source.syslog.Framing;
import io.sluice.source.syslog.KeepFields;
import io.sluice.source.syslog.SyslogMessage;
import io.sluice.source.syslog.SyslogParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
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

  /**
   * Every header name written here, whatever the configuration, in the order the headers iterate.
   * An event's map shares them (and the configured client IP and port names) and holds only its
   * values: see {@link HeaderMap.Layout}.
   */
  private static final List<String> OURS = List.of(Headers.FACILITY, Headers.SEVERITY, PRIORITY,
      VERSION, TIMESTAMP, TZ_ASSUMED, HOST, APP_NAME, PROC_ID, MSG_ID, STRUCTURED_DATA, STATUS,
      FORMAT, FRAMING, Headers.EVENT_ID, Headers.RECEIVED_AT);
  private static final int FACILITY_SLOT = OURS.indexOf(Headers.FACILITY);
  private static final int SEVERITY_SLOT = OURS.indexOf(Headers.SEVERITY);
  private static final int PRIORITY_SLOT = OURS.indexOf(PRIORITY);
  private static final int VERSION_SLOT = OURS.indexOf(VERSION);
  private static final int TIMESTAMP_SLOT = OURS.indexOf(TIMESTAMP);
  private static final int TZ_ASSUMED_SLOT = OURS.indexOf(TZ_ASSUMED);
  private static final int HOST_SLOT = OURS.indexOf(HOST);
  private static final int APP_NAME_SLOT = OURS.indexOf(APP_NAME);
  private static final int PROC_ID_SLOT = OURS.indexOf(PROC_ID);
  private static final int MSG_ID_SLOT = OURS.indexOf(MSG_ID);
  private static final int STRUCTURED_DATA_SLOT = OURS.indexOf(STRUCTURED_DATA);
  private static final int STATUS_SLOT = OURS.indexOf(STATUS);
  private static final int FORMAT_SLOT = OURS.indexOf(FORMAT);
  private static final int FRAMING_SLOT = OURS.indexOf(FRAMING);
  private static final int EVENT_ID_SLOT = OURS.indexOf(Headers.EVENT_ID);
  private static final int RECEIVED_AT_SLOT = OURS.indexOf(Headers.RECEIVED_AT);

  /** "0" to "191": every PRI, facility and severity value, made once. */
  private static final String[] SMALL = new String[192];

  static {
    for (int i = 0; i < SMALL.length; i++) {
      SMALL[i] = Integer.toString(i).intern();
    }
  }

  /** Room past the layout for the headers an interceptor adds (the Governor's). */
  private static final int HEADROOM = 4;

  private final SyslogParser parser;
  private final KeepFields keepFields;
  private final String clientIpHeader;
  private final String portHeader;
  /** True unless a configured name is one of ours, or both are the same: then the last put wins. */
  private final boolean configuredNamesFree;
  private final HeaderMap.Layout layout;
  private final int clientIpSlot;
  private final int portSlot;

  public SyslogEvents(SyslogParser parser, KeepFields keepFields, String clientIpHeader, String portHeader) {
    this.parser = parser;
    this.keepFields = keepFields;
    this.clientIpHeader = clientIpHeader;
    this.portHeader = portHeader;
    this.configuredNamesFree = (clientIpHeader == null || !OURS.contains(clientIpHeader))
        && (portHeader == null || !OURS.contains(portHeader))
        && !Objects.equals(clientIpHeader, portHeader);
    List<String> names = new ArrayList<>(OURS);
    if (configuredNamesFree) {
      Stream.of(clientIpHeader, portHeader).filter(Objects::nonNull).forEach(names::add);
    }
    this.layout = new HeaderMap.Layout(names.toArray(String[]::new));
    this.clientIpSlot = names.indexOf(clientIpHeader);
    this.portSlot = names.indexOf(portHeader);
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
    HeaderMap h = new HeaderMap(layout, HEADROOM);
    if (m.priority() >= 0) {
      h.fill(FACILITY_SLOT, SMALL[m.facility()]);
      h.fill(SEVERITY_SLOT, SMALL[m.severity()]);
      h.fill(PRIORITY_SLOT, SMALL[m.priority()]);
    }
    if (m.version() > 0) {
      h.fill(VERSION_SLOT, m.version() < SMALL.length ? SMALL[m.version()] : Integer.toString(m.version()));
    }
    if (m.timestampMillis() != SyslogMessage.NO_TIMESTAMP) {
      h.fill(TIMESTAMP_SLOT, Long.toString(m.timestampMillis()));
      if (m.tzAssumed()) {
        h.fill(TZ_ASSUMED_SLOT, "true");
      }
    }
    h.fillIfPresent(HOST_SLOT, m.hostname());
    h.fillIfPresent(APP_NAME_SLOT, m.appName());
    h.fillIfPresent(PROC_ID_SLOT, m.procId());
    h.fillIfPresent(MSG_ID_SLOT, m.msgId());
    h.fillIfPresent(STRUCTURED_DATA_SLOT, m.structuredData());
    boolean invalid = m.status() != null;
    if (invalid) {
      h.fill(STATUS_SLOT, m.status());
    } else if (incomplete) {
      h.fill(STATUS_SLOT, INCOMPLETE);
    }
    h.fill(FORMAT_SLOT, m.format().headerValue());
    h.fill(FRAMING_SLOT, framing.headerValue());
    h.fill(EVENT_ID_SLOT, EventIds.next());
    h.fill(RECEIVED_AT_SLOT, receivedAt);
    if (clientIpHeader != null && origin.clientIp() != null) {
      putConfigured(h, clientIpHeader, clientIpSlot, origin.clientIp());
    }
    if (portHeader != null) {
      putConfigured(h, portHeader, portSlot, origin.localPort());
    }
    tally.received(len, invalid, incomplete);

    SimpleEvent e = new SimpleEvent();
    e.setHeaders(h);
    e.setBody(keepFields.body(frame, off, len, m));
    return e;
  }

  private void putConfigured(HeaderMap h, String name, int slot, String value) {
    if (configuredNamesFree) {
      h.fill(slot, value);
    } else {
      h.put(name, value);
    }
  }
}
