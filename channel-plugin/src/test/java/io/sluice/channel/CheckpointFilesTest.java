package io.sluice.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sluice.channel.CheckpointFormat.Entry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flume.ChannelException;
import org.apache.flume.event.EventBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The checkpoint's files: who may read them, where a bad one goes, and who may use them. */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CheckpointFilesTest {

  @TempDir Path tmp;

  private static final List<Entry> ONE = List.of(new Entry(
      EventBuilder.withBody("x".getBytes(StandardCharsets.UTF_8), Map.of("k", "v")), false, 0));

  private static String permissions(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  private void assumePosix() {
    assumeTrue(tmp.getFileSystem().supportedFileAttributeViews().contains("posix"));
  }

  @Test
  void theCheckpointItsLockAndTheDirectoriesMadeForThemAreTheOwnersAlone() throws Exception {
    assumePosix();
    Path dir = tmp.resolve("var").resolve("c1");
    try (CheckpointLock lock = CheckpointLock.acquire(dir, "c1")) {
      assertEquals("rw-------", permissions(lock.file()));
    }
    assertEquals("rwx------", permissions(dir));
    assertEquals("rwx------", permissions(tmp.resolve("var")), "a parent made on the way too");
    Checkpoint cp = new Checkpoint(dir, "c1");
    cp.write(ONE);
    assertEquals("rw-------", permissions(cp.file()));
  }

  @Test
  void aTemporaryFileLeftByACrashWithLooserPermissionsIsMadeAnew() throws Exception {
    assumePosix();
    Path tmpFile = tmp.resolve("c1.events.tmp");
    Files.writeString(tmpFile, "half a checkpoint");
    Files.setPosixFilePermissions(tmpFile, PosixFilePermissions.fromString("rw-r--r--"));
    Checkpoint cp = new Checkpoint(tmp, "c1");
    cp.write(ONE);
    assertEquals("rw-------", permissions(cp.file()));
    assertFalse(Files.exists(tmpFile));
    assertEquals(1, cp.read().size());
  }

  @Test
  void anExistingDirectoryKeepsItsPermissions() throws Exception {
    assumePosix();
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-x---"));
    new Checkpoint(tmp, "c1").write(ONE);
    assertEquals("rwxr-x---", permissions(tmp), "the operator's choice, not the channel's");
  }

  @Test
  void aFileMovedAsideIsNamedByTheTimeAndNeverReplacesAnother() throws Exception {
    Checkpoint cp = new Checkpoint(tmp, "c1");
    cp.write(ONE);
    assertEquals(tmp.resolve("c1.events.corrupt-1700000000000"), cp.moveAside(1_700_000_000_000L));
    cp.write(ONE);
    assertEquals(tmp.resolve("c1.events.corrupt-1700000000000-2"),
        cp.moveAside(1_700_000_000_000L));
    assertFalse(cp.exists());
  }

  @Test
  void aSecondLockInThisJvmIsRefusedWithTheDirectoryNamedAndTheFirstKeepsItsLock()
      throws Exception {
    Path dir = tmp.resolve("cp");
    try (CheckpointLock first = CheckpointLock.acquire(dir, "c1")) {
      assertTrue(Files.exists(first.file()));
      ChannelException e = assertThrows(ChannelException.class,
          () -> CheckpointLock.acquire(tmp.resolve("cp/../cp"), "c1"));
      assertTrue(e.getMessage().contains("checkpointDir " + tmp.resolve("cp/../cp")),
          e.getMessage());
      assertTrue(e.getMessage().contains("in this agent's JVM"), e.getMessage());
      // The refused one never opened the file, so another process is still kept out.
      String other = lockFromAnotherProcess(dir, "c1");
      assertTrue(other.contains("is in use by another process"), other);
      CheckpointLock.acquire(dir, "c2").close(); // another channel name is another checkpoint
    }
    CheckpointLock.acquire(dir, "c1").close(); // released
  }

  @Test
  void aLockHeldByAnotherProcessRefusesThisOneWithItsPidUntilItEnds() throws Exception {
    Path dir = tmp.resolve("shared");
    Process holder = startHolder(dir, "c1");
    try {
      ChannelException e = assertThrows(ChannelException.class,
          () -> CheckpointLock.acquire(dir, "c1"));
      assertTrue(e.getMessage().contains("checkpointDir " + dir + " is in use by another process,"
          + " pid " + holder.pid()), e.getMessage());
    } finally {
      holder.getOutputStream().close();
      assertTrue(holder.waitFor(20, TimeUnit.SECONDS));
    }
    CheckpointLock.acquire(dir, "c1").close();
  }

  /** A JVM on this test's classpath holding the lock; returns once it holds it. */
  static Process startHolder(Path dir, String channelName) throws Exception {
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
        .toString(), "-cp", System.getProperty("java.class.path"),
        CheckpointLockHolder.class.getName(), dir.toString(), channelName)
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
        StandardCharsets.UTF_8));
    String line = out.readLine();
    if (line == null || !line.startsWith("locked")) {
      p.destroyForcibly();
      throw new AssertionError("the lock holder said " + line);
    }
    return p;
  }

  /** What another process trying to lock the checkpoint now says ("locked" if it could). */
  private static String lockFromAnotherProcess(Path dir, String channelName) throws Exception {
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
        .toString(), "-cp", System.getProperty("java.class.path"),
        CheckpointLockHolder.class.getName(), dir.toString(), channelName)
        .redirectErrorStream(true).start();
    p.getOutputStream().close(); // release at once if it got the lock
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(20, TimeUnit.SECONDS));
    return output;
  }
}
