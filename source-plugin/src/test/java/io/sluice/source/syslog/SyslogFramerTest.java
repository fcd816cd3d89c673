package io.sluice.source.syslog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.source.syslog.RecordingSink.Frame;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 6587 framing of one TCP stream, case by case; SyslogFramerPropertiesTest generalises. */
class SyslogFramerTest {

  private static final String M1 = "<13>1 - h a - - - first";
  private static final String M2 = "<13>Feb  5 17:32:18 host app: second";

  @Test
  void octetCounting() {
    RecordingSink sink = feed(Framing.AUTO, octet(M1) + octet(M2));
    assertEquals(
        List.of(
            new Frame(bytes(M1), Framing.OCTET, false), new Frame(bytes(M2), Framing.OCTET, false)),
        sink.frames);
  }

  @Test
  void octetFrameMayContainLineBreaks() {
    String multiline = "<13>1 - h a - - - Exception\n\tat Foo.bar(Foo.java:1)\n\tat Main";
    assertEquals(List.of(multiline), feed(Framing.AUTO, octet(multiline)).texts());
  }

  @Test
  void trailingLfInsideTheCountIsStripped() {
    // rsyslog's omfwd and syslog-ng's loggen count the LF they append.
    assertEquals(
        List.of(M1, M2), feed(Framing.AUTO, octet(M1 + "\n") + octet(M2 + "\r\n")).texts());
  }

  @Test
  void lfFraming() {
    RecordingSink sink = feed(Framing.AUTO, M1 + "\n" + M2 + "\n");
    assertEquals(
        List.of(new Frame(bytes(M1), Framing.LF, false), new Frame(bytes(M2), Framing.LF, false)),
        sink.frames);
  }

  @Test
  void nulFraming() {
    assertEquals(List.of(M1, M2), feed(Framing.AUTO, M1 + "\0" + M2 + "\0").texts());
  }

  @Test
  void crlfFraming() {
    assertEquals(List.of(M1, M2), feed(Framing.LF, M1 + "\r\n" + M2 + "\r\n").texts());
  }

  @Test
  void emptyAndBlankLinesAreSkipped() {
    assertEquals(
        List.of(M1, M2), feed(Framing.AUTO, "\n\n" + M1 + "\n\r\n\0\n" + M2 + "\n\n").texts());
  }

  @Test
  void framingIsDetectedPerFrame() {
    RecordingSink sink = feed(Framing.AUTO, octet(M1) + M2 + "\n" + octet(M2) + M1 + "\n");
    assertEquals(List.of(M1, M2, M2, M1), sink.texts());
    assertEquals(
        List.of(Framing.OCTET, Framing.LF, Framing.OCTET, Framing.LF),
        sink.frames.stream().map(Frame::framing).toList());
  }

  @Test
  void lfModeNeverReadsACount() {
    assertEquals(List.of("12 <13>abc"), feed(Framing.LF, "12 <13>abc\n").texts());
  }

  @Test
  void octetModeSkipsWhitespaceBetweenFrames() {
    // Cisco ASA puts a space after each frame; rsyslog's spFramingFix exists for it.
    String stream = octet(M1) + " " + octet(M2) + "\r\n";
    assertEquals(List.of(M1, M2), feed(Framing.OCTET, stream).texts());
    // AUTO cannot tell that space from the start of a line, so the rest becomes one line.
    assertEquals(List.of(M1, " " + octet(M2)), feed(Framing.AUTO, stream).texts());
  }

  @Test
  void octetModeReadsAFrameWithoutCountAsALine() {
    RecordingSink sink = feed(Framing.OCTET, M2 + "\n" + octet(M1));
    assertEquals(List.of(M2, M1), sink.texts());
    assertEquals(Framing.LF, sink.frames.get(0).framing());
  }

  @Test
  void malformedCountFallsBackToALine() {
    assertEquals(List.of("12x hello", M1), feed(Framing.AUTO, "12x hello\n" + M1 + "\n").texts());
    assertEquals(List.of("123", M1), feed(Framing.AUTO, "123\n" + M1 + "\n").texts());
    String elevenDigits = "12345678901 hi";
    assertEquals(
        List.of(elevenDigits, M1), feed(Framing.AUTO, elevenDigits + "\n" + octet(M1)).texts());
  }

