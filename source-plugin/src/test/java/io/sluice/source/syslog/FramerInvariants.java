package io.sluice.source.syslog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.source.syslog.RecordingSink.Frame;
import java.util.List;

/**
 * What must hold for every stream cut into any chunks: shared by the jqwik properties and the
 * Jazzer fuzz test.
 */
final class FramerInvariants {

  private FramerInvariants() {}

  /**
   * Frames the stream whole and in chunks of {@code chunkLengths} (cycled); both must give the same
   * frames and discard counts, every frame must be 1 to {@code maxFrameBytes} bytes with no
   * trailer, the buffer must stay within {@code maxFrameBytes}, and no byte may be counted twice.
   */
  static void check(byte[] stream, Framing mode, int maxFrameBytes, List<Integer> chunkLengths) {
    RecordingSink whole = new RecordingSink();
    SyslogFramer framer = new SyslogFramer(mode, maxFrameBytes);
    framer.feed(stream, 0, stream.length, whole);
    framer.endOfStream(whole);

    SyslogFramer chunkedFramer = new SyslogFramer(mode, maxFrameBytes);
    RecordingSink chunked = Chunking.feed(chunkedFramer, stream, chunkLengths);

    assertEquals(whole.frames, chunked.frames);
    assertEquals(whole.discarded, chunked.discarded);
    long framed = 0;
    for (Frame f : chunked.frames) {
      byte[] b = f.bytes();
      assertTrue(b.length >= 1 && b.length <= maxFrameBytes, f::toString);
      assertEquals(b.length, Trailers.stripLength(b, 0, b.length), f::toString);
      framed += b.length;
    }
    assertTrue(framer.bufferCapacity() <= maxFrameBytes);
    assertTrue(chunkedFramer.bufferCapacity() <= maxFrameBytes);
    assertTrue(framed + chunked.discarded <= stream.length);
  }
}
