package io.sluice.tools.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How many times each id of the run was found in what the sink wrote and in its dead letter, and
 * what was found that does not belong: ids of other runs (ignored), ids never sent (mangled), lines
 * holding several ids (events run together). Pure: fed ids, it reads no file.
 *
 * <p>Counts are a byte per sent seq and kind, saturating at 127: enough to tell once from more than
 * once, and bounded whatever the sink did.
 */
public final class SinkTally {

  /** Where an id was found. */
  public enum Kind { WRITTEN, DEAD_LETTERED }

  /** Something found that is not an id of this run that was sent: its text and where it was. */
  public record Finding(String text, String where) {}

  /** How many mangled findings are kept to list; the rest are only counted. */
  public static final int LISTED = 100;

  private final String runId;
  private final SentLog sent;
  private final byte[][] written;
  private final byte[][] dead;
  private final Map<String, Long> dispositions = new TreeMap<>();
  private final List<Finding> mangled = new ArrayList<>();
  private long mangledCount;
  private long mergedLines;
  private long otherRuns;
  private long foundNotOk;

  public SinkTally(String runId, SentLog sent) {
    this.runId = runId;
    this.sent = sent;
    this.written = new byte[sent.senders()][];
    this.dead = new byte[sent.senders()][];
  }

  /**
   * Counts one finding of {@code id} ({@code <runId>-<sender>-<seq>}). {@code disposition} is the
   * written document's {@code sluice.disposition}, or null. Returns whether the id is one this
   * run sent, so the caller knows whether to time it.
   */
  public boolean record(Kind kind, String id, String disposition, String where) {
    int a = id.indexOf('-');
    int b = id.indexOf('-', a + 1);
    if (a < 0 || b < 0) {
      mangled(id, where);
      return false;
    }
    if (!id.substring(0, a).equals(runId)) {
      otherRuns++;
      return false;
    }
    int sender;
    long seq;
    try {
      sender = Integer.parseInt(id.substring(a + 1, b));
      seq = Long.parseLong(id.substring(b + 1));
    } catch (NumberFormatException e) {
      mangled(id, where);
      return false;
    }
    if (!sent.sent(sender, seq)) {
      mangled(id, where);
      return false;
    }
    byte[][] counts = kind == Kind.WRITTEN ? written : dead;
    if (counts[sender] == null) {
      counts[sender] = new byte[sent.seqLimit(sender)];
    }
    int i = (int) seq;
    if (counts[sender][i] < Byte.MAX_VALUE) {
      counts[sender][i]++;
    }
    if (!sent.ok(sender, seq)) {
      foundNotOk++;
    }
    if (kind == Kind.WRITTEN) {
      dispositions.merge(disposition == null ? "(none)" : disposition, 1L, Long::sum);
    }
    return true;
  }

  /** An id token whose id is cut or garbled beyond parsing. */
  public void mangled(String text, String where) {
    mangledCount++;
    if (mangled.size() < LISTED) {
      mangled.add(new Finding(text, where));
    }
  }

  /** A line holding more than one of this run's ids: events run together across a boundary. */
  public void mergedLine(List<String> ids, String where) {
    mergedLines++;
    mangled(String.join(" + ", ids), where + " (several ids in one event)");
  }

  /** Times {@code (sender, seq)} was found as {@code kind}. */
  public int count(Kind kind, int sender, int seq) {
    byte[][] counts = kind == Kind.WRITTEN ? written : dead;
    byte[] c = sender < counts.length ? counts[sender] : null;
    return c == null || seq >= c.length ? 0 : c[seq];
  }

  public String runId() {
    return runId;
  }

  public SentLog sent() {
    return sent;
  }

  /** Written findings of this run by {@code sluice.disposition} ("(none)" when absent). */
  public Map<String, Long> dispositions() {
    return Collections.unmodifiableMap(dispositions);
  }

  public long dispositionCount(String disposition) {
    return dispositions.getOrDefault(disposition, 0L);
  }

  public List<Finding> mangledListed() {
    return Collections.unmodifiableList(mangled);
  }

  public long mangledCount() {
    return mangledCount;
  }

  public long mergedLines() {
    return mergedLines;
  }

  /** Ids of other runs found (the sink may hold several runs). */
  /** An id of another run seen, whole or not: never this run's business. */
  public void otherRun() {
    otherRuns++;
  }

  public long otherRuns() {
    return otherRuns;
  }

  /** Findings of ids whose sender recorded error or pushback: sent after all. */
  public long foundNotOk() {
    return foundNotOk;
  }
}
