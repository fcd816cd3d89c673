package io.sluice.source.hec;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
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

  /** Inflated bytes are collected in chunks of this size, then copied once into the body. */
  private static final int CHUNK = 64 * 1024;

  /**
   * The inflated body. Its bytes are taken from {@code budget} twice as they come: once for the
   * chunks they are collected in, once for the body they are copied into at the end (a buffer that
   * grows by doubling would hold up to twice what it counts, and copy it again). The caller gives
   * back twice the body's length when done with it; on any failure, this gives back what it took.
   * IOException when it is not gzip (or is cut short), TooLarge past the limit, NoRoom when the
   * budget runs out first.
   */
  static byte[] inflate(byte[] gzip, int maxBytes, BodyBudget budget) throws IOException, TooLarge, NoRoom {
    List<byte[]> chunks = new ArrayList<>();
    int size = 0;
    boolean done = false;
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip), 8192)) {
      while (true) {
        byte[] chunk = new byte[CHUNK];
        int n = in.readNBytes(chunk, 0, CHUNK);
        if (n == 0) {
          break;
        }
        if (size + n > maxBytes) {
          throw new TooLarge(maxBytes);
        }
        if (!budget.take(2L * n)) {
          throw new NoRoom();
        }
        chunks.add(chunk);
        size += n;
        if (n < CHUNK) {
          break;
        }
      }
      done = true;
    } finally {
      if (!done) {
        budget.give(2L * size);
      }
    }
    byte[] body = new byte[size];
    int at = 0;
    for (byte[] c : chunks) {
      int n = Math.min(CHUNK, size - at);
      System.arraycopy(c, 0, body, at, n);
      at += n;
    }
    return body;
  }
}
