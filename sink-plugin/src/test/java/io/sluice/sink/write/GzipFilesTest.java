package io.sluice.sink.write;

import static io.sluice.sink.write.Output.doc;
import static io.sluice.sink.write.Output.docs;
import static io.sluice.sink.write.Output.finalLines;
import static io.sluice.sink.write.Output.names;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.core.time.ManualClock;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Gzip output: one member per batch, whole after every commit and after every abort. */
class GzipFilesTest {

  @TempDir Path dir;
  final ManualClock clock = new ManualClock();

  RollingFileWriter writer() {
    return new RollingFileWriter(new FileWriterSettings(dir, "sluice", 1 << 20,
        Duration.ofMinutes(5), false, Compression.GZIP), "k1", clock);
  }

  @Test
  void eachCommitEndsAMemberSoTheInProgressFileIsReadableAfterEveryCommit() throws IOException {
    RollingFileWriter w = writer();
    for (int b = 0; b < 5; b++) {
      for (int i = b * 100; i < b * 100 + 100; i++) {
        w.append(doc(i));
      }
      w.commit();
      Path file = dir.resolve(names(dir).get(0));
      assertTrue(file.toString().endsWith(".ndjson.gz.inprogress"));
      assertEquals(docs(0, b * 100 + 100), Output.lines(file), "after commit " + b);
      try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file)) {
        assertEquals(ch.size(), IntactLength.gzip(ch), "whole members only");
      }
    }
    w.close();
    assertEquals(List.of("sluice-k1-20231114T221320Z-0000.ndjson.gz"), names(dir));
    assertEquals(docs(0, 500), finalLines(dir));
    assertGzipToolAccepts(dir.resolve(names(dir).get(0)), docs(0, 500));
  }

  @Test
  void anAbortedBatchLeavesAValidFileEvenWhenItWasPartlyWrittenThrough() throws IOException {
    RollingFileWriter w = writer();
    for (int i = 0; i < 10; i++) {
      w.append(doc(i));
    }
    w.commit();
    // about 170 KB of text: well past the buffer, written through before the abort
    byte[] filler = ("{\"m\":\"" + "abcdefghij".repeat(1700) + "\"}").getBytes(UTF_8);
    for (int i = 0; i < 100; i++) {
      w.append(filler);
    }
    Path file = dir.resolve(names(dir).get(0));
    w.abort();
    assertEquals(docs(0, 10), Output.lines(file));
    for (int i = 10; i < 20; i++) {
      w.append(doc(i));
    }
    w.commit();
    w.close();
    assertEquals(docs(0, 20), finalLines(dir));
    assertGzipToolAccepts(dir.resolve(names(dir).get(0)), docs(0, 20));
  }

  @Test
  void rollSizeIsTheCompressedSizeOnDisk() throws IOException {
    RollingFileWriter w = new RollingFileWriter(new FileWriterSettings(dir, "sluice", 1024,
        Duration.ZERO, false, Compression.GZIP), "k1", clock);
    for (int b = 0; b < 10; b++) {
      for (int i = b * 300; i < b * 300 + 300; i++) {
        w.append(doc(i)); // ~3 KB of text a batch, far less compressed
      }
      w.commit();
    }
    w.close();
    assertTrue(names(dir).size() < 10, "several 3 KB batches fit in 1 KiB compressed: "
        + names(dir));
    assertEquals(docs(0, 3000), finalLines(dir));
  }

  /** {@code gzip -t} and {@code gzip -dc} agree with GZIPInputStream, when gzip is installed. */
  static void assertGzipToolAccepts(Path file, List<String> expected) throws IOException {
    boolean onPath = Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .anyMatch(d -> Files.isExecutable(Path.of(d, "gzip")));
    if (!onPath) {
      return; // GZIPInputStream has already read it
    }
    assertEquals("", run("gzip", "-t", file.toString()), "gzip -t");
    String text = run("gzip", "-dc", file.toString());
    assertEquals(String.join("\n", expected) + "\n", text);
  }

  private static String run(String... command) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), UTF_8);
    try {
      assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    assertEquals(0, p.exitValue(), String.join(" ", command) + ": " + out);
    return out;
  }
}
