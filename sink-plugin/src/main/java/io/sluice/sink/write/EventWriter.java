package io.sluice.sink.write;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Where ValidatingSink puts documents, one batch (one Flume take transaction) at a time: a file of
 * NDJSON, a dead-letter file, Splunk's HEC, or nowhere. A batch is {@link #append}ed, then made
 * durable by {@link #commit} before the sink commits its take; if anything fails, {@link #abort}
 * forgets what the batch appended, so that its retry does not write it twice.
 *
 * <p>Failures: {@code append} and {@code commit} throw {@link IOException} when the destination
 * fails; the caller then aborts and retries the batch later. A writer never lets a failed batch
 * leave a trace a retry would duplicate: if even {@code abort} fails, the writer accepts nothing
 * more until a later call has undone the batch. The exception is a writer whose destination is
 * another process ({@link HecWriter}): what it has handed over cannot be taken back, so a failed
 * batch's retry may deliver part of it twice (at least once, never lost).
 *
 * <p>One thread uses a writer (the sink's runner); an implementation needs no locks.
 *
 * @see RollingFileWriter the {@code file} writer and the dead letter, which also offers {@link
 *     RollingFileWriter#rollIfDue} for a sink with nothing to take
 * @see HecWriter the {@code hec} writer, which forwards to a Splunk HTTP Event Collector
 * @see NullWriter
 */
public interface EventWriter extends Closeable {

  /** Appends one document: UTF-8 JSON text without its line end. Not durable before commit. */
  void append(byte[] document) throws IOException;

  /**
   * Appends one document of an event with these Flume headers. Writers that keep only the
   * document (files) ignore the headers; one that forwards (HEC) takes its envelope's metadata
   * from them, which the document may not carry in the same form.
   */
  default void append(byte[] document, Map<String, String> headers) throws IOException {
    append(document);
  }

  /**
   * Makes everything appended since the last commit durable, as far as this writer promises it
   * (written and flushed; forced to disk when configured; acknowledged by the receiver). When it
   * throws, the batch is neither committed nor forgotten: the caller aborts it.
   */
  void commit() throws IOException;

  /**
   * Which documents of the batch the last commit made durable this writer gave up on instead, by
   * their place among that batch's appends (0: the first after the commit before), in increasing
   * order: the destination refused them for good, and they were dropped, not written. Read after
   * {@link #commit} returns, until the next commit or abort. None by default: a writer that drops
   * nothing.
   */
  default List<Integer> droppedByLastCommit() {
    return List.of();
  }

  /**
   * Takes the last commit's batch back out of the destination, if it still can: for a sink whose
   * take then failed to commit, so that the channel's redelivery is not written twice. Returns
   * whether the batch is gone; false when it cannot be taken back (sent, or in a file already
   * closed and renamed), and then it will be written again. Called before anything else is
   * appended.
   */
  default boolean undoLastCommit() throws IOException {
    return false;
  }

  /**
   * Forgets everything appended since the last commit. When it throws, the batch may not be
   * forgotten yet; the writer retries forgetting it before anything else is written.
   */
  void abort() throws IOException;

  /** Commits nothing more: what was appended but not committed is forgotten. */
  @Override
  void close() throws IOException;
}
