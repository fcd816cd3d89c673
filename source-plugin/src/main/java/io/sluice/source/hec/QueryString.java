package io.sluice.source.hec;

import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * A request's path and query parameters (the first value of each; {@code ?channel=} with no value
 * is none). Never throws: a URI with a malformed percent escape (a {@code %} not followed by two hex
 * digits) is {@link #malformed}, with its path as sent if the path holds the bad escape, and no
 * parameters if the query does.
 */
final class QueryString {

  private final String path;
  private final Map<String, List<String>> params;
  private final boolean malformed;

  QueryString(String uri) {
    QueryStringDecoder d = new QueryStringDecoder(uri, StandardCharsets.UTF_8, true, 64);
    // Netty decodes lazily and throws for a bad escape, with the whole URI in the message: a query
    // string may carry a token, so the exception is dropped here, unread and unlogged.
    String p;
    boolean bad = false;
    try {
      p = d.path();
    } catch (IllegalArgumentException e) {
      p = d.rawPath();
      bad = true;
    }
    Map<String, List<String>> q;
    try {
      q = d.parameters();
    } catch (IllegalArgumentException e) {
      q = Map.of();
      bad = true;
    }
    this.path = p;
    this.params = q;
    this.malformed = bad;
  }

  String path() {
    return path;
  }

  /** The parameter's first value; null when absent or empty. */
  String get(String name) {
    List<String> v = params.get(name);
    return v == null || v.isEmpty() || v.get(0).isEmpty() ? null : v.get(0);
  }

  /** Whether the path or the query holds a malformed percent escape. */
  boolean malformed() {
    return malformed;
  }
}
