package io.sluice.sink.document;

import static io.sluice.sink.document.DecimalText.NOT_A_NUMBER;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.IntNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.LongNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;

/**
 * Maps an event (its headers and body) to its document, the contract of DESIGN.md ("Event
 * documents"): a Jackson tree built field by field, never printed and parsed again, and its JSON.
 *
 * <p>The document's fields, in this order, each only when its header is there:
 *
 * <ul>
 *   <li>{@code @timestamp}: {@code timestamp}, else {@code sluice.receivedAt}, as {@code
 *       2026-11-23T06:00:00.000Z} (UTC, milliseconds);
 *   <li>{@code host}, {@code source}, {@code sourcetype}, {@code index}: those headers;
 *   <li>{@code severity}, {@code facility}: {@code Severity}, {@code Facility}, as numbers;
 *   <li>{@code app}, {@code procId}, {@code msgId}, {@code structuredData}: {@code appName}, {@code
 *       procId}, {@code msgId}, {@code structuredData};
 *   <li>{@code clientIp};
 *   <li>{@code fields}: {@code hec.fields} when it is a JSON object (else it stays under {@code
 *       headers} as text);
 *   <li>{@code message}: the body as UTF-8 text; {@code messageBase64} instead when the body is not
 *       valid UTF-8; {@code event} instead when {@code hec.eventJson = true}: the body's JSON value;
 *   <li>{@code sluice}: {@code eventId}, {@code disposition}, {@code limitKey}, {@code receivedAt},
 *       {@code releaseAt} (epoch ms numbers) from the {@code sluice.*} headers;
 *   <li>{@code headers}: every other header, as text.
 * </ul>
 *
 * <p>A header whose field is a number but whose text is not one is not that field: it stays under
 * {@code headers} as it came, and {@code @timestamp} falls back to the next source.
 *
 * <p>Limits ({@link DocumentLimits}): an event whose body and header text (names and values) are
 * longer than {@code maxDocumentBytes} is refused after one pass over its headers, before anything
 * is built or copied (which bounds what a schema then validates); an {@code event} body that is
 * not one JSON value within {@code maxNestingDepth} is refused while it is read. A refused event
 * gets an {@link EventDocument} that says why. The JSON is written later, for a valid document
 * alone, and one longer than {@code maxDocumentBytes} is refused then ({@link EventDocument#json}).
 *
 * <p>Thread-safe; one mapper serves a sink.
 */
public final class DocumentMapper {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final byte[] NO_BODY = new byte[0];
  /** Severity (0-7) and Facility (0-23) take a few values: made once. */
  private static final IntNode[] SMALL = new IntNode[192];

  static {
    for (int i = 0; i < SMALL.length; i++) {
      SMALL[i] = IntNode.valueOf(i);
    }
  }

  private final DocumentLimits limits;
  private final EmbeddedJson embedded;
  /** Writes what DocumentJson leaves to Jackson: floating point and big numbers of HEC events. */
  private final ObjectWriter writer;

  public DocumentMapper(DocumentLimits limits) {
    this.limits = limits;
    this.embedded = new EmbeddedJson(limits);
    this.writer = JsonMapper.builder().build().writer();
  }

  public DocumentLimits limits() {
    return limits;
  }

