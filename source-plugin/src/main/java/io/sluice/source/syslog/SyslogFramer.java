package io.sluice.source.syslog;

import java.util.Objects;

/**
 * Cuts one TCP (or TLS) connection's byte stream into syslog frames, RFC 6587: octet counting
 * ({@code MSG-LEN SP MSG}) and LF/NUL-terminated lines, per frame in {@link Framing#AUTO} mode.
 *
 * <p>Feed it the bytes as they arrive, in chunks of any size. A frame that lies wholly inside a
 * chunk is handed to the sink as a slice of that chunk, without copying; only a frame split across
 * chunks is copied, into a buffer that never grows beyond {@code maxFrameBytes}, whatever the
 * input. One framer per connection; not thread-safe. The framer moves on before it calls the sink,
 * so a sink that throws loses the rest of that chunk but leaves the framer consistent.
 *
 * <p>Decisions where senders and the RFC leave room:
 *
 * <ul>
 *   <li>A count that is not digits-then-space, or has more than {@value #MAX_COUNT_DIGITS} digits,
 *       was not a count: the frame is read as an LF line instead, so nothing is lost and the stream
 *       resynchronises at the next LF.
 *   <li>Oversize: the first {@code maxFrameBytes} are delivered as an incomplete frame. The rest of
 *       the message is dropped and reported to {@link FrameSink#discarded}: for an octet frame, the
 *       remaining counted bytes (so the stream stays in step); for a line, everything up to its LF.
 *       Flume instead turns the remainder into further, headerless events; rsyslog's {@code
 *       discardTruncatedMsg} and Vector drop it as we do, since those fragments parse as garbage.
 *   <li>Every frame is trimmed of trailing CR, LF and NUL: rsyslog and syslog-ng count an LF inside
 *       octet frames, and CRLF lines lose their CR. Frames left empty (blank lines) are skipped.
 * </ul>
 */
public final class SyslogFramer {

  /** Flume's default {@code eventSize}. */
  public static final int DEFAULT_MAX_FRAME_BYTES = 2500;

  /**
   * The smallest {@code maxFrameBytes}: room for the longest count, so a failed one fits a line.
   */
  public static final int MIN_MAX_FRAME_BYTES = 16;

  /** Up to 9,999,999,999: more digits than any sane MSG-LEN, few enough to fit a long. */
  public static final int MAX_COUNT_DIGITS = 10;

  private static final int INITIAL_BUFFER_BYTES = 256;
  private static final byte[] EMPTY = new byte[0];

  private enum State {
    /** Between frames. */
    START,
    /** Reading MSG-LEN digits; {@link #number} holds their value. */
    COUNT,
    /** Collecting an octet-counted MSG; {@link #number} is its MSG-LEN. */
    OCTET_BODY,
    /** Dropping the rest of an oversized octet frame; {@link #number} bytes to go. */
    OCTET_SKIP,
    /** Collecting a line up to LF or NUL. */
    LINE,
    /**
     * A line filled {@code maxFrameBytes} (all in {@link #buffer}); CRs may still precede its LF.
     */
    LINE_FULL,
    /** Dropping the rest of an oversized line, up to LF or NUL. */
    LINE_DISCARD
  }

  private final Framing mode;
  private final int maxFrameBytes;

  private State state = State.START;
  private long number;
  private int countDigits;
  private long crsAfterFullLine;

  /** The start of the current frame, when a previous chunk ended inside it. */
  private byte[] buffer = EMPTY;

  private int buffered;

  public SyslogFramer(Framing mode, int maxFrameBytes) {
    if (mode != Framing.AUTO && mode != Framing.OCTET && mode != Framing.LF) {
      throw new IllegalArgumentException("a TCP framer is AUTO, OCTET or LF, not " + mode);
    }
    if (maxFrameBytes < MIN_MAX_FRAME_BYTES) {
      throw new IllegalArgumentException(
          "maxFrameBytes must be at least " + MIN_MAX_FRAME_BYTES + ": " + maxFrameBytes);
    }
    this.mode = mode;
    this.maxFrameBytes = maxFrameBytes;
  }

  public Framing mode() {
    return mode;
  }

  public int maxFrameBytes() {
    return maxFrameBytes;
  }

  /** Bytes held for frames split across chunks: never more than {@code maxFrameBytes}. */
  public int bufferCapacity() {
    return buffer.length;
  }

  /**
   * True from a frame's first byte until its end, including while the tail of an oversized message
   * is being dropped: a source can time out senders that start a frame and never finish it.
   */
  public boolean inFrame() {
    return state != State.START;
  }

  /**
   * Cuts the frames in {@code buf[off, off + len)}, continuing any frame left open by earlier
   * chunks.
   */
  public void feed(byte[] buf, int off, int len, FrameSink sink) {
    Objects.checkFromIndexSize(off, len, buf.length);
    int end = off + len;
    int i = off;
    int frameStart = off; // the current frame's bytes in buf begin here; earlier ones are buffered
    while (i < end) {
      switch (state) {
        case START -> {
          if (isBetweenFrames(buf[i])) {
            i++;
          } else if (startsCount(buf[i])) {
            frameStart = i++;
            state = State.COUNT;
          } else {
            frameStart = i;
            state = State.LINE;
          }
        }
        case COUNT -> {
          i = count(buf, i);
          if (state == State.OCTET_BODY) {
            frameStart = i;
          }
        }
        case OCTET_BODY -> i = octetBody(buf, frameStart, i, end, sink);
        case OCTET_SKIP -> i = skipOctets(i, end, sink);
        case LINE -> i = line(buf, frameStart, i, end, sink);
        case LINE_FULL -> i = afterFullLine(buf, i, sink);
        case LINE_DISCARD -> i = discardLine(buf, i, end, sink);
      }
    }
    if (state == State.COUNT || state == State.OCTET_BODY || state == State.LINE) {
      append(buf, frameStart, end);
    }
  }

