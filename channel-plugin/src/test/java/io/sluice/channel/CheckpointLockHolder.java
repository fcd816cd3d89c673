package io.sluice.channel;

import java.io.IOException;
import java.nio.file.Paths;

/**
 * Another agent, for {@link CheckpointFilesTest}: locks a checkpoint in its own JVM, says
 * "locked", and holds the lock until its standard input closes.
 */
public final class CheckpointLockHolder {

  private CheckpointLockHolder() {}

  public static void main(String[] args) throws IOException {
    try (CheckpointLock lock = CheckpointLock.acquire(Paths.get(args[0]), args[1])) {
      System.out.println("locked " + lock.file());
      System.out.flush();
      while (System.in.read() >= 0) {
        // hold until the test closes our input (or dies)
      }
    }
  }
}
