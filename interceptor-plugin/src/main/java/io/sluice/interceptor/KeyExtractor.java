package io.sluice.interceptor;

import java.util.Map;

/**
 * Reads an event's limit key from one or more headers ({@code key = clientIp,localPort}). A
 * missing header contributes the default key, so events without it share one bucket instead of
 * escaping the limit.
 */
final class KeyExtractor {

  private final String[] headers;
  private final String defaultKey;

  KeyExtractor(String[] headers, String defaultKey) {
    this.headers = headers;
    this.defaultKey = defaultKey;
  }

  String keyOf(Map<String, String> eventHeaders) {
    if (headers.length == 1) {
      return valueOf(eventHeaders, headers[0]);
    }
    StringBuilder sb = new StringBuilder(48);
    for (int i = 0; i < headers.length; i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(valueOf(eventHeaders, headers[i]));
    }
    return sb.toString();
  }

  private String valueOf(Map<String, String> eventHeaders, String header) {
    String v = eventHeaders.get(header);
    return v == null || v.isEmpty() ? defaultKey : v;
  }
}