  /**
   * The connection has closed: delivers a final line that had no terminator, and an octet frame cut
   * short as incomplete. The framer is then ready for a new stream.
   */
  public void endOfStream(FrameSink sink) {
    State last = state;
    state = State.START;
    switch (last) {
      case COUNT, LINE, LINE_FULL -> deliverBuffered(Framing.LF, false, sink);
      case OCTET_BODY -> deliverBuffered(Framing.OCTET, true, sink);
      default ->
          buffered = 0; // between frames, or dropping an oversized message: nothing to deliver
    }
  }

  private boolean isBetweenFrames(byte b) {
    if (b == '\n' || b == 0) {
      return true; // an empty line
    }
    return mode == Framing.OCTET && (b == ' ' || b == '\t' || b == '\r');
  }

  private boolean startsCount(byte b) {
    if (mode != Framing.LF && b >= '1' && b <= '9') {
      number = b - '0';
      countDigits = 1;
      return true;
    }
    return false;
  }

  /** At {@code buf[i]}, after the first digit of a count; returns the next position to read. */
  private int count(byte[] buf, int i) {
    byte b = buf[i];
    if (b >= '0' && b <= '9' && countDigits < MAX_COUNT_DIGITS) {
      number = number * 10 + (b - '0');
      countDigits++;
      return i + 1;
    }
    if (b == ' ') {
      state = State.OCTET_BODY;
      buffered = 0; // the count is not part of the frame
      return i + 1;
    }
    state = State.LINE; // not a count after all: its digits begin a line
    return i;
  }

  private int octetBody(byte[] buf, int frameStart, int i, int end, FrameSink sink) {
    boolean oversize = number > maxFrameBytes;
    int wanted = oversize ? maxFrameBytes : (int) number;
    int have = buffered + (i - frameStart);
    int next = i + Math.min(wanted - have, end - i);
    if (next - frameStart + buffered == wanted) {
      number -= wanted;
      state = oversize ? State.OCTET_SKIP : State.START;
      emit(buf, frameStart, next, Framing.OCTET, oversize, sink);
    }
    return next;
  }

  private int skipOctets(int i, int end, FrameSink sink) {
    int skipped = (int) Math.min(number, end - i);
    number -= skipped;
    sink.discarded(skipped);
    if (number == 0) {
      state = State.START;
    }
    return i + skipped;
  }

  private int line(byte[] buf, int frameStart, int i, int end, FrameSink sink) {
    int room = maxFrameBytes - buffered - (i - frameStart);
    int limit = (int) Math.min(end, (long) i + room);
    int terminator = WordScan.indexOfLfOrNul(buf, i, limit);
    if (terminator >= 0) {
      state = State.START;
      emit(buf, frameStart, terminator, Framing.LF, false, sink);
      return terminator + 1;
    }
    if (limit
        < end) { // full, and more bytes follow: keep the line aside until we see what they are
      append(buf, frameStart, limit);
      crsAfterFullLine = 0;
      state = State.LINE_FULL;
    }
    return limit;
  }

  private int afterFullLine(byte[] buf, int i, FrameSink sink) {
    byte b = buf[i];
    if (b == '\r') { // possibly a CRLF ending a line of exactly maxFrameBytes
      crsAfterFullLine++;
      return i + 1;
    }
    boolean ended = b == '\n' || b == 0;
    state = ended ? State.START : State.LINE_DISCARD;
    deliverBuffered(Framing.LF, !ended, sink);
    if (ended) {
      return i + 1;
    }
    if (crsAfterFullLine > 0) {
      sink.discarded(crsAfterFullLine);
    }
    return i; // LINE_DISCARD counts this byte
  }

  private int discardLine(byte[] buf, int i, int end, FrameSink sink) {
    int terminator = WordScan.indexOfLfOrNul(buf, i, end);
    int stop = terminator < 0 ? end : terminator;
    if (stop > i) {
      sink.discarded(stop - i);
    }
    if (terminator < 0) {
      return end;
    }
    state = State.START;
    return terminator + 1;
  }

  /** Delivers the frame made of the buffered bytes and {@code buf[from, to)}. */
  private void emit(
      byte[] buf, int from, int to, Framing framing, boolean incomplete, FrameSink sink) {
    if (buffered == 0) {
      deliver(buf, from, to - from, framing, incomplete, sink);
    } else {
      append(buf, from, to);
      deliverBuffered(framing, incomplete, sink);
    }
  }

  /** Delivers the buffered frame; the buffer is free again once the sink returns. */
  private void deliverBuffered(Framing framing, boolean incomplete, FrameSink sink) {
    int length = buffered;
    buffered = 0;
    deliver(buffer, 0, length, framing, incomplete, sink);
  }

  private static void deliver(
      byte[] buf, int off, int len, Framing framing, boolean incomplete, FrameSink sink) {
    int stripped = Trailers.stripLength(buf, off, len);
    if (stripped > 0) {
      sink.frame(buf, off, stripped, framing, incomplete);
    }
  }

  private void append(byte[] buf, int from, int to) {
    int needed = buffered + (to - from);
    if (needed > buffer.length) {
      int grown = Math.max(needed, Math.max(INITIAL_BUFFER_BYTES, buffer.length * 2));
      byte[] bigger = new byte[Math.min(grown, maxFrameBytes)];
      System.arraycopy(buffer, 0, bigger, 0, buffered);
      buffer = bigger;
    }
    System.arraycopy(buf, from, buffer, buffered, to - from);
    buffered = needed;
  }
}
