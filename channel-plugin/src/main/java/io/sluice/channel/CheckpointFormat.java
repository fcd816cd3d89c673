package io.sluice.channel;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;
import org.apache.flume.Event;
import org.apache.flume.event.EventBuilder;

/**
 * The bytes of a checkpoint: the events a channel held at stop. Pure: streams in, entries out.
 *
 * <pre>
 * int    magic "SLCP"
 * int    version (2)
 * int    event count
 * events byte   flags (1: deferred lane)
 *        long   releaseAt, wall-clock epoch ms (deferred lane; 0 for the express lane)
 *        int    header count, then per header: string key, string value
 *        int    body length, then the body
 * int    CRC32 of every byte before it
 *
 * string int length (-1: null), then its UTF-8 bytes
 * </pre>
 *
 * <p>Version 1 ("SLC1", written before nulls, versions and checksums) is still read: the same
 * events without the version and the checksum.
 *
 * <p><b>Reading untrusted bytes.</b> A checkpoint may be truncated (a full disk), damaged, or not
 * a checkpoint at all. Every count and length is checked against the bytes left in the file
 * before anything is allocated for it, and collections grow with what is actually read, so a
 * file claiming two billion events allocates no more than its own size. Anything amiss is a
 * {@link CorruptCheckpointException} with the reason and the offset; the checksum catches what
 * still parses.
 *
 * <p><b>Nulls.</b> Flume's events are maps, and nothing stops a source or interceptor from putting
 * a null header key or value (a HashMap takes both). Both are written as length -1 and read back
 * as null, so an event leaves a checkpoint as it went in.
 */
final class CheckpointFormat {

  static final int MAGIC = 0x534c4350; // "SLCP"
  static final int VERSION = 2;
  static final int MAGIC_V1 = 0x534c4331; // "SLC1"

  /** The smallest event: flags, releaseAt, header count, body length. */
  static final int MIN_EVENT_BYTES = 1 + 8 + 4 + 4;
  /** The smallest header: two lengths. */
  private static final int MIN_HEADER_BYTES = 4 + 4;
  private static final int NULL_LENGTH = -1;
  /** Collections start no larger than this and grow with what is read. */
  private static final int INITIAL_SIZE_CAP = 1024;

  private CheckpointFormat() {}

  /** An event of a checkpoint: its lane, and (deferred lane) when it is due, in epoch ms. */
  record Entry(Event event, boolean deferred, long releaseAtMillis) {}

  /** Why a checkpoint cannot be read. */
  static final class CorruptCheckpointException extends Exception {
    private static final long serialVersionUID = 1L;

    CorruptCheckpointException(String reason) {
      super(reason);
    }
  }

