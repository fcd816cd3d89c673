package io.sluice.source.syslog;

import java.util.Locale;

/**
 * How syslog messages are delimited on a transport.
 *
 * <p>{@link #AUTO}, {@link #OCTET} and {@link #LF} configure a {@link SyslogFramer}; each frame it
 * delivers reports {@link #OCTET} or {@link #LF}, the framing that frame actually used. {@link
 * #UDP} is what the UDP source reports (one message per datagram). {@link #headerValue()} is the
 * value of the {@code syslog.framing} header.
 */
public enum Framing {
  /** Per frame: a first byte 1-9 means octet counting, anything else an LF-terminated line. */
  AUTO("auto"),
  /**
   * RFC 6587 octet counting ({@code MSG-LEN SP MSG}), as RFC 5425 requires over TLS. A frame that
   * does not start with a valid count is read as an LF line rather than lost; whitespace between
   * frames is skipped (Cisco ASA sends a stray space after each frame).
   */
  OCTET("octet"),
  /**
   * RFC 6587 non-transparent framing: a frame ends at LF or NUL, and a CR before the LF is dropped.
   */
  LF("lf"),
  /** One message per datagram. */
  UDP("udp");

  private final String headerValue;

  Framing(String headerValue) {
    this.headerValue = headerValue;
  }

  public String headerValue() {
    return headerValue;
  }

  /** Reads a configuration value ({@code auto}, {@code octet} or {@code lf}, any case). */
  public static Framing ofConfig(String value) {
    String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
    for (Framing f : new Framing[] {AUTO, OCTET, LF}) {
      if (f.headerValue.equals(v)) {
        return f;
      }
    }
    throw new IllegalArgumentException(
        "unknown TCP framing '" + value + "': expected auto, octet or lf");
  }
}
