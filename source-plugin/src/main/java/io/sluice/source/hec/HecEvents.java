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

  /**
   * Every header name written here, in the order the headers iterate: an event's map shares them
   * and holds only its values (see {@link HeaderMap.Layout}).
   */
  private static final List<String> NAMES = List.of(HOST, SOURCE, SOURCETYPE, INDEX, TIMESTAMP,
      FIELDS, EVENT_JSON, TOKEN, CHANNEL, ACK_ID, Headers.CLIENT_IP, Headers.EVENT_ID,
      Headers.RECEIVED_AT);
  private static final HeaderMap.Layout LAYOUT = new HeaderMap.Layout(NAMES.toArray(String[]::new));
  private static final int HOST_SLOT = NAMES.indexOf(HOST);
  private static final int SOURCE_SLOT = NAMES.indexOf(SOURCE);
  private static final int SOURCETYPE_SLOT = NAMES.indexOf(SOURCETYPE);
  private static final int INDEX_SLOT = NAMES.indexOf(INDEX);
  private static final int TIMESTAMP_SLOT = NAMES.indexOf(TIMESTAMP);
  private static final int FIELDS_SLOT = NAMES.indexOf(FIELDS);
  private static final int EVENT_JSON_SLOT = NAMES.indexOf(EVENT_JSON);
  private static final int TOKEN_SLOT = NAMES.indexOf(TOKEN);
  private static final int CHANNEL_SLOT = NAMES.indexOf(CHANNEL);
  private static final int ACK_ID_SLOT = NAMES.indexOf(ACK_ID);
  private static final int CLIENT_IP_SLOT = NAMES.indexOf(Headers.CLIENT_IP);
  private static final int EVENT_ID_SLOT = NAMES.indexOf(Headers.EVENT_ID);
  private static final int RECEIVED_AT_SLOT = NAMES.indexOf(Headers.RECEIVED_AT);
  /** Room past the layout for the headers an interceptor adds (the Governor's). */
  private static final int HEADROOM = 4;

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
      HeaderMap h = new HeaderMap(LAYOUT, HEADROOM);
      h.fillIfPresent(HOST_SLOT, e.host());
      h.fillIfPresent(SOURCE_SLOT, e.source());
      h.fillIfPresent(SOURCETYPE_SLOT, e.sourcetype());
      h.fillIfPresent(INDEX_SLOT, e.index());
      if (e.timeMillis() != HecTime.INVALID) {
        h.fill(TIMESTAMP_SLOT, Long.toString(e.timeMillis()));
      }
      h.fillIfPresent(FIELDS_SLOT, e.fieldsJson());
      if (e.eventJson()) {
        h.fill(EVENT_JSON_SLOT, "true");
      }
      h.fill(TOKEN_SLOT, token.name());
      h.fillIfPresent(CHANNEL_SLOT, channel);
      h.fillIfPresent(ACK_ID_SLOT, ack);
      h.fill(CLIENT_IP_SLOT, clientIp);
      h.fill(EVENT_ID_SLOT, EventIds.next());
      h.fill(RECEIVED_AT_SLOT, receivedAt);
      SimpleEvent ev = new SimpleEvent();
      ev.setHeaders(h);
      ev.setBody(e.body());
      out.add(ev);
    }
    return out;
  }
}
