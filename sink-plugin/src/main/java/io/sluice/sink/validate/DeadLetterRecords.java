package io.sluice.sink.validate;

import io.sluice.core.time.Clock;
import io.sluice.sink.document.DocumentLimits;
import io.sluice.sink.document.IsoTime;
import io.sluice.sink.document.Utf8;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The dead-letter record of an invalid event: one line of NDJSON (no line end) that says which
 * sink refused it, when, against which schema and why, and holds the event as it came (its original
 * headers, not the document's fields, and its body), so that it can be read, fixed and sent again:
 *
 * <pre>{@code
 * {"time":"2026-11-23T06:00:01.250Z","sink":"k1","schema":"conf/schemas/syslog-event.schema.json",
 *  "errorCount":1,"errors":["$.severity: must have a maximum value of 7"],
 *  "headers":{"Severity":"9",...},"headersTruncated":false,
 *  "bodyEncoding":"utf-8","body":"...","bodyBytes":42,"bodyTruncated":false}
 * }</pre>
 *
 * <p>{@code schema} is absent when no schema decided (the event was beyond a limit). The body is
 * text ({@code "bodyEncoding":"utf-8"}) when it is valid UTF-8, else base64 ({@code "base64"}).
 *
 * <p>Bounded: at most {@code maxBodyBytes} of the body (cut on a character boundary when text;
 * {@code bodyBytes} gives the whole length), {@link #MAX_HEADERS} headers with names and values of
 * at most {@link #MAX_HEADER_CHARS} characters and {@link #MAX_HEADERS_CHARS} in all, the errors as
 * {@link Validation} bounds them; {@code bodyTruncated} and {@code headersTruncated} say when
 * something was cut. Thread-safe.
 */
public final class DeadLetterRecords {

  public static final int DEFAULT_MAX_BODY_BYTES = DocumentLimits.DEFAULT_MAX_DOCUMENT_BYTES;
  static final int MAX_HEADERS = 256;
  static final int MAX_HEADER_CHARS = 4096;
  static final int MAX_HEADERS_CHARS = 64 * 1024;

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final byte[] NO_BODY = new byte[0];

  private final String sinkName;
  private final Clock clock;
  private final int maxBodyBytes;
  private final ObjectWriter writer = JsonMapper.builder().build().writer();

  /**
   * @param maxBodyBytes how much of a body a record keeps; {@link #DEFAULT_MAX_BODY_BYTES} (the
   *     default {@code maxDocumentBytes}) keeps whole every body that could have made a valid document
   */
  public DeadLetterRecords(String sinkName, Clock clock, int maxBodyBytes) {
    if (maxBodyBytes < 0) {
      throw new IllegalArgumentException("maxBodyBytes < 0: " + maxBodyBytes);
    }
    this.sinkName = sinkName;
    this.clock = clock;
    this.maxBodyBytes = maxBodyBytes;
  }

  /** The record of the event with these headers and body (null: empty), refused for {@code why}. */
  public byte[] record(Map<String, String> headers, byte[] body, Validation why) {
    byte[] b = body == null ? NO_BODY : body;
    ObjectNode r = NODES.objectNode();
    r.put("time", IsoTime.format(clock.currentTimeMillis()));
    r.put("sink", sinkName);
    if (why.schema() != null) {
      r.put("schema", why.schema());
    }
    r.put("errorCount", why.errorCount());
    ArrayNode errors = r.putArray("errors");
    for (String e : why.errors()) {
      errors.add(e);
    }
    boolean headersCut = headers(r.putObject("headers"), headers);
    r.put("headersTruncated", headersCut);

    int keep = Math.min(b.length, maxBodyBytes);
    boolean text;
    if (keep == b.length) {
      text = Utf8.isValid(b);
    } else {
      // a cut body is text when what is kept is: cut before a character that would not fit whole
      int boundary = Utf8.boundaryAtOrBefore(b, keep);
      text = Utf8.isValid(b, 0, boundary);
      if (text) {
        keep = boundary;
      }
    }
    r.put("bodyEncoding", text ? "utf-8" : "base64");
    if (text) {
      r.put("body", new String(b, 0, keep, StandardCharsets.UTF_8));
    } else {
      r.put("body", Base64.getEncoder().encodeToString(keep == b.length ? b : Arrays.copyOf(b, keep)));
    }
    r.put("bodyBytes", b.length);
    r.put("bodyTruncated", keep < b.length);
    return writer.writeValueAsBytes(r);
  }

  /** Copies the headers into {@code into} within the bounds; true when something was left out or cut. */
  private static boolean headers(ObjectNode into, Map<String, String> headers) {
    if (headers == null) {
      return false;
    }
    boolean cut = false;
    int count = 0;
    long chars = 0;
    for (Map.Entry<String, String> e : headers.entrySet()) {
      String name = e.getKey();
      String value = e.getValue();
      if (name == null) {
        continue;
      }
      if (count == MAX_HEADERS) {
        return true;
      }
      String n = cut(name);
      String v = value == null ? null : cut(value);
      cut |= n.length() < name.length() || (v != null && v.length() < value.length());
      chars += n.length() + (v == null ? 0 : v.length());
      if (chars > MAX_HEADERS_CHARS) {
        return true;
      }
      if (v == null) {
        into.putNull(n);
      } else {
        into.put(n, v);
      }
      count++;
    }
    return cut;
  }

  /** {@code s} cut to {@link #MAX_HEADER_CHARS}, never between the halves of a surrogate pair. */
  private static String cut(String s) {
    if (s.length() <= MAX_HEADER_CHARS) {
      return s;
    }
    int end = MAX_HEADER_CHARS;
    if (Character.isHighSurrogate(s.charAt(end - 1))) {
      end--;
    }
    return s.substring(0, end);
  }
}
