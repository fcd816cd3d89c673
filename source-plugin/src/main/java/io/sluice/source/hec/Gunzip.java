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

  /** The source's {@link BodyBudget} has no room for more inflated bytes. */
  static final class NoRoom extends Exception {
    NoRoom() {
      super("no room in the source's body budget", null, false, false);
    }
  }

  private Gunzip() {}

  /**
   * The inflated body, whose bytes are taken from {@code budget} as they come (the caller gives
   * back the body's length when done with it; on any failure, this gives back what it took).
   * IOException when it is not gzip (or is cut short), TooLarge past the limit, NoRoom when the
   * budget runs out first.
   */
  static byte[] inflate(byte[] gzip, int maxBytes, BodyBudget budget) throws IOException, TooLarge, NoRoom {
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(maxBytes, Math.max(256, 4 * gzip.length)));
    byte[] chunk = new byte[8192];
    boolean done = false;
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip), 8192)) {
      int n;
      while ((n = in.read(chunk)) > 0) {
        if (out.size() + n > maxBytes) {
          throw new TooLarge(maxBytes);
        }
        if (!budget.take(n)) {
          throw new NoRoom();
        }
        out.write(chunk, 0, n);
      }
      done = true;
    } finally {
      if (!done) {
        budget.give(out.size());
      }
    }
    return out.toByteArray();
  }
}
