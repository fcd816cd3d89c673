package io.sluice.sink.write;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * A fixed buffer in front of a file channel: small documents are gathered into one write call,
 * and no more than {@link #BUFFER_BYTES} are ever held, whatever the batch size (a larger batch
 * is written through, and an abort truncates it back).
 */
final class ChannelOutput {

  /** Large enough that a write call carries hundreds of typical documents. */
  static final int BUFFER_BYTES = 64 * 1024;

  private final FileChannel channel;
  private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES);

  ChannelOutput(FileChannel channel) {
    this.channel = channel;
  }

  void write(byte[] bytes, int offset, int length) throws IOException {
    if (length > buffer.remaining()) {
      drain();
      if (length > buffer.capacity()) {
        writeFully(ByteBuffer.wrap(bytes, offset, length));
        return;
      }
    }
    buffer.put(bytes, offset, length);
  }

  void write(byte b) throws IOException {
    if (!buffer.hasRemaining()) {
      drain();
    }
    buffer.put(b);
  }

  /** Hands everything buffered to the file (not forced to disk). */
  void flush() throws IOException {
    drain();
  }

  /** Forgets what is buffered: the batch it belongs to is being aborted. */
  void discard() {
    buffer.clear();
  }

  private void drain() throws IOException {
    buffer.flip();
    try {
      writeFully(buffer);
    } finally {
      buffer.clear(); // on failure the batch is aborted and truncated back: nothing to keep
    }
  }

  private void writeFully(ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      channel.write(b);
    }
  }
}
