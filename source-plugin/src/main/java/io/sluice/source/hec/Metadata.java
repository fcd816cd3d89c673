package io.sluice.source.hec;

/**
 * The metadata an event gets when it does not give its own: from the request's query string
 * ({@code host}, {@code source}, {@code sourcetype}, {@code index}, and {@code time} for /raw), else
 * from the token (its index and sourcetype, {@code http:<name>} as source), else the client's address
 * as host (Splunk's {@code connection_host = ip}).
 */
record Metadata(String host, String source, String sourcetype, String index, long timeMillis) {

  static Metadata of(QueryString q, HecToken token, String clientIp) {
    return new Metadata(
        or(q.get("host"), clientIp),
        or(q.get("source"), "http:" + token.name()),
        or(q.get("sourcetype"), token.sourcetype()),
        or(q.get("index"), token.index()),
        HecTime.INVALID);
  }

  Metadata withTime(long millis) {
    return new Metadata(host, source, sourcetype, index, millis);
  }

  private static String or(String a, String b) {
    return a == null || a.isEmpty() ? b : a;
  }
}
