package io.sluice.sink.write;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON of HEC's answers: a request's reply {@code {"text":"Success","code":0,"ackId":7}}, and
 * the acknowledgement protocol's query {@code {"acks":[7,8]}} and reply
 * {@code {"acks":{"7":true,"8":false}}}. Pure: no I/O.
 */
final class HecReplies {

  /** The code of a reply that is not HEC's JSON (a proxy's HTML page, an empty body). */
  static final int NO_CODE = Integer.MIN_VALUE;
  /** The ackId of a reply that has none. */
  static final long NO_ACK_ID = -1;

  /** The longest excerpt of a reply put in a log line or an error message. */
  private static final int EXCERPT_CHARS = 200;

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private HecReplies() {}

  /**
   * A request's reply.
   *
   * @param code HEC's code (0 is success), or {@link #NO_CODE} when the body is not HEC's JSON
   * @param text HEC's text, or an excerpt of the body when it is not HEC's JSON
   * @param ackId the acknowledgement id, or {@link #NO_ACK_ID}
   * @param invalidEvent for a refused event, its number in the request ({@code
   *     invalid-event-number}: those before it were accepted), else -1
   */
  record Reply(int code, String text, long ackId, int invalidEvent) {

    boolean success() {
      return code == 0;
    }

    /** {@code code 6 (Invalid data format)}, or what the body said when it was not HEC's. */
    String describe() {
      if (code != NO_CODE) {
        return "code " + code + " (" + text + ")";
      }
      return text.isEmpty() ? "an empty body" : "a body that is not HEC's: " + text;
    }
  }

  static Reply reply(byte[] body) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (JacksonException e) {
      return new Reply(NO_CODE, excerpt(body), NO_ACK_ID, -1);
    }
    if (root == null || !root.isObject() || root.get("code") == null
        || !root.get("code").isIntegralNumber() || !root.get("code").canConvertToInt()) {
      return new Reply(NO_CODE, excerpt(body), NO_ACK_ID, -1);
    }
    JsonNode invalid = root.get("invalid-event-number");
    JsonNode text = root.get("text");
    JsonNode ackId = root.get("ackId");
    return new Reply(root.get("code").intValue(),
        text != null && text.isString() ? clip(text.stringValue()) : "",
        ackId != null && ackId.isIntegralNumber() && ackId.canConvertToLong()
            && ackId.longValue() >= 0 ? ackId.longValue() : NO_ACK_ID,
        invalid != null && invalid.isIntegralNumber() && invalid.canConvertToInt() && invalid.intValue() >= 0
            ? invalid.intValue() : -1);
  }

  /** The body of an {@code /ack} query for these ids. */
  static byte[] ackQuery(Collection<Long> ackIds) {
    StringBuilder b = new StringBuilder(16 + 8 * ackIds.size()).append("{\"acks\":[");
    String sep = "";
    for (long id : ackIds) {
      b.append(sep).append(id);
      sep = ",";
    }
    return b.append("]}").toString().getBytes(UTF_8);
  }

  /**
   * The ids an {@code /ack} reply says are indexed ({@code true}). Ids it says {@code false} for,
   * or does not name, are not yet: Splunk does not tell pending from lost.
   *
   * @throws IOException when the reply is not {@code {"acks":{…}}}
   */
  static Set<Long> acknowledged(byte[] body) throws IOException {
    JsonNode acks;
    try {
      JsonNode root = JSON.readTree(body);
      acks = root == null ? null : root.get("acks");
    } catch (JacksonException e) {
      acks = null;
    }
    if (acks == null || !acks.isObject()) {
      throw new IOException("not an acknowledgement reply ({\"acks\":{…}}): " + excerpt(body));
    }
    Set<Long> done = new HashSet<>();
    for (Map.Entry<String, JsonNode> e : acks.properties()) {
      if (e.getValue().isBoolean() && e.getValue().booleanValue()) {
        try {
          done.add(Long.parseLong(e.getKey()));
        } catch (NumberFormatException ignored) {
          // not an id of ours
        }
      }
    }
    return done;
  }

  /** The start of a body, as printable text, for a message. */
  static String excerpt(byte[] body) {
    String s = new String(body, 0, Math.min(body.length, EXCERPT_CHARS * 4), UTF_8);
    return clip(s);
  }

  private static String clip(String s) {
    StringBuilder b = new StringBuilder(Math.min(s.length(), EXCERPT_CHARS + 1));
    for (int i = 0; i < s.length() && b.length() < EXCERPT_CHARS; i++) {
      char c = s.charAt(i);
      b.append(Character.isISOControl(c) ? ' ' : c); // one line in the log, whatever was sent
    }
    if (s.length() > b.length()) {
      b.append('…');
    }
    return b.toString().strip();
  }
}
