package io.sluice.source.syslog;

/**
 * RFC 3164 after the PRI, as found in the wild: {@code [seq: ][*]TIMESTAMP [HOSTNAME] [TAG[pid]:]
 * MSG}.
 *
 * <p>What is recognised, in order:
 *
 * <ul>
 *   <li>spaces after the PRI; a Cisco IOS sequence number ({@code 1541800: }) or the NX-OS colon
 *       ({@code <189>: 2020 ...}); an IOS clock-sync marker ({@code *} or {@code .});
 *   <li>a timestamp ({@link BsdTimestamp});
 *   <li>a hostname, unless the first word is already a tag ({@code myproc[123]:}, local senders
 *       omit the host) or cannot be one ({@code %ASA-6-302013:}, {@code key=value}); a lone {@code
 *       -} is an absent hostname;
 *   <li>Cisco ASA's {@code host : } separator;
 *   <li>a tag: {@code name:}, {@code name[pid]:}, {@code name[pid] :} or {@code name[pid]} (the
 *       name is any visible ASCII but {@code [ ] :}, so {@code sshd(pam_unix)} and {@code
 *       postfix/smtpd} pass); it becomes appName and procId.
 * </ul>
 *
 * <p>The body is the MSG of RFC 3164 §4.1.3, TAG and CONTENT, byte for byte, as Flume's syslog
 * sources give it: everything after the HOSTNAME and the one space that ends it ({@code sshd[42]:
 * Accepted ...}); with no hostname, everything after the timestamp and its space.
 *
 * <p>When no timestamp is recognised (ASA's {@code <166>%ASA-6-...}, Fortigate's {@code
 * <45>date=...}), RFC 3164 §4.3.2 applies: only the PRI is taken and the body is everything after
 * it. A leading {@code name[digits]:} tag ({@code <15> openvpn[2499]: ...}) is still read into
 * appName and procId, since the bracketed pid makes it unmistakable. When in doubt, a hostname is
 * left out rather than guessed.
 */
final class Rfc3164 {

  private final FieldLimits limits;
  private final BsdTimestamp timestamps;
  private final RepeatedStrings repeated;

  Rfc3164(FieldLimits limits, BsdTimestamp timestamps, RepeatedStrings repeated) {
    this.limits = limits;
    this.timestamps = timestamps;
    this.repeated = repeated;
  }

  /**
   * Parses from just after the PRI; never fails (at worst the body is everything after the PRI).
   */
  void parse(byte[] b, int p, int end, SyslogMessage.Builder out) {
    out.format = SyslogFormat.RFC3164;
    int stampFrom =
        skipClockMarker(b, skipSequenceNumber(b, Ascii.skipSpaces(b, p, end), end), end);
    int afterStamp = timestamps.parse(b, stampFrom, end, out);
    if (afterStamp < 0) {
      tag(b, Ascii.skipSpaces(b, p, end), end, true, out); // headers only: the MSG is all of it
      out.body(p, end);
      return;
    }
    out.body(hostnameAndTag(b, afterStamp, end, out), end);
  }

  /** Skips {@code 1541800: } (Cisco IOS) or a bare {@code : } (Cisco NX-OS) at {@code p}. */
  private static int skipSequenceNumber(byte[] b, int p, int end) {
    int i = p;
    while (i < end && Ascii.isDigit(b[i])) {
      i++;
    }
    if (i < end && b[i] == ':' && i + 1 < end && b[i + 1] == ' ') {
      return Ascii.skipSpaces(b, i + 1, end);
    }
    return p;
  }

  /**
   * Skips Cisco IOS's {@code *} (clock not synchronised) or {@code .} (sync lost) before the time.
   */
  private static int skipClockMarker(byte[] b, int p, int end) {
    return p < end && (b[p] == '*' || b[p] == '.') ? p + 1 : p;
  }

