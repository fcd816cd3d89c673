package io.sluice.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.core.pipeline.DurablyHandled;
import io.sluice.core.time.ManualClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.flume.Channel;
import org.apache.flume.Context;
import org.apache.flume.Event;
import org.apache.flume.Sink;
import org.apache.flume.Transaction;
import org.apache.flume.channel.MemoryChannel;
import org.apache.flume.conf.Configurables;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ValidatingSink draining a real MemoryChannel into real files, with the shipped syslog schema:
 * what is valid is written once, what is not is dead-lettered once, and a failing directory loses
 * and repeats nothing.
 */
class ValidatingSinkTest {

  private static final Path SYSLOG_SCHEMA = Paths.get("..", "conf-examples", "schemas",
      "syslog-event.schema.json").toAbsolutePath().normalize();

  @TempDir Path dir;
  private final ManualClock clock = new ManualClock();
  private final List<Long> waits = new ArrayList<>();
  private ValidatingSink sink;
  private MemoryChannel channel;

  @AfterEach
  void stop() {
    if (sink != null && sink.getLifecycleState() == org.apache.flume.lifecycle.LifecycleState.START) {
      sink.stop();
    }
  }

  private void start(String... keyValues) {
    channel = new MemoryChannel();
    channel.setName("c1");
    Configurables.configure(channel, new Context(Map.of("capacity", "10000", "transactionCapacity", "1000")));
    channel.start();
    Map<String, String> conf = new HashMap<>(Map.of("schema", SYSLOG_SCHEMA.toString(),
        "file.directory", dir.resolve("out").toString(),
        "deadLetter.directory", dir.resolve("dead").toString(), "batchSize", "10"));
    for (int i = 0; i < keyValues.length; i += 2) {
      conf.put(keyValues[i], keyValues[i + 1]);
    }
    sink = new ValidatingSink();
    sink.setName("k1");
    sink.setChannel(channel);
    sink.setTime(clock, waits::add);
    Configurables.configure(sink, new Context(conf));
    sink.start();
  }

  private static Event event(int i, boolean valid) {
    return SyslogTestEvents.event(i, valid);
  }


