package io.sluice.channel;

import io.sluice.channel.CheckpointFormat.CorruptCheckpointException;
import io.sluice.channel.CheckpointFormat.Entry;
import io.sluice.core.time.Clock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A channel's use of its {@code checkpointDir} from start to stop: the lock held all along, the
 * events a previous process left (taken over once, at start), the events held at stop (written,
 * then the lock released).
 *
 * <p>Nothing a checkpoint file holds can stop a channel from starting: a file that cannot be
 * read (truncated, damaged, foreign, of an unknown version) is moved aside with a WARN giving the
 * reason, and the channel starts without its events. Only the lock refuses a start, since two
 * channels on one checkpoint would deliver its events twice.
 */
final class CheckpointSession {

  private static final Logger LOG = LoggerFactory.getLogger(CheckpointSession.class);

  private final String channelName;
  private final Checkpoint checkpoint;
  private final CheckpointLock lock;
  private final Clock clock; // names the files moved aside

  private CheckpointSession(String channelName, Checkpoint checkpoint, CheckpointLock lock,
      Clock clock) {
    this.channelName = channelName;
    this.checkpoint = checkpoint;
    this.lock = lock;
    this.clock = clock;
  }

  /**
   * Locks {@code dir} for {@code channelName}; throws {@link org.apache.flume.ChannelException},
   * naming the directory, if another agent or channel holds it.
   */
  static CheckpointSession begin(Path dir, String channelName, Clock clock) {
    CheckpointLock lock = CheckpointLock.acquire(dir, channelName);
    return new CheckpointSession(channelName, new Checkpoint(dir, channelName), lock, clock);
  }

  /** Whether {@code other} is this session's checkpoint file, however its directory is spelled. */
  boolean isMine(Checkpoint other) {
    try {
      return Files.isSameFile(other.dir(), checkpoint.dir());
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * The events of the checkpoint a previous process left, once: the file is removed once read.
   * Empty when there is none or it cannot be read (it is then moved aside). Never throws.
   */
  List<Entry> takeOver() {
    if (!checkpoint.exists()) {
      return List.of();
    }
    List<Entry> entries;
    try {
      entries = checkpoint.read();
    } catch (CorruptCheckpointException e) {
      setAside(e.getMessage());
      return List.of();
    } catch (IOException | RuntimeException e) {
      setAside("it cannot be read: " + e);
      return List.of();
    }
    try {
      checkpoint.delete();
    } catch (IOException e) {
      LOG.error("Channel {}: restored {} events from {} but cannot remove it ({}); they will be"
          + " restored again at the next start unless it is removed", channelName,
          entries.size(), checkpoint.file(), e.toString());
    }
    LOG.info("Channel {}: restored {} events from {}", channelName, entries.size(),
        checkpoint.file());
    return entries;
  }

  private void setAside(String reason) {
    try {
      Path aside = checkpoint.moveAside(clock.currentTimeMillis());
      LOG.warn("Channel {}: {} is not a checkpoint this channel can restore: {}. Moved to {};"
          + " starting without its events", channelName, checkpoint.file(), reason, aside);
    } catch (IOException e) {
      LOG.error("Channel {}: {} is not a checkpoint this channel can restore: {}. It cannot be"
          + " moved aside either ({}); starting without its events, and it is overwritten at"
          + " stop", channelName, checkpoint.file(), reason, e.toString());
    }
  }

  /** Removes a checkpoint this channel wrote at an earlier stop in this directory. */
  boolean discard(Checkpoint own) {
    try {
      own.delete();
      return true;
    } catch (IOException e) {
      LOG.error("Channel {}: cannot remove {}, written at its last stop ({}); its events are"
          + " still in memory", channelName, own.file(), e.toString());
      return false;
    }
  }

  /**
   * Writes the events held at stop and releases the lock; returns the checkpoint written, or
   * null (logged) if it could not be.
   */
  Checkpoint end(List<Entry> held) {
    try {
      checkpoint.write(held);
      LOG.info("Channel {}: {} events held at stop written to {}", channelName, held.size(),
          checkpoint.file());
      return checkpoint;
    } catch (IOException | RuntimeException e) {
      LOG.error("Channel {}: could not write the {} events held at stop to {}; they are lost if"
          + " the agent exits", channelName, held.size(), checkpoint.file(), e);
      return null;
    } finally {
      lock.close();
    }
  }

  /** Releases the lock without writing (a start that failed after taking it). */
  void abandon() {
    lock.close();
  }
}
