package io.sluice.sink.document;

import io.sluice.core.Headers;

/**
 * The names of an event document (DESIGN.md, "Event documents"), and the headers they come from
 * that core's {@link Headers} does not name.
 */
public final class DocumentFields {

  // document fields, in the order a document has them
  public static final String TIMESTAMP = "@timestamp";
  public static final String HOST = "host";
  public static final String SOURCE = "source";
  public static final String SOURCETYPE = "sourcetype";
  public static final String INDEX = "index";
  public static final String SEVERITY = "severity";
  public static final String FACILITY = "facility";
  public static final String APP = "app";
  public static final String PROC_ID = "procId";
  public static final String MSG_ID = "msgId";
  public static final String STRUCTURED_DATA = "structuredData";
  public static final String CLIENT_IP = "clientIp";
  public static final String MESSAGE = "message";
  public static final String MESSAGE_BASE64 = "messageBase64";
  public static final String EVENT = "event";
  public static final String FIELDS = "fields";
  public static final String SLUICE = "sluice";
  public static final String HEADERS = "headers";

  // the sluice object's fields
  public static final String EVENT_ID = "eventId";
  public static final String DISPOSITION = "disposition";
  public static final String LIMIT_KEY = "limitKey";
  public static final String RECEIVED_AT = "receivedAt";
  public static final String RELEASE_AT = "releaseAt";

  // headers read here that core's Headers does not name
  public static final String TIMESTAMP_HEADER = "timestamp";
  public static final String APP_NAME_HEADER = "appName";
  public static final String HEC_FIELDS_HEADER = "hec.fields";

  /**
   * Set to {@code true} by HecSource on an {@code /event} event whose {@code event} value was not a
   * string: the body is then that value's JSON, and the document holds it as {@code event} instead
   * of {@code message}. Read here, never copied to {@code headers}: the document's shape already
   * says it.
   */
  public static final String HEC_EVENT_JSON_HEADER = "hec.eventJson";

  private DocumentFields() {}
}
