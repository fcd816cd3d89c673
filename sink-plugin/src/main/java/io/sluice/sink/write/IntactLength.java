package io.sluice.sink.write;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * How much of a file a crash left whole: the bytes up to the last line end (NDJSON) or up to the
 * end of the last complete, checksum-correct gzip member. Everything after that point belongs to
 * a batch that was being written when the process died; the rest was written by whole batches.
 * Reads with fixed buffers, so a file of any size is scanned in bounded memory.
 */
final class IntactLength {

  private static final int CHUNK = 64 * 1024;

  private IntactLength() {}

  static long of(FileChannel file, Compression compression) throws IOException {
    return compression == Compression.GZIP ? gzip(file) : ndjson(file);
  }

  /** The length up to and including the last {@code '\n'}; 0 when there is none. */
  static long ndjson(FileChannel file) throws IOException {
    ByteBuffer chunk = ByteBuffer.allocate(CHUNK);
    long end = file.size();
    while (end > 0) {
      long start = Math.max(0, end - CHUNK);
      chunk.clear().limit((int) (end - start));
      readFully(file, chunk, start);
      for (int i = chunk.limit() - 1; i >= 0; i--) {
        if (chunk.get(i) == '\n') {
          return start + i + 1;
        }
      }
      end = start;
    }
    return 0;
  }

  /**
   * The length of the whole members at the start of the file. Only members as {@link
   * GzipBatches} writes them count (no optional header fields): this reads back our own files.
   */
  static long gzip(FileChannel file) throws IOException {
    Inflater inflater = new Inflater(true);
    try {
      byte[] in = new byte[CHUNK];
      byte[] out = new byte[CHUNK];
      CRC32 crc = new CRC32();
      long intact = 0;
      long size = file.size();
      while (intact < size) {
        long end = memberEnd(file, intact, inflater, crc, in, out);
        if (end < 0) {
          break;
        }
        intact = end;
        inflater.reset();
        crc.reset();
      }
      return intact;
    } finally {
      inflater.end();
    }
  }

  /** Where the member starting at {@code start} ends, or -1 if it is cut short or corrupt. */
  private static long memberEnd(FileChannel file, long start, Inflater inflater, CRC32 crc,
      byte[] in, byte[] out) throws IOException {
    ByteBuffer header = ByteBuffer.allocate(GzipBatches.HEADER.length);
    if (!readFully(file, header, start)) {
      return -1;
    }
    for (int i = 0; i < 4; i++) { // ID1 ID2 CM FLG; MTIME, XFL and OS may be anything
      if (header.get(i) != GzipBatches.HEADER[i]) {
        return -1;
      }
    }
    long position = start + GzipBatches.HEADER.length;
    try {
      while (!inflater.finished()) {
        if (inflater.needsInput()) {
          int n = file.read(ByteBuffer.wrap(in), position);
          if (n <= 0) {
            return -1;
          }
          inflater.setInput(in, 0, n);
          position += n;
        }
        int produced = inflater.inflate(out);
        crc.update(out, 0, produced);
        if (produced == 0 && inflater.needsDictionary()) {
          return -1;
        }
      }
    } catch (DataFormatException e) {
      return -1;
    }
    long deflateEnd = start + GzipBatches.HEADER.length + inflater.getBytesRead();
    ByteBuffer trailer = ByteBuffer.allocate(8);
    if (!readFully(file, trailer, deflateEnd)) {
      return -1;
    }
    long storedCrc = Integer.toUnsignedLong(Integer.reverseBytes(trailer.getInt(0)));
    long storedSize = Integer.toUnsignedLong(Integer.reverseBytes(trailer.getInt(4)));
    if (storedCrc != crc.getValue() || storedSize != (inflater.getBytesWritten() & 0xffffffffL)) {
      return -1;
    }
    return deflateEnd + 8;
  }

  /** Fills {@code b} from {@code position}; false if the file ends first. */
  private static boolean readFully(FileChannel file, ByteBuffer b, long position)
      throws IOException {
    while (b.hasRemaining()) {
      int n = file.read(b, position);
      if (n < 0) {
        return false;
      }
      position += n;
    }
    return true;
  }
}
