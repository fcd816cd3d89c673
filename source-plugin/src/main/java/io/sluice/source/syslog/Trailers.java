package io.sluice.source.syslog;

/**
 * Line-ending debris at the end of a frame or datagram.
 *
 * <p>Senders end messages with LF, CRLF or NUL even where the transport already delimits them
 * (rsyslog and syslog-ng put the LF inside an octet count; most UDP senders append one). None of it
 * belongs to the message, and Flume's regexes choke on the CR, so every frame and datagram is
 * trimmed before it is parsed.
 */
public final class Trailers {

  private Trailers() {}

  /** The length of {@code buf[off, off + len)} without its trailing CR, LF and NUL bytes. */
  public static int stripLength(byte[] buf, int off, int len) {
    int end = off + len;
    while (end > off && isTrailer(buf[end - 1])) {
      end--;
    }
    return end - off;
  }

  private static boolean isTrailer(byte b) {
    return b == '\n' || b == '\r' || b == 0;
  }
}
