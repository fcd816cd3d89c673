package io.sluice.interceptor;

import com.codahale.metrics.Counter;
import java.util.Map;

/**
 * Reads an event's limit key from one or more headers ({@code key = clientIp,localPort}). A
 * missing header contributes the default key, so events without it share one bucket instead of
 * escaping the limit. A key longer than {@code maxKeyLength} is cut ({@link KeyTruncation}) and
 * counted. Thread-safe: sources call it from several threads.
 */
final class KeyExtractor {

  private static final char SEPARATOR = ',';

  private final String[] headers;
  private final String defaultKey;
  private final KeyTruncation truncation;
  /** Marked per cut key, not per batch: only over-long keys pay for it. */
  private final Counter truncated;

  KeyExtractor(String[] headers, String defaultKey, KeyTruncation truncation, Counter truncated) {
    if (defaultKey.length() > truncation.maxLength()) {
      throw new IllegalArgumentException("the default key is longer than maxKeyLength");
    }
    this.headers = headers;
    this.defaultKey = defaultKey;
    this.truncation = truncation;
    this.truncated = truncated;
  }

  String keyOf(Map<String, String> eventHeaders) {
    int max = truncation.maxLength();
    if (headers.length == 1) {
      String v = valueOf(eventHeaders, headers[0]);
      return v.length() <= max ? v : cut(new String[] {v});
    }
    StringBuilder sb = new StringBuilder(48);
    for (int i = 0; i < headers.length; i++) {
      if (i > 0) {
        sb.append(SEPARATOR);
      }
      String v = valueOf(eventHeaders, headers[i]);
      if (sb.length() + v.length() > max) {
        return cut(eventHeaders); // stop before copying a long value
      }
      sb.append(v);
    }
    return sb.toString();
  }

  private String cut(Map<String, String> eventHeaders) {
    String[] parts = new String[headers.length];
    for (int i = 0; i < headers.length; i++) {
      parts[i] = valueOf(eventHeaders, headers[i]);
    }
    return cut(parts);
  }

  private String cut(String[] parts) {
    truncated.inc();
    return truncation.cut(parts, SEPARATOR);
  }

  private String valueOf(Map<String, String> eventHeaders, String header) {
    String v = eventHeaders.get(header);
    return v == null || v.isEmpty() ? defaultKey : v;
  }
}
