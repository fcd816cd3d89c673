package io.sluice.source.syslog;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;

/**
 * Coverage-guided fuzzing of the parser. In a normal build Jazzer only replays the seeds under
 * {@code src/test/resources/.../SyslogParserFuzzTestInputs/parse} (the RFC examples and the
 * variants in the wild) and any crash found before; with {@code JAZZER_FUZZ=1} it fuzzes (see the
 * {@code fuzz} profile executions in the pom and {@code benchmarks/fuzz-syslog.sh}).
 */
class SyslogParserFuzzTest {

  /** UTC, and a zone with DST so the zone cache and gap handling are fuzzed too. */
  private static final List<SyslogParser> PARSERS =
      List.of(Fixtures.parser(), Fixtures.parserAt(Fixtures.NOW, ZoneId.of("America/New_York")));

  private static final int PAD = 3;

  /** Syslog's tokens, so the fuzzer reaches past the PRI and timestamps sooner. */
  @DictionaryEntries({
    "<13>",
    "<191>",
    "<34>1 ",
    " - ",
    "2003-10-11T22:14:15",
    ".003",
    "Z",
    "+05:30",
    "-07:00",
    "Oct 11 22:14:15",
    "Feb  5 ",
    "Jan 05 2023 ",
    " 2008",
    " CST 1987",
    " UTC: ",
    "1541800: ",
    "*Sep 28 ",
    ": 2020 Apr  1 09:46:57 CET: ",
    "app[123]: ",
    " : %ASA-6-302013: ",
    "[ex@32473 a=\"b\"]",
    "\\\"",
    "\\]",
    "=\""
  })
  @FuzzTest(maxDuration = "30s")
  void parse(byte[] input) {
    // The message sits inside a larger array, between bytes it must never be confused with.
    byte[] buf = new byte[input.length + 2 * PAD];
    Arrays.fill(buf, (byte) '>');
    System.arraycopy(input, 0, buf, PAD, input.length);
    for (SyslogParser parser : PARSERS) {
      SyslogMessage m = parser.parse(buf, PAD, input.length);
      ParserInvariants.check(buf, PAD, input.length, m, parser.limits());
    }
  }
}
