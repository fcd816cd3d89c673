package io.sluice.sink.write;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;

/**
 * A real file channel with failures a file system can give, switched on by the test: a write
 * that runs out of room part way (as ENOSPC does), a truncate that fails; and a count of forces.
 * Everything else is the real channel's work, so the file's content is what the writer made it.
 */
final class FaultyChannel extends FileChannel {

  final Path path;
  private final FileChannel real;
  /** Bytes writes may still store; then a write fails, after storing what fits. */
  long writeBudget = Long.MAX_VALUE;
  boolean failTruncate;
  /** The next force is interrupted, as Flume's runner interrupts a stopping sink's thread. */
  boolean interruptForce;
  int forces;

  FaultyChannel(Path path, FileChannel real) {
    this.path = path;
    this.real = real;
  }

  /** Closes the real channel as the kernel does when a process dies: no flush, no rename. */
  void die() throws IOException {
    real.close();
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    if (writeBudget == 0) {
      throw new IOException("No space left on device (injected)");
    }
    int limit = src.limit();
    if (src.remaining() > writeBudget) {
      src.limit(src.position() + (int) writeBudget);
    }
    try {
      int n = real.write(src);
      writeBudget -= n;
      return n;
    } finally {
      src.limit(limit);
    }
  }

  @Override
  public FileChannel truncate(long size) throws IOException {
    if (failTruncate) {
      throw new IOException("Read-only file system (injected)");
    }
    real.truncate(size);
    return this;
  }

  @Override
  public void force(boolean metaData) throws IOException {
    forces++;
    if (interruptForce) {
      interruptForce = false;
      Thread.currentThread().interrupt(); // the real force then fails and closes the real channel
    }
    real.force(metaData);
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    return real.read(dst);
  }

  @Override
  public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
    return real.read(dsts, offset, length);
  }

  @Override
  public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
    throw new UnsupportedOperationException("the writer does not gather");
  }

  @Override
  public long position() throws IOException {
    return real.position();
  }

  @Override
  public FileChannel position(long newPosition) throws IOException {
    real.position(newPosition);
    return this;
  }

  @Override
  public long size() throws IOException {
    return real.size();
  }

  @Override
  public long transferTo(long position, long count, WritableByteChannel target)
      throws IOException {
    return real.transferTo(position, count, target);
  }

  @Override
  public long transferFrom(ReadableByteChannel src, long position, long count)
      throws IOException {
    return real.transferFrom(src, position, count);
  }

  @Override
  public int read(ByteBuffer dst, long position) throws IOException {
    return real.read(dst, position);
  }

  @Override
  public int write(ByteBuffer src, long position) throws IOException {
    throw new UnsupportedOperationException("the writer writes at its position");
  }

  @Override
  public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
    return real.map(mode, position, size);
  }

  @Override
  public FileLock lock(long position, long size, boolean shared) throws IOException {
    return real.lock(position, size, shared);
  }

  @Override
  public FileLock tryLock(long position, long size, boolean shared) throws IOException {
    return real.tryLock(position, size, shared);
  }

  @Override
  protected void implCloseChannel() throws IOException {
    real.close();
  }
}
