package io.sluice.source.syslog;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Byte scans that look at eight bytes at a time (SWAR: a flag in the high bit of each byte that
 * matches). Finding line ends and the ends of header fields is most of the byte-by-byte work of
 * reading a syslog stream. In every test below a carry or borrow only spreads from a flagged byte
 * towards higher ones, so the lowest flag is exact.
 */
final class WordScan {

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;
  private static final long LFS = ONES * '\n';
  private static final long SPACES_AND_BELOW = ONES * '!';

  private WordScan() {}

  /** The eight bytes at {@code i} as a little-endian word; the caller has checked they are there. */
  static long longAt(byte[] buf, int i) {
    return (long) LONGS.get(buf, i);
  }

  /**
   * True when {@code a[0, length)} and {@code b[from, from + length)} hold the same bytes, compared
   * a word at a time (for the short values of header fields, cheaper than {@code Arrays.equals}).
   */
  static boolean sameBytes(byte[] a, byte[] b, int from, int length) {
    if (length < Long.BYTES) {
      for (int i = 0; i < length; i++) {
        if (a[i] != b[from + i]) {
          return false;
        }
      }
      return true;
    }
    int last = length - Long.BYTES;
    for (int i = 0; i < last; i += Long.BYTES) {
      if (longAt(a, i) != longAt(b, from + i)) {
        return false;
      }
    }
    return longAt(a, last) == longAt(b, from + last); // the last word, overlapping
  }

  /** The first LF or NUL in {@code buf[from, to)}, or -1. */
  static int indexOfLfOrNul(byte[] buf, int from, int to) {
    int i = from;
    for (; i + Long.BYTES <= to; i += Long.BYTES) {
      long x = (long) LONGS.get(buf, i);
      long y = x ^ LFS;
      long found = ((x - ONES) & ~x | (y - ONES) & ~y) & HIGHS; // a zero byte in x or in y
      if (found != 0) {
        return i + (Long.numberOfTrailingZeros(found) >>> 3);
      }
    }
    for (; i < to; i++) {
      if (buf[i] == '\n' || buf[i] == 0) {
        return i;
      }
    }
    return -1;
  }

  /**
   * The first byte in {@code buf[from, to)} that is not RFC 5424 PRINTUSASCII (33-126), or {@code
   * to}: where a header field ends.
   */
  static int endOfPrintUsAscii(byte[] buf, int from, int to) {
    int i = from;
    for (; i + Long.BYTES <= to; i += Long.BYTES) {
      long x = (long) LONGS.get(buf, i);
      // below 33 (x - 33 borrows, high bit clear), or 127 and up (x + 1 reaches the high bit)
      long found = ((x - SPACES_AND_BELOW) & ~x | x | (x + ONES)) & HIGHS;
      if (found != 0) {
        return i + (Long.numberOfTrailingZeros(found) >>> 3);
      }
    }
    while (i < to && Ascii.isPrintUsAscii(buf[i])) {
      i++;
    }
    return i;
  }
}