  static void write(List<Entry> entries, OutputStream sink) throws IOException {
    CRC32 crc = new CRC32();
    DataOutputStream out = new DataOutputStream(new CheckedOutputStream(sink, crc));
    out.writeInt(MAGIC);
    out.writeInt(VERSION);
    out.writeInt(entries.size());
    for (Entry e : entries) {
      out.writeByte(e.deferred() ? 1 : 0);
      out.writeLong(e.deferred() ? e.releaseAtMillis() : 0);
      Map<String, String> headers = e.event().getHeaders();
      out.writeInt(headers.size());
      for (Map.Entry<String, String> h : headers.entrySet()) {
        writeString(out, h.getKey());
        writeString(out, h.getValue());
      }
      byte[] body = e.event().getBody();
      out.writeInt(body.length);
      out.write(body);
    }
    out.flush();
    new DataOutputStream(sink).writeInt((int) crc.getValue());
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    if (s == null) {
      out.writeInt(NULL_LENGTH);
      return;
    }
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  /** Reads the checkpoint of {@code length} bytes that {@code source} holds. */
  static List<Entry> read(InputStream source, long length)
      throws IOException, CorruptCheckpointException {
    return new Reader(source, length).read();
  }

  /** One pass over the bytes, knowing how many are left. */
  private static final class Reader {
    private final CRC32 crc = new CRC32();
    private final DataInputStream in;
    private final long length;
    private long left;

    Reader(InputStream source, long length) {
      // No read-ahead above the checksum: it covers exactly the bytes read so far.
      this.in = new DataInputStream(new CheckedInputStream(source, crc));
      this.length = length;
      this.left = length;
    }

    List<Entry> read() throws IOException, CorruptCheckpointException {
      try {
        return readAll();
      } catch (EOFException e) { // the file is shorter than its size said: changed while read
        throw corrupt("truncated: the file ended before its " + length + " bytes");
      }
    }

    private List<Entry> readAll() throws IOException, CorruptCheckpointException {
      if (length == 0) {
        throw corrupt("an empty file");
      }
      int magic = readInt();
      boolean v1 = magic == MAGIC_V1;
      if (!v1) {
        if (magic != MAGIC) {
          throw corrupt("not a Sluice channel checkpoint (it begins 0x" + Integer.toHexString(magic)
              + ", not 0x" + Integer.toHexString(MAGIC) + ")");
        }
        int version = readInt();
        if (version != VERSION) {
          throw corrupt("format version " + version + ", which this Sluice does not know (it"
              + " reads " + VERSION + " and 1); written by a newer Sluice?");
        }
      }
      int count = readInt();
      long room = left - (v1 ? 0 : 4);
      if (count < 0 || (long) count * MIN_EVENT_BYTES > room) {
        throw corrupt("it claims " + count + " events, but its " + room + " remaining bytes hold"
            + " at most " + room / MIN_EVENT_BYTES);
      }
      List<Entry> entries = new ArrayList<>(Math.min(count, INITIAL_SIZE_CAP));
      for (int i = 0; i < count; i++) {
        entries.add(readEntry(i));
      }
      if (!v1) {
        int expected = (int) crc.getValue();
        int stored = readInt();
        if (stored != expected) {
          throw corrupt("checksum mismatch (stored 0x" + Integer.toHexString(stored)
              + ", computed 0x" + Integer.toHexString(expected) + ")");
        }
      }
      if (left != 0) {
        throw corrupt(left + " bytes of trailing garbage after the last event");
      }
      return entries;
    }

    private Entry readEntry(int index) throws IOException, CorruptCheckpointException {
      int flags = readByte();
      if (flags != 0 && flags != 1) {
        throw corrupt("event " + index + " has flags " + flags);
      }
      long releaseAt = readLong();
      int headerCount = readInt();
      if (headerCount < 0 || (long) headerCount * MIN_HEADER_BYTES > left) {
        throw corrupt("event " + index + " claims " + headerCount + " headers, more than the "
            + left + " remaining bytes hold");
      }
      Map<String, String> headers = new HashMap<>(Math.min(2 * headerCount, INITIAL_SIZE_CAP));
      for (int j = 0; j < headerCount; j++) {
        String key = readString(index);
        headers.put(key, readString(index));
      }
      byte[] body = readBytes(readInt(), index, "body");
      return new Entry(EventBuilder.withBody(body, headers), flags == 1, releaseAt);
    }

    private String readString(int index) throws IOException, CorruptCheckpointException {
      int n = readInt();
      if (n == NULL_LENGTH) {
        return null;
      }
      return new String(readBytes(n, index, "header"), StandardCharsets.UTF_8);
    }

    private byte[] readBytes(int n, int index, String what)
        throws IOException, CorruptCheckpointException {
      if (n < 0 || n > left) {
        throw corrupt("event " + index + " has a " + what + " of " + n + " bytes, but "
            + (n < 0 ? "a length cannot be negative" : "only " + left + " bytes remain"));
      }
      byte[] b = new byte[n];
      in.readFully(b);
      left -= n;
      return b;
    }

    private int readByte() throws IOException, CorruptCheckpointException {
      need(1);
      left -= 1;
      return in.readUnsignedByte();
    }

    private int readInt() throws IOException, CorruptCheckpointException {
      need(4);
      left -= 4;
      return in.readInt();
    }

    private long readLong() throws IOException, CorruptCheckpointException {
      need(8);
      left -= 8;
      return in.readLong();
    }

    private void need(int n) throws CorruptCheckpointException {
      if (left < n) {
        throw corrupt("truncated: ends within a field");
      }
    }

    private CorruptCheckpointException corrupt(String reason) {
      return new CorruptCheckpointException(reason + " (at byte " + (length - left) + " of "
          + length + ")");
    }
  }
}
