package io.sluice.source.syslog;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.source.syslog.RecordingSink.Frame;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** What holds for any stream, cut into any chunks. */
class SyslogFramerPropertiesTest {

  @Property(tries = 3000, seed = "6587")
  void anyStreamInAnyChunksFramesAlikeWithinBounds(
      @ForAll("streams") byte[] stream,
      @ForAll("modes") Framing mode,
      @ForAll @IntRange(min = 16, max = 120) int maxFrameBytes,
      @ForAll("cuts") List<Integer> cuts) {
    FramerInvariants.check(stream, mode, maxFrameBytes, cuts);
  }

  /** Messages framed either way, in one stream, come back as they were sent. */
  @Property(tries = 1000, seed = "3164")
  void autoDetectionRecoversMixedFraming(
      @ForAll("messages") List<String> messages,
      @ForAll("cuts") List<Integer> cuts,
      @ForAll long seed) {
    ByteArrayOutputStream stream = new ByteArrayOutputStream();
    java.util.Random random = new java.util.Random(seed);
    for (String m : messages) {
      byte[] bytes = m.getBytes(StandardCharsets.UTF_8);
      if (random.nextBoolean() || m.contains("\n")) {
        stream.writeBytes((bytes.length + " ").getBytes(StandardCharsets.US_ASCII));
        stream.writeBytes(bytes);
      } else {
        stream.writeBytes(bytes);
        stream.writeBytes(random.nextBoolean() ? new byte[] {'\n'} : new byte[] {'\r', '\n'});
      }
    }
    RecordingSink sink =
        Chunking.feed(
            new SyslogFramer(Framing.AUTO, SyslogFramer.DEFAULT_MAX_FRAME_BYTES),
            stream.toByteArray(),
            cuts);
    List<String> received = new ArrayList<>();
    for (Frame f : sink.frames) {
      received.add(new String(f.bytes(), StandardCharsets.UTF_8));
    }
    assertEquals(messages, received);
  }

  @Provide
  Arbitrary<Framing> modes() {
    return Arbitraries.of(Framing.AUTO, Framing.OCTET, Framing.LF);
  }

  @Provide
  Arbitrary<List<Integer>> cuts() {
    return Chunking.cuts();
  }

  /** Syslog-like messages that start with '<' and do not end in a trailer byte. */
  @Provide
  Arbitrary<List<String>> messages() {
    Arbitrary<String> text = Arbitraries.strings().withChars("ab <>:-\u00e9\n\t").ofMaxLength(30);
    return text.map(t -> "<13>" + t + "!").list().ofMaxSize(10);
  }

  /**
   * Streams of framing fragments: valid and lying counts, lines, oversize runs, terminators,
   * digits, whitespace and noise, so every state and transition of the framer is reached.
   */
  @Provide
  Arbitrary<byte[]> streams() {
    Arbitrary<String> fragment =
        Arbitraries.oneOf(
            Arbitraries.of(
                "\n",
                "\r\n",
                "\0",
                " ",
                "\r",
                "\t",
                "0",
                "1",
                "9",
                "12 ",
                "99999999999 ",
                "5 abcde",
                "10 <13>hello",
                "3 ab\n",
                "<13>line\n",
                "<13>",
                "x".repeat(130),
                "\n\n"),
            Arbitraries.strings().withChars("0123456789 \n\r\0<>ab").ofMaxLength(8),
            Combinators.combine(
                    Arbitraries.integers().between(1, 200),
                    Arbitraries.strings().withChars("ab\n").ofMaxLength(200))
                .as((count, body) -> count + " " + body));
    return fragment
        .list()
        .ofMaxSize(25)
        .map(list -> String.join("", list).getBytes(StandardCharsets.ISO_8859_1));
  }
}
