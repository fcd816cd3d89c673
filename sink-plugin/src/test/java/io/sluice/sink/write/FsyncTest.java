package io.sluice.sink.write;

import static io.sluice.sink.write.Output.doc;
import static io.sluice.sink.write.Output.docs;
import static io.sluice.sink.write.Output.names;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.core.time.ManualClock;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What commit and roll force to disk, observed through the opener seam. */
class FsyncTest {

  @TempDir Path dir;
  final ManualClock clock = new ManualClock();
  final RecordingOpener opener = new RecordingOpener();

  RollingFileWriter writer(boolean fsync) {
    return new RollingFileWriter(new FileWriterSettings(dir, "sluice", 1 << 20,
        Duration.ofMinutes(5), fsync, Compression.NONE), "k1", clock, opener);
  }

  @Test
  void withFsyncEveryCommitForcesTheFileBeforeItReturns() throws IOException {
    RollingFileWriter w = writer(true);
    for (int b = 0; b < 3; b++) {
      w.append(doc(b));
      assertEquals(b, opener.fileForces(), "nothing forced before the commit");
      w.commit();
      assertEquals(b + 1, opener.fileForces());
      try (InputStream in = new FileInputStream(dir.resolve(names(dir).get(0)).toFile())) {
        String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(docs(0, b + 1), Arrays.asList(text.split("\n")),
            "a fresh reader sees the batch as soon as commit returns");
      }
    }
    w.commit();
    assertEquals(3, opener.fileForces(), "an empty batch forces nothing");
  }

  @Test
  void withFsyncTheDirectoryIsForcedAfterAFileIsCreatedAndAfterItIsRenamed() throws IOException {
    RollingFileWriter w = writer(true);
    w.append(doc(0));
    assertEquals(1, opener.directoryForces(), "the new file's entry");
    w.commit();
    assertEquals(1, opener.directoryForces());
    w.close();
    assertEquals(2, opener.directoryForces(), "the rename");
    assertEquals(List.of(dir), opener.directories.stream().map(c -> c.path).distinct().toList());
  }

  @Test
  void withoutFsyncNothingIsForcedButCommittedDataIsReadableAtOnce() throws IOException {
    RollingFileWriter w = writer(false);
    w.append(doc(0));
    w.commit();
    try (InputStream in = new FileInputStream(dir.resolve(names(dir).get(0)).toFile())) {
      assertEquals(new String(doc(0), StandardCharsets.UTF_8) + "\n",
          new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    w.close();
    assertEquals(0, opener.fileForces());
    assertEquals(0, opener.directoryForces());
  }
}
