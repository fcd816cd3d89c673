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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files, names, batches and rolling, on a real directory and a fake clock. */
class RollingFileWriterTest {

  @TempDir Path dir;
  final ManualClock clock = new ManualClock(); // wall time 2023-11-14T22:13:20Z

  FileWriterSettings settings(long rollSize, Duration rollInterval) {
    return new FileWriterSettings(dir, "sluice", rollSize, rollInterval, false, Compression.NONE);
  }

  RollingFileWriter writer(long rollSize, Duration rollInterval) {
    return new RollingFileWriter(settings(rollSize, rollInterval), "k1", clock);
  }

  static void batch(EventWriter w, int from, int to) throws IOException {
    for (int i = from; i < to; i++) {
      w.append(doc(i));
    }
    w.commit();
  }

  @Test
  void aFileIsInProgressWhileWrittenAndTakesItsFinalNameWhenClosed() throws IOException {
    RollingFileWriter w = writer(1 << 20, Duration.ofMinutes(5));
    batch(w, 0, 3);
    assertEquals(List.of("sluice-k1-20231114T221320Z-0000.ndjson.inprogress"), names(dir));
    assertEquals(docs(0, 3), Output.lines(dir.resolve(names(dir).get(0))),
        "committed lines are in the file before it is closed");
    w.close();
    assertEquals(List.of("sluice-k1-20231114T221320Z-0000.ndjson"), names(dir));
    assertEquals(docs(0, 3), finalLines(dir));
  }

  @Test
  void noFileIsCreatedUntilADocumentComesAndAnEmptyFileIsNotKept() throws IOException {
    RollingFileWriter w = writer(1 << 20, Duration.ofMinutes(5));
    w.commit();
    assertEquals(List.of(), names(dir));
    w.append(doc(1));
    w.abort();
    w.close();
    assertEquals(List.of(), names(dir), "a file that never held a committed batch is deleted");
  }

  @Test
  void theLastCommitIsTakenBackWhileItsFileIsOpenAndNeverAnEarlierOne() throws IOException {
    RollingFileWriter w = writer(1 << 20, Duration.ofMinutes(5));
    batch(w, 0, 2);
    batch(w, 2, 4);
    assertTrue(w.undoLastCommit());
    assertTrue(w.undoLastCommit(), "once taken back, nothing more to take");
    batch(w, 2, 4); // the channel's redelivery
    w.commit(); // a batch with nothing to write (all invalid, say)
    assertTrue(w.undoLastCommit(), "nothing to take back");
    w.close();
    assertEquals(docs(0, 4), finalLines(dir), "the earlier batches stay, the undone one is written once");
  }

  @Test
  void aCommitThatClosedItsFileCannotBeTakenBack() throws IOException {
    RollingFileWriter w = writer(FileWriterSettings.MIN_ROLL_SIZE, Duration.ofMinutes(5));
    batch(w, 0, 200); // past the roll size: closed and renamed by this commit
    assertFalse(w.undoLastCommit());
    w.close();
    assertEquals(docs(0, 200), finalLines(dir));
  }

  @Test
  void abortForgetsTheBatchAndItsRetryIsWrittenOnce() throws IOException {
    RollingFileWriter w = writer(1 << 20, Duration.ofMinutes(5));
    batch(w, 0, 2);
    w.append(doc(2));
    w.append(doc(3));
    w.abort();
    batch(w, 2, 4);
    w.close();
    assertEquals(docs(0, 4), finalLines(dir));
  }

  @Test
  void aFileRollsAfterTheCommitThatReachesTheRollSizeNeverWithinABatch() throws IOException {
    RollingFileWriter w = writer(1024, Duration.ZERO);
    // each document is 8 or 9 bytes with its line end: 200 documents are ~1.8 KiB in one batch
    batch(w, 0, 200);
    assertEquals(1, names(dir).size(), "a batch is never split across files");
    assertTrue(names(dir).get(0).endsWith(".ndjson"),
        "rolled right after the commit: " + names(dir));
    batch(w, 200, 210);
    batch(w, 210, 220);
    w.close();
    List<String> files = names(dir);
    assertEquals(List.of("sluice-k1-20231114T221320Z-0000.ndjson",
        "sluice-k1-20231114T221320Z-0001.ndjson"), files);
    assertEquals(docs(0, 200), Output.lines(dir.resolve(files.get(0))));
    assertEquals(docs(200, 220), Output.lines(dir.resolve(files.get(1))));
  }

