package io.sluice.sink.write;

import static io.sluice.sink.write.Output.doc;
import static io.sluice.sink.write.Output.docs;
import static io.sluice.sink.write.Output.finalLines;
import static io.sluice.sink.write.Output.names;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.core.time.ManualClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A process that dies without closing its writer: simulated by dropping the writer and closing its
 * channels underneath it, as the kernel does, without flush or rename.
 */
class CrashTest {

  @TempDir Path dir;
  final ManualClock clock = new ManualClock();
  final RecordingOpener opener = new RecordingOpener();

  RollingFileWriter writer(Compression compression) {
    return new RollingFileWriter(new FileWriterSettings(dir, "sluice", 1 << 20,
        Duration.ofMinutes(5), false, compression), "k1", clock, opener);
  }

  void crash() throws IOException {
    for (FaultyChannel c : opener.files) {
      c.die();
    }
  }

  static void batch(EventWriter w, int from, int to) throws IOException {
    for (int i = from; i < to; i++) {
      w.append(doc(i));
    }
    w.commit();
  }

  @ParameterizedTest
  @EnumSource(Compression.class)
  void aCrashLeavesTheInProgressFileHoldingExactlyTheCommittedBatches(Compression c)
      throws IOException {
    RollingFileWriter w = writer(c);
    batch(w, 0, 10);
    batch(w, 10, 20);
    for (int i = 20; i < 30; i++) {
      w.append(doc(i)); // uncommitted, within the buffer
    }
    crash();
    List<String> left = names(dir);
    assertEquals(1, left.size());
    assertTrue(left.get(0).endsWith(c.extension() + ".inprogress"), left.toString());
    assertEquals(docs(0, 20), Output.lines(dir.resolve(left.get(0))));
  }

  @ParameterizedTest
  @EnumSource(Compression.class)
  void theNextRunRenamesALeftOverFileCutBackToWholeBatchesAndNeverWritesToIt(Compression c)
      throws IOException {
    RollingFileWriter w = writer(c);
    batch(w, 0, 10);
    List<String> bigLines = new ArrayList<>();
    java.util.Random random = new java.util.Random(42); // text gzip cannot shrink much
    for (int i = 0; i < 200; i++) {
      StringBuilder m = new StringBuilder("{\"m\":\"");
      for (int k = 0; k < 1000; k++) {
        m.append(Character.forDigit(random.nextInt(16), 16));
      }
      bigLines.add(m.append("\"}").toString());
      w.append(bigLines.get(i).getBytes(UTF_8)); // ~200 KB: partly written through
    }
    crash();
    Path left = dir.resolve(names(dir).get(0));
    long leftSize = Files.size(left);
    assertTrue(leftSize > ChannelOutput.BUFFER_BYTES / 2, "some of the batch reached the file");

    RollingFileWriter next = writer(c);
    batch(next, 10, 20);
    next.close();
    List<String> files = names(dir);
    assertEquals(2, files.size(), files.toString());
    assertEquals(FileNames.finalOf(left.getFileName().toString()), files.get(0));
    assertEquals(files.get(0).replace("-0000.", "-0001."), files.get(1));
    List<String> recovered = Output.lines(dir.resolve(files.get(0)));
    assertEquals(docs(0, 10), recovered.subList(0, 10), "every committed batch kept");
    if (c == Compression.GZIP) {
      assertEquals(10, recovered.size(), "the cut member is dropped whole");
    } else {
      // Whole lines of the cut batch stay: the channel delivers that batch again (documented).
      assertTrue(recovered.size() > 10);
      assertEquals(bigLines.subList(0, recovered.size() - 10),
          recovered.subList(10, recovered.size()));
    }
    assertEquals(docs(10, 20), Output.lines(dir.resolve(files.get(1))));
    if (c == Compression.GZIP) {
      GzipFilesTest.assertGzipToolAccepts(dir.resolve(files.get(0)), docs(0, 10));
    }
  }

  @Test
  void aLeftOverWithNoWholeLineIsDeleted() throws IOException {
    Path left = dir.resolve("sluice-k1-20231114T220000Z-0000.ndjson.inprogress");
    Files.writeString(left, "{\"n\":");
    RollingFileWriter w = writer(Compression.NONE);
    batch(w, 0, 1);
    w.close();
    assertEquals(List.of("sluice-k1-20231114T221320Z-0000.ndjson"), names(dir));
  }

  @Test
  void recoveryLeavesAloneTheFilesOfOtherSinksAndOfLiveWriters() throws IOException {
    Path otherSink = dir.resolve("sluice-k1-b-20231114T220000Z-0000.ndjson.inprogress");
    Path otherPrefix = dir.resolve("deadletter-k1-20231114T220000Z-0000.ndjson.inprogress");
    Files.writeString(otherSink, "{}\n");
    Files.writeString(otherPrefix, "{}\n");
    RollingFileWriter live = writer(Compression.NONE);
    batch(live, 0, 5);
    live.append(doc(5));
    clock.advance(Duration.ofSeconds(1));
    RollingFileWriter second = writer(Compression.NONE); // misconfigured: same sink, same place
    batch(second, 100, 101);
    live.commit();
    live.close();
    second.close();
    assertTrue(Files.exists(otherSink));
    assertTrue(Files.exists(otherPrefix));
    List<String> mine = new ArrayList<>();
    for (String n : names(dir)) {
      if (n.startsWith("sluice-k1-2")) {
        mine.add(n);
      }
    }
    assertEquals(List.of("sluice-k1-20231114T221320Z-0000.ndjson",
        "sluice-k1-20231114T221321Z-0000.ndjson"), mine);
    assertEquals(docs(0, 6), Output.lines(dir.resolve(mine.get(0))),
        "the live file was not cut back or renamed under its writer");
    assertEquals(docs(100, 101), finalLines(dir).subList(6, 7));
  }
}
