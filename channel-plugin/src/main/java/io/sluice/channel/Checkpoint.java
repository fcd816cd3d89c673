package io.sluice.channel;

import io.sluice.channel.CheckpointFormat.CorruptCheckpointException;
import io.sluice.channel.CheckpointFormat.Entry;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;

/**
 * The file of the events a channel held when it stopped ({@code <dir>/<channel>.events}, in
 * {@link CheckpointFormat}), so that the next start delivers them: written to a temporary file,
 * synced, then renamed over the old one, so a crash while writing leaves the previous checkpoint
 * (or none), never half of one.
 *
 * <p>Events are log lines, often sensitive: every file and directory made here is the owner's
 * alone ({@code rw-------}, {@code rwx------}) on file systems with POSIX permissions.
 */
final class Checkpoint {

  static final Set<PosixFilePermission> FILE_PERMISSIONS =
      PosixFilePermissions.fromString("rw-------");
  static final Set<PosixFilePermission> DIR_PERMISSIONS =
      PosixFilePermissions.fromString("rwx------");

  private final Path file;

  Checkpoint(Path dir, String channelName) {
    this.file = dir.resolve(channelName + ".events");
  }

  Path file() {
    return file;
  }

  Path dir() {
    return file.getParent();
  }

  boolean exists() {
    return Files.exists(file);
  }

  void write(List<Entry> entries) throws IOException {
    createPrivateDirectories(dir());
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp); // a crash's leftover, perhaps with other permissions: made anew
    try (FileChannel ch = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE), privateFile(dir()));
        OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16)) {
      CheckpointFormat.write(entries, out);
      out.flush();
      ch.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  List<Entry> read() throws IOException, CorruptCheckpointException {
    long size = Files.size(file);
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      return CheckpointFormat.read(in, size);
    }
  }

  /**
   * Renames the file out of the way ({@code <channel>.events.corrupt-<epochMillis>}), so that a
   * start never trips on it twice and an operator can still look at it; returns the new path.
   */
  Path moveAside(long epochMillis) throws IOException {
    String base = file.getFileName() + ".corrupt-" + epochMillis;
    for (int n = 1; ; n++) {
      Path aside = file.resolveSibling(n == 1 ? base : base + "-" + n);
      try {
        return Files.move(file, aside); // a rename; unlike an atomic move, never over a file
      } catch (FileAlreadyExistsException e) {
        // another one moved aside in the same millisecond: try the next name
      }
    }
  }

  void delete() throws IOException {
    Files.deleteIfExists(file);
  }

  /** Creates {@code dir} and any missing parent as the owner's alone. */
  static void createPrivateDirectories(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    if (isPosix(dir)) {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIR_PERMISSIONS));
    } else {
      Files.createDirectories(dir);
    }
  }

  /** The attributes of a new file in {@code dir}: the owner's alone, where the system has them. */
  static FileAttribute<?>[] privateFile(Path dir) {
    return isPosix(dir)
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE_PERMISSIONS)}
        : new FileAttribute<?>[0];
  }

  private static boolean isPosix(Path p) {
    return p.getFileSystem().supportedFileAttributeViews().contains("posix");
  }
}
