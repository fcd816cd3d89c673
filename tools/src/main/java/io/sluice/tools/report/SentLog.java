package io.sluice.tools.report;

import io.sluice.tools.RunLayout;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/**
 * What the sender sent ({@value RunLayout#SENT}), held compactly: a run may send millions of
 * events, so per sender a bit per seq (sent at all, sent ok) and the time it was sent as an int
 * of milliseconds since the run's start — about 4 bytes an event, where a set of id strings
 * would take some 80.
 */
public final class SentLog {

  /** More senders than any run has (one per loopback address). */
  static final int MAX_SENDERS = 1 << 16;

  /** A sent time not known (the seq was never sent). */
  public static final long UNKNOWN = Long.MIN_VALUE;

  private final long baseMillis;
  private final List<Sender> senders = new ArrayList<>();
  private long ok;
  private long errors;
  private long pushback;
  private long other;

  private static final class Sender {
    final BitSet sent = new BitSet();
    final BitSet ok = new BitSet();
    int[] offsets = new int[16];
  }

  /** An empty log whose times are kept relative to {@code baseMillis} (the run's start). */
  public SentLog(long baseMillis) {
    this.baseMillis = baseMillis;
  }

  public static SentLog read(Path runDir, long baseMillis) {
    Path file = RunLayout.file(runDir, RunLayout.SENT);
    if (!Files.isRegularFile(file)) {
      throw new BadInputException("no " + RunLayout.SENT + " in " + runDir);
    }
    SentLog log = new SentLog(baseMillis);
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      long n = 0;
      while ((line = r.readLine()) != null) {
        n++;
        if (line.isBlank() || (n == 1 && line.startsWith("seq"))) {
          continue;
        }
        String[] f = line.split(",", -1);
        try {
          if (f.length < 4) {
            throw new NumberFormatException("4 fields expected");
          }
          long seq = Long.parseLong(f[0].trim());
          int sender = Integer.parseInt(f[1].trim());
          // A sender's seqs count its events from 0, each on a line of its own, so a seq is below
          // the line's number; and load runs at most MAX_SENDERS. Bounds a bad file's memory.
          if (seq >= n || sender >= MAX_SENDERS) {
            throw new IllegalArgumentException("seq " + seq + " or sender " + sender + " out of range");
          }
          log.add(seq, sender, Long.parseLong(f[2].trim()), f[3].trim());
        } catch (IllegalArgumentException e) {
          throw new BadInputException(file + " line " + n + ": not seq,sender,sentEpochMillis,"
              + "outcome (" + e.getMessage() + "): " + line);
        }
      }
    } catch (IOException e) {
      throw new BadInputException("cannot read " + file + ": " + e.getMessage());
    }
    return log;
  }

  /** Records one line of the log. */
  public void add(long seq, int sender, long sentMillis, String outcome) {
    if (seq < 0 || seq >= Integer.MAX_VALUE || sender < 0) {
      throw new IllegalArgumentException("seq or sender out of range: " + seq + ", " + sender);
    }
    while (senders.size() <= sender) {
      senders.add(new Sender());
    }
    Sender s = senders.get(sender);
    int i = (int) seq;
    s.sent.set(i);
    switch (outcome) {
      case "ok" -> {
        s.ok.set(i);
        ok++;
      }
      case "error" -> errors++;
      case "pushback" -> pushback++;
      default -> other++;
    }
    if (i >= s.offsets.length) {
      s.offsets = Arrays.copyOf(s.offsets, Math.max(i + 1, s.offsets.length * 2));
    }
    long off = sentMillis - baseMillis;
    s.offsets[i] = (int) Math.max(Integer.MIN_VALUE + 1, Math.min(Integer.MAX_VALUE, off));
  }

  public long baseMillis() {
    return baseMillis;
  }

  /** Senders seen: one more than the highest sender index. */
  public int senders() {
    return senders.size();
  }

  public boolean sent(int sender, long seq) {
    return sender >= 0 && sender < senders.size() && seq >= 0 && seq < Integer.MAX_VALUE
        && senders.get(sender).sent.get((int) seq);
  }

  public boolean ok(int sender, long seq) {
    return sent(sender, seq) && senders.get(sender).ok.get((int) seq);
  }

  /** When {@code (sender, seq)} was sent, or {@link #UNKNOWN}. */
  public long sentMillis(int sender, long seq) {
    return sent(sender, seq) ? baseMillis + senders.get(sender).offsets[(int) seq] : UNKNOWN;
  }

  /** The seqs of {@code sender} sent with outcome ok (not a copy: do not change it). */
  public BitSet okSeqs(int sender) {
    return senders.get(sender).ok;
  }

  /** One more than the highest seq {@code sender} sent. */
  public int seqLimit(int sender) {
    return sender < senders.size() ? senders.get(sender).sent.length() : 0;
  }

  public long okCount() {
    return ok;
  }

  public long errorCount() {
    return errors;
  }

  public long pushbackCount() {
    return pushback;
  }

  /** Lines with an outcome this report does not know. */
  public long otherCount() {
    return other;
  }
}
