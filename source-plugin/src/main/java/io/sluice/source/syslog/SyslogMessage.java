package io.sluice.source.syslog;

/**
 * The fields of one parsed syslog message. The body is not copied: {@link #bodyOffset()} and {@link
 * #bodyLength()} point into the array that was parsed, so the caller copies it once, into the
 * event.
 *
 * <p>Absent values: {@code -1} for numbers, {@link #NO_TIMESTAMP} for the time, {@code null} for
 * strings (RFC 5424's NILVALUE {@code -} is absent too).
 */
public final class SyslogMessage {

  /** {@link #timestampMillis()} when the message has no time, or RFC 5424's nil timestamp. */
  public static final long NO_TIMESTAMP = Long.MIN_VALUE;

  /** {@link #status()} of a message without a valid PRI or that breaks RFC 5424: Flume's value. */
  public static final String STATUS_INVALID = "Invalid";

  private final SyslogFormat format;
  private final int priority;
  private final int version;
  private final long timestampMillis;
  private final boolean tzAssumed;
  private final int timestampTextOffset;
  private final int timestampTextLength;
  private final String hostname;
  private final String appName;
  private final String procId;
  private final String msgId;
  private final String structuredData;
  private final int bodyOffset;
  private final int bodyLength;
  private final String status;

  private SyslogMessage(Builder b) {
    this.format = b.format;
    this.priority = b.priority;
    this.version = b.version;
    this.timestampMillis = b.timestampMillis;
    this.tzAssumed = b.tzAssumed;
    this.timestampTextOffset = b.timestampTextOffset;
    this.timestampTextLength = b.timestampTextLength;
    this.hostname = b.hostname;
    this.appName = b.appName;
    this.procId = b.procId;
    this.msgId = b.msgId;
    this.structuredData = b.structuredData;
    this.bodyOffset = b.bodyOffset;
    this.bodyLength = b.bodyLength;
    this.status = b.status;
  }

  public SyslogFormat format() {
    return format;
  }

  /** PRIVAL 0..191, or -1 without a valid PRI. */
  public int priority() {
    return priority;
  }

  /** {@code priority / 8}, or -1. */
  public int facility() {
    return priority < 0 ? -1 : priority >> 3;
  }

  /** {@code priority % 8}, or -1. */
  public int severity() {
    return priority < 0 ? -1 : priority & 7;
  }

  /** The RFC 5424 VERSION (1-999), or -1. */
  public int version() {
    return version;
  }

  /** Epoch milliseconds of the message's own time, or {@link #NO_TIMESTAMP}. */
  public long timestampMillis() {
    return timestampMillis;
  }

  /**
   * True when the timestamp carried no usable UTC offset and was read in the configured zone: every
   * RFC 3164 date except those marked UTC/GMT, and RFC 3339 times without an offset.
   */
  public boolean tzAssumed() {
    return tzAssumed;
  }

  /**
   * Where the timestamp's text starts in the parsed array (Flume's {@code keepFields} repeats it as
   * sent). For RFC 5424 a nil timestamp's text is {@code -}; the length is 0 without a timestamp.
   */
  public int timestampTextOffset() {
    return timestampTextOffset;
  }

  public int timestampTextLength() {
    return timestampTextLength;
  }

  public String hostname() {
    return hostname;
  }

  /** RFC 5424 APP-NAME, or the RFC 3164 TAG. */
  public String appName() {
    return appName;
  }

  /** RFC 5424 PROCID, or the pid in an RFC 3164 {@code TAG[pid]:}. */
  public String procId() {
    return procId;
  }

  public String msgId() {
    return msgId;
  }

  /** The STRUCTURED-DATA text as sent (validated; see {@link StructuredData#parse}), or null. */
  public String structuredData() {
    return structuredData;
  }

  /**
   * Start of the body in the parsed array: the MSG (after a UTF-8 BOM), everything after the PRI
   * when an RFC 3164 header is not recognised, or the whole input when the message is {@link
   * #status() Invalid}.
   */
  public int bodyOffset() {
    return bodyOffset;
  }

  public int bodyLength() {
    return bodyLength;
  }

  /** {@link #STATUS_INVALID}, or null for a message that parsed. */
  public String status() {
    return status;
  }

  @Override
  public String toString() {
    return "SyslogMessage{"
        + format
        + (status == null ? "" : " " + status)
        + ", priority="
        + priority
        + ", version="
        + version
        + ", timestamp="
        + (timestampMillis == NO_TIMESTAMP
            ? "-"
            : timestampMillis + (tzAssumed ? " (tz assumed)" : ""))
        + ", hostname="
        + hostname
        + ", appName="
        + appName
        + ", procId="
        + procId
        + ", msgId="
        + msgId
        + ", structuredData="
        + structuredData
        + ", body=["
        + bodyOffset
        + ", +"
        + bodyLength
        + ")}";
  }

  /**
   * The parsers' scratchpad: fields are filled in as they are read, then frozen by {@link #build}.
   */
  static final class Builder {
    SyslogFormat format = SyslogFormat.UNKNOWN;
    int priority = -1;
    int version = -1;
    long timestampMillis = NO_TIMESTAMP;
    boolean tzAssumed;
    int timestampTextOffset;
    int timestampTextLength;
    String hostname;
    String appName;
    String procId;
    String msgId;
    String structuredData;
    int bodyOffset;
    int bodyLength;
    String status;

    void timestampText(int from, int to) {
      timestampTextOffset = from;
      timestampTextLength = to - from;
    }

    void clearTimestamp() {
      timestampMillis = NO_TIMESTAMP;
      tzAssumed = false;
      timestampText(0, 0);
    }

    void body(int from, int to) {
      bodyOffset = from;
      bodyLength = to - from;
    }

    SyslogMessage build() {
      return new SyslogMessage(this);
    }
  }
}
