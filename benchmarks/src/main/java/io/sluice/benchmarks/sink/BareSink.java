package io.sluice.benchmarks.sink;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.flume.Channel;
import org.apache.flume.Event;
import org.apache.flume.Transaction;
import org.apache.flume.sink.AbstractSink;

/**
 * The floor of {@link SinkDrain}: takes batches of 100 (ValidatingSink's default) and writes for
 * each event one prepared line of a given length, the whole batch in one write, then commits. No
 * mapping, no validation, no JSON: what any sink writing that many bytes an event must spend.
 */
final class BareSink extends AbstractSink {

  private static final int BATCH = 100;

  private final Path directory;
  private final byte[] line;
  private final byte[] buffer;
  private FileOutputStream out;

  BareSink(Path directory, int lineBytes) {
    this.directory = directory;
    this.line = new byte[Math.max(1, lineBytes)];
    Arrays.fill(line, (byte) 'x');
    line[line.length - 1] = '\n';
    this.buffer = new byte[BATCH * line.length];
  }

  @Override
  public synchronized void start() {
    try {
      out = new FileOutputStream(directory.resolve("floor.ndjson").toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    super.start();
  }

  @Override
  public synchronized void stop() {
    try {
      out.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    super.stop();
  }

  @Override
  public Status process() {
    Channel channel = getChannel();
    Transaction tx = channel.getTransaction();
    tx.begin();
    try {
      int n = 0;
      for (Event e; n < BATCH && (e = channel.take()) != null; n++) {
        System.arraycopy(line, 0, buffer, n * line.length, line.length);
      }
      if (n > 0) {
        out.write(buffer, 0, n * line.length);
      }
      tx.commit();
      return n == 0 ? Status.BACKOFF : Status.READY;
    } catch (IOException e) {
      tx.rollback();
      throw new UncheckedIOException(e);
    } finally {
      tx.close();
    }
  }
}
