package io.sluice.interceptor;

/**
 * Cuts limit keys longer than {@code maxKeyLength}. Keys come from header values, and a hostile
 * sender can make a header megabytes long; every key is held in the governor's cache (up to
 * {@code maxKeys} of them), in the top offenders' sketch and in {@code sluice.limitKey}, so its
 * length must be bounded like everything else.
 *
 * <p>A cut key is its first {@code maxKeyLength - 17} characters, {@code '~'}, and 16 hex digits
 * of a 64-bit hash of the whole key. Without the hash, every long key that shares its first
 * characters with another (a common prefix, or a sender padding its value) would share its bucket.
 * With it, two keys share a bucket only if their hashes collide: for accidental collisions, about
 * one in 10^19 per pair. The hash is not keyed against an attacker, and need not be: colliding on
 * purpose with another sender's long key needs that key's whole value, and whoever has it can send
 * the key itself. Keys within the length are never changed, so short keys (addresses, token names)
 * cost nothing more.
 *
 * <p>The key is never built whole before it is cut: the header values are hashed where they lie.
 * Stateless and thread-safe.
 */
final class KeyTruncation {

  /** Accepted {@code maxKeyLength}: room for a readable prefix beside the hash, and no more. */
  static final int MIN_LENGTH = 32;

  static final int MAX_LENGTH = 4096;

  static final int DEFAULT_LENGTH = 256;

  /** What a cut key ends with: {@code '~'} and 16 hex digits. */
  static final int SUFFIX_LENGTH = 17;

  private final int maxLength;

  KeyTruncation(int maxLength) {
    if (maxLength < MIN_LENGTH || maxLength > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "maxKeyLength must be from " + MIN_LENGTH + " to " + MAX_LENGTH + ", got " + maxLength);
    }
    this.maxLength = maxLength;
  }

  int maxLength() {
    return maxLength;
  }

  /**
   * The key made of {@code parts} joined by {@code separator}, cut to {@code maxKeyLength}; call
   * it only when that key is longer.
   */
  String cut(String[] parts, char separator) {
    int prefixLength = maxLength - SUFFIX_LENGTH;
    StringBuilder key = new StringBuilder(maxLength);
    long hash = 0;
    for (int i = 0; i < parts.length; i++) {
      if (i > 0 && key.length() < prefixLength) {
        key.append(separator);
      }
      String part = parts[i];
      int room = prefixLength - key.length();
      if (room > 0) {
        key.append(part, 0, Math.min(room, part.length()));
      }
      hash = KeyHash.combine(hash, KeyHash.of(part));
    }
    key.setLength(Math.min(key.length(), prefixLength));
    if (key.length() > 0 && Character.isHighSurrogate(key.charAt(key.length() - 1))) {
      key.setLength(key.length() - 1); // never half a character
    }
    key.append('~');
    String hex = Long.toHexString(hash);
    for (int i = hex.length(); i < 16; i++) {
      key.append('0');
    }
    return key.append(hex).toString();
  }
}