  @Test
  void manySmallBatchesRollEachFileSoonAfterItReachesTheRollSize() throws IOException {
    RollingFileWriter w = writer(1024, Duration.ZERO);
    for (int b = 0; b < 100; b++) {
      batch(w, b * 10, b * 10 + 10);
    }
    w.close();
    List<String> files = names(dir);
    for (String f : files) {
      long size = Files.size(dir.resolve(f));
      assertTrue(size < 1024 + 10 * 12, f + " holds " + size + " bytes: at most one batch past"
          + " the roll size");
    }
    assertTrue(files.size() >= 7, "about 8.9 KiB in 1 KiB files: " + files);
    assertEquals(docs(0, 1000), finalLines(dir));
  }

  @Test
  void aFileWhoseIntervalPassedBetweenBatchesIsClosedBeforeTheNextBatch() throws IOException {
    RollingFileWriter w = writer(1 << 20, Duration.ofSeconds(30));
    batch(w, 0, 1);
    clock.advance(Duration.ofSeconds(29));
    batch(w, 1, 2);
    assertEquals(List.of("sluice-k1-20231114T221320Z-0000.ndjson.inprogress"), names(dir),
        "29s: still open");
    clock.advance(Duration.ofSeconds(1));
    batch(w, 2, 3);
    assertEquals(List.of("sluice-k1-20231114T221320Z-0000.ndjson",
        "sluice-k1-20231114T221350Z-0000.ndjson.inprogress"), names(dir),
        "the next file is named for when it opened");
    w.close();
    assertEquals(docs(0, 2), Output.lines(dir.resolve(names(dir).get(0))));
    assertEquals(docs(2, 3), Output.lines(dir.resolve(names(dir).get(1))));
  }

  @Test
  void aFileWhoseIntervalPassesDuringABatchIsClosedByThatBatchsCommit() throws IOException {
    RollingFileWriter w = writer(1 << 20, Duration.ofSeconds(30));
    batch(w, 0, 1);
    w.append(doc(1));
    clock.advance(Duration.ofSeconds(30));
    w.append(doc(2));
    assertEquals(List.of("sluice-k1-20231114T221320Z-0000.ndjson.inprogress"), names(dir),
        "never within a batch");
    w.commit();
    assertEquals(List.of("sluice-k1-20231114T221320Z-0000.ndjson"), names(dir));
    assertEquals(docs(0, 3), finalLines(dir));
  }

  @Test
  void anIdleFileIsClosedWhenTheSinkAsksAfterItsInterval() throws IOException {
    RollingFileWriter w = writer(1 << 20, Duration.ofMinutes(5));
    batch(w, 0, 5);
    clock.advance(Duration.ofMinutes(4));
    assertFalse(w.rollIfDue());
    assertTrue(names(dir).get(0).endsWith(".inprogress"));
    clock.advance(Duration.ofMinutes(1));
    assertTrue(w.rollIfDue());
    assertEquals(List.of("sluice-k1-20231114T221320Z-0000.ndjson"), names(dir));
    assertFalse(w.rollIfDue(), "nothing open");
    assertEquals(docs(0, 5), finalLines(dir));
  }

  @Test
  void anIdleRollWaitsForTheBatchUnderWay() throws IOException {
    RollingFileWriter w = writer(1 << 20, Duration.ofMinutes(5));
    batch(w, 0, 1);
    w.append(doc(1));
    clock.advance(Duration.ofMinutes(6));
    assertFalse(w.rollIfDue(), "a batch is under way: the roll waits for its commit");
    w.commit();
    assertEquals(List.of("sluice-k1-20231114T221320Z-0000.ndjson"), names(dir));
    assertEquals(docs(0, 2), finalLines(dir));
  }

  @Test
  void anIntervalOfZeroNeverRollsByTime() throws IOException {
    RollingFileWriter w = writer(1 << 20, Duration.ZERO);
    batch(w, 0, 1);
    clock.advance(Duration.ofDays(3));
    assertFalse(w.rollIfDue());
    batch(w, 1, 2);
    assertEquals(1, names(dir).size());
    assertTrue(names(dir).get(0).endsWith(".inprogress"));
  }

  @Test
  void filesOpenedInTheSameSecondTakeTheNextSequenceNumber() throws IOException {
    RollingFileWriter w = writer(1024, Duration.ZERO);
    for (int b = 0; b < 3; b++) {
      batch(w, b * 200, b * 200 + 200);
    }
    clock.advance(Duration.ofSeconds(1));
    batch(w, 600, 800);
    w.close();
    assertEquals(List.of("sluice-k1-20231114T221320Z-0000.ndjson",
        "sluice-k1-20231114T221320Z-0001.ndjson", "sluice-k1-20231114T221320Z-0002.ndjson",
        "sluice-k1-20231114T221321Z-0000.ndjson"), names(dir));
  }