  /**
   * Reads what follows the timestamp; returns where the MSG starts: after the HOSTNAME and the
   * space that ends it or, with no hostname, after the space that ends the timestamp. The tag
   * stays in the MSG (RFC 3164 §4.1.3: TAG and CONTENT), as in Flume's sources, and is read into
   * appName and procId besides.
   */
  private int hostnameAndTag(byte[] b, int p, int end, SyslogMessage.Builder out) {
    int msgWithoutHost = p < end && b[p] == ' ' ? p + 1 : p;
    int i = Ascii.skipSpaces(b, p, end);
    if (i == end) {
      return end; // a header without a message
    }
    if (tag(b, i, end, false, out) >= 0) {
      return msgWithoutHost; // no hostname: a local sender's "myproc[123]: msg"
    }
    int hostnameEnd = Ascii.nextSpace(b, i, end);
    if (!isHostname(b, i, hostnameEnd)) {
      return msgWithoutHost;
    }
    out.hostname = repeated.orNil(b, i, hostnameEnd);
    int msg = hostnameEnd < end ? hostnameEnd + 1 : end;
    int j = Ascii.skipSpaces(b, hostnameEnd, end);
    if (!(j < end && b[j] == ':' && Ascii.atTokenEnd(b, j + 1, end))) { // not Cisco ASA's "fw01 : %ASA-..."
      tag(b, j, end, false, out);
    }
    return msg;
  }

  /**
   * Reads a tag at {@code p} into appName/procId; returns where the body starts (after one space),
   * or -1 without touching {@code out} if there is no tag there. Without a header before it, only
   * {@code name[digits]} is taken for a tag. A name or pid of {@code -} is absent, as in RFC 5424.
   */
  private int tag(byte[] b, int p, int end, boolean headerless, SyslogMessage.Builder out) {
    int i = p;
    while (i < end && isTagNameByte(b[i])) {
      i++;
    }
    int nameEnd = i;
    if (nameEnd == p || nameEnd - p > limits.appName() || b[p] == '%') { // %FAC-SEV-MNEMONIC: Cisco
      return -1;
    }
    int pidFrom = -1;
    int pidTo = -1;
    if (i < end && b[i] == '[') {
      pidFrom = i + 1;
      pidTo = pidFrom;
      while (pidTo < end && b[pidTo] != ']' && Ascii.isPrintUsAscii(b[pidTo])) {
        pidTo++;
      }
      if (pidTo == pidFrom
          || pidTo - pidFrom > limits.procId()
          || pidTo >= end
          || b[pidTo] != ']') {
        return -1;
      }
      i = pidTo + 1;
    }
    boolean hasPid = pidFrom >= 0;
    if (i < end && b[i] == ':') {
      i++;
    } else if (hasPid
        && i + 1 < end
        && b[i] == ' '
        && b[i + 1] == ':'
        && Ascii.atTokenEnd(b, i + 2, end)) {
      i += 2; // "app[323] :"
    } else if (!hasPid) {
      return -1;
    }
    if ((headerless && !(hasPid && isDigits(b, pidFrom, pidTo))) || !Ascii.atTokenEnd(b, i, end)) {
      return -1;
    }
    out.appName = repeated.orNil(b, p, nameEnd);
    out.procId = hasPid ? Ascii.stringOrNil(b, pidFrom, pidTo) : null;
    return i < end ? i + 1 : end;
  }

  private static boolean isDigits(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (!Ascii.isDigit(b[i])) {
        return false;
      }
    }
    return true;
  }

  private static boolean isTagNameByte(byte c) {
    return Ascii.isPrintUsAscii(c) && c != '[' && c != ']' && c != ':';
  }

  /**
   * A hostname, an IPv4 or IPv6 address, or {@code -}: letters, digits and {@code . - _ : @ #},
   * within the hostname limit. Anything else ({@code %}, {@code =}, {@code [}) means the word is
   * message.
   */
  private boolean isHostname(byte[] b, int from, int to) {
    if (to - from > limits.hostname()) {
      return false;
    }
    for (int i = from; i < to; i++) {
      byte c = b[i];
      if (!Ascii.isAlphanumeric(c)
          && c != '.'
          && c != '-'
          && c != '_'
          && c != ':'
          && c != '@'
          && c != '#') {
        return false;
      }
    }
    return to > from;
  }
}
