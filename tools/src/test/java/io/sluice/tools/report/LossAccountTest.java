package io.sluice.tools.report;

import static io.sluice.tools.report.Runs.START;
import static io.sluice.tools.report.Runs.allWrittenBut;
import static io.sluice.tools.report.Runs.id;
import static io.sluice.tools.report.Runs.written;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LossAccountTest {

  private static LossAccount account(SentLog sent, List<String> written, List<String> dead,
      MetricSeries metrics) {
    return LossAccount.of(Runs.tally(sent, written, dead), AgentCounts.of(metrics));
  }

  private static final MetricSeries NO_METRICS = Runs.metrics();

  @Test
  void cleanRunPasses() {
    LossAccount a = account(Runs.sent(1, 10), allWrittenBut(10), List.of(), NO_METRICS);
    assertEquals(10, a.sentOk());
    assertEquals(10, a.writtenOnce());
    assertEquals(0, a.missing());
    Verdict v = Verdict.of(a);
    assertTrue(v.pass(), v.line());
    assertTrue(v.line().startsWith(
        "PASS: 10 sent, 10 written once, 0 dead-lettered, 0 throttled, 0 duplicates,"
            + " 0 unexplained"), v.line());
  }

  @Test
  void aLostIdIsUnexplained() {
    LossAccount a = account(Runs.sent(1, 10), allWrittenBut(10, 4), List.of(), NO_METRICS);
    assertEquals(1, a.missing());
    assertEquals(1, a.unexplained());
    assertEquals(List.of(id(0, 4)), a.missingList());
    Verdict v = Verdict.of(a);
    assertFalse(v.pass());
    assertTrue(v.line().startsWith("FAIL: unexplained loss — "), v.line());
  }

  @Test
  void aDuplicateFails() {
    List<String> w = new ArrayList<>(allWrittenBut(10));
    w.add(written(id(0, 3), "processed", START + 100));
    LossAccount a = account(Runs.sent(1, 10), w, List.of(), NO_METRICS);
    assertEquals(1, a.duplicates());
    assertEquals(9, a.writtenOnce());
    assertEquals(List.of(new LossAccount.Duplicate(id(0, 3), 2, 0)), a.duplicateList());
    Verdict v = Verdict.of(a);
    assertFalse(v.pass());
    assertTrue(v.line().startsWith("FAIL: duplicates — "), v.line());
  }

  @Test
  void writtenAndDeadLetteredIsADuplicate() {
    LossAccount a = account(Runs.sent(1, 10), allWrittenBut(10),
        List.of(Runs.deadLettered(id(0, 2), START)), NO_METRICS);
    assertEquals(List.of(new LossAccount.Duplicate(id(0, 2), 1, 1)), a.duplicateList());
  }

  @Test
  void aDeadLetteredOneIsAccountedFor() {
    LossAccount a = account(Runs.sent(1, 10), allWrittenBut(10, 7),
        List.of(Runs.deadLettered(id(0, 7), START + 75)), NO_METRICS);
    assertEquals(9, a.writtenOnce());
    assertEquals(1, a.deadLetteredOnce());
    assertEquals(0, a.missing());
    Verdict v = Verdict.of(a);
    assertTrue(v.pass(), v.line());
    assertTrue(v.line().contains("1 dead-lettered"), v.line());
  }

  private static final String BEFORE = """
      sluice_events_total{component="gov",disposition="processed"} 100
      sluice_events_total{component="gov",disposition="throttled"} 20
      sluice_throttled_total{component="gov",reason="rate"} 15
      sluice_throttled_total{component="gov",reason="global"} 5
      """;

  @Test
  void throttledOnesAreExplainedByTheMetrics() {
    String after = """
        sluice_events_total{component="gov",disposition="processed"} 107
        sluice_events_total{component="gov",disposition="throttled"} 23
        sluice_throttled_total{component="gov",reason="rate"} 17
        sluice_throttled_total{component="gov",reason="global"} 6
        """;
    LossAccount a = account(Runs.sent(1, 10), allWrittenBut(10, 1, 5, 9), List.of(),
        Runs.metrics(BEFORE, after));
    assertEquals(3, a.missing());
    assertEquals(3, a.explained());
    assertEquals(0, a.unexplained());
    assertEquals(Map.of("global", 1L, "rate", 2L), a.agent().throttledByReason());
    Verdict v = Verdict.of(a);
    assertTrue(v.pass(), v.line());
    assertTrue(v.line().contains("3 throttled (global 1, rate 2)"), v.line());
  }

  @Test
  void aPushedBackBatchExplainsNoLoss() {
    // throttled = reject: each refused batch counts one throttled event, yet its events went back
    // to the sender, who sent them again; so five lost events stay unexplained.
    String before = BEFORE + "sluice_rejected_events_total{component=\"gov\"} 0\n";
    String after = """
        sluice_events_total{component="gov",disposition="processed"} 105
        sluice_events_total{component="gov",disposition="throttled"} 25
        sluice_rejected_events_total{component="gov"} 500
        """;
    LossAccount a = account(Runs.sent(1, 10), allWrittenBut(10, 0, 2, 4, 6, 8), List.of(),
        Runs.metrics(before, after));
    assertEquals(5, a.missing());
    assertEquals(0, a.explained());
    assertEquals(5, a.unexplained());
    assertFalse(Verdict.of(a).pass(), Verdict.of(a).line());
  }

  @Test
  void aGarbledIdOfAnotherRunIsThatRunsBusiness() {
    List<String> w = new ArrayList<>(allWrittenBut(10));
    w.add("{\"message\":\"sluice-id=bbbbbbbb-3-1x yy\"}");
    LossAccount a = account(Runs.sent(1, 10), w, List.of(), Runs.metrics(BEFORE, BEFORE));
    assertEquals(0, a.mangled());
    assertTrue(Verdict.of(a).pass(), Verdict.of(a).line());
  }

  @Test
  void throttledOnesTheSinkWroteExplainNothing() {
    String after = """
        sluice_events_total{component="gov",disposition="throttled"} 23
        """;
    List<String> w = new ArrayList<>(allWrittenBut(10, 1, 5, 9));
    w.add(written(id(0, 1), "throttled", START + 20)); // throttled = keep, routed to this sink
    LossAccount a = account(Runs.sent(1, 10), w, List.of(), Runs.metrics(BEFORE, after));
    assertEquals(2, a.missing());
    assertEquals(1, a.throttledWritten());
    assertEquals(2, a.throttledNotWritten());
    assertEquals(0, a.unexplained());

    List<String> w2 = new ArrayList<>(allWrittenBut(10, 1, 5, 8, 9));
    w2.add(written(id(0, 1), "throttled", START + 20));
    LossAccount b = account(Runs.sent(1, 10), w2, List.of(), Runs.metrics(BEFORE, after));
    assertEquals(3, b.missing());
    assertEquals(1, b.unexplained());
  }

  @Test
  void sourceDropsExplainToo() {
    String before = "sluice_source_dropped_total{component=\"r1\",reason=\"kernel\"} 0\n";
    String after = "sluice_source_dropped_total{component=\"r1\",reason=\"kernel\"} 2\n";
    LossAccount a = account(Runs.sent(1, 10), allWrittenBut(10, 0, 1), List.of(),
        Runs.metrics(before, after));
    assertEquals(0, a.unexplained());
    assertTrue(Verdict.of(a).line().contains("2 dropped by sources"));
  }

  @Test
  void aCounterResetBetweenSamplesIsNotANegativeIncrease() {
    // 20 -> 22 (+2), restart -> 1 (+1), -> 3 (+2): 5 throttled, not 3 - 20.
    MetricSeries m = Runs.metrics(
        "sluice_events_total{component=\"gov\",disposition=\"throttled\"} 20",
        "sluice_events_total{component=\"gov\",disposition=\"throttled\"} 22",
        "sluice_events_total{component=\"gov\",disposition=\"throttled\"} 1",
        "# scrape failed midway: the series is missing, not reset\nup 1",
        "sluice_events_total{component=\"gov\",disposition=\"throttled\"} 3");
    assertEquals(5, AgentCounts.of(m).throttled());
    LossAccount a = account(Runs.sent(1, 10), allWrittenBut(10, 0, 1, 2, 3, 4), List.of(), m);
    assertEquals(0, a.unexplained());
    LossAccount b = account(Runs.sent(1, 10), allWrittenBut(10, 0, 1, 2, 3, 4, 5), List.of(), m);
    assertEquals(1, b.unexplained());
  }

  @Test
  void aSeriesBornDuringTheRunCountsInFull() {
    MetricSeries m = Runs.metrics("up 1",
        "sluice_throttled_total{component=\"gov\",reason=\"deferFull\"} 4");
    assertEquals(Map.of("deferFull", 4L), AgentCounts.of(m).throttledByReason());
  }

  @Test
  void mangledIdsFail() {
    List<String> w = new ArrayList<>(allWrittenBut(10));
    w.add(written(id(0, 99), "processed", START)); // never sent
    w.add("{\"message\":\"sluice-id=0e8c5c4\"}"); // cut short
    w.add("{\"message\":\"sluice-id=" + id(0, 1) + "5x\"}"); // run into other text
    LossAccount a = account(Runs.sent(1, 10), w, List.of(), NO_METRICS);
    assertEquals(3, a.mangled());
    assertEquals(id(0, 99), a.mangledList().get(0).text());
    Verdict v = Verdict.of(a);
    assertFalse(v.pass());
    assertTrue(v.line().startsWith("FAIL: mangled ids — "), v.line());
  }

  @Test
  void eventsRunTogetherAreMangled() {
    List<String> w = new ArrayList<>(allWrittenBut(10, 3, 4));
    w.add("{\"message\":\"sluice-id=" + id(0, 3) + " xxsluice-id=" + id(0, 4) + " yy\"}");
    LossAccount a = account(Runs.sent(1, 10), w, List.of(), NO_METRICS);
    assertEquals(1, a.mergedLines());
    assertEquals(10, a.writtenOnce());
    assertFalse(Verdict.of(a).pass());
  }

  @Test
  void errorAndPushbackAreNeverLost() {
    SentLog sent = Runs.sent(1, 8);
    sent.add(8, 0, START + 80, "error");
    sent.add(9, 0, START + 90, "pushback");
    LossAccount a = account(sent, allWrittenBut(8), List.of(), NO_METRICS);
    assertEquals(8, a.sentOk());
    assertEquals(0, a.missing());
    assertEquals(1, a.sentError());
    assertEquals(1, a.sentPushback());
    Verdict v = Verdict.of(a);
    assertTrue(v.pass(), v.line());
    assertTrue(v.line().contains("2 not sent (1 error, 1 pushback)"), v.line());

    // One the sender saw fail that arrived after all is counted, not flagged.
    LossAccount b = account(sent, allWrittenBut(9), List.of(), NO_METRICS);
    assertEquals(1, b.foundNotOk());
    assertTrue(Verdict.of(b).pass());
  }

  @Test
  void otherRunsAreIgnored() {
    List<String> w = new ArrayList<>(allWrittenBut(10));
    w.add(written("deadbeef-0-3", "processed", START));
    w.add(written("deadbeef-7-12345", "processed", START));
    LossAccount a = account(Runs.sent(1, 10), w, List.of(), NO_METRICS);
    assertEquals(2, a.otherRuns());
    assertTrue(Verdict.of(a).pass());
  }

  @Test
  void batchedEventsFoundAreCounted() {
    List<String> w = new ArrayList<>(allWrittenBut(10, 2, 3));
    w.add(written(id(0, 2), "batched", START + 2000));
    w.add(written(id(0, 3), "batched", START + 2000));
    LossAccount a = account(Runs.sent(1, 10), w, List.of(), NO_METRICS);
    assertEquals(2, a.batchedFound());
    assertTrue(Verdict.of(a).pass());
  }

  @Test
  void severalSendersAreKeptApart() {
    SentLog sent = Runs.sent(3, 5);
    List<String> w = new ArrayList<>();
    for (int s = 0; s < 3; s++) {
      for (int i = 0; i < 5; i++) {
        if (!(s == 2 && i == 4)) {
          w.add(written(id(s, i), "processed", START + 5));
        }
      }
    }
    LossAccount a = account(sent, w, List.of(), NO_METRICS);
    assertEquals(15, a.sentOk());
    assertEquals(List.of(id(2, 4)), a.missingList());
  }
}
