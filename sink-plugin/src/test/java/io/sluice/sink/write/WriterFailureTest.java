package io.sluice.sink.write;

import static io.sluice.sink.write.Output.doc;
import static io.sluice.sink.write.Output.docs;
import static io.sluice.sink.write.Output.finalLines;
import static io.sluice.sink.write.Output.names;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.core.time.ManualClock;
import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file system fails; the caller aborts and retries, as ValidatingSink does; every committed
 * document ends up in the output exactly once. Failures are real: a directory replaced or removed,
 * a channel that runs out of room part way through a write (through the opener seam).
 */
class WriterFailureTest {

  @TempDir Path root;
  final ManualClock clock = new ManualClock();
  final RecordingOpener opener = new RecordingOpener();

  RollingFileWriter writer(Path dir, Compression compression) {
    return new RollingFileWriter(new FileWriterSettings(dir, "sluice", 1 << 20,
        Duration.ofMinutes(5), false, compression), "k1", clock, opener);
  }

  /** One attempt at a batch, as the sink makes it: append all, commit; on failure, abort. */
  static boolean attempt(EventWriter w, int from, int to) {
    try {
      for (int i = from; i < to; i++) {
        w.append(doc(i));
      }
      w.commit();
      return true;
    } catch (IOException e) {
      try {
        w.abort();
      } catch (IOException ignored) {
        // the next attempt truncates first
      }
      return false;
    }
  }

  @Test
  void aWriteThatFailsMidBatchIsTruncatedBackAndTheRetryWritesTheBatchOnce() throws IOException {
    Path dir = root.resolve("out");
    RollingFileWriter w = writer(dir, Compression.NONE);
    assertTrue(attempt(w, 0, 10));
    long committed = Files.size(dir.resolve(names(dir).get(0)));
    w.append(doc(10));
    FaultyChannel ch = opener.lastFile();
    ch.writeBudget = 5; // the disk fills up five bytes into the next write
    for (int i = 11; i < 20; i++) {
      w.append(doc(i));
    }
    assertThrows(IOException.class, w::commit);
    assertTrue(Files.size(dir.resolve(names(dir).get(0))) > committed, "part of it was written");
    w.abort();
    assertEquals(committed, Files.size(dir.resolve(names(dir).get(0))), "truncated back");
    assertFalse(attempt(w, 10, 20), "the disk is still full");
    ch.writeBudget = Long.MAX_VALUE; // room again
    assertTrue(attempt(w, 10, 20));
    w.close();
    assertEquals(docs(0, 20), finalLines(dir));
  }

  @Test
  void aFailureInABatchLargerThanTheBufferIsTruncatedBackToo() throws IOException {
    Path dir = root.resolve("out");
    RollingFileWriter w = writer(dir, Compression.NONE);
    assertTrue(attempt(w, 0, 3));
    w.append(doc(3));
    opener.lastFile().writeBudget = 100_000; // fails within append, after 100 KB written through
    assertThrows(IOException.class, () -> {
      for (int i = 4; i < 20_000; i++) {
        w.append(doc(i));
      }
    });
    w.abort();
    opener.lastFile().writeBudget = Long.MAX_VALUE;
    assertTrue(attempt(w, 3, 20_000));
    w.close();
    assertEquals(docs(0, 20_000), finalLines(dir));
  }

  @Test
  void aTruncateThatFailsLeavesTheFileUntouchedUntilALaterOneSucceeds() throws IOException {
    Path dir = root.resolve("out");
    RollingFileWriter w = writer(dir, Compression.NONE);
    assertTrue(attempt(w, 0, 2));
    FaultyChannel ch = opener.lastFile();
    ch.writeBudget = 4;
    w.append(doc(2));
    assertThrows(IOException.class, w::commit);
    ch.failTruncate = true;
    assertThrows(IOException.class, w::abort);
    ch.writeBudget = Long.MAX_VALUE;
    assertThrows(IOException.class, () -> w.append(doc(2)), "no write before the truncate");
    ch.failTruncate = false;
    assertTrue(attempt(w, 2, 4));
    w.close();
    assertEquals(docs(0, 4), finalLines(dir));
  }

