package io.sluice.tools.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PatternsTest {

  private static final long S = 1_000_000_000L;
  private static final long MS = 1_000_000L;

  @Test
  void steadySpreadsItsRateEvenlyAndExactlyOnWholeSeconds() {
    Steady s = new Steady(200);
    assertEquals(0, s.dueBy(0));
    assertEquals(1, s.dueBy(5 * MS));
    assertEquals(100, s.dueBy(500 * MS));
    assertEquals(200, s.dueBy(S));
    assertEquals(200 * 3600, s.dueBy(3600 * S));
    assertEquals(1_000_000_000L * 86_400, new Steady(1_000_000_000L).dueBy(86_400 * S)); // no overflow
  }

  @Test
  void aBurstSendsBaseTimesFactorForItsDurationThenNothingForTheSilenceAndRepeats() {
    Burst b = (Burst) Patterns.parse("burst 1000 x10 2s then 30s silence");
    long perCycle = 1000 * 10 * 2;
    assertEquals(perCycle, b.dueBy(2 * S));
    assertEquals(perCycle / 2, b.dueBy(S));
    assertEquals(perCycle, b.dueBy(2 * S + 1)); // silence begins
    assertEquals(perCycle, b.dueBy(32 * S)); // none in the 30 s of silence
    assertEquals(perCycle + 10, b.dueBy(32 * S + MS)); // the next burst, at 10,000/s
    assertEquals(2 * perCycle, b.dueBy(34 * S));
    assertEquals(2 * perCycle, b.dueBy(64 * S));
    assertEquals(10 * perCycle, b.dueBy(320 * S));
  }

  @Test
  void aRampDueIsTheIntegralOfItsLinearRate() {
    Ramp r = (Ramp) Patterns.parse("ramp 100 5000 60s");
    assertEquals((100 + 5000) / 2 * 60, r.dueBy(60 * S)); // 153,000
    // half way: 100·30 + 4900·30²/(2·60) = 3000 + 36750
    assertEquals(39_750, r.dueBy(30 * S));
    assertEquals(140, r.dueBy(S)); // 100·1 + 4900·1²/120 ≈ 140.8, floored
    assertEquals(153_000 + 5000 * 10, r.dueBy(70 * S)); // then holds 5000/s
    Ramp down = new Ramp(1000, 0, 10 * S);
    assertEquals(5000, down.dueBy(10 * S));
    assertEquals(5000, down.dueBy(20 * S));
    long previous = 0;
    for (long t = 0; t <= 70 * S; t += 7 * MS) { // never decreasing
      long d = r.dueBy(t);
      assertTrue(d >= previous, "at " + t);
      previous = d;
    }
  }

  @Test
  void replaySendsEachSecondsCountSpreadOverTheSecondAndEndsWithTheFile() {
    Replay r = new Replay(new long[] {10, 0, 5});
    assertEquals(5, r.dueBy(500 * MS));
    assertEquals(10, r.dueBy(S));
    assertEquals(10, r.dueBy(2 * S));
    assertEquals(12, r.dueBy(2 * S + 500 * MS));
    assertEquals(15, r.dueBy(3 * S));
    assertEquals(15, r.dueBy(100 * S));
    assertEquals(3 * S, r.endNanos());
  }

  @Test
  void aReplayFileIsOneNumberALineOrASecondsCsv(@TempDir Path dir) throws Exception {
    Path plain = Files.writeString(dir.resolve("counts.txt"), "# per second\n10\n\n0\n5\n");
    assertEquals(List.of(10L, 0L, 5L), boxed(ReplayFile.read(plain)));
    Path csv = Files.writeString(dir.resolve("seconds.csv"), "second,sent,errors,pushback\n0,7,0,0\n1,3,1,0\n");
    assertEquals(List.of(7L, 3L), boxed(ReplayFile.read(csv)));
    LoadPattern p = Patterns.parse("replay " + csv);
    assertEquals(10, p.dueBy(5 * S));
    assertEquals(2 * S, p.endNanos());

    assertMessage("line 2: expected a whole number of events, found 'ten'",
        () -> ReplayFile.parse("f", List.of("1", "ten")));
    assertMessage("a header needs a 'sent' column", () -> ReplayFile.parse("f", List.of("second,count", "0,1")));
    assertMessage("has no counts", () -> ReplayFile.parse("f", List.of("# nothing")));
    assertMessage("cannot read", () -> Patterns.parse("replay " + dir.resolve("missing.csv")));
  }

  @Test
  void theParserReadsEachPatternCaseAndSpacingAside() {
    assertEquals(new Steady(1000), Patterns.parse("  steady   1000 "));
    assertEquals(new Burst(1000, 10, 2 * S, 30 * S), Patterns.parse("BURST 1000 X10 2s THEN 30s SILENCE"));
    assertEquals(new Burst(50, 3, 500 * MS, 60 * S), Patterns.parse("burst 50 x3 500ms then 1m silence"));
    assertEquals(new Ramp(100, 5000, 60 * S), Patterns.parse("ramp 100 5000 60s"));
    assertInstanceOf(Replay.class, Patterns.parse("replay whatever", path -> new Replay(new long[] {1})));
  }

  @Test
  void theParserRefusesBadPatternsSayingWhatItExpected() {
    assertMessage("unknown pattern 'constant 5': expected one of", () -> Patterns.parse("constant 5"));
    assertMessage("unknown pattern ''", () -> Patterns.parse(""));
    assertMessage("expected steady <rate>", () -> Patterns.parse("steady"));
    assertMessage("the rate 'fast' is not a whole number", () -> Patterns.parse("steady fast"));
    assertMessage("steady: the rate must be a positive", () -> Patterns.parse("steady 0"));
    assertMessage("out of range", () -> Patterns.parse("steady -5"));
    assertMessage("expected burst <base> x<factor>", () -> Patterns.parse("burst 1000 10 2s then 30s silence"));
    assertMessage("expected burst <base> x<factor>", () -> Patterns.parse("burst 1000 x10 2s then 30s"));
    assertMessage("'2' is not a duration", () -> Patterns.parse("burst 1000 x10 2 then 30s silence"));
    assertMessage("the factor 'ten'", () -> Patterns.parse("burst 1000 xten 2s then 30s silence"));
    assertMessage("base × factor is more than", () -> Patterns.parse("burst 1000000000 x10 2s then 1s silence"));
    assertMessage("expected ramp <from> <to> <over>", () -> Patterns.parse("ramp 100 5000"));
    assertMessage("'sixty' is not a duration", () -> Patterns.parse("ramp 100 5000 sixty"));
    assertMessage("ramp: it must last some time", () -> Patterns.parse("ramp 100 5000 0s"));
    assertMessage("expected replay <file>", () -> Patterns.parse("replay"));
  }

  @Test
  void durationsTakeAUnit() {
    assertEquals(2 * S, Durations.parseNanos("2s"));
    assertEquals(500 * MS, Durations.parseNanos("500ms"));
    assertEquals(60 * S, Durations.parseNanos("1m"));
    assertEquals(1500 * MS, Durations.parseNanos("1.5s"));
    assertEquals(3600 * S, Durations.parseNanos("1h"));
    assertMessage("expected a number and a unit", () -> Durations.parseNanos("5"));
    assertMessage("expected a number and a unit", () -> Durations.parseNanos("-1s"));
    assertMessage("expected a number and a unit", () -> Durations.parseNanos("2 days"));
  }

  @Test
  void sendersShareThePatternRoundRobinAndTogetherSendExactlyIt() {
    LoadPattern whole = Patterns.parse("burst 7 x3 1s then 2s silence");
    for (int n : new int[] {1, 2, 3, 4, 7, 10}) {
      long[] previous = new long[n];
      for (long t = 0; t <= 10 * S; t += 13 * MS) {
        long sum = 0;
        for (int i = 0; i < n; i++) {
          long d = new Share(whole, i, n).dueBy(t);
          assertTrue(d >= previous[i], "sender " + i + " of " + n + " went back at " + t);
          assertTrue(Math.abs(d - whole.dueBy(t) / (double) n) <= 1, "sender " + i + " sends 1/n");
          previous[i] = d;
          sum += d;
        }
        assertEquals(whole.dueBy(t), sum, n + " senders at " + t);
      }
    }
    assertEquals(4, Share.of(10, 0, 3)); // events 0, 3, 6, 9
    assertEquals(3, Share.of(10, 1, 3)); // 1, 4, 7
    assertEquals(3, Share.of(10, 2, 3)); // 2, 5, 8
    assertEquals(0, Share.of(1, 1, 3));
  }

  private static List<Long> boxed(long[] a) {
    return java.util.Arrays.stream(a).boxed().toList();
  }

  static void assertMessage(String expected, org.junit.jupiter.api.function.Executable e) {
    IllegalArgumentException x = assertThrows(IllegalArgumentException.class, e);
    assertTrue(x.getMessage().contains(expected), "message: " + x.getMessage());
  }
}
