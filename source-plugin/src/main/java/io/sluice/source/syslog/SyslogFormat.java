package io.sluice.source.syslog;

/**
 * Which grammar a message was read with; {@link #headerValue()} is the {@code syslog.format}
 * header.
 */
public enum SyslogFormat {
  RFC5424("rfc5424"),
  RFC3164("rfc3164"),
  /** No valid PRI, or a message that starts like RFC 5424 and breaks its grammar. */
  UNKNOWN("unknown");

  private final String headerValue;

  SyslogFormat(String headerValue) {
    this.headerValue = headerValue;
  }

  public String headerValue() {
    return headerValue;
  }
}