  /**
   * Flume stops a sink by interrupting its thread; an interrupt during the batch's force closes the
   * file's channel with the batch in the file. The rolled-back batch must still be cut, so that a
   * sink started again in the same process (a reload) writes it once.
   */
  @Test
  void aBatchInterruptedByTheStopIsCutFromItsFileAndWrittenOnceAfterARestart() throws IOException {
    Path dir = root.resolve("out");
    FileWriterSettings fsync = new FileWriterSettings(dir, "sluice", 1 << 20, Duration.ofMinutes(5),
        true, Compression.NONE);
    RollingFileWriter w = new RollingFileWriter(fsync, "k1", clock, opener);
    assertTrue(attempt(w, 0, 2));
    w.append(doc(2));
    opener.lastFile().interruptForce = true;
    try {
      assertThrows(ClosedByInterruptException.class, w::commit);
      w.abort(); // as the sink does, its thread still interrupted
      w.close();
      assertTrue(Thread.currentThread().isInterrupted(), "the stop's interrupt is kept for Flume's runner");
    } finally {
      Thread.interrupted();
    }
    RollingFileWriter again = new RollingFileWriter(fsync, "k1", clock, opener);
    assertTrue(attempt(again, 2, 4));
    again.close();
    assertEquals(docs(0, 4), finalLines(dir));
  }

  @Test
  void aDirectoryReplacedByAFileFailsEveryAttemptUntilItIsADirectoryAgain() throws IOException {
    // The unwritable directory of the issue. Not made read-only with chmod, which does not stop
    // root (the CI's user): no one, root included, can create a file under a file.
    Path dir = root.resolve("out");
    RollingFileWriter w = writer(dir, Compression.NONE);
    assertTrue(attempt(w, 0, 5));
    clock.advance(Duration.ofMinutes(5));
    assertTrue(w.rollIfDue());
    Path aside = root.resolve("aside");
    Files.move(dir, aside);
    Files.writeString(dir, "not a directory");
    for (int retry = 0; retry < 3; retry++) {
      assertFalse(attempt(w, 5, 10), "attempt " + retry + " fails");
    }
    Files.delete(dir);
    Files.move(aside, dir);
    assertTrue(attempt(w, 5, 10));
    w.close();
    assertEquals(docs(0, 10), finalLines(dir));
    assertEquals(2, names(dir).size());
  }

  @Test
  void aDirectoryRemovedUnderAnOpenFileFailsTheBatchWhichIsWrittenOnceToANewDirectory()
      throws IOException {
    Path dir = root.resolve("out");
    RollingFileWriter w = writer(dir, Compression.NONE);
    assertTrue(attempt(w, 0, 5));
    for (String n : names(dir)) {
      Files.delete(dir.resolve(n)); // an operator removes the directory: the open file goes too
    }
    Files.delete(dir);
    assertFalse(attempt(w, 5, 10), "the writes land in a removed file: the commit must fail");
    assertTrue(attempt(w, 5, 10));
    w.close();
    assertEquals(docs(5, 10), finalLines(dir), "created again; the retried batch is there once");
  }

  @Test
  void aRenameThatFailsAfterACommitDoesNotFailItAndIsRetriedBeforeTheNextBatch()
      throws IOException {
    Path dir = root.resolve("out");
    RollingFileWriter w = writer(dir, Compression.NONE);
    assertTrue(attempt(w, 0, 5));
    String inProgress = names(dir).get(0);
    Path blocker = dir.resolve(FileNames.finalOf(inProgress));
    Files.createDirectory(blocker); // something takes the final name; a rename must not replace it
    w.append(doc(5));
    clock.advance(Duration.ofMinutes(5));
    w.commit(); // the roll fails; the batch is durable all the same
    assertEquals(docs(0, 6), Output.lines(dir.resolve(inProgress)));
    List<Boolean> attempts = new ArrayList<>();
    attempts.add(attempt(w, 6, 8));
    attempts.add(attempt(w, 6, 8));
    Files.delete(blocker);
    attempts.add(attempt(w, 6, 8));
    w.close();
    assertEquals(List.of(false, false, true), attempts);
    assertEquals(docs(0, 8), finalLines(dir));
    assertEquals(2, names(dir).size());
  }

  @Test
  void gzipFilesRecoverTheSameWay() throws IOException {
    Path dir = root.resolve("out");
    RollingFileWriter w = writer(dir, Compression.GZIP);
    assertTrue(attempt(w, 0, 10));
    opener.lastFile().writeBudget = 7;
    assertFalse(attempt(w, 10, 2000));
    opener.lastFile().writeBudget = Long.MAX_VALUE;
    assertTrue(attempt(w, 10, 2000));
    w.close();
    assertEquals(docs(0, 2000), finalLines(dir));
  }
}