  @Test
  void countWithLeadingZeroIsNotACount() {
    assertEquals(List.of("05 hello"), feed(Framing.AUTO, "05 hello\n").texts());
  }

  @Test
  void oversizeLineIsTruncatedAndTheRestDiscarded() {
    String line = "<13>" + "x".repeat(96); // 100 bytes
    RecordingSink sink = feed(Framing.AUTO, 40, line + "\n" + M1 + "\n");
    assertEquals(
        List.of(
            new Frame(bytes(line.substring(0, 40)), Framing.LF, true),
            new Frame(bytes(M1), Framing.LF, false)),
        sink.frames);
    assertEquals(60, sink.discarded);
  }

  @Test
  void oversizeOctetFrameIsTruncatedAndTheRestOfItsCountSkipped() {
    String message = "<13>" + "y".repeat(96) + "\nz"; // the LF must not end anything: it is counted
    RecordingSink sink = feed(Framing.AUTO, 40, octet(message) + octet(M1));
    assertEquals(
        List.of(
            new Frame(bytes(message.substring(0, 40)), Framing.OCTET, true),
            new Frame(bytes(M1), Framing.OCTET, false)),
        sink.frames);
    assertEquals(message.length() - 40, sink.discarded);
  }

  @Test
  void lineOfExactlyTheMaximumIsComplete() {
    String line = "<13>" + "x".repeat(36); // 40 bytes
    for (String ending : new String[] {"\n", "\r\n", "\r\r\n", "\0"}) {
      RecordingSink sink = feed(Framing.AUTO, 40, line + ending + M1 + "\n");
      assertEquals(
          List.of(
              new Frame(bytes(line), Framing.LF, false), new Frame(bytes(M1), Framing.LF, false)),
          sink.frames,
          ending);
      assertEquals(0, sink.discarded);
    }
  }

  @Test
  void lineOneByteOverTheMaximumIsIncomplete() {
    String line = "<13>" + "x".repeat(37); // 41 bytes
    RecordingSink sink = feed(Framing.AUTO, 40, line + "\r\n");
    assertEquals(List.of(new Frame(bytes(line.substring(0, 40)), Framing.LF, true)), sink.frames);
    assertEquals(2, sink.discarded); // the 41st byte and the CR
  }

  @Test
  void crsAfterAFullLineThatTurnOutNotToEndItAreDiscarded() {
    String line = "<13>" + "x".repeat(36);
    RecordingSink sink = feed(Framing.AUTO, 40, line + "\r\rmore\n");
    assertEquals(List.of(new Frame(bytes(line), Framing.LF, true)), sink.frames);
    assertEquals(6, sink.discarded);
  }

  @Test
  void endOfStreamDeliversAnUnterminatedLine() {
    SyslogFramer framer = new SyslogFramer(Framing.AUTO, 100);
    RecordingSink sink = new RecordingSink();
    sink.feed(framer, bytes(M1 + "\n" + M2));
    assertEquals(List.of(M1), sink.texts());
    framer.endOfStream(sink);
    assertEquals(List.of(M1, M2), sink.texts());
    assertEquals(false, sink.frames.get(1).incomplete());
  }

  @Test
  void endOfStreamDeliversAShortOctetFrameAsIncomplete() {
    SyslogFramer framer = new SyslogFramer(Framing.AUTO, 100);
    RecordingSink sink = new RecordingSink();
    sink.feed(framer, bytes("50 " + M1));
    framer.endOfStream(sink);
    assertEquals(List.of(new Frame(bytes(M1), Framing.OCTET, true)), sink.frames);
  }

  @Test
  void endOfStreamDeliversADanglingCountAsALine() {
    SyslogFramer framer = new SyslogFramer(Framing.AUTO, 100);
    RecordingSink sink = new RecordingSink();
    sink.feed(framer, bytes("42"));
    framer.endOfStream(sink);
    assertEquals(List.of(new Frame(bytes("42"), Framing.LF, false)), sink.frames);
  }

  @Test
  void endOfStreamWhileDiscardingDeliversNothingAndResets() {
    SyslogFramer framer = new SyslogFramer(Framing.AUTO, 30);
    RecordingSink sink = new RecordingSink();
    sink.feed(framer, bytes("x".repeat(50)));
    framer.endOfStream(sink);
    sink.feed(framer, bytes(M1 + "\n"));
    assertEquals(List.of("x".repeat(30), M1), sink.texts());
  }

