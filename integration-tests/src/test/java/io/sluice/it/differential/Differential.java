package io.sluice.it.differential;

import io.sluice.it.harness.SinkFiles.Written;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Matches Flume's and Sluice's events with the corpus, and judges each pair. */
public final class Differential {

  private Differential() {}

  /** What one transport's comparison found. */
  public static final class Verdict {
    private final List<String> failures = new ArrayList<>();
    private final Map<FlumeDifference, Integer> covered = new EnumMap<>(FlumeDifference.class);

    public List<String> failures() {
      return failures;
    }

    /** How many entries showed {@code d}. */
    public int covered(FlumeDifference d) {
      return covered.getOrDefault(d, 0);
    }
  }

  /**
   * Compares, entry by entry in the order they were sent, Flume's and Sluice's events for {@code
   * entries} over {@code transport}.
   */
  public static Verdict compare(Transport transport, List<Entry> entries, List<Written> flume,
      List<Written> sluice, long sentFrom, long seenBy) {
    Verdict v = new Verdict();
    // Match by order, checked by marker: both sides keep a sender's order (one socket or
    // connection, one reader), so a loss or a surplus shows as a marker out of place.
    String step = inStep(transport, entries, flume, sluice);
    if (step != null) {
      v.failures.add(step);
      return v;
    }
    int cursor = 0;
    for (int i = 0; i < entries.size(); i++) {
      Entry e = entries.get(i);
      int n = transport == Transport.UDP ? 1 : e.flumeTcpEvents();
      Map<String, String> previous = cursor == 0 ? null : Slot.view(flume.get(cursor - 1), true);
      Slot s = new Slot(e, transport, sluice.get(i), flume.subList(cursor, cursor + n), previous,
          sentFrom, seenBy);
      cursor += n;
      judge(s, v);
    }
    return v;
  }

  private static void judge(Slot s, Verdict v) {
    List<String> problems = new ArrayList<>();
    // In FlumeDifference's order, but the header names last: they rename what the others set.
    List<FlumeDifference> declared = new ArrayList<>(s.entry.differences(s.transport));
    declared.remove(FlumeDifference.HEADER_CASE);
    boolean implied = s.transport == Transport.TCP
        && !s.entry.differences(s.transport).contains(FlumeDifference.HEADER_CASE);
    if (s.transport == Transport.TCP) {
      declared.add(FlumeDifference.HEADER_CASE);
    }
    for (FlumeDifference d : declared) {
      if (s.expected == null) {
        if (!(implied && d == FlumeDifference.HEADER_CASE)) {
          problems.add(d + " cannot apply: no event is expected");
        }
        continue;
      }
      Map<String, String> before = new LinkedHashMap<>(s.expected);
      int extraBefore = s.extraAccountedFor;
      try {
        d.apply(s);
      } catch (AssertionError | RuntimeException fault) {
        problems.add(d + ": " + fault.getMessage());
        continue;
      }
      boolean shows = !Objects.equals(before, s.expected) || extraBefore != s.extraAccountedFor;
      if (shows) {
        v.covered.merge(d, 1, Integer::sum);
      } else if (s.entry.differences(s.transport).contains(d)) {
        problems.add(d + " is declared but changes nothing: Flume and Sluice agree there");
      }
    }
    problems.addAll(s.mismatches());
    if (!problems.isEmpty()) {
      v.failures.add(s.describe(problems));
    }
  }

  /** Null if every event is where its entry says; else what is out of place, both sides listed. */
  private static String inStep(Transport transport, List<Entry> entries, List<Written> flume,
      List<Written> sluice) {
    List<String> wrong = new ArrayList<>();
    if (sluice.size() != entries.size()) {
      wrong.add("Sluice made " + sluice.size() + " events for " + entries.size() + " messages");
    }
    int expectedFlume = transport == Transport.UDP
        ? entries.size() : entries.stream().mapToInt(Entry::flumeTcpEvents).sum();
    if (flume.size() != expectedFlume) {
      wrong.add("Flume made " + flume.size() + " events where " + expectedFlume + " were expected");
    }
    int cursor = 0;
    for (int i = 0; i < entries.size() && wrong.isEmpty(); i++) {
      Entry e = entries.get(i);
      if (e.marked() && Entry.markerIn(sluice.get(i).body()) != e.index()) {
        wrong.add("Sluice's event " + i + " is not " + e + ": " + sluice.get(i));
      }
      int n = transport == Transport.UDP ? 1 : e.flumeTcpEvents();
      if (n > 0 && e.marked() && Entry.markerIn(flume.get(cursor).body()) != e.index()) {
        wrong.add("Flume's event " + cursor + " is not " + e + ": " + flume.get(cursor));
      }
      cursor += n;
    }
    if (wrong.isEmpty()) {
      return null;
    }
    StringBuilder b = new StringBuilder("over " + transport + ", the events are not in step with the corpus:\n");
    wrong.forEach(w -> b.append("  - ").append(w).append('\n'));
    b.append("  corpus:\n");
    entries.forEach(e -> b.append("    ").append(e).append('\n'));
    b.append("  Flume:\n");
    flume.forEach(w -> b.append("    ").append(Slot.showMap(Slot.view(w, true))).append('\n'));
    b.append("  Sluice:\n");
    sluice.forEach(w -> b.append("    ").append(Slot.showMap(Slot.view(w, false))).append('\n'));
    return b.toString();
  }

  /** Each named difference, how many entries show it over UDP and over TCP, and what it says. */
  public static String coverageTable(List<Entry> corpus, Verdict udp, Verdict tcp) {
    StringBuilder b = new StringBuilder()
        .append("Differential corpus: ").append(corpus.size()).append(" messages, ")
        .append(corpus.stream().filter(e -> e.sentOver(Transport.UDP)).count()).append(" over UDP, ")
        .append(corpus.stream().filter(e -> e.sentOver(Transport.TCP)).count()).append(" over TCP\n")
        .append(String.format("%-26s %4s %4s  %s%n", "named difference", "UDP", "TCP", "what it is"));
    for (FlumeDifference d : FlumeDifference.values()) {
      b.append(String.format("%-26s %4d %4d  %s%n", d, udp.covered(d), tcp.covered(d), d.says()));
    }
    return b.toString();
  }
}
