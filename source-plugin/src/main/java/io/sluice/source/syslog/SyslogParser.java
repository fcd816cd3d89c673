package io.sluice.source.syslog;

import io.sluice.core.time.Clock;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * Reads one syslog message (RFC 5424, or RFC 3164 in its common variants) from bytes.
 *
 * <p>Immutable and thread-safe; one instance serves every connection. Each call is independent:
 * nothing carries over from one message to the next (Flume's {@code SyslogUtils} leaks priority and
 * version into the following message). {@link #parse} returns a result for every input, valid or
 * not:
 *
 * <ul>
 *   <li>no valid PRI ({@code <0>}..{@code <191>}, no leading zeros): {@link SyslogFormat#UNKNOWN},
 *       status {@code Invalid}, the whole input as body;
 *   <li>{@code <PRI>} followed by a 1-3 digit VERSION and a space: RFC 5424, all or nothing; if the
 *       rest breaks the grammar, {@code UNKNOWN} and {@code Invalid} with the whole input as body,
 *       keeping only the PRI;
 *   <li>anything else after a valid PRI: RFC 3164, as senders write it (see {@code Rfc3164}).
 * </ul>
 *
 * <p>The parser scans the bytes once, allocates only a scratch object, the result and its header
 * strings, and converts dates to epoch milliseconds arithmetically; the configured zone's rules are
 * consulted only for timestamps without an offset, and then through a cache.
 */
public final class SyslogParser {

  private static final int MAX_PRIORITY = 191;

  private final ZoneId zone3164;
  private final FieldLimits limits;
  private final Rfc5424 rfc5424;
  private final Rfc3164 rfc3164;

  private SyslogParser(Builder builder) {
    this.zone3164 = builder.zone3164;
    this.limits = builder.limits;
    LocalZone zone = new LocalZone(builder.zone3164);
    RepeatedStrings repeated = new RepeatedStrings();
    this.rfc5424 = new Rfc5424(builder.limits, zone, repeated);
    this.rfc3164 = new Rfc3164(builder.limits, new BsdTimestamp(zone, builder.clock), repeated);
  }

  /** UTC for zone-less timestamps, the system clock, RFC 5424 field limits. */
  public static SyslogParser withDefaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The zone in which timestamps without an offset are read. */
  public ZoneId zone3164() {
    return zone3164;
  }

  public FieldLimits limits() {
    return limits;
  }

  public SyslogMessage parse(byte[] buf) {
    return parse(buf, 0, buf.length);
  }

  /**
   * Parses {@code buf[off, off + len)}, which should already be stripped of trailers ({@link
   * Trailers}). Never throws for any content.
   *
   * @throws IndexOutOfBoundsException if the range is not inside {@code buf}
   */
  public SyslogMessage parse(byte[] buf, int off, int len) {
    Objects.checkFromIndexSize(off, len, buf.length);
    int end = off + len;
    SyslogMessage.Builder out = new SyslogMessage.Builder();
    int afterPri = readPri(buf, off, end, out);
    if (afterPri < 0) {
      return invalid(-1, off, end);
    }
    if (Rfc5424.startsAt(buf, afterPri, end)) {
      return rfc5424.parse(buf, afterPri, end, out) ? out.build() : invalid(out.priority, off, end);
    }
    rfc3164.parse(buf, afterPri, end, out);
    return out.build();
  }

  /** Reads {@code "<" PRIVAL ">"} into {@code out}; returns the position after it, or -1. */
  private static int readPri(byte[] b, int off, int end, SyslogMessage.Builder out) {
    if (off >= end || b[off] != '<') {
      return -1;
    }
    int i = off + 1;
    int value = 0;
    while (i < end && i - off <= 3 && Ascii.isDigit(b[i])) {
      value = value * 10 + (b[i++] - '0');
    }
    int digits = i - off - 1;
    boolean leadingZero = digits > 1 && b[off + 1] == '0';
    if (digits < 1
        || digits > 3
        || leadingZero
        || value > MAX_PRIORITY
        || i >= end
        || b[i] != '>') {
      return -1;
    }
    out.priority = value;
    return i + 1;
  }

  private static SyslogMessage invalid(int priority, int off, int end) {
    SyslogMessage.Builder out = new SyslogMessage.Builder();
    out.priority = priority;
    out.status = SyslogMessage.STATUS_INVALID;
    out.body(off, end);
    return out.build();
  }

  /** Options for a {@link SyslogParser}. */
  public static final class Builder {
    private ZoneId zone3164 = ZoneOffset.UTC;
    private Clock clock = Clock.SYSTEM;
    private FieldLimits limits = FieldLimits.RFC5424;

    private Builder() {}

    /**
     * The zone for timestamps that carry no offset: RFC 3164 dates and offset-less RFC 3339. Set it
     * to the senders' zone; the default is UTC.
     */
    public Builder zone3164(ZoneId zone) {
      this.zone3164 = Objects.requireNonNull(zone, "zone3164");
      return this;
    }

    /** "Now", for the year of RFC 3164 dates that have none. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public Builder limits(FieldLimits limits) {
      this.limits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    public SyslogParser build() {
      return new SyslogParser(this);
    }
  }
}
