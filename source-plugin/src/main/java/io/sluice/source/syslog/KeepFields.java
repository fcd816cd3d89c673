package io.sluice.source.syslog;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;

/**
 * Flume's {@code keepFields} option: what the event body holds besides the message.
 *
 * <ul>
 *   <li>{@code none} or {@code false} (the default): the MSG only;
 *   <li>{@code all} or {@code true}: the frame exactly as received (after trailer stripping);
 *   <li>a list of {@code priority version timestamp hostname}: those fields put back in front of
 *       the MSG in Flume's layout, {@code <PRI>VERSION TIMESTAMP HOSTNAME MSG}.
 * </ul>
 *
 * <p>Differences from Flume 1.11's {@code SyslogUtils}, all deliberate: Flume's "MSG" for RFC 5424
 * is everything after HOSTNAME (APP-NAME, PROCID, MSGID and SD included), ours is the MSG proper,
 * since those fields are now headers; a field the message lacks is left out (Flume writes {@code
 * null}), except RFC 5424's nil timestamp and hostname, which are written as {@code -} so the
 * prefix keeps its shape; an unknown word is a configuration error (Flume ignores it). Words may be
 * separated by spaces or commas. An {@code Invalid} message's body is the whole input whatever is
 * kept.
 */
public final class KeepFields {

  /** The fields that can be kept, in the order Flume writes them. */
  private enum Field {
    PRIORITY,
    VERSION,
    TIMESTAMP,
    HOSTNAME
  }

  public static final KeepFields NONE = new KeepFields(false, EnumSet.noneOf(Field.class));
  public static final KeepFields ALL = new KeepFields(true, EnumSet.noneOf(Field.class));

  private final boolean wholeFrame;
  private final EnumSet<Field> fields;

  private KeepFields(boolean wholeFrame, EnumSet<Field> fields) {
    this.wholeFrame = wholeFrame;
    this.fields = fields;
  }

  /**
   * Reads a {@code keepFields} value; null or blank means {@code none}.
   *
   * @throws IllegalArgumentException for a word that names no field
   */
  public static KeepFields parse(String value) {
    String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
    switch (v) {
      case "":
      case "none":
      case "false":
        return NONE;
      case "all":
      case "true":
        return ALL;
      default:
        EnumSet<Field> fields = EnumSet.noneOf(Field.class);
        for (String word : v.split("[\\s,]+")) {
          try {
            fields.add(Field.valueOf(word.toUpperCase(Locale.ROOT)));
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                "keepFields: unknown field '"
                    + word
                    + "' in '"
                    + value
                    + "'; use none, all, or any of: priority version timestamp hostname",
                e);
          }
        }
        return new KeepFields(false, fields);
    }
  }

  /**
   * The event body for {@code message}, which must be the result of parsing {@code frame[off, off +
   * len)}.
   */
  public byte[] body(byte[] frame, int off, int len, SyslogMessage message) {
    if (wholeFrame) {
      return Arrays.copyOfRange(frame, off, off + len);
    }
    int bodyFrom = message.bodyOffset();
    int bodyTo = bodyFrom + message.bodyLength();
    if (fields.isEmpty() || message.status() != null) {
      return Arrays.copyOfRange(frame, bodyFrom, bodyTo);
    }
    byte[] prefix = prefix(frame, message).getBytes(StandardCharsets.US_ASCII);
    byte[] body = Arrays.copyOf(prefix, prefix.length + message.bodyLength());
    System.arraycopy(frame, bodyFrom, body, prefix.length, message.bodyLength());
    return body;
  }

  private String prefix(byte[] frame, SyslogMessage m) {
    boolean rfc5424 = m.format() == SyslogFormat.RFC5424;
    StringBuilder prefix = new StringBuilder(64);
    if (fields.contains(Field.PRIORITY) && m.priority() >= 0) {
      prefix.append('<').append(m.priority()).append('>');
    }
    if (fields.contains(Field.VERSION) && m.version() > 0) {
      prefix.append(m.version()).append(' ');
    }
    if (fields.contains(Field.TIMESTAMP) && m.timestampTextLength() > 0) {
      int from = m.timestampTextOffset();
      prefix.append(Ascii.string(frame, from, from + m.timestampTextLength())).append(' ');
    }
    if (fields.contains(Field.HOSTNAME) && (m.hostname() != null || rfc5424)) {
      prefix.append(m.hostname() != null ? m.hostname() : "-").append(' ');
    }
    return prefix.toString();
  }

  @Override
  public String toString() {
    return wholeFrame
        ? "all"
        : fields.isEmpty() ? "none" : fields.toString().toLowerCase(Locale.ROOT);
  }
}
