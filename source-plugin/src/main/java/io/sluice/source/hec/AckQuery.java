package io.sluice.source.hec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.json.JsonFactory;

/**
 * The {@code /ack} exchange: reads {@code {"acks":[0,1,2]}} and writes {@code
 * {"acks":{"0":true,"1":false,"2":true}}}. Streams the body (no tree), takes at most {@code
 * maxIds} ids, and refuses anything else: other keys, ids that are not whole non-negative numbers.
 */
final class AckQuery {

  private static final JsonFactory JSON = new JsonFactory();

  private AckQuery() {}

  /** The ids asked for, or null when the body is not a query. */
  static long[] read(byte[] body, int maxIds) {
    long[] ids = new long[16];
    int n = 0;
    boolean seen = false;
    try (JsonParser p = JSON.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
        if (t != JsonToken.PROPERTY_NAME || !p.getString().equals("acks") || seen
            || p.nextToken() != JsonToken.START_ARRAY) {
          return null;
        }
        seen = true;
        for (JsonToken v = p.nextToken(); v != JsonToken.END_ARRAY; v = p.nextToken()) {
          if (v != JsonToken.VALUE_NUMBER_INT || n == maxIds || p.getNumberType() != JsonParser.NumberType.INT
              && p.getNumberType() != JsonParser.NumberType.LONG || p.getLongValue() < 0) {
            return null;
          }
          if (n == ids.length) {
            ids = Arrays.copyOf(ids, n * 2);
          }
          ids[n++] = p.getLongValue();
        }
      }
      if (p.nextToken() != null || !seen) {
        return null;
      }
    } catch (JacksonException e) {
      return null;
    }
    return Arrays.copyOf(ids, n);
  }

  /** The answer: each id and whether it is acknowledged, in the order asked. */
  static byte[] answer(long[] ids, boolean[] done) {
    StringBuilder b = new StringBuilder(16 + ids.length * 12).append("{\"acks\":{");
    for (int i = 0; i < ids.length; i++) {
      if (i > 0) {
        b.append(',');
      }
      b.append('"').append(ids[i]).append("\":").append(done[i]);
    }
    return b.append("}}").toString().getBytes(StandardCharsets.US_ASCII);
  }
}
