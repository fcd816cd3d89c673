package io.sluice.source.syslog;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/** Feeds a stream to a framer in pieces, as a network would deliver it. */
final class Chunking {

  private Chunking() {}

  /** Chunk lengths to cycle through; 1 is common, so splits land inside every kind of token. */
  static Arbitrary<List<Integer>> cuts() {
    return Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(3, Arbitraries.integers().between(1, 3)),
            net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(4, 300)))
        .list()
        .ofMinSize(1)
        .ofMaxSize(12);
  }

  /**
   * Feeds {@code stream} in chunks of the given lengths (cycled), each copied into a fresh array as
   * a socket read would be, then ends the stream.
   */
  static RecordingSink feed(SyslogFramer framer, byte[] stream, List<Integer> chunkLengths) {
    RecordingSink sink = new RecordingSink();
    int pos = 0;
    for (int i = 0; pos < stream.length; i++) {
      int n = Math.min(Math.max(1, chunkLengths.get(i % chunkLengths.size())), stream.length - pos);
      byte[] chunk = new byte[n + 2]; // with room on both sides, so offsets are exercised
      System.arraycopy(stream, pos, chunk, 1, n);
      framer.feed(chunk, 1, n, sink);
      pos += n;
    }
    framer.endOfStream(sink);
    return sink;
  }
}
