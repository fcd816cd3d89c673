package io.sluice.channel;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flume.ChannelException;

/**
 * Keeps a checkpoint to one channel: two agents (or two channels of one agent) with the same
 * {@code checkpointDir} and channel name would restore the same events twice and overwrite each
 * other's checkpoint at stop. Held from start to stop, on {@code <dir>/<channel>.lock}.
 *
 * <p><b>Two guards.</b> A {@link FileLock} keeps other processes out, but belongs to the whole
 * JVM: a second channel in this JVM would get an {@link OverlappingFileLockException} at best,
 * and on Linux merely closing its own descriptor of the lock file would drop the first channel's
 * lock (POSIX locks are per process, released by any close). So channels of this JVM are kept
 * apart first, by the lock file's real path in {@link #HELD}, before the file is ever opened.
 *
 * <p>The lock file holds the owner's process id, for the message of the one refused. It is left
 * in place at release: deleting it could let two processes lock two different files of one name.
 */
final class CheckpointLock implements AutoCloseable {

  /** Lock files held by channels of this JVM (real paths). */
  private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;

  private CheckpointLock(Path file, FileChannel channel, FileLock lock) {
    this.file = file;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Locks {@code dir} for the channel {@code channelName}, creating the directory (the owner's
   * alone) if needed; a {@link ChannelException} naming the directory if another holds it.
   */
  static CheckpointLock acquire(Path dir, String channelName) {
    Path file;
    try {
      Checkpoint.createPrivateDirectories(dir);
      file = dir.toRealPath().resolve(channelName + ".lock");
    } catch (IOException e) {
      throw new ChannelException("Channel " + channelName + ": cannot use checkpointDir " + dir
          + ": " + e, e);
    }
    if (!HELD.add(file)) {
      throw inUse(channelName, dir, file, "by another channel named " + channelName
          + " in this agent's JVM");
    }
    FileChannel ch = null;
    try {
      ch = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ,
          StandardOpenOption.WRITE), Checkpoint.privateFile(dir));
      FileLock lock = ch.tryLock();
      if (lock == null) {
        throw inUse(channelName, dir, file, "by another process" + owner(ch));
      }
      ch.truncate(0);
      ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n")
          .getBytes(StandardCharsets.US_ASCII)), 0);
      return new CheckpointLock(file, ch, lock);
    } catch (IOException | OverlappingFileLockException | ChannelException e) {
      closeQuietly(ch);
      HELD.remove(file);
      if (e instanceof ChannelException ce) {
        throw ce;
      }
      if (e instanceof OverlappingFileLockException) {
        throw inUse(channelName, dir, file, "by other code in this JVM");
      }
      throw new ChannelException("Channel " + channelName + ": cannot lock " + file + ": " + e, e);
    }
  }

  private static ChannelException inUse(String channelName, Path dir, Path file, String byWhom) {
    return new ChannelException("Channel " + channelName + ": checkpointDir " + dir
        + " is in use " + byWhom + " (lock " + file + "). Two agents, or two channels of one agent,"
        + " must not share a checkpointDir and channel name: give each its own directory");
  }

  /** ", pid N" from the lock file, when its owner wrote one. */
  private static String owner(FileChannel ch) {
    try {
      ByteBuffer b = ByteBuffer.allocate(20);
      ch.read(b, 0);
      String pid = new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII).trim();
      return pid.matches("\\d+") ? ", pid " + pid : "";
    } catch (IOException e) {
      return "";
    }
  }

  Path file() {
    return file;
  }

  /** Releases the lock, for this JVM's channels and for other processes. */
  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException e) {
      // closing the channel below releases it too
    } finally {
      closeQuietly(channel);
      HELD.remove(file);
    }
  }

  private static void closeQuietly(FileChannel ch) {
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException e) {
        // nothing to add: the lock is released with the descriptor
      }
    }
  }
}
