package io.sluice.source.hec;

import io.sluice.core.EventIds;
import io.sluice.core.HeaderMap;
import io.sluice.core.Headers;
import java.util.ArrayList;
import java.util.List;
import org.apache.flume.Event;
import org.apache.flume.event.SimpleEvent;

/**
 * Flume events of a request's events, with the headers of DESIGN.md and no others: what a client
 * sends can set {@code host}, {@code source}, {@code sourcetype}, {@code index}, {@code timestamp}
 * and {@code hec.fields}, never a {@code sluice.*} header nor any other.
 */
final class HecEvents {

  static final String HOST = "host";
  static final String SOURCE = "source";
  static final String SOURCETYPE = "sourcetype";
  static final String INDEX = "index";
  static final String TIMESTAMP = "timestamp";
  static final String TOKEN = "hec.token";
  static final String CHANNEL = "hec.channel";
  static final String ACK_ID = "hec.ackId";
  static final String FIELDS = "hec.fields";
  /** Tells ValidatingSink the body is the JSON of a non-string {@code event}. */
  static final String EVENT_JSON = "hec.eventJson";

  private HecEvents() {}

  /**
   * @param channel the request's channel, or null
   * @param ackId the request's ackId, or a negative number when it has none
   * @param receivedAt epoch ms, as text, when the request came
   */
  static List<Event> of(List<HecEvent> events, HecToken token, String channel, long ackId, String clientIp,
      String receivedAt) {
    String ack = ackId < 0 ? null : Long.toString(ackId);
    List<Event> out = new ArrayList<>(events.size());
    for (HecEvent e : events) {
      HeaderMap h = new HeaderMap(16);
      put(h, HOST, e.host());
      put(h, SOURCE, e.source());
      put(h, SOURCETYPE, e.sourcetype());
      put(h, INDEX, e.index());
      if (e.timeMillis() != HecTime.INVALID) {
        h.putNew(TIMESTAMP, Long.toString(e.timeMillis()));
      }
      put(h, FIELDS, e.fieldsJson());
      if (e.eventJson()) {
        h.putNew(EVENT_JSON, "true");
      }
      h.putNew(TOKEN, token.name());
      put(h, CHANNEL, channel);
      put(h, ACK_ID, ack);
      h.putNew(Headers.CLIENT_IP, clientIp);
      h.putNew(Headers.EVENT_ID, EventIds.next());
      h.putNew(Headers.RECEIVED_AT, receivedAt);
      SimpleEvent ev = new SimpleEvent();
      ev.setHeaders(h);
      ev.setBody(e.body());
      out.add(ev);
    }
    return out;
  }

  private static void put(HeaderMap h, String name, String value) {
    if (value != null) {
      h.putNew(name, value);
    }
  }
}
