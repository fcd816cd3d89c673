package io.sluice.sink.write;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finishes the in-progress files a dead run of the same writer (same directory, prefix and sink)
 * left behind: each is cut back to its intact length ({@link IntactLength}) and renamed to its
 * final name, so that the batches it committed reach the tailer instead of waiting forever under a
 * name no tailer reads. A file whose final name is taken is left as it is, with a warning.
 *
 * <p>A live writer holds a lock on its in-progress file; a locked file is skipped, so a second
 * agent misconfigured onto the same directory and sink name cannot cut a live file short.
 */
final class CrashRecovery {

  private static final Logger LOG = LoggerFactory.getLogger(CrashRecovery.class);

  private CrashRecovery() {}

  /** Recovers every left-over file of {@code names} in {@code dir}; returns how many. */
  static int recover(Path dir, FileNames names, ChannelOpener opener, boolean fsync)
      throws IOException {
    int recovered = 0;
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path p : entries) {
        if (names.isInProgressOfMine(p.getFileName().toString()) && recoverOne(p, opener, fsync)) {
          recovered++;
        }
      }
    } catch (NoSuchFileException e) {
      return 0; // no directory, no left-overs: the writer creates it
    }
    if (recovered > 0 && fsync) {
      RollingFileWriter.forceDirectory(dir, opener);
    }
    return recovered;
  }

  private static boolean recoverOne(Path inProgress, ChannelOpener opener, boolean fsync)
      throws IOException {
    String name = inProgress.getFileName().toString();
    Path finalPath = inProgress.resolveSibling(FileNames.finalOf(name));
    long size;
    long intact;
    try (FileChannel ch = opener.open(inProgress,
        Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE))) {
      FileLock lock;
      try {
        lock = ch.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        LOG.info("{} is being written by another writer; left alone", inProgress);
        return false;
      }
      size = ch.size();
      intact = IntactLength.of(ch, Compression.ofFileName(name));
      if (intact < size) {
        ch.truncate(intact);
      }
      if (fsync) {
        ch.force(false);
      }
    }
    if (intact == 0) {
      Files.delete(inProgress);
      LOG.warn("{} left by a run that stopped without closing it held no whole batch ({} bytes);"
          + " deleted", inProgress, size);
      return true;
    }
    if (Files.exists(finalPath)) {
      LOG.warn("{} left by a run that stopped without closing it cannot take its final name: {}"
          + " exists; left as it is", inProgress, finalPath);
      return false;
    }
    Files.move(inProgress, finalPath, StandardCopyOption.ATOMIC_MOVE);
    LOG.warn("{} left by a run that stopped without closing it: kept its first {} of {} bytes"
        + " (the rest was a batch cut short, which the channel delivers again) and renamed it {}",
        inProgress, intact, size, finalPath.getFileName());
    return true;
  }
}
