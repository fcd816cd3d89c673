package io.sluice.source.syslog;

import java.nio.charset.StandardCharsets;

/** Byte-level scanning shared by the parsers; every method is bounds-safe for any {@code end}. */
final class Ascii {

  private Ascii() {}

  static boolean isDigit(byte b) {
    return b >= '0' && b <= '9';
  }

  /** RFC 5424 PRINTUSASCII: %d33-126, i.e. visible ASCII without space. */
  static boolean isPrintUsAscii(byte b) {
    return b >= 33 && b <= 126;
  }

  static boolean isAlphanumeric(byte b) {
    return isDigit(b) || (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z');
  }

  /** The value of exactly {@code count} decimal digits at {@code p}, or -1. */
  static int digits(byte[] b, int p, int count, int end) {
    if (count > end - p) {
      return -1;
    }
    int value = 0;
    for (int i = p; i < p + count; i++) {
      if (!isDigit(b[i])) {
        return -1;
      }
      value = value * 10 + (b[i] - '0');
    }
    return value;
  }

  /**
   * The value of the two decimal digits at {@code p} and {@code p + 1}, or -1; the caller has
   * checked that both are in bounds. Branch-free: timestamps are read for every message.
   */
  static int twoDigits(byte[] b, int p) {
    int tens = b[p] - '0';
    int ones = b[p + 1] - '0';
    return (tens | ones | (9 - tens) | (9 - ones)) < 0 ? -1 : tens * 10 + ones;
  }

  /** The position of the first byte at or after {@code p} that is not a space. */
  static int skipSpaces(byte[] b, int p, int end) {
    while (p < end && b[p] == ' ') {
      p++;
    }
    return p;
  }

  /** The position of the first space at or after {@code p}, or {@code end}. */
  static int nextSpace(byte[] b, int p, int end) {
    while (p < end && b[p] != ' ') {
      p++;
    }
    return p;
  }

  /** True when {@code p} is the end of a token: the end of input or a space. */
  static boolean atTokenEnd(byte[] b, int p, int end) {
    return p >= end || b[p] == ' ';
  }

  /** Header text, or null for the NILVALUE {@code -} (RFC 5424 §6; RFC 3164 senders use it too). */
  static String stringOrNil(byte[] b, int from, int to) {
    return to - from == 1 && b[from] == '-' ? null : string(b, from, to);
  }

  /** Header text the parser has already checked to be ASCII. */
  static String string(byte[] b, int from, int to) {
    return new String(b, from, to - from, StandardCharsets.US_ASCII);
  }
}
