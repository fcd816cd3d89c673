package io.sluice.channel;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flume.Event;
import org.apache.flume.event.EventBuilder;

/**
 * The events a channel held when it stopped, in one file, so that the next start delivers them:
 * written to a temporary file, synced, then renamed over the old one, so a crash while writing
 * leaves the previous checkpoint (or none), never half of one. Due times in a checkpoint are
 * wall-clock epoch ms (the next process's monotonic clock has another origin).
 */
final class Checkpoint {

  private static final int MAGIC = 0x534c4331; // "SLC1"

  private final Path file;

  Checkpoint(Path dir, String channelName) {
    this.file = dir.resolve(channelName + ".events");
  }

  Path file() {
    return file;
  }

  boolean exists() {
    return Files.exists(file);
  }

  void write(List<Taken<Event>> events) throws IOException {
    Files.createDirectories(file.getParent());
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        DataOutputStream out = new DataOutputStream(
            new BufferedOutputStream(java.nio.channels.Channels.newOutputStream(ch), 1 << 16))) {
      out.writeInt(MAGIC);
      out.writeInt(events.size());
      for (Taken<Event> t : events) {
        out.writeBoolean(t.deferred());
        out.writeLong(t.dueMillis());
        Map<String, String> headers = t.event().getHeaders();
        out.writeInt(headers.size());
        for (Map.Entry<String, String> h : headers.entrySet()) {
          writeString(out, h.getKey());
          writeString(out, h.getValue());
        }
        byte[] body = t.event().getBody();
        out.writeInt(body.length);
        out.write(body);
      }
      out.flush();
      ch.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  List<Taken<Event>> read() throws IOException {
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
      if (in.readInt() != MAGIC) {
        throw new IOException(file + " is not a Sluice channel checkpoint");
      }
      int n = in.readInt();
      List<Taken<Event>> out = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        boolean deferred = in.readBoolean();
        long releaseAt = in.readLong();
        int nh = in.readInt();
        Map<String, String> headers = new HashMap<>(nh * 2);
        for (int j = 0; j < nh; j++) {
          headers.put(readString(in), readString(in));
        }
        byte[] body = new byte[in.readInt()];
        in.readFully(body);
        out.add(new Taken<>(EventBuilder.withBody(body, headers), deferred, releaseAt));
      }
      return out;
    }
  }

  void delete() throws IOException {
    Files.deleteIfExists(file);
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  private static String readString(DataInputStream in) throws IOException {
    byte[] b = new byte[in.readInt()];
    in.readFully(b);
    return new String(b, StandardCharsets.UTF_8);
  }
}
