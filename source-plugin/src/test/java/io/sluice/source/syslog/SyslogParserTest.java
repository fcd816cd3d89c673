package io.sluice.source.syslog;

import static io.sluice.source.syslog.Fixtures.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sluice.source.syslog.Fixtures.Parsed;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** PRI handling, input slices, and the properties every parse result has. */
class SyslogParserTest {

  @ParameterizedTest
  @CsvSource({
    "<0>x, 0, 0, 0",
    "<7>x, 7, 0, 7",
    "<8>x, 8, 1, 0",
    "<191>x, 191, 23, 7",
    "<13>x, 13, 1, 5"
  })
  void validPriorities(String text, int priority, int facility, int severity) {
    SyslogMessage m = parse(text).message();
    assertEquals(priority, m.priority());
    assertEquals(facility, m.facility());
    assertEquals(severity, m.severity());
    assertNull(m.status());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "<192>x", "<999>x", "<00>x", "<01>x", "<013>x", "<1234>x", "<>x", "<1a>x", "<13", "13>x",
        " <13>x", "<-1>x", "<", "x"
      })
  void invalidPriorities(String text) {
    Parsed p = parse(text);
    assertEquals(SyslogFormat.UNKNOWN, p.message().format());
    assertEquals(SyslogMessage.STATUS_INVALID, p.message().status());
    assertEquals(-1, p.message().priority());
    assertEquals(text, p.body());
  }

  @Test
  void emptyInputIsInvalidWithEmptyBody() {
    SyslogMessage m = Fixtures.parser().parse(new byte[0]);
    assertEquals(SyslogMessage.STATUS_INVALID, m.status());
    assertEquals(0, m.bodyLength());
  }

  @Test
  void parsesASliceAndReportsPositionsInTheWholeArray() {
    byte[] buf = "xx<13>Feb  5 17:32:18 host app: hello-yy".getBytes(StandardCharsets.US_ASCII);
    SyslogMessage m = Fixtures.parser().parse(buf, 2, buf.length - 5);
    assertEquals("host", m.hostname());
    assertEquals(
        "app: hello", new String(buf, m.bodyOffset(), m.bodyLength(), StandardCharsets.US_ASCII));
    assertEquals(
        "Feb  5 17:32:18",
        new String(
            buf, m.timestampTextOffset(), m.timestampTextLength(), StandardCharsets.US_ASCII));
  }

  @Test
  void invalidSliceBodyIsTheSlice() {
    byte[] buf = "abc<999>def".getBytes(StandardCharsets.US_ASCII);
    SyslogMessage m = Fixtures.parser().parse(buf, 3, 5);
    assertEquals(3, m.bodyOffset());
    assertEquals(5, m.bodyLength());
  }

  @Test
  void rangeOutsideTheArrayIsTheCallersBug() {
    assertThrows(IndexOutOfBoundsException.class, () -> Fixtures.parser().parse(new byte[4], 2, 3));
  }

  @Test
  void builderRejectsNulls() {
    assertThrows(NullPointerException.class, () -> SyslogParser.builder().zone3164(null));
    assertThrows(NullPointerException.class, () -> SyslogParser.builder().clock(null));
    assertThrows(NullPointerException.class, () -> SyslogParser.builder().limits(null));
    assertThrows(IllegalArgumentException.class, () -> new FieldLimits(0, 1, 1, 1));
  }

  @Property(tries = 3000, seed = "3164")
  void anyBytesGiveAWellFormedResult(@ForAll("syslogish") byte[] input) {
    SyslogParser parser = Fixtures.parser();
    SyslogMessage m = parser.parse(input);
    ParserInvariants.check(input, 0, input.length, m, parser.limits());
  }

  @Property(tries = 1000, seed = "5424")
  void resultDependsOnTheMessageAloneNotOnTheOneBefore(
      @ForAll("syslogish") byte[] before, @ForAll("syslogish") byte[] message) {
    SyslogParser parser = Fixtures.parser();
    Fields fresh = Fields.of(parser.parse(message), 0);
    parser.parse(before);
    assertEquals(fresh, Fields.of(parser.parse(message), 0));
  }

  @Property(tries = 1000, seed = "6587")
  void parsingASliceEqualsParsingACopy(
      @ForAll("syslogish") byte[] message, @ForAll("syslogish") byte[] padding) {
    byte[] buf = new byte[padding.length + message.length + padding.length];
    System.arraycopy(padding, 0, buf, 0, padding.length);
    System.arraycopy(message, 0, buf, padding.length, message.length);
    System.arraycopy(padding, 0, buf, padding.length + message.length, padding.length);
    SyslogMessage inSlice = Fixtures.parser().parse(buf, padding.length, message.length);
    SyslogMessage alone = Fixtures.parser().parse(message);
    assertEquals(Fields.of(alone, 0), Fields.of(inSlice, padding.length));
  }

  /** Every field of a result, with positions relative to where the parsed slice began. */
  private record Fields(
      SyslogFormat format,
      String status,
      int priority,
      int version,
      long timestampMillis,
      boolean tzAssumed,
      int timestampTextOffset,
      int timestampTextLength,
      String hostname,
      String appName,
      String procId,
      String msgId,
      String structuredData,
      int bodyOffset,
      int bodyLength) {

    static Fields of(SyslogMessage m, int sliceStart) {
      return new Fields(
          m.format(),
          m.status(),
          m.priority(),
          m.version(),
          m.timestampMillis(),
          m.tzAssumed(),
          m.timestampTextLength() == 0 ? 0 : m.timestampTextOffset() - sliceStart,
          m.timestampTextLength(),
          m.hostname(),
          m.appName(),
          m.procId(),
          m.msgId(),
          m.structuredData(),
          m.bodyOffset() - sliceStart,
          m.bodyLength());
    }
  }

  /**
   * Byte strings built from syslog's own pieces (PRIs, dates, SD fragments, separators) mixed with
   * random bytes, so random inputs get past the PRI and reach the deeper branches.
   */
  @Provide
  Arbitrary<byte[]> syslogish() {
    Arbitrary<String> pieces =
        Arbitraries.oneOf(
            Arbitraries.of(
                "<13>",
                "<0>",
                "<191>",
                "<34>1 ",
                "<165>1 ",
                "1 ",
                " ",
                "  ",
                "-",
                "- ",
                ":",
                ": ",
                "2003-10-11T22:14:15",
                ".003",
                ".5",
                "Z",
                "+05:30",
                "-07:00",
                "Oct 11 22:14:15",
                "Feb  5 ",
                "17:32:18",
                " 2008",
                " CST 1987",
                " UTC:",
                "*",
                "1541800: ",
                "2020 Apr  1 ",
                "host ",
                "::1 ",
                "app: ",
                "app[123]: ",
                "app[1] :",
                "%ASA-6-302013: ",
                "[",
                "]",
                "\"",
                "\\",
                "=",
                "[ex@1 a=\"b\"]",
                "[x k=\"\\\"\\]\"]",
                "\uFEFF",
                "msg",
                "\r\n",
                "\u00e9"),
            Arbitraries.strings().ofMinLength(1).ofMaxLength(4));
    return pieces
        .list()
        .ofMaxSize(14)
        .map(list -> String.join("", list).getBytes(StandardCharsets.UTF_8))
        .edgeCases(edges -> edges.add(new byte[0]));
  }
}
