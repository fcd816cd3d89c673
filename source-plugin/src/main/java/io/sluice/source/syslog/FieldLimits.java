package io.sluice.source.syslog;

/**
 * Maximum lengths, in bytes, of the RFC 5424 header fields; RFC 3164 hostnames and tags are held to
 * the same limits (a tag becomes {@code appName}, its pid {@code procId}).
 *
 * <p>An RFC 5424 field over its limit breaks the grammar, so the message is {@code Invalid}; raise
 * a limit to accept senders that overstep the RFC (Papertrail, for one, sees 120-character
 * hostnames).
 */
public record FieldLimits(int hostname, int appName, int procId, int msgId) {

  /** The limits of RFC 5424 §6: 255, 48, 128 and 32. */
  public static final FieldLimits RFC5424 = new FieldLimits(255, 48, 128, 32);

  public FieldLimits {
    if (hostname < 1 || appName < 1 || procId < 1 || msgId < 1) {
      throw new IllegalArgumentException("field limits must be at least 1: " + this);
    }
  }
}
