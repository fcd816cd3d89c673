package io.sluice.source.syslog;

import static org.junit.jupiter.api.Assertions.assertEquals;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class WordScanTest {

  /** The word-at-a-time scan finds what a byte-at-a-time scan finds, for any bytes and range. */
  @Property(tries = 3000)
  void findsTheFirstLfOrNulLikeAPlainScan(
      @ForAll @Size(max = 64) byte[] noise, @ForAll @IntRange(max = 70) int from,
      @ForAll @IntRange(max = 70) int to, @ForAll @IntRange(max = 3) int density) {
    byte[] buf = noise.clone();
    // Plant terminators and near-misses (0x0B, 0x01, 0x8A) more often than chance would.
    for (int i = 0; i < buf.length; i++) {
      if ((buf[i] & 7) < density) {
        buf[i] = new byte[] {'\n', 0, 0x0B, 0x01, (byte) 0x8A, (byte) 0xFF}[(buf[i] & 0x70) % 6];
      }
    }
    int lo = Math.min(from, buf.length);
    int hi = Math.max(lo, Math.min(to, buf.length));
    int expected = -1;
    for (int i = lo; i < hi; i++) {
      if (buf[i] == '\n' || buf[i] == 0) {
        expected = i;
        break;
      }
    }
    assertEquals(expected, WordScan.indexOfLfOrNul(buf, lo, hi));
  }

  /** The end of a header field, found a word at a time, is where a plain scan finds it. */
  @Property(tries = 3000)
  void findsTheEndOfPrintableAsciiLikeAPlainScan(
      @ForAll @Size(max = 64) byte[] noise, @ForAll @IntRange(max = 70) int from,
      @ForAll @IntRange(max = 70) int to, @ForAll @IntRange(max = 3) int density) {
    byte[] buf = noise.clone();
    // Mostly printable, with the edges of the range (32, 33, 126, 127, 128, 255, 0) planted.
    for (int i = 0; i < buf.length; i++) {
      buf[i] = (buf[i] & 7) < density
          ? new byte[] {' ', '!', '~', 0x7F, (byte) 0x80, (byte) 0xFF, 0}[(buf[i] & 0x70) % 7]
          : (byte) (33 + Math.floorMod(buf[i], 94));
    }
    int lo = Math.min(from, buf.length);
    int hi = Math.max(lo, Math.min(to, buf.length));
    int expected = lo;
    while (expected < hi && buf[expected] >= 33 && buf[expected] <= 126) {
      expected++;
    }
    assertEquals(expected, WordScan.endOfPrintUsAscii(buf, lo, hi));
  }

  /** Word-at-a-time equality is byte-by-byte equality, at any offset and length. */
  @Property(tries = 3000)
  void sameBytesIsArraysEquals(@ForAll @Size(max = 40) byte[] a, @ForAll @IntRange(max = 40) int from,
      @ForAll @IntRange(max = 3) int flips, @ForAll @IntRange(max = 40) int at) {
    byte[] b = new byte[from + a.length + 3];
    System.arraycopy(a, 0, b, from, a.length);
    if (a.length > 0 && flips > 0) {
      b[from + at % a.length] ^= (byte) flips; // differ in one byte, anywhere
    }
    boolean expected = java.util.Arrays.equals(a, 0, a.length, b, from, from + a.length);
    assertEquals(expected, WordScan.sameBytes(a, b, from, a.length));
  }
}
