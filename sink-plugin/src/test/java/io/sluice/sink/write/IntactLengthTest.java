package io.sluice.sink.write;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What crash recovery keeps: whole lines, whole checksum-correct gzip members, nothing more. */
class IntactLengthTest {

  @TempDir Path dir;

  long intact(byte[] content, Compression c) throws IOException {
    Path f = Files.write(dir.resolve("f"), content);
    try (FileChannel ch = FileChannel.open(f)) {
      return IntactLength.of(ch, c);
    }
  }

  /** Members as the writer makes them, one per batch; returns the file and each member's end. */
  long[] gzipMembers(Path f, String... batches) throws IOException {
    long[] ends = new long[batches.length];
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE,
        StandardOpenOption.WRITE)) {
      GzipBatches gz = new GzipBatches(new ChannelOutput(ch));
      for (int i = 0; i < batches.length; i++) {
        gz.append(batches[i].getBytes(UTF_8));
        gz.endBatch();
        ends[i] = ch.position();
      }
      gz.release();
    }
    return ends;
  }

  @Test
  void ndjsonKeepsUpToTheLastLineEnd() throws IOException {
    assertEquals(0, intact(new byte[0], Compression.NONE));
    assertEquals(0, intact("{\"a\":".getBytes(UTF_8), Compression.NONE));
    assertEquals(3, intact("{}\n{\"a\"".getBytes(UTF_8), Compression.NONE));
    assertEquals(6, intact("{}\n{}\n".getBytes(UTF_8), Compression.NONE));
  }

  @Test
  void ndjsonFindsALineEndManyChunksBack() throws IOException {
    byte[] content = new byte[300_000];
    Arrays.fill(content, (byte) 'x');
    content[10] = '\n';
    assertEquals(11, intact(content, Compression.NONE));
  }

  @Test
  void gzipKeepsWholeMembersAndDropsACutOne() throws IOException {
    Path f = dir.resolve("g");
    long[] ends = gzipMembers(f, "{\"n\":1}", "{\"n\":2}", "{\"n\":3}");
    byte[] all = Files.readAllBytes(f);
    try (FileChannel ch = FileChannel.open(f)) {
      assertEquals(ends[2], IntactLength.gzip(ch));
    }
    for (long cut = ends[1]; cut < ends[2]; cut++) {
      assertEquals(ends[1], intact(Arrays.copyOf(all, (int) cut), Compression.GZIP),
          "cut at " + cut);
    }
  }

  @Test
  void gzipStopsAtAMemberWhoseChecksumIsWrong() throws IOException {
    Path f = dir.resolve("g");
    long[] ends = gzipMembers(f, "{\"n\":1}", "{\"n\":2}", "{\"n\":3}");
    byte[] all = Files.readAllBytes(f);
    all[(int) ends[1] - 8] ^= 1; // the second member's CRC
    assertEquals(ends[0], intact(all, Compression.GZIP));
    byte[] badMagic = Files.readAllBytes(f);
    badMagic[(int) ends[0]] = 0;
    assertEquals(ends[0], intact(badMagic, Compression.GZIP));
  }
}
