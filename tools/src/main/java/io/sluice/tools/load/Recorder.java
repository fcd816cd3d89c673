package io.sluice.tools.load;

import io.sluice.tools.RunLayout;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Writes what was sent into the run directory: {@value RunLayout#SENT} as events go, {@value
 * RunLayout#ACKS} as acks come, {@value RunLayout#SECONDS} at the end from counts kept here. Senders
 * hand over runs of events (one lock and one append per run, not per event) and the writers are
 * buffered and never flushed before the end: a run may record hundreds of thousands of events a
 * second. Thread-safe.
 */
final class Recorder implements AutoCloseable {

  private static final int BUFFER = 1 << 20;

  private final Path runDir;
  private final long startEpochMillis;
  private final Writer sentCsv;
  private final Writer acksCsv; // null: no acks
  private final StringBuilder line = new StringBuilder(64);
  private long[][] perSecond = new long[3][64]; // [sent, errors, pushback][second]
  private int seconds; // seconds seen: 1 + the last second with an event
  private volatile long sent;
  private volatile long errors;
  private volatile long pushback;
  private volatile long acked;

  Recorder(Path runDir, long startEpochMillis, boolean acks) throws IOException {
    this.runDir = runDir;
    this.startEpochMillis = startEpochMillis;
    this.sentCsv = open(RunLayout.SENT, RunLayout.SENT_HEADER);
    this.acksCsv = acks ? open(RunLayout.ACKS, RunLayout.ACKS_HEADER) : null;
  }

  private Writer open(String name, String header) throws IOException {
    Writer w = new BufferedWriter(Files.newBufferedWriter(RunLayout.file(runDir, name), StandardCharsets.UTF_8), BUFFER);
    w.write(header);
    w.write('\n');
    return w;
  }

  /** Events {@code firstSeq .. firstSeq + count - 1} of a sender, all sent at one moment with one outcome. */
  synchronized void sent(int sender, long firstSeq, int count, long epochMillis, Outcome outcome) {
    String tail = "," + sender + "," + epochMillis + "," + outcome.csv + "\n";
    try {
      for (long seq = firstSeq; seq < firstSeq + count; seq++) {
        line.setLength(0);
        sentCsv.append(line.append(seq).append(tail));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + RunLayout.SENT, e);
    }
    int second = (int) Math.max(0, (epochMillis - startEpochMillis) / 1000);
    if (second >= perSecond[0].length) {
      for (int i = 0; i < 3; i++) {
        perSecond[i] = Arrays.copyOf(perSecond[i], Math.max(second + 1, perSecond[i].length * 2));
      }
    }
    seconds = Math.max(seconds, second + 1);
    perSecond[0][second] += count;
    sent += count;
    if (outcome == Outcome.ERROR) {
      perSecond[1][second] += count;
      errors += count;
    } else if (outcome == Outcome.PUSHBACK) {
      perSecond[2][second] += count;
      pushback += count;
    }
  }

  /** Events of one HEC request whose ack turned true. */
  synchronized void acked(int sender, long firstSeq, int count, long sentEpochMillis, long ackedEpochMillis) {
    String tail = "," + sender + "," + sentEpochMillis + "," + ackedEpochMillis + "\n";
    try {
      for (long seq = firstSeq; seq < firstSeq + count; seq++) {
        line.setLength(0);
        acksCsv.append(line.append(seq).append(tail));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + RunLayout.ACKS, e);
    }
    acked += count;
  }

  long sent() {
    return sent;
  }

  long errors() {
    return errors;
  }

  long pushback() {
    return pushback;
  }

  long acked() {
    return acked;
  }

  /**
   * Writes {@value RunLayout#SECONDS} (a line for each second up to the later of the last event and
   * {@code minSeconds}, so a run that ends in silence shows it) and closes the files.
   */
  synchronized void finish(int minSeconds) throws IOException {
    try (Writer w = Files.newBufferedWriter(RunLayout.file(runDir, RunLayout.SECONDS), StandardCharsets.UTF_8)) {
      w.write(RunLayout.SECONDS_HEADER);
      w.write('\n');
      int n = Math.max(seconds, minSeconds);
      for (int s = 0; s < n; s++) {
        boolean seen = s < perSecond[0].length;
        w.write(s + "," + (seen ? perSecond[0][s] : 0) + "," + (seen ? perSecond[1][s] : 0) + ","
            + (seen ? perSecond[2][s] : 0) + "\n");
      }
    }
    close();
  }

  @Override
  public synchronized void close() throws IOException {
    try {
      sentCsv.close();
    } finally {
      if (acksCsv != null) {
        acksCsv.close();
      }
    }
  }
}
