package io.sluice.sink.write;

import java.io.IOException;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Gzip, one member per batch (RFC 1952 allows any number of members in a file, and {@code gzip
 * -d}, {@code zcat} and {@link java.util.zip.GZIPInputStream} read them as one stream). A member
 * ends at each commit, so truncating back to the last commit leaves a file of whole members.
 *
 * <p>Written here rather than with {@link java.util.zip.GZIPOutputStream}, which would need a new
 * stream (and a new native deflater, freed only when collected) per batch: one {@link Deflater}
 * is reset between members and ended once. Level 6, gzip's own default.
 */
final class GzipBatches implements BatchEncoder {

  /** ID1 ID2 CM=deflate FLG=0 MTIME=0 XFL=0 OS=255 (unknown): no name, no time, no extras. */
  static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};

  private final ChannelOutput out;
  private final Deflater deflater = new Deflater(6, true);
  private final CRC32 crc = new CRC32();
  private final byte[] scratch = new byte[8 * 1024];
  private long memberBytes;
  private boolean memberOpen;

  GzipBatches(ChannelOutput out) {
    this.out = out;
  }

  @Override
  public void append(byte[] document) throws IOException {
    if (!memberOpen) {
      out.write(HEADER, 0, HEADER.length);
      memberOpen = true;
    }
    deflate(document, document.length);
    deflate(NEWLINE, 1);
  }

  private static final byte[] NEWLINE = {'\n'};

  private void deflate(byte[] input, int length) throws IOException {
    crc.update(input, 0, length);
    memberBytes += length;
    deflater.setInput(input, 0, length);
    while (!deflater.needsInput()) {
      int n = deflater.deflate(scratch, 0, scratch.length, Deflater.NO_FLUSH);
      out.write(scratch, 0, n);
    }
  }

  @Override
  public void endBatch() throws IOException {
    if (memberOpen) {
      deflater.finish();
      while (!deflater.finished()) {
        int n = deflater.deflate(scratch, 0, scratch.length, Deflater.NO_FLUSH);
        out.write(scratch, 0, n);
      }
      writeIntLe(crc.getValue());
      writeIntLe(memberBytes); // ISIZE: the length modulo 2^32
      resetMember();
    }
    out.flush();
  }

  @Override
  public void discardBatch() {
    resetMember();
    out.discard();
  }

  @Override
  public void release() {
    deflater.end();
  }

  private void resetMember() {
    deflater.reset();
    crc.reset();
    memberBytes = 0;
    memberOpen = false;
  }

  private void writeIntLe(long v) throws IOException {
    for (int i = 0; i < 4; i++) {
      out.write((byte) (v >>> (8 * i)));
    }
  }
}
