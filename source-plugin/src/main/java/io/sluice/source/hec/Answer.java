package io.sluice.source.hec;

import java.nio.charset.StandardCharsets;

/**
 * An HTTP answer: status, JSON body (empty for the few answers Splunk gives no body), Splunk's code
 * in it ({@link #NO_CODE} for answers without one), and, for a client that should come back
 * later, {@code Retry-After} in seconds (0: none).
 */
record Answer(int status, byte[] body, int code, long retryAfterSeconds, String allow) {

  static final int NO_CODE = -1;

  static Answer of(HecReply r) {
    return new Answer(r.httpStatus(), r.json(), r.code(), 0, null);
  }

  /** A refused event: its number in the request (0-based), as Splunk says it. */
  static Answer atEvent(HecReply r, int eventNumber) {
    return new Answer(r.httpStatus(), r.json("invalid-event-number", eventNumber), r.code(), 0, null);
  }

  /** Success with the request's ackId. */
  static Answer acknowledged(long ackId) {
    return new Answer(200, HecReply.SUCCESS.json("ackId", ackId), HecReply.SUCCESS.code(), 0, null);
  }

  /** 200 with a body of its own ({@code /ack}'s). */
  static Answer ok(byte[] json) {
    return new Answer(200, json, NO_CODE, 0, null);
  }

  /** Come back later: {@code status} is 503 (no room) or 429 (over a limit). */
  static Answer busy(int status, long retryAfterSeconds) {
    return new Answer(status, HecReply.SERVER_BUSY.json(), HecReply.SERVER_BUSY.code(), Math.max(1, retryAfterSeconds), null);
  }

  static Answer notFound() {
    return new Answer(404, "{\"text\":\"The requested URL was not found on this server.\",\"code\":404}"
        .getBytes(StandardCharsets.US_ASCII), NO_CODE, 0, null);
  }

  static Answer methodNotAllowed(String allow) {
    return new Answer(405, new byte[0], NO_CODE, 0, allow);
  }

  /** Content-Encoding other than gzip: Splunk takes no other. */
  static Answer unsupportedEncoding() {
    return new Answer(415, new byte[0], NO_CODE, 0, null);
  }

  /** A request HTTP itself could not read (a bad request line or headers). */
  static Answer badRequest() {
    return new Answer(400, new byte[0], NO_CODE, 0, null);
  }

  static Answer tooLarge() {
    return new Answer(413, new byte[0], NO_CODE, 0, null);
  }
}
