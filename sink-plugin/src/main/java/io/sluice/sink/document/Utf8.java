package io.sluice.sink.document;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Whether bytes are well-formed UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above
 * U+10FFFF, no sequence cut short at the end.
 *
 * <p>Why not {@code new String(bytes, UTF_8)}: it replaces what it cannot decode with U+FFFD and
 * says nothing, and a document must not claim a body was text when it was not. A {@link
 * java.nio.charset.CharsetDecoder} set to report would tell, but costs a decoder, a buffer and an
 * exception per bad body. This scan allocates nothing and reads ASCII, almost every log line, eight
 * bytes at a time.
 */
public final class Utf8 {

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long HIGH_BITS = 0x8080_8080_8080_8080L;

  private Utf8() {}

  public static boolean isValid(byte[] b) {
    return isValid(b, 0, b.length);
  }

  /** Whether {@code b[off, off + len)} is well-formed UTF-8. */
  public static boolean isValid(byte[] b, int off, int len) {
    int i = off;
    int end = off + len;
    while (i < end) {
      while (i + 8 <= end && ((long) LONGS.get(b, i) & HIGH_BITS) == 0) {
        i += 8;
      }
      if (i >= end) {
        return true;
      }
      int c = b[i] & 0xFF;
      if (c < 0x80) {
        i++;
      } else if (c < 0xC2) {
        return false; // a continuation byte where a character starts, or an overlong C0/C1 form
      } else if (c < 0xE0) {
        if (i + 1 >= end || !continuation(b[i + 1])) {
          return false;
        }
        i += 2;
      } else if (c < 0xF0) {
        if (i + 2 >= end) {
          return false;
        }
        int c1 = b[i + 1] & 0xFF;
        // E0 needs A0..BF (else overlong), ED needs 80..9F (else a UTF-16 surrogate)
        int lo = c == 0xE0 ? 0xA0 : 0x80;
        int hi = c == 0xED ? 0x9F : 0xBF;
        if (c1 < lo || c1 > hi || !continuation(b[i + 2])) {
          return false;
        }
        i += 3;
      } else if (c < 0xF5) {
        if (i + 3 >= end) {
          return false;
        }
        int c1 = b[i + 1] & 0xFF;
        // F0 needs 90..BF (else overlong), F4 needs 80..8F (else above U+10FFFF)
        int lo = c == 0xF0 ? 0x90 : 0x80;
        int hi = c == 0xF4 ? 0x8F : 0xBF;
        if (c1 < lo || c1 > hi || !continuation(b[i + 2]) || !continuation(b[i + 3])) {
          return false;
        }
        i += 4;
      } else {
        return false;
      }
    }
    return true;
  }

  /**
   * The length of the longest prefix of {@code b[0, max)} that ends on a character boundary, for
   * cutting valid UTF-8 text without splitting a character. {@code b} must be valid UTF-8.
   */
  public static int boundaryAtOrBefore(byte[] b, int max) {
    if (max >= b.length) {
      return b.length;
    }
    int i = max;
    while (i > 0 && (b[i] & 0xC0) == 0x80) {
      i--; // b[i] continues the character before it: cut before that character
    }
    return i;
  }

  private static boolean continuation(byte b) {
    return (b & 0xC0) == 0x80;
  }
}