  /** The document of the event with these headers and body (null: empty). Never throws for any input. */
  public EventDocument map(Map<String, String> headers, byte[] body) {
    byte[] b = body == null ? NO_BODY : body;
    HeaderSlots h = new HeaderSlots();
    if (headers != null) {
      headers.forEach(h);
    }
    long eventSize = h.chars + b.length;
    if (eventSize > limits.maxDocumentBytes()) {
      return EventDocument.refused("event of " + eventSize + " bytes (body and headers) is larger "
          + "than maxDocumentBytes (" + limits.maxDocumentBytes() + ")");
    }

    JsonNode event = null;
    if (h.eventJson) {
      try {
        event = embedded.read(b);
      } catch (JacksonException e) {
        return EventDocument.refused("event: " + embedded.describe(e));
      }
      if (event.isMissingNode()) { // nothing but white space
        return EventDocument.refused("event: not valid JSON: no value");
      }
    }
    ObjectNode fields = h.fieldsText == null ? null : fieldsObject(h);

    // 16 fields at most: room for them without a resize at the default load factor
    ObjectNode doc = new ObjectNode(NODES, new LinkedHashMap<>(32));
    if (h.timestamp != NOT_A_NUMBER) {
      doc.set(DocumentFields.TIMESTAMP, StringNode.valueOf(IsoTime.format(h.timestamp)));
    } else if (h.receivedAt != NOT_A_NUMBER) {
      doc.set(DocumentFields.TIMESTAMP, StringNode.valueOf(IsoTime.format(h.receivedAt)));
    }
    text(doc, DocumentFields.HOST, h.host);
    text(doc, DocumentFields.SOURCE, h.source);
    text(doc, DocumentFields.SOURCETYPE, h.sourcetype);
    text(doc, DocumentFields.INDEX, h.index);
    number(doc, DocumentFields.SEVERITY, h.severity);
    number(doc, DocumentFields.FACILITY, h.facility);
    text(doc, DocumentFields.APP, h.app);
    text(doc, DocumentFields.PROC_ID, h.procId);
    text(doc, DocumentFields.MSG_ID, h.msgId);
    text(doc, DocumentFields.STRUCTURED_DATA, h.structuredData);
    text(doc, DocumentFields.CLIENT_IP, h.clientIp);
    if (fields != null) {
      doc.set(DocumentFields.FIELDS, fields);
    }
    byte[] messageUtf8 = null;
    int bodyBytes;
    if (event != null) {
      doc.set(DocumentFields.EVENT, event);
      bodyBytes = b.length;
    } else if (Utf8.isValid(b)) {
      doc.set(DocumentFields.MESSAGE, StringNode.valueOf(new String(b, StandardCharsets.UTF_8)));
      messageUtf8 = b; // written from these bytes, not encoded again from the String
      bodyBytes = b.length;
    } else {
      String base64 = Base64.getEncoder().encodeToString(b);
      doc.set(DocumentFields.MESSAGE_BASE64, StringNode.valueOf(base64));
      bodyBytes = base64.length();
    }
    ObjectNode sluice = sluiceObject(h);
    if (sluice != null) {
      doc.set(DocumentFields.SLUICE, sluice);
    }
    if (h.otherCount > 0) {
      ObjectNode others = new ObjectNode(NODES, new LinkedHashMap<>(2 * h.otherCount));
      for (int i = 0; i < h.otherCount; i++) {
        others.set(h.others[2 * i], StringNode.valueOf(h.others[2 * i + 1]));
      }
      doc.set(DocumentFields.HEADERS, others);
    }

    // room for the text, its quotes and field names: rarely too small, never much too large
    int expected = (int) Math.min(Integer.MAX_VALUE - 16, h.chars + 8L * h.count + bodyBytes + 256);
    return EventDocument.of(doc, new EventDocument.Writing(this, messageUtf8, expected));
  }

  /** The JSON of a document this mapper made (see {@link EventDocument#json}). */
  byte[] write(ObjectNode doc, byte[] messageUtf8, int expectedBytes) {
    return new DocumentJson(expectedBytes, writer).write(doc, messageUtf8);
  }

  /** {@code hec.fields} as an object; when it is not one (or not JSON), its text joins the others. */
  private ObjectNode fieldsObject(HeaderSlots h) {
    try {
      JsonNode f = embedded.read(h.fieldsText);
      if (f instanceof ObjectNode o) {
        return o;
      }
    } catch (JacksonException e) {
      // kept as text, below: the document still says what the sender sent
    }
    h.other(DocumentFields.HEC_FIELDS_HEADER, h.fieldsText);
    return null;
  }

  private static ObjectNode sluiceObject(HeaderSlots h) {
    if (h.eventId == null && h.disposition == null && h.limitKey == null
        && h.receivedAt == NOT_A_NUMBER && h.releaseAt == NOT_A_NUMBER) {
      return null;
    }
    ObjectNode s = new ObjectNode(NODES, new LinkedHashMap<>(8));
    text(s, DocumentFields.EVENT_ID, h.eventId);
    text(s, DocumentFields.DISPOSITION, h.disposition);
    text(s, DocumentFields.LIMIT_KEY, h.limitKey);
    number(s, DocumentFields.RECEIVED_AT, h.receivedAt);
    number(s, DocumentFields.RELEASE_AT, h.releaseAt);
    return s;
  }

  private static void text(ObjectNode o, String field, String value) {
    if (value != null) {
      o.set(field, StringNode.valueOf(value));
    }
  }

  private static void number(ObjectNode o, String field, long value) {
    if (value == NOT_A_NUMBER) {
      return;
    }
    o.set(field, value >= 0 && value < SMALL.length ? SMALL[(int) value]
        : value == (int) value ? IntNode.valueOf((int) value) : LongNode.valueOf(value));
  }
}
