package io.sluice.source.hec;

import java.nio.charset.StandardCharsets;

/**
 * Splunk's HEC status codes, 0 to 22, with Splunk's texts and HTTP statuses exactly (the table of
 * Splunk's "Troubleshoot HTTP Event Collector"): clients and load balancers match on them.
 */
public enum HecReply {
  SUCCESS(0, 200, "Success"),
  TOKEN_DISABLED(1, 403, "Token disabled"),
  TOKEN_REQUIRED(2, 401, "Token is required"),
  INVALID_AUTHORIZATION(3, 401, "Invalid authorization"),
  INVALID_TOKEN(4, 403, "Invalid token"),
  NO_DATA(5, 400, "No data"),
  INVALID_DATA_FORMAT(6, 400, "Invalid data format"),
  INCORRECT_INDEX(7, 400, "Incorrect index"),
  INTERNAL_ERROR(8, 500, "Internal server error"),
  SERVER_BUSY(9, 503, "Server is busy"),
  CHANNEL_MISSING(10, 400, "Data channel is missing"),
  INVALID_CHANNEL(11, 400, "Invalid data channel"),
  EVENT_REQUIRED(12, 400, "Event field is required"),
  EVENT_BLANK(13, 400, "Event field cannot be blank"),
  ACK_DISABLED(14, 400, "ACK is disabled"),
  INDEXED_FIELDS(15, 400, "Error in handling indexed fields"),
  QUERY_AUTH_DISABLED(16, 400, "Query string authorization is not enabled"),
  HEALTHY(17, 200, "HEC is healthy"),
  UNHEALTHY_QUEUES_FULL(18, 503, "HEC is unhealthy, queues are full"),
  UNHEALTHY_ACK(19, 503, "HEC is unhealthy, ack service unavailable"),
  UNHEALTHY_BOTH(20, 503, "HEC is unhealthy, queues are full, ack service unavailable"),
  HEALTH_INVALID_TOKEN(21, 400, "Invalid token"),
  HEALTH_TOKEN_DISABLED(22, 400, "Token disabled");

  private final int code;
  private final int httpStatus;
  private final String text;
  private final byte[] json;

  HecReply(int code, int httpStatus, String text) {
    this.code = code;
    this.httpStatus = httpStatus;
    this.text = text;
    this.json = ("{\"text\":\"" + text + "\",\"code\":" + code + "}").getBytes(StandardCharsets.US_ASCII);
  }

  public int code() {
    return code;
  }

  public int httpStatus() {
    return httpStatus;
  }

  public String text() {
    return text;
  }

  /** {@code {"text":"...","code":N}}. */
  public byte[] json() {
    return json.clone();
  }

  /** The body with one more number: {@code invalid-event-number} or {@code ackId}. */
  public byte[] json(String name, long value) {
    return ("{\"text\":\"" + text + "\",\"code\":" + code + ",\"" + name + "\":" + value + "}")
        .getBytes(StandardCharsets.US_ASCII);
  }
}
