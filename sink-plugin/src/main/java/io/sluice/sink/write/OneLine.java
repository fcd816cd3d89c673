package io.sluice.sink.write;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Whether a document would break an NDJSON file into two lines. Looked at eight bytes at a time:
 * the check runs over every byte written, and a byte loop cost as much as copying the document.
 */
final class OneLine {

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101_0101_0101_0101L;
  private static final long HIGHS = 0x8080_8080_8080_8080L;
  private static final long LINE_ENDS = 0x0A0A_0A0A_0A0A_0A0AL;

  private OneLine() {}

  static boolean holdsLineEnd(byte[] b) {
    int i = 0;
    for (; i + 8 <= b.length; i += 8) {
      long x = (long) LONGS.get(b, i) ^ LINE_ENDS; // a '\n' byte becomes zero
      if (((x - ONES) & ~x & HIGHS) != 0) {
        return true; // non-zero exactly when some byte of x is zero (borrows only follow a zero)
      }
    }
    for (; i < b.length; i++) {
      if (b[i] == '\n') {
        return true;
      }
    }
    return false;
  }
}
