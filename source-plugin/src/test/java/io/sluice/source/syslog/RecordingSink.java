package io.sluice.source.syslog;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A {@link FrameSink} that copies every frame, for tests to compare. */
final class RecordingSink implements FrameSink {

  /** One delivered frame; {@code bytes} is a copy. */
  record Frame(byte[] bytes, Framing framing, boolean incomplete) {

    String text() {
      return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    @Override
    public String toString() {
      return framing + (incomplete ? " incomplete " : " ") + '"' + text() + '"';
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Frame f
          && java.util.Arrays.equals(bytes, f.bytes)
          && framing == f.framing
          && incomplete == f.incomplete;
    }

    @Override
    public int hashCode() {
      return java.util.Arrays.hashCode(bytes);
    }
  }

  final List<Frame> frames = new ArrayList<>();
  long discarded;

  /** How many frames were delivered as slices of the array that was fed, not copies. */
  int zeroCopy;

  private byte[] fed;

  /** Feeds a whole chunk, noting which array it was so zero-copy delivery can be counted. */
  void feed(SyslogFramer framer, byte[] chunk) {
    fed = chunk;
    framer.feed(chunk, 0, chunk.length, this);
  }

  @Override
  public void frame(byte[] buf, int off, int len, Framing framing, boolean incomplete) {
    if (buf == fed) {
      zeroCopy++;
    }
    byte[] copy = new byte[len];
    System.arraycopy(buf, off, copy, 0, len);
    frames.add(new Frame(copy, framing, incomplete));
  }

  @Override
  public void discarded(long bytes) {
    discarded += bytes;
  }

  List<String> texts() {
    return frames.stream().map(Frame::text).toList();
  }
}
