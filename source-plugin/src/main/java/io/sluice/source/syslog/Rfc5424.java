package io.sluice.source.syslog;

import java.nio.charset.StandardCharsets;

/**
 * RFC 5424 after the PRI: {@code VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID SP
 * STRUCTURED-DATA [SP MSG]}.
 *
 * <p>All or nothing: a message that starts like RFC 5424 (a VERSION and a space after the PRI) and
 * then breaks the grammar is reported {@code Invalid} by the caller, rather than half-parsed.
 */
final class Rfc5424 {

  private static final int MAX_VERSION_DIGITS = 3;

  private final FieldLimits limits;
  private final Rfc3339 rfc3339;
  private final RepeatedStrings repeated;

  Rfc5424(FieldLimits limits, LocalZone zone, RepeatedStrings repeated) {
    this.limits = limits;
    this.rfc3339 = new Rfc3339(zone);
    this.repeated = repeated;
  }

  /** True when a VERSION-like number (1-3 digits) and a space follow the PRI. */
  static boolean startsAt(byte[] b, int p, int end) {
    int i = p;
    while (i < end && i - p <= MAX_VERSION_DIGITS && Ascii.isDigit(b[i])) {
      i++;
    }
    int digits = i - p;
    return digits >= 1 && digits <= MAX_VERSION_DIGITS && i < end && b[i] == ' ';
  }

  /**
   * Parses from the VERSION at {@code p}, where {@link #startsAt} holds; returns false if the
   * grammar is broken anywhere.
   */
  boolean parse(byte[] b, int p, int end, SyslogMessage.Builder out) {
    if (b[p] == '0') { // NONZERO-DIGIT 0*2DIGIT
      return false;
    }
    int i = p;
    int version = 0;
    while (b[i] != ' ') { // startsAt: 1-3 digits, then a space
      version = version * 10 + (b[i++] - '0');
    }
    i = timestamp(b, i + 1, end, out);
    if (i < 0 || i >= end || b[i] != ' ') {
      return false;
    }
    int hostnameFrom = i + 1;
    int hostnameEnd = field(b, hostnameFrom, end, limits.hostname());
    if (hostnameEnd < 0) {
      return false;
    }
    int appNameEnd = field(b, hostnameEnd + 1, end, limits.appName());
    if (appNameEnd < 0) {
      return false;
    }
    int procIdEnd = field(b, appNameEnd + 1, end, limits.procId());
    if (procIdEnd < 0) {
      return false;
    }
    int msgIdEnd = field(b, procIdEnd + 1, end, limits.msgId());
    if (msgIdEnd < 0) {
      return false;
    }
    int sdFrom = msgIdEnd + 1;
    int sdEnd =
        sdFrom < end && b[sdFrom] == '-' ? sdFrom + 1 : SdScanner.scan(b, sdFrom, end, null);
    if (sdEnd < 0 || !Ascii.atTokenEnd(b, sdEnd, end)) {
      return false;
    }
    out.format = SyslogFormat.RFC5424;
    out.version = version;
    out.hostname = repeated.orNil(b, hostnameFrom, hostnameEnd);
    out.appName = repeated.orNil(b, hostnameEnd + 1, appNameEnd);
    out.procId = Ascii.stringOrNil(b, appNameEnd + 1, procIdEnd); // mostly a new one each time
    out.msgId = repeated.orNil(b, procIdEnd + 1, msgIdEnd);
    out.structuredData =
        b[sdFrom] == '-' ? null : new String(b, sdFrom, sdEnd - sdFrom, StandardCharsets.UTF_8);
    out.body(msgStart(b, sdEnd, end), end);
    return true;
  }

  /** The NILVALUE or an RFC 3339 timestamp; returns the position after it, or -1. */
  private int timestamp(byte[] b, int p, int end, SyslogMessage.Builder out) {
    if (p < end && b[p] == '-') {
      out.timestampText(p, p + 1);
      return p + 1;
    }
    return rfc3339.parse(b, p, end, out);
  }

  /**
   * A header field of 1 to {@code max} PRINTUSASCII bytes that must be followed by a space
   * (STRUCTURED- DATA always follows); returns the position of that space, or -1.
   */
  private static int field(byte[] b, int p, int end, int max) {
    int i = WordScan.endOfPrintUsAscii(b, p, end);
    int length = i - p;
    return length >= 1 && length <= max && i < end && b[i] == ' ' ? i : -1;
  }

  /** MSG starts after one space and a UTF-8 byte order mark, if present (§6.4). */
  private static int msgStart(byte[] b, int sdEnd, int end) {
    int p = sdEnd < end ? sdEnd + 1 : end;
    if (end - p >= 3 && b[p] == (byte) 0xEF && b[p + 1] == (byte) 0xBB && b[p + 2] == (byte) 0xBF) {
      return p + 3;
    }
    return p;
  }
}
