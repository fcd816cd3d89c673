package io.sluice.source.syslog;

/** Receives what a {@link SyslogFramer} cuts from a connection's byte stream. */
@FunctionalInterface
public interface FrameSink {

  /**
   * One frame, already stripped of trailing CR, LF and NUL ({@link Trailers}) and never empty. The
   * array is the framer's or the caller's and is reused: copy what you keep before returning.
   * Should not throw: an exception ends {@link SyslogFramer#feed} and the rest of that chunk is
   * lost.
   *
   * @param framing {@link Framing#OCTET} or {@link Framing#LF}: how this frame was delimited
   * @param incomplete true when the frame is the first {@code maxFrameBytes} of a longer message
   *     (Flume's {@code Incomplete} status), or an octet-counted frame cut short by end of stream
   */
  void frame(byte[] buf, int off, int len, Framing framing, boolean incomplete);

  /** Bytes of oversized messages dropped after their first {@code maxFrameBytes}. */
  default void discarded(long bytes) {}
}