  @Test
  void aRestartWithinTheSameSecondNeitherOverwritesNorSortsBeforeTheFilesBefore()
      throws IOException {
    RollingFileWriter first = writer(1 << 20, Duration.ZERO);
    batch(first, 0, 2);
    first.close();
    // a crashed run in the same second left 0001 with one whole line and a cut one
    Files.writeString(dir.resolve("sluice-k1-20231114T221320Z-0001.ndjson.inprogress"),
        "{\"n\":2}\n{\"n\":");
    RollingFileWriter second = writer(1 << 20, Duration.ZERO);
    batch(second, 3, 5);
    second.close();
    assertEquals(List.of("sluice-k1-20231114T221320Z-0000.ndjson",
        "sluice-k1-20231114T221320Z-0001.ndjson", "sluice-k1-20231114T221320Z-0002.ndjson"),
        names(dir), "0000 is taken, 0001 recovered from the crash, 0002 is new");
    assertEquals(docs(0, 5), finalLines(dir));
  }

  @Test
  void twoWritersOfOneSinkNameInOneDirectoryNeverShareAFile() throws IOException {
    RollingFileWriter a = writer(1 << 20, Duration.ZERO);
    RollingFileWriter b = writer(1 << 20, Duration.ZERO);
    batch(a, 0, 2);
    batch(b, 2, 4);
    a.close();
    b.close();
    assertEquals(List.of("sluice-k1-20231114T221320Z-0000.ndjson",
        "sluice-k1-20231114T221320Z-0001.ndjson"), names(dir));
    assertEquals(docs(0, 4), finalLines(dir));
  }

  @Test
  void sinksOnOneChannelWriteTheirOwnFiles() throws IOException {
    RollingFileWriter k1 = writer(1 << 20, Duration.ZERO);
    RollingFileWriter k2 = new RollingFileWriter(settings(1 << 20, Duration.ZERO), "k2", clock);
    batch(k1, 0, 2);
    batch(k2, 2, 4);
    k1.close();
    k2.close();
    assertEquals(List.of("sluice-k1-20231114T221320Z-0000.ndjson",
        "sluice-k2-20231114T221320Z-0000.ndjson"), names(dir));
    assertEquals(docs(0, 2), Output.lines(dir.resolve(names(dir).get(0))));
    assertEquals(docs(2, 4), Output.lines(dir.resolve(names(dir).get(1))));
  }

  @Test
  void aSinkNameCannotReachOutsideTheDirectory() throws IOException {
    RollingFileWriter w = new RollingFileWriter(settings(1 << 20, Duration.ZERO), "../k 1", clock);
    batch(w, 0, 1);
    w.close();
    assertEquals(List.of("sluice-.._k_1-20231114T221320Z-0000.ndjson"), names(dir));
  }

  @Test
  void aDocumentHoldingALineEndIsRefusedAndTheBatchGoesOn() throws IOException {
    RollingFileWriter w = writer(1 << 20, Duration.ZERO);
    w.append(doc(0));
    assertThrows(IllegalArgumentException.class,
        () -> w.append("{\"a\":\n1}".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    w.commit();
    w.close();
    assertEquals(docs(0, 1), finalLines(dir));
  }

  @Test
  void documentsLargerThanTheBufferAreWrittenWhole() throws IOException {
    RollingFileWriter w = writer(1 << 20, Duration.ZERO);
    String big = "{\"m\":\"" + "x".repeat(3 * ChannelOutput.BUFFER_BYTES) + "\"}";
    w.append(doc(0));
    w.append(big.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    w.append(doc(1));
    w.commit();
    w.close();
    assertEquals(List.of(docs(0, 1).get(0), big, docs(1, 2).get(0)), finalLines(dir));
  }

  @Test
  void aClosedWriterRefusesDocuments() throws IOException {
    RollingFileWriter w = writer(1 << 20, Duration.ZERO);
    w.close();
    w.close();
    assertThrows(IllegalStateException.class, () -> w.append(doc(0)));
  }

  @Test
  void closeForgetsTheBatchUnderWay() throws IOException {
    RollingFileWriter w = writer(1 << 20, Duration.ZERO);
    batch(w, 0, 2);
    for (int i = 2; i < 5000; i++) { // past the buffer: partly written through, then cut back
      w.append(doc(i));
    }
    w.close();
    assertEquals(docs(0, 2), finalLines(dir));
  }
}
