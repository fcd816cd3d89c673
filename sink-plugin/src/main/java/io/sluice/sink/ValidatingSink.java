package io.sluice.sink;

import io.sluice.core.pipeline.DurablyHandled;
import io.sluice.core.pipeline.TakeNow;
import io.sluice.core.time.Clock;
import io.sluice.sink.document.DocumentLimits;
import io.sluice.sink.document.DocumentMapper;
import io.sluice.sink.validate.CheckedEvent;
import io.sluice.sink.validate.DeadLetterRecords;
import io.sluice.sink.validate.EventValidator;
import io.sluice.sink.validate.SchemaSettings;
import io.sluice.sink.write.EventWriter;
import io.sluice.sink.write.HecWriter;
import io.sluice.sink.write.NullWriter;
import io.sluice.sink.write.RollingFileWriter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import org.apache.flume.Channel;
import org.apache.flume.Context;
import org.apache.flume.Event;
import org.apache.flume.Transaction;
import org.apache.flume.conf.BatchSizeSupported;
import org.apache.flume.conf.Configurable;
import org.apache.flume.sink.AbstractSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes events in batches, maps each to its document (DESIGN.md, "Event documents"), validates
 * it against the configured JSON Schema, writes the valid ones and dead-letters (or drops) the
 * invalid ones, makes both durable, and only then commits the take.
 *
 * <p><b>Failures.</b> When a write fails (directory gone, disk full), what the batch appended is
 * truncated away, the take is rolled back and the sink waits before trying again, from 100 ms
 * doubling up to {@code maxBackoff}: nothing taken is lost, and, while the process runs, nothing
 * is written twice. The dead letter is made durable before the documents: if the documents' commit
 * then fails, the retry repeats only dead-letter records. After a crash, the batch whose writes
 * were durable but whose take was not committed is taken and written again (at least once).
 *
 * <p>Invalid events never stall the sink nor make it roll back: they are dead-lettered, or counted
 * and dropped ({@code onInvalid = drop}).
 *
 * <p>With {@code writer = hec} the documents are forwarded to a Splunk HTTP Event Collector
 * ({@link HecWriter}), and the take commits only once HEC has accepted (or, with {@code
 * hec.useAck}, acknowledged) every request of the batch: at least once, since a batch that fails
 * part way is sent again whole.
 *
 * <p>After each commit, the events written, dead-lettered or dropped as invalid ({@code onInvalid =
 * drop}) are reported to {@link DurablyHandled}, for sources that acknowledge (HEC); not those the
 * writer gave up on ({@link EventWriter#droppedByLastCommit}: HEC refused them for good), which
 * are not counted as {@code written} either.
 */
public class ValidatingSink extends AbstractSink implements Configurable, BatchSizeSupported {

  private static final Logger LOG = LoggerFactory.getLogger(ValidatingSink.class);
  private static final long LOG_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

  private SinkSettings settings;
  private EventValidator validator;
  private DeadLetterRecords deadLetterRecords;
  private Clock clock = Clock.SYSTEM;
  private LongConsumer sleeper = ValidatingSink::sleep;

  private SinkMetrics metrics;
  private EventWriter writer;
  private EventWriter deadLetter; // null with onInvalid = drop
  private Backoff backoff;
  private final List<Event> taken = new ArrayList<>();
  private final List<Event> handled = new ArrayList<>();
  private final List<Appended> appended = new ArrayList<>(); // the valid ones, in the writer's order
  private long lastFailureLog = System.nanoTime() - LOG_EVERY_NANOS;

  /** For tests, before configure(): the clock of file names and rolls, and how waits are made. */
  void setTime(Clock clock, LongConsumer sleeper) {
    this.clock = clock;
    this.sleeper = sleeper;
  }

  @Override
  public void configure(Context ctx) {
    settings = SinkSettings.parse(ctx);
    DocumentLimits limits = DocumentLimits.from(ctx.getParameters());
    validator = new EventValidator(new DocumentMapper(limits), SchemaSettings.from(ctx).load());
    deadLetterRecords = settings.deadLetter() == null ? null
        : new DeadLetterRecords(getName(), clock, limits.maxDocumentBytes());
  }

  @Override
  public long getBatchSize() {
    return settings.batchSize();
  }

  @Override
  public synchronized void start() {
    metrics = new SinkMetrics(getName());
    backoff = new Backoff(settings.maxBackoff());
    writer = writer();
    deadLetter = settings.deadLetter() == null ? null
        : new RollingFileWriter(settings.deadLetter(), getName(), clock);
    metrics.start();
    if (validator.schemas().isEmpty()) {
      LOG.warn("Sink {}: no schema (key 'schema'): every document passes, only maxDocumentBytes"
          + " and maxNestingDepth are checked", getName());
    }
    LOG.info("Sink {}: validating against {}, writing {}, invalid events {}", getName(),
        validator.schemas(), destination(),
        deadLetter == null ? "dropped" : "to " + settings.deadLetter().directory());
    super.start();
  }

  private EventWriter writer() {
    if (settings.fileWriter() != null) {
      return new RollingFileWriter(settings.fileWriter(), getName(), clock);
    }
    if (settings.hecWriter() != null) {
      LongConsumer sinkSleeper = sleeper;
      // The sink's sleeper swallows an interrupt (keeping the flag); the writer must end its
      // retries on one, so it is told.
      HecWriter.Sleeper waits = millis -> {
        sinkSleeper.accept(millis);
        if (Thread.currentThread().isInterrupted()) {
          throw new InterruptedException();
        }
      };
      return new HecWriter(settings.hecWriter(), getName(), metrics.hec(), clock, waits);
    }
    return new NullWriter();
  }

  /** For the start line: where valid documents go; never the HEC token. */
  private String destination() {
    if (writer instanceof HecWriter hec) {
      return "to HEC at " + settings.hecWriter().describe() + " on channel " + hec.channel();
    }
    return settings.fileWriter() == null ? "nowhere (writer = null)"
        : "to " + settings.fileWriter().directory();
  }

  @Override
  public synchronized void stop() {
    close(writer, settings.hecWriter() != null ? "its HEC connections" : "its files");
    close(deadLetter, "its dead-letter files");
    if (metrics != null) { // null if start() failed
      metrics.stop();
    }
    super.stop();
  }

  @Override
  public Status process() {
    Channel channel = getChannel();
    Transaction tx = channel.getTransaction();
    tx.begin();
    try {
      taken.clear();
      // The first take waits for an event; the others take what is there (TakeNow), so that a
      // batch is written when the stream pauses rather than keep-alive later.
      TakeNow now = channel instanceof TakeNow t ? t : null;
      for (int i = 0; i < settings.batchSize(); i++) {
        Event e = i > 0 && now != null ? now.takeNow() : channel.take();
        if (e == null) {
          break;
        }
        taken.add(e);
      }
      if (taken.isEmpty()) {
        tx.commit();
        metrics.counter.incrementBatchEmptyCount();
        rollIfDue();
        return Status.BACKOFF;
      }
      metrics.counter.addToEventDrainAttemptCount(taken.size());
      Written w = write(taken);
      commitTake(tx);
      counted(w);
      backoff.succeeded();
      if (DurablyHandled.listening()) {
        DurablyHandled.report(getName(), List.copyOf(handled));
      }
      return Status.READY;
    } catch (IOException | RuntimeException e) {
      return failed(tx, e);
    } finally {
      tx.close();
    }
  }

  /**
   * Commits the take of a batch already written. If that fails (Flume's FileChannel on a full
   * disk, say), the channel gives the batch again: it is first taken back out of the files,
   * where they can (the batch's files are still open), so that it is written once.
   */
  private void commitTake(Transaction tx) {
    try {
      tx.commit();
    } catch (RuntimeException e) {
      boolean undone = undo(writer, e) & (deadLetter == null || undo(deadLetter, e));
      if (!undone) {
        LOG.warn("Sink {}: the take of a written batch failed to commit, and the batch could not"
            + " be taken back (sent, or its file closed): the channel's redelivery writes it"
            + " again", getName());
      }
      throw e;
    }
  }

  /** Takes the last commit back out of {@code w}; a failure to is added to {@code cause}. */
  private static boolean undo(EventWriter w, Exception cause) {
    try {
      return w.undoLastCommit();
    } catch (IOException | RuntimeException undoFailed) {
      cause.addSuppressed(undoFailed);
      return false;
    }
  }

  /** What a batch came to, counted once its take is committed. */
  private record Written(int valid, int invalid, int deadLettered, Dropped dropped, long bytes) {}

  /** A valid event as appended to the writer, and the size of its document. */
  private record Appended(Event event, int bytes) {}

  /** What the writer gave up on: how many documents, and their bytes. */
  private record Dropped(int count, long bytes) {
    static final Dropped NONE = new Dropped(0, 0);
  }

  private Written write(List<Event> batch) throws IOException {
    handled.clear();
    appended.clear();
    int valid = 0;
    int invalid = 0;
    int deadLettered = 0;
    long bytes = 0;
    long validationNanos = 0;
    long start = System.nanoTime();
    for (Event e : batch) {
      long t0 = System.nanoTime();
      CheckedEvent checked = validator.check(e.getHeaders(), e.getBody());
      validationNanos += System.nanoTime() - t0;
      if (checked.isValid()) {
        byte[] json = checked.json();
        writer.append(json, e.getHeaders()); // the hec writer's envelopes take metadata from them
        bytes += json.length;
        valid++;
        appended.add(new Appended(e, json.length));
        handled.add(e); // unless the writer gives up on it (below)
      } else {
        invalid++;
        if (deadLetter != null) {
          deadLetter.append(deadLetterRecords.record(e.getHeaders(), e.getBody(), checked.validation()));
          deadLettered++;
        }
        handled.add(e); // dead-lettered, or dropped as configured: either way handled
      }
    }
    if (deadLettered > 0) {
      deadLetter.commit();
    }
    try {
      writer.commit();
    } catch (IOException | RuntimeException e) {
      // the batch goes back to the channel and will be dead-lettered again: take these out
      if (deadLettered > 0 && !undo(deadLetter, e)) {
        LOG.warn("Sink {}: the dead-letter records of a failed batch could not be taken back; its"
            + " retry writes them again", getName());
      }
      throw e;
    }
    Dropped dropped = leaveOutDropped();
    // One histogram update per batch, not per event: the mean per event.
    metrics.validationMicros.update(validationNanos / 1000 / batch.size());
    metrics.writeMicros.update((System.nanoTime() - start - validationNanos) / 1000);
    return new Written(valid, invalid, deadLettered, dropped, bytes);
  }

  /**
   * Leaves out of {@code handled} the documents the writer gave up on (HEC refused them for good:
   * dropped, and counted by the writer in {@code hec.refused}): neither written nor dead-lettered,
   * they must not turn an upstream acknowledgement true, nor count as written.
   */
  private Dropped leaveOutDropped() {
    List<Integer> dropped = writer.droppedByLastCommit();
    if (dropped.isEmpty()) {
      return Dropped.NONE;
    }
    Set<Event> out = Collections.newSetFromMap(new IdentityHashMap<>());
    long bytes = 0;
    for (int i : dropped) {
      Appended a = appended.get(i);
      out.add(a.event());
      bytes += a.bytes();
    }
    handled.removeIf(out::contains);
    return new Dropped(out.size(), bytes);
  }

  private void counted(Written w) {
    metrics.valid.inc(w.valid());
    metrics.invalid.inc(w.invalid());
    metrics.written.inc(w.valid() - w.dropped().count());
    metrics.bytes.inc(w.bytes() - w.dropped().bytes());
    metrics.deadLetterWritten.inc(w.deadLettered());
    metrics.counter.addToEventDrainSuccessCount(taken.size());
    if (taken.size() == settings.batchSize()) {
      metrics.counter.incrementBatchCompleteCount();
    } else {
      metrics.counter.incrementBatchUnderflowCount();
    }
  }

  /**
   * A batch failed: forget what it appended, give its events back to the channel, and wait before
   * the next attempt. Returns READY after the wait, so that Flume's runner does not add its own.
   */
  private Status failed(Transaction tx, Exception cause) {
    abort(writer);
    abort(deadLetter);
    try {
      tx.rollback();
    } catch (RuntimeException e) {
      LOG.warn("Sink {}: rollback failed after {}: {}", getName(), cause, e.toString());
    }
    metrics.writeErrors.inc();
    metrics.retries.inc();
    metrics.counter.incrementEventWriteOrChannelFail(cause);
    long wait = backoff.failed();
    long now = System.nanoTime();
    if (now - lastFailureLog >= LOG_EVERY_NANOS) {
      lastFailureLog = now;
      LOG.warn("Sink {}: a batch of {} events failed and goes back to the channel; trying again"
          + " in {} ms (logged at most once per 10 s): {}", getName(), taken.size(), wait,
          cause.toString(), cause);
    }
    sleeper.accept(wait);
    return Thread.currentThread().isInterrupted() ? Status.BACKOFF : Status.READY;
  }

  private void rollIfDue() {
    try {
      if (writer instanceof RollingFileWriter files) {
        files.rollIfDue();
      }
      if (deadLetter instanceof RollingFileWriter files) {
        files.rollIfDue();
      }
    } catch (IOException e) {
      metrics.writeErrors.inc();
      LOG.warn("Sink {}: closing a file that was due failed (tried again later): {}", getName(), e.toString());
    }
  }

  private void abort(EventWriter w) {
    if (w == null) {
      return;
    }
    try {
      w.abort();
    } catch (IOException e) {
      LOG.warn("Sink {}: could not forget a failed batch yet ({}); nothing more is written"
          + " until it is", getName(), e.toString());
    }
  }

  private void close(EventWriter w, String what) {
    if (w == null) {
      return;
    }
    try {
      w.close();
    } catch (IOException e) {
      LOG.warn("Sink {}: closing {} failed: {}", getName(), what, e.toString());
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // the sink is stopping
    }
  }
}
