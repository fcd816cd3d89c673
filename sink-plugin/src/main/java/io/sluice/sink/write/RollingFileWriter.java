package io.sluice.sink.write;

import io.sluice.core.time.Clock;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes documents as NDJSON (optionally gzip) to rolling files in one directory: the {@code file}
 * writer, and the dead letter.
 *
 * <h2>Files</h2>
 *
 * A file is opened at the first document after the last one closed, named as {@link FileNames}
 * says, with {@code .inprogress} at the end while it is written; closing it renames it (atomically,
 * within the directory) to its final name, so a tailer that reads {@code *.ndjson} never sees half
 * a file. A file that holds no committed document is deleted instead. A file is closed at a batch
 * boundary once its committed size reaches {@code rollSize} or it has been open for {@code
 * rollInterval} (on the injected {@link Clock}'s monotonic time): right after the commit that
 * reaches it, at the start of the next batch, or when the sink, having nothing to take, calls
 * {@link #rollIfDue}, so that a quiet stream still closes its file on time.
 *
 * <h2>Batches</h2>
 *
 * {@link #commit} hands the batch to the file (and with {@code fsync}, forces it to disk before
 * returning; new files' and renamed files' directory entries are forced too) and remembers the
 * file's length. {@link #abort} truncates the file back to that length, so that the batch's retry
 * writes it once. With gzip, each batch is one gzip member, so the file is whole at every commit.
 *
 * <h2>Failures</h2>
 *
 * Any failure of the file system (directory removed or unwritable, disk full, a write error) makes
 * {@code append} or {@code commit} throw; the caller aborts and retries later. Nothing committed is
 * lost and, while the process runs, nothing is written twice:
 *
 * <ul>
 *   <li>a commit checks that the file it wrote is still the one at its path: a file removed from
 *       under the writer (its directory deleted) fails the batch, is abandoned, and the retry opens
 *       a new file, creating the directory again;
 *   <li>an abort that cannot truncate marks the file dirty; nothing more is written to it until a
 *       later call has truncated it;
 *   <li>a rename that fails after a successful commit does not fail that commit (the batch is
 *       durable): the file waits, closed, and the rename is retried before the next batch, which
 *       fails (before writing anything) for as long as the rename does.
 * </ul>
 *
 * <h2>Crashes</h2>
 *
 * A process that dies leaves its {@code .inprogress} file holding every committed batch, possibly
 * followed by part of the batch under way (when that batch outgrew the {@value
 * ChannelOutput#BUFFER_BYTES}-byte buffer and was partly written through). The next run with the
 * same directory, prefix and sink name cuts such a file back to its last whole line (or gzip
 * member) and renames it to its final name ({@link CrashRecovery}); it never appends to it. What
 * can repeat after a crash: the batch under way, and a batch that was committed here but whose
 * take the sink had not yet committed, are delivered again by the channel and written again. The
 * lines of such a batch that were written through before the crash therefore appear twice. Nothing
 * committed is lost; with {@code fsync}, committed batches also survive a power cut.
 *
 * <h2>Memory</h2>
 *
 * A {@value ChannelOutput#BUFFER_BYTES}-byte buffer, an 8 KiB deflate buffer and, with gzip, one
 * zlib stream (about 256 KiB outside the heap), whatever the batch or document size.
 *
 * <p>One thread uses a writer, as {@link EventWriter} says; it holds no locks.
 */
public final class RollingFileWriter implements EventWriter {

  private static final Logger LOG = LoggerFactory.getLogger(RollingFileWriter.class);

  /** Sequence numbers tried in one second before giving up: far beyond any real directory. */
  private static final int MAX_SEQ = 100_000;

  private final FileWriterSettings settings;
  private final FileNames names;
  private final Clock clock;
  private final ChannelOpener opener;

  /** The file being written or waiting to be renamed; null between files. */
  private OpenFile file;
  /** What {@link #undoLastCommit} would cut; null when the last batch is beyond reach. */
  private Undo undo = NOTHING_TO_UNDO;

  private boolean recovered;
  private boolean closed;
  private long lastOpenSecond = Long.MIN_VALUE;
  private int lastSeq;

  public RollingFileWriter(FileWriterSettings settings, String sinkName, Clock clock) {
    this(settings, sinkName, clock, ChannelOpener.SYSTEM);
  }

  RollingFileWriter(FileWriterSettings settings, String sinkName, Clock clock,
      ChannelOpener opener) {
    this.settings = Objects.requireNonNull(settings);
    this.names = new FileNames(settings.prefix(), sinkName);
    this.clock = Objects.requireNonNull(clock);
    this.opener = Objects.requireNonNull(opener);
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException if {@code document} holds a line end: it would break the
   *     one-document-per-line form (UTF-8 never has byte 0x0A inside a character)
   */
  @Override
  public void append(byte[] document) throws IOException {
    checkNotClosed();
    if (OneLine.holdsLineEnd(document)) {
      throw new IllegalArgumentException("a document must be one line; this one holds a '\\n'");
    }
    OpenFile f = writable();
    f.uncommitted = true;
    f.encoder.append(document);
  }

  @Override
  public void commit() throws IOException {
    checkNotClosed();
    undo = NOTHING_TO_UNDO;
    OpenFile f = file;
    if (f == null || f.channel == null) {
      return;
    }
    if (f.uncommitted) {
      f.encoder.endBatch();
      if (settings.fsync()) {
        f.channel.force(false);
      }
      if (!f.stillAtItsPath()) {
        throw new NoSuchFileException(f.inProgress.toString(), null,
            "removed while being written; the batch is written again to a new file");
      }
      undo = new Undo(f, f.committedLength);
      f.committedLength = f.channel.position();
      f.uncommitted = false;
    }
    if (rollDue(f)) {
      if (undo != NOTHING_TO_UNDO) {
        undo = null; // closed and renamed: a tailer may have read it
      }
      try {
        roll(f);
      } catch (IOException e) {
        // The batch is durable: failing the commit would make the caller write it again. The
        // rename is retried before the next batch, which fails for as long as it does.
        LOG.warn("Could not close {}; retried before the next batch: {}", f.inProgress,
            e.toString());
      }
    }
  }

  /**
   * {@inheritDoc} Possible while the batch's file is still open (not rolled since): it is cut
   * back to its length before that batch.
   */
  @Override
  public boolean undoLastCommit() throws IOException {
    checkNotClosed();
    if (undo == NOTHING_TO_UNDO) {
      return true;
    }
    OpenFile f = file;
    if (undo == null || f != undo.file() || f.channel == null || f.uncommitted) {
      return false;
    }
    f.committedLength = undo.length();
    truncateBack(f);
    if (settings.fsync() && f.channel != null) {
      f.channel.force(false);
    }
    undo = NOTHING_TO_UNDO;
    return true;
  }

  /** Where the last commit's batch begins: the file and its length before it. */
  private record Undo(OpenFile file, long length) {}

  private static final Undo NOTHING_TO_UNDO = new Undo(null, 0);

  @Override
  public void abort() throws IOException {
    checkNotClosed();
    OpenFile f = file;
    if (f == null || f.channel == null) {
      return;
    }
    f.encoder.discardBatch();
    f.uncommitted = false;
    if (!f.stillAtItsPath()) {
      // Moved rather than deleted, the file may come back (a directory moved aside and back):
      // cut the batch from it all the same, through the handle, which still reaches it.
      try {
        truncateBack(f);
      } catch (IOException e) {
        LOG.warn("Could not cut the failed batch from {}, which was moved or removed: {}",
            f.inProgress, e.toString());
      }
      abandon(f);
      return;
    }
    truncateBack(f);
  }

  /**
   * Closes the current file if its roll size or interval is reached and no batch is under way
   * (or if closing it failed before). The sink calls this when it has nothing to take.
   *
   * @return whether a file was closed
   */
  public boolean rollIfDue() throws IOException {
    checkNotClosed();
    OpenFile f = file;
    if (f == null || f.uncommitted || !(f.channel == null || rollDue(f))) {
      return false;
    }
    roll(f);
    return true;
  }

  /**
   * Forgets the batch under way, closes the file and renames it. If the batch cannot be truncated
   * away, the file keeps its {@code .inprogress} name (the next run recovers it) and this throws.
   * A stopping sink's thread is interrupted: the interrupt is held off while the file is closed
   * (it would close the channels this needs), and kept for the caller.
   */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    OpenFile f = file;
    if (f == null) {
      return;
    }
    boolean interrupted = Thread.interrupted();
    try {
      if (f.channel != null && (f.uncommitted || f.dirty)) {
        f.encoder.discardBatch();
        f.uncommitted = false;
        truncateBack(f);
      }
      roll(f);
    } finally {
      f.closeChannel();
      file = null;
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The file the next document goes to: a half-done roll finished, a dirty file cleaned. */
  private OpenFile writable() throws IOException {
    OpenFile f = file;
    if (f != null && f.dirty) {
      truncateBack(f);
    }
    if (f != null && !f.uncommitted && (f.channel == null || rollDue(f))) {
      roll(f);
    }
    if (file == null) {
      file = openNext();
    }
    return file;
  }

  private boolean rollDue(OpenFile f) {
    if (f.committedLength >= settings.rollSizeBytes()) {
      return true;
    }
    long interval = settings.rollInterval().toNanos();
    return interval > 0 && clock.nanoTime() - f.openedNanos >= interval;
  }

  private void truncateBack(OpenFile f) throws IOException {
    f.dirty = true;
    try {
      f.channel.truncate(f.committedLength);
      f.channel.position(f.committedLength);
    } catch (ClosedChannelException e) {
      cutThroughNewChannel(f);
    }
    f.dirty = false;
  }

  /**
   * Cuts the failed batch from a file whose channel was closed under the writer. Flume stops a
   * sink by interrupting its thread, and an interrupt closes a FileChannel in the middle of a write
   * or force ({@link java.nio.channels.ClosedByInterruptException}): the batch's bytes may be in
   * the file, and its take is rolled back. So the file is opened again to cut them, with the
   * interrupt held off until that is done; the file then waits, closed, to be renamed.
   */
  private void cutThroughNewChannel(OpenFile f) throws IOException {
    boolean interrupted = Thread.interrupted();
    try (FileChannel c = opener.open(f.inProgress, Set.of(StandardOpenOption.WRITE))) {
      if (!f.stillAtItsPath()) {
        throw new NoSuchFileException(f.inProgress.toString(), null, "replaced while being written");
      }
      c.truncate(f.committedLength);
      if (settings.fsync()) {
        c.force(false);
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    f.closeChannel();
  }

  /** Closes {@code f}'s channel if open, then renames it (or deletes it if it holds nothing). */
  private void roll(OpenFile f) throws IOException {
    if (f.dirty) {
      truncateBack(f);
    }
    f.closeChannel();
    if (!Files.exists(f.inProgress, LinkOption.NOFOLLOW_LINKS)) {
      LOG.warn("{} was removed before it was closed; its {} committed bytes went with it",
          f.inProgress, f.committedLength);
      file = null;
      return;
    }
    if (f.committedLength == 0) {
      Files.delete(f.inProgress);
    } else {
      if (Files.exists(f.finalPath, LinkOption.NOFOLLOW_LINKS)) {
        // A rename would replace it. Our names are reserved when opened; someone else made this.
        throw new FileAlreadyExistsException(f.finalPath.toString(), null,
            "cannot rename " + f.inProgress.getFileName() + " over it");
      }
      Files.move(f.inProgress, f.finalPath, StandardCopyOption.ATOMIC_MOVE);
    }
    if (settings.fsync()) {
      forceDirectory(settings.directory(), opener);
    }
    file = null;
  }

  /** Drops a file removed from under the writer; the next document opens a new one. */
  private void abandon(OpenFile f) {
    LOG.warn("{} was moved or removed while being written; the batch under way is written to a"
        + " new file, and its {} committed bytes are closed under their name if it comes back",
        f.inProgress, f.committedLength);
    f.closeChannel();
    file = null;
    recovered = false; // the next file opened first closes left-overs like this one, if back
  }

  private OpenFile openNext() throws IOException {
    Path dir = settings.directory();
    if (!recovered) {
      CrashRecovery.recover(dir, names, opener, settings.fsync());
      recovered = true;
    }
    Files.createDirectories(dir); // again: it may have been removed since configure
    long now = clock.currentTimeMillis();
    long second = Math.floorDiv(now, 1000L);
    int seq = second == lastOpenSecond ? lastSeq + 1 : 0;
    for (; seq < MAX_SEQ; seq++) {
      String finalName = names.finalName(now, seq, settings.compression());
      Path finalPath = dir.resolve(finalName);
      Path inProgress = dir.resolve(FileNames.inProgress(finalName));
      if (Files.exists(finalPath, LinkOption.NOFOLLOW_LINKS)
          || Files.exists(inProgress, LinkOption.NOFOLLOW_LINKS)) {
        continue;
      }
      FileChannel channel;
      try {
        channel = opener.open(inProgress,
            Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
      } catch (FileAlreadyExistsException e) {
        continue; // another writer took the name between the check and the open
      }
      lastOpenSecond = second;
      lastSeq = seq;
      try {
        FileLock lock = channel.tryLock(); // so that no other run's recovery touches it
        Object key = fileKey(inProgress);
        if (settings.fsync()) {
          forceDirectory(dir, opener);
        }
        return new OpenFile(inProgress, finalPath, channel, lock, key, clock.nanoTime(),
            BatchEncoder.of(settings.compression(), new ChannelOutput(channel)));
      } catch (IOException | RuntimeException e) {
        channel.close();
        Files.deleteIfExists(inProgress);
        throw e;
      }
    }
    throw new IOException("no free file name in " + dir + " after " + MAX_SEQ + " tries for "
        + names.finalName(now, 0, settings.compression()));
  }

  /** Makes the directory's entries (new and renamed files) durable. */
  static void forceDirectory(Path dir, ChannelOpener opener) throws IOException {
    try (FileChannel d = opener.open(dir, Set.of(StandardOpenOption.READ))) {
      d.force(true);
    }
  }

  private static Object fileKey(Path p) throws IOException {
    return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
  }

  private void checkNotClosed() {
    if (closed) {
      throw new IllegalStateException("this writer to " + settings.directory() + " is closed");
    }
  }

  /** One file from its open to its rename. */
  private static final class OpenFile {
    final Path inProgress;
    final Path finalPath;
    final Object fileKey;
    final long openedNanos;
    final BatchEncoder encoder;
    /** Null once closed: the file then only waits to be renamed. */
    FileChannel channel;
    FileLock lock;
    long committedLength;
    /** Documents appended since the last commit. */
    boolean uncommitted;
    /** A truncation failed: bytes past committedLength may be in the file. */
    boolean dirty;

    OpenFile(Path inProgress, Path finalPath, FileChannel channel, FileLock lock, Object fileKey,
        long openedNanos, BatchEncoder encoder) {
      this.inProgress = inProgress;
      this.finalPath = finalPath;
      this.channel = channel;
      this.lock = lock;
      this.fileKey = fileKey;
      this.openedNanos = openedNanos;
      this.encoder = encoder;
    }

    /** Whether the file at our path is the one we opened (and not removed, or replaced). */
    boolean stillAtItsPath() {
      try {
        Object now = fileKey(inProgress);
        return fileKey == null || fileKey.equals(now);
      } catch (AccessDeniedException e) {
        return true; // cannot look, but nothing says it went: the open channel still writes it
      } catch (IOException e) {
        return false; // gone, or its directory replaced by something that is not one
      }
    }

    void closeChannel() {
      if (channel == null) {
        return;
      }
      encoder.release();
      try {
        channel.close(); // releases the lock
      } catch (IOException e) {
        LOG.warn("Closing {} failed: {}", inProgress, e.toString());
      } finally {
        channel = null;
        lock = null;
      }
    }
  }
}
