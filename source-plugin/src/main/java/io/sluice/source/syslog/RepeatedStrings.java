package io.sluice.source.syslog;

import java.util.Arrays;

/**
 * The same String for the same bytes, for header fields that repeat from message to message: host
 * names, application names, message ids. A stream repeats a few of them millions of times; handing
 * out one String each saves an allocation and a copy per field, and, while events wait in a
 * channel, the garbage collector copies one String instead of one per event.
 *
 * <p>A direct-mapped table of {@value #SLOTS} slots, shared by the I/O threads without a lock: an
 * entry is immutable, so a thread sees a whole one or none; two values colliding in a slot only
 * replace each other. Bounded: values over {@value #MAX_BYTES} bytes are not kept, so the table
 * holds at most about {@value #SLOTS} &times; 200 bytes, whatever senders send.
 */
final class RepeatedStrings {

  static final int SLOTS = 1024;
  static final int MAX_BYTES = 64;
  private static final long MIX = 0x9E3779B97F4A7C15L;

  private record Entry(byte[] bytes, String text) {}

  private final Entry[] table = new Entry[SLOTS];

  /** The text of {@code b[from, to)}, which the parser has checked to be ASCII. */
  String of(byte[] b, int from, int to) {
    int length = to - from;
    if (length > MAX_BYTES) {
      return Ascii.string(b, from, to);
    }
    int slot = slot(b, from, to);
    Entry e = table[slot];
    if (e != null && e.bytes().length == length && WordScan.sameBytes(e.bytes(), b, from, length)) {
      return e.text();
    }
    String text = Ascii.string(b, from, to);
    table[slot] = new Entry(Arrays.copyOfRange(b, from, to), text);
    return text;
  }

  /** Like {@link #of}, but null for RFC 5424's NILVALUE {@code -}. */
  String orNil(byte[] b, int from, int to) {
    return to - from == 1 && b[from] == '-' ? null : of(b, from, to);
  }

  /**
   * A slot from every byte, a word at a time (a value's distinctive part is often in its middle:
   * {@code fw-edge-02.dc1.example.net}, {@code fw-edge-07.dc1.example.net}). A collision costs a
   * miss, never a wrong value.
   */
  private static int slot(byte[] b, int from, int to) {
    int length = to - from;
    long h = length;
    if (length >= Long.BYTES) {
      int i = from;
      for (; i + Long.BYTES <= to; i += Long.BYTES) {
        h = (h ^ WordScan.longAt(b, i)) * MIX;
      }
      if (i < to) {
        h = (h ^ WordScan.longAt(b, to - Long.BYTES)) * MIX; // the last word, overlapping
      }
    } else {
      long word = 0;
      for (int i = from; i < to; i++) {
        word = (word << 8) | (b[i] & 0xFF);
      }
      h = (h ^ word) * MIX;
    }
    return (int) (h >>> 54); // the top 10 bits: SLOTS = 1 << 10
  }
}
