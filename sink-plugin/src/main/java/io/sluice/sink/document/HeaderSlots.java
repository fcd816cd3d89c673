package io.sluice.sink.document;

import static io.sluice.sink.document.DecimalText.NOT_A_NUMBER;

import io.sluice.core.Headers;
import java.util.Arrays;
import java.util.function.BiConsumer;

/**
 * One pass over an event's headers: each header the document gives a field of its own lands in its
 * slot (numbers already read), every other header in {@link #others}, in the map's order. Nothing
 * of the document is built here, so that an event too large to map costs this pass and no more.
 *
 * <p>A header whose field is a number but whose value is not one (or, for a timestamp, not a time
 * of years 0000 to 9999) is no such field: it stays under {@code headers} with its text. A null
 * name or value is no header.
 */
final class HeaderSlots implements BiConsumer<String, String> {

  private static final String[] NONE = new String[0];

  String host;
  String source;
  String sourcetype;
  String index;
  String app;
  String procId;
  String msgId;
  String structuredData;
  String clientIp;
  String eventId;
  String disposition;
  String limitKey;
  /** {@code hec.fields} as received; whether it is an object is decided later. */
  String fieldsText;
  boolean eventJson;

  long timestamp = NOT_A_NUMBER;
  long receivedAt = NOT_A_NUMBER;
  long releaseAt = NOT_A_NUMBER;
  long severity = NOT_A_NUMBER;
  long facility = NOT_A_NUMBER;

  /** Every other header: name, value, name, value, ... */
  String[] others = NONE;
  int otherCount;

  /** The characters of every header name and value: with the body, the event's size. */
  long chars;
  /** How many headers there are. */
  int count;

  @Override
  public void accept(String name, String value) {
    if (name == null || value == null) {
      return;
    }
    chars += name.length() + value.length();
    count++;
    switch (name) {
      case DocumentFields.TIMESTAMP_HEADER:
        timestamp = time(name, value);
        break;
      case Headers.RECEIVED_AT:
        receivedAt = time(name, value);
        break;
      case Headers.RELEASE_AT:
        releaseAt = number(name, value);
        break;
      case Headers.SEVERITY:
        severity = number(name, value);
        break;
      case Headers.FACILITY:
        facility = number(name, value);
        break;
      case DocumentFields.HOST:
        host = value;
        break;
      case DocumentFields.SOURCE:
        source = value;
        break;
      case DocumentFields.SOURCETYPE:
        sourcetype = value;
        break;
      case DocumentFields.INDEX:
        index = value;
        break;
      case DocumentFields.APP_NAME_HEADER:
        app = value;
        break;
      case DocumentFields.PROC_ID:
        procId = value;
        break;
      case DocumentFields.MSG_ID:
        msgId = value;
        break;
      case DocumentFields.STRUCTURED_DATA:
        structuredData = value;
        break;
      case Headers.CLIENT_IP:
        clientIp = value;
        break;
      case Headers.EVENT_ID:
        eventId = value;
        break;
      case Headers.DISPOSITION:
        disposition = value;
        break;
      case Headers.LIMIT_KEY:
        limitKey = value;
        break;
      case DocumentFields.HEC_FIELDS_HEADER:
        fieldsText = value;
        break;
      case DocumentFields.HEC_EVENT_JSON_HEADER:
        eventJson = "true".equals(value);
        break;
      default:
        other(name, value);
    }
  }

  void other(String name, String value) {
    if (2 * otherCount == others.length) {
      others = Arrays.copyOf(others, Math.max(16, 2 * others.length));
    }
    others[2 * otherCount] = name;
    others[2 * otherCount + 1] = value;
    otherCount++;
  }

  private long number(String name, String value) {
    long v = DecimalText.parse(value);
    if (v == NOT_A_NUMBER) {
      other(name, value);
    }
    return v;
  }

  private long time(String name, String value) {
    long v = DecimalText.parse(value);
    if (v == NOT_A_NUMBER || !IsoTime.inRange(v)) {
      other(name, value);
      return NOT_A_NUMBER;
    }
    return v;
  }
}
