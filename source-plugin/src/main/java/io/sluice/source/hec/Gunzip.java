package io.sluice.source.hec;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.zip.GZIPInputStream;

/**
 * Inflates a gzip request body, stopping at a limit: a few kilobytes of gzip can inflate to
 * gigabytes (a gzip bomb), so no more than {@code maxBytes} are ever held.
 */
final class Gunzip {

  /** The body inflates past the limit. */
  static final class TooLarge extends Exception {
    TooLarge(long limit) {
      super("inflates to more than " + limit + " bytes", null, false, false);
    }
  }

  private Gunzip() {}

  /** The inflated body; IOException when it is not gzip (or is cut short), TooLarge past the limit. */
  static byte[] inflate(byte[] gzip, int maxBytes) throws IOException, TooLarge {
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(maxBytes, Math.max(256, 4 * gzip.length)));
    byte[] chunk = new byte[8192];
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip), 8192)) {
      int n;
      while ((n = in.read(chunk)) > 0) {
        if (out.size() + n > maxBytes) {
          throw new TooLarge(maxBytes);
        }
        out.write(chunk, 0, n);
      }
    }
    return out.toByteArray();
  }
}