  @Test
  void inFrameUntilTheFrameEnds() {
    SyslogFramer framer = new SyslogFramer(Framing.AUTO, 20);
    RecordingSink sink = new RecordingSink();
    assertEquals(false, framer.inFrame());
    for (String chunk :
        new String[] {"1", "2 <13>", "abcdefg", "\n", "<13>x", "\n", "x".repeat(30), "\n"}) {
      sink.feed(framer, bytes(chunk));
      assertEquals(
          !chunk.equals("\n"), framer.inFrame(), chunk); // dropping an oversized tail counts
    }
  }

  @Test
  void framesInsideAChunkAreNotCopied() {
    SyslogFramer framer = new SyslogFramer(Framing.AUTO, 100);
    RecordingSink sink = new RecordingSink();
    sink.feed(framer, bytes(octet(M1) + M2 + "\n" + octet(M1).substring(0, 5)));
    assertEquals(2, sink.zeroCopy);
    sink.feed(framer, bytes(octet(M1).substring(5)));
    assertEquals(3, sink.frames.size());
    assertEquals(2, sink.zeroCopy); // the split frame came from the framer's buffer
  }

  @Test
  void sinkThatThrowsLeavesTheFramerAtAFrameBoundary() {
    FrameSink throwing =
        (buf, off, len, framing, incomplete) -> {
          throw new IllegalStateException("channel full");
        };
    SyslogFramer framer = new SyslogFramer(Framing.AUTO, 100);
    byte[] whole = bytes("3 abc<13>rest of the chunk");
    assertThrows(IllegalStateException.class, () -> framer.feed(whole, 0, whole.length, throwing));
    assertEquals(false, framer.inFrame()); // the rest of that chunk is lost, the framer is sound
    framer.feed(bytes("3 a"), 0, 3, throwing);
    assertThrows(IllegalStateException.class, () -> framer.feed(bytes("bc"), 0, 2, throwing));
    RecordingSink sink = new RecordingSink();
    sink.feed(framer, bytes(octet(M1)));
    assertEquals(List.of(M1), sink.texts());
  }

  @Test
  void bufferStaysBoundedWhateverTheInput() {
    SyslogFramer framer = new SyslogFramer(Framing.AUTO, 1000);
    RecordingSink sink = new RecordingSink();
    byte[] oneByte = new byte[1];
    for (int i = 0; i < 1_000_000; i++) { // a megabyte line, one byte at a time
      oneByte[0] = 'x';
      framer.feed(oneByte, 0, 1, sink);
    }
    framer.feed(bytes("\n9999999 "), 0, 9, sink); // a huge count, and its body one byte at a time
    for (int i = 0; i < 100_000; i++) {
      framer.feed(oneByte, 0, 1, sink);
    }
    assertTrue(framer.bufferCapacity() <= 1000, "buffer " + framer.bufferCapacity());
    assertEquals(2, sink.frames.size()); // the first 1000 bytes of each, incomplete
    assertTrue(sink.frames.stream().allMatch(Frame::incomplete));
  }

  @Test
  void rejectsNonTcpModesAndTinyLimits() {
    assertThrows(IllegalArgumentException.class, () -> new SyslogFramer(Framing.UDP, 2500));
    assertThrows(IllegalArgumentException.class, () -> new SyslogFramer(Framing.AUTO, 15));
    assertEquals(
        2500, new SyslogFramer(Framing.LF, SyslogFramer.DEFAULT_MAX_FRAME_BYTES).maxFrameBytes());
  }

  @Test
  void framingConfigValues() {
    assertEquals(Framing.OCTET, Framing.ofConfig(" Octet "));
    assertEquals("udp", Framing.UDP.headerValue());
    assertThrows(IllegalArgumentException.class, () -> Framing.ofConfig("udp"));
  }

  static String octet(String message) {
    return bytes(message).length + " " + message;
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static RecordingSink feed(Framing mode, String stream) {
    return feed(mode, 2500, stream);
  }

  private static RecordingSink feed(Framing mode, int maxFrameBytes, String stream) {
    SyslogFramer framer = new SyslogFramer(mode, maxFrameBytes);
    RecordingSink sink = new RecordingSink();
    sink.feed(framer, bytes(stream));
    return sink;
  }
}
