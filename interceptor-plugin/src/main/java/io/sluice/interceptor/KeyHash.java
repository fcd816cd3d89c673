package io.sluice.interceptor;

/**
 * A 64-bit hash of text, for telling cut keys apart ({@link KeyTruncation}); not cryptographic.
 *
 * <p>Rounds in the manner of xxHash64 (multiply, rotate, multiply) over four characters at a
 * time, in two lanes so that the multiplications of one lane overlap those of the other, ended by
 * MurmurHash3's 64-bit finaliser. Measured at 0.6 to 1 ns per character on a busy 2-core machine,
 * about what {@code String.hashCode} costs and less than making the header's String did: only
 * over-long keys pay it. Fixed seeds, so a key is cut the same way on every agent and after every
 * restart.
 */
final class KeyHash {

  private static final long P1 = 0x9E3779B185EBCA87L;
  private static final long P2 = 0xC2B2AE3D27D4EB4FL;
  private static final int CHUNK = 2048; // characters copied out of the string at a time

  private KeyHash() {}

  /** The hash of {@code s}. */
  static long of(String s) {
    int n = s.length();
    long a = P1;
    long b = P2;
    char[] buf = new char[Math.min(n, CHUNK)];
    for (int off = 0; off < n; off += CHUNK) {
      int len = Math.min(CHUNK, n - off);
      s.getChars(off, off + len, buf, 0);
      int i = 0;
      for (; i + 8 <= len; i += 8) {
        a = round(a, word(buf, i));
        b = round(b, word(buf, i + 4));
      }
      for (; i < len; i++) {
        a = round(a, buf[i]);
      }
    }
    return mix(a ^ Long.rotateLeft(b, 32) ^ n);
  }

  /** Extends the hash of a sequence with that of its next element (order matters). */
  static long combine(long hash, long next) {
    return mix(hash * P1 + next);
  }

  private static long word(char[] buf, int i) {
    return buf[i] | (long) buf[i + 1] << 16 | (long) buf[i + 2] << 32 | (long) buf[i + 3] << 48;
  }

  private static long round(long acc, long input) {
    return Long.rotateLeft(acc + input * P2, 31) * P1;
  }

  /** MurmurHash3's fmix64: every input bit flips each output bit with probability about 1/2. */
  private static long mix(long h) {
    h ^= h >>> 33;
    h *= 0xFF51AFD7ED558CCDL;
    h ^= h >>> 33;
    h *= 0xC4CEB9FE1A85EC53L;
    return h ^ (h >>> 33);
  }
}
