package io.sluice.benchmarks;

/** Pre-generated, distinct, IP-like key strings, so that making a key is never part of a measurement. */
final class Keys {

  private Keys() {}

  /**
   * {@code n} distinct dotted-quad strings under {@code firstOctet} (at most 2^24 of them), with
   * their hash codes already computed, as a source's strings would have once hashed by the cache.
   */
  static String[] ipLike(int firstOctet, int n) {
    if (n > 1 << 24) {
      throw new IllegalArgumentException("at most 2^24 keys under one first octet, asked " + n);
    }
    String[] keys = new String[n];
    for (int i = 0; i < n; i++) {
      keys[i] = firstOctet + "." + ((i >>> 16) & 0xFF) + "." + ((i >>> 8) & 0xFF) + "." + (i & 0xFF);
      keys[i].hashCode();
    }
    return keys;
  }

  /** Where thread {@code index} of {@code count} starts in an array of {@code n} keys. */
  static int startOf(int index, int count, int n) {
    return (int) ((long) n * index / Math.max(1, count));
  }
}