  /** Puts {@code n} events, id-0 to id-(n-1), of which every fifth (id-0, id-5, ...) is invalid. */
  private void putEveryFifthInvalid(int n) {
    List<Event> events = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      events.add(event(i, i % 5 != 0));
    }
    put(events);
  }

  private void put(List<Event> events) {
    Transaction tx = channel.getTransaction();
    tx.begin();
    events.forEach(channel::put);
    tx.commit();
    tx.close();
  }

  private static List<String> lines(Path d) throws IOException {
    if (!Files.isDirectory(d)) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(d).sorted()) {
      for (Path f : files.toList()) {
        out.addAll(Files.readAllLines(f));
      }
    }
    return out;
  }

  private static long count(List<String> lines, String id) {
    return lines.stream().filter(l -> l.contains("\"" + id + "\"")).count();
  }

  @Test
  void validEventsAreWrittenAndInvalidOnesDeadLetteredEachOnce() throws IOException {
    start();
    putEveryFifthInvalid(25);
    List<List<Event>> heard = new ArrayList<>();
    try (DurablyHandled.Registration r = DurablyHandled.listen((name, handled) -> heard.add(handled))) {
      assertEquals(Sink.Status.READY, sink.process());
      assertEquals(Sink.Status.READY, sink.process());
      assertEquals(Sink.Status.READY, sink.process());
      assertEquals(Sink.Status.BACKOFF, sink.process(), "the channel is empty");
    }
    sink.stop();
    List<String> out = lines(dir.resolve("out"));
    List<String> dead = lines(dir.resolve("dead"));
    assertEquals(20, out.size(), out::toString);
    assertEquals(5, dead.size(), dead::toString);
    for (int i = 0; i < 25; i++) {
      assertEquals(i % 5 != 0 ? 1 : 0, count(out, "id-" + i), "written: id-" + i);
      assertEquals(i % 5 != 0 ? 0 : 1, count(dead, "id-" + i), "dead-lettered: id-" + i);
    }
    assertTrue(out.get(0).startsWith("{") && out.get(0).contains("\"message\":\"message 1\""), out.get(0));
    assertTrue(dead.get(0).contains("severity"), "the record says why: " + dead.get(0));
    assertEquals(List.of(10, 10, 5), heard.stream().map(List::size).toList(),
        "every event taken was handled durably, reported per committed batch");
    try (Stream<Path> files = Files.list(dir.resolve("out"))) {
      assertTrue(files.noneMatch(f -> f.toString().endsWith(".inprogress")), "closed at stop");
    }
  }

  /** {@code writer = null}: validates and counts, writes no document, dead-letters as ever. */
  @Test
  void theNullWriterValidatesAndDeadLettersButWritesNoDocument() throws IOException {
    start("writer", "null");
    putEveryFifthInvalid(25);
    List<List<Event>> heard = new ArrayList<>();
    try (DurablyHandled.Registration r = DurablyHandled.listen((name, handled) -> heard.add(handled))) {
      while (sink.process() == Sink.Status.READY) {
        // drain
      }
    }
    sink.stop();
    assertEquals(0, sizeOf(channel), "every event taken");
    assertEquals(List.of(), lines(dir.resolve("out")), "no document written");
    List<String> dead = lines(dir.resolve("dead"));
    assertEquals(5, dead.size(), dead::toString);
    for (int i = 0; i < 25; i += 5) {
      assertEquals(1, count(dead, "id-" + i), "dead-lettered: id-" + i);
    }
    assertEquals(25, heard.stream().mapToInt(List::size).sum(), "every event handled");
  }

  /**
   * A take that fails to commit after its batch was written (Flume's FileChannel on a full disk):
   * the batch is cut from the files before the channel gives it again, so it is written once.
   */
  @Test
  void aBatchWhoseTakeFailsToCommitIsTakenBackOutOfTheFilesAndWrittenOnce() throws IOException {
    start();
    FailingTakeCommit failing = new FailingTakeCommit(channel);
    sink.stop();
    sink = new ValidatingSink();
    sink.setName("k1");
    sink.setChannel(failing);
    sink.setTime(clock, waits::add);
    Configurables.configure(sink, new Context(Map.of("schema", SYSLOG_SCHEMA.toString(),
        "file.directory", dir.resolve("out").toString(),
        "deadLetter.directory", dir.resolve("dead").toString(), "batchSize", "10")));
    sink.start();
    List<Event> events = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      events.add(event(i, i != 3)); // one invalid: the dead letter is taken back too
    }
    put(events);
    failing.failNextCommit = true;
    sink.process(); // written, then the take fails: taken back, rolled back
    assertEquals(1, waits.size(), "it backed off");
    assertEquals(Sink.Status.READY, sink.process());
    sink.stop();
    List<String> out = lines(dir.resolve("out"));
    List<String> dead = lines(dir.resolve("dead"));
    for (int i = 0; i < 10; i++) {
      assertEquals(i != 3 ? 1 : 0, count(out, "id-" + i), "written once: id-" + i);
    }
    assertEquals(1, count(dead, "id-3"), "dead-lettered once");
  }

  /** A channel whose next commit fails, after the batch was taken (and written). */
  private static final class FailingTakeCommit extends org.apache.flume.channel.AbstractChannel {
    private final MemoryChannel inner;
    boolean failNextCommit;

    FailingTakeCommit(MemoryChannel inner) {
      this.inner = inner;
      setName(inner.getName());
    }

    @Override
    public void put(Event event) {
      inner.put(event);
    }

    @Override
    public Event take() {
      return inner.take();
    }

    @Override
    public Transaction getTransaction() {
      Transaction t = inner.getTransaction();
      return new Transaction() {
        @Override
        public void begin() {
          t.begin();
        }

        @Override
        public void commit() {
          if (failNextCommit) {
            failNextCommit = false;
            throw new org.apache.flume.ChannelException("the take's commit failed (injected)");
          }
          t.commit();
        }

        @Override
        public void rollback() {
          t.rollback();
        }

        @Override
        public void close() {
          t.close();
        }
      };
    }
  }

  /** Invalid events dropped as configured are handled too: an HEC ack must not wait for them. */
  @Test
  void invalidEventsDroppedAsConfiguredAreReportedHandled() throws IOException {
    start("onInvalid", "drop");
    putEveryFifthInvalid(10);
    List<List<Event>> heard = new ArrayList<>();
    try (DurablyHandled.Registration r = DurablyHandled.listen((name, handled) -> heard.add(handled))) {
      assertEquals(Sink.Status.READY, sink.process());
    }
    sink.stop();
    assertEquals(List.of(10), heard.stream().map(List::size).toList());
    assertEquals(8, lines(dir.resolve("out")).size(), "the valid ones written");
  }

  @Test
  void aDirectoryThatCannotBeWrittenLosesAndRepeatsNothingAndBacksOffExponentially() throws IOException {
    start("onInvalid", "drop");
    List<Event> events = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      events.add(event(i, true));
    }
    put(events);
    assertEquals(Sink.Status.READY, sink.process()); // id-0..9 written
    Path out = dir.resolve("out");
    Path aside = fileInPlaceOf(out);
    for (int i = 0; i < 4; i++) {
      sink.process(); // each fails and gives its batch back
    }
    assertEquals(List.of(100L, 200L, 400L, 800L), waits);
    assertEquals(20, sizeOf(channel), "the failed batches went back to the channel");
    putBack(out, aside);
    while (sink.process() == Sink.Status.READY) {
      // drain
    }
    sink.stop();
    List<String> lines = lines(out);
    assertEquals(30, lines.size());
    for (int i = 0; i < 30; i++) {
      assertEquals(1, count(lines, "id-" + i), "id-" + i + " once");
    }
  }

  @Test
  void deadLetterRecordsOfABatchWhoseDocumentsFailToCommitAreTakenBackAndWrittenOnce() throws IOException {
    start(); // onInvalid = deadLetter
    List<Event> events = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      events.add(event(i, i < 10 || i % 3 != 0)); // the first batch valid; then every third invalid
    }
    put(events);
    assertEquals(Sink.Status.READY, sink.process()); // id-0..9 written: the documents' file is open
    Path out = dir.resolve("out");
    Path aside = fileInPlaceOf(out);
    for (int i = 0; i < 3; i++) {
      sink.process(); // dead letters committed, then the documents' commit fails: all taken back
    }
    assertEquals(List.of(100L, 200L, 400L), waits);
    assertEquals(List.of(), lines(dir.resolve("dead")).stream().filter(l -> !l.isEmpty()).toList(),
        "no dead-letter record of a batch that went back to the channel");
    putBack(out, aside);
    while (sink.process() == Sink.Status.READY) {
      // drain
    }
    sink.stop();
    List<String> written = lines(out);
    List<String> dead = lines(dir.resolve("dead"));
    for (int i = 0; i < 30; i++) {
      boolean valid = i < 10 || i % 3 != 0;
      assertEquals(valid ? 1 : 0, count(written, "id-" + i), "id-" + i + " written");
      assertEquals(valid ? 0 : 1, count(dead, "id-" + i), "id-" + i + " dead-lettered");
    }
    assertEquals(24, written.size());
    assertEquals(6, dead.size());
  }

  /** Moves {@code d} aside and puts a file in its place: it cannot be written to. Returns where it went. */
  private Path fileInPlaceOf(Path d) throws IOException {
    Path aside = dir.resolve("aside");
    Files.move(d, aside);
    Files.writeString(d, "a file where the directory was");
    return aside;
  }

  private static void putBack(Path d, Path aside) throws IOException {
    Files.delete(d);
    Files.move(aside, d);
  }

  private static int sizeOf(Channel c) {
    return SyslogTestEvents.sizeOf(c);
  }


  @Test
  void badSettingsStopTheSinkAtConfigureTimeNamingTheKey() {
    for (String[] kv : List.of(new String[] {"writer", "s3"},
        new String[] {"onInvalid", "keep"}, new String[] {"batchSize", "0"},
        new String[] {"maxBackoff", "0ms"}, new String[] {"schema", "/no/such/schema.json"})) {
      ValidatingSink s = new ValidatingSink();
      s.setName("bad");
      Map<String, String> conf = new HashMap<>(Map.of("schema", SYSLOG_SCHEMA.toString(),
          "file.directory", dir.resolve("o").toString(), "deadLetter.directory", dir.resolve("d").toString()));
      conf.put(kv[0], kv[1]);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> Configurables.configure(s, new Context(conf)), String.join("=", kv));
      assertTrue(e.getMessage().contains(kv[0]), e.getMessage());
    }
  }
}
