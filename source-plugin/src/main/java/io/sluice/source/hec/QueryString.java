package io.sluice.source.hec;

import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;
import java.util.Map;

/** A request's path and query parameters (the first value of each; {@code ?channel=} with no value is none). */
final class QueryString {

  private final String path;
  private final Map<String, List<String>> params;

  QueryString(String uri) {
    QueryStringDecoder d = new QueryStringDecoder(uri, java.nio.charset.StandardCharsets.UTF_8, true, 64);
    this.path = d.path();
    this.params = d.parameters();
  }

  String path() {
    return path;
  }

  /** The parameter's first value; null when absent or empty. */
  String get(String name) {
    List<String> v = params.get(name);
    return v == null || v.isEmpty() || v.get(0).isEmpty() ? null : v.get(0);
  }
}
