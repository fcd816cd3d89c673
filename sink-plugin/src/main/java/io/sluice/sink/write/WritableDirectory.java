package io.sluice.sink.write;

import io.sluice.core.config.ConfigValues;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Checks at configure time that a writer's directory can be written, so a typo or a missing
 * permission stops the sink with a message instead of failing every batch once events flow.
 */
final class WritableDirectory {

  private WritableDirectory() {}

  /**
   * The directory {@code text} names, created if missing, after creating and deleting a hidden
   * probe file in it. The probe is the only test that holds for every case: {@link
   * Files#isWritable} says yes to root on a directory root cannot write (a read-only mount), and
   * says nothing of ACLs or quotas.
   */
  static Path check(String key, String text) {
    if (text == null || text.isBlank()) {
      throw ConfigValues.invalid(key, text == null ? "" : text,
          "the directory to write files in (created if missing)");
    }
    Path dir;
    try {
      dir = Paths.get(text.trim()).toAbsolutePath().normalize();
    } catch (InvalidPathException e) {
      throw ConfigValues.invalid(key, text, "a directory path (" + e.getReason() + ")");
    }
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw ConfigValues.invalid(key, text, "a directory that exists or can be created; "
          + dir + " cannot: " + e);
    }
    try {
      Path probe = Files.createTempFile(dir, ".sluice-write-check-", ".tmp");
      Files.delete(probe);
    } catch (IOException e) {
      throw ConfigValues.invalid(key, text, "a directory this agent can write to; "
          + dir + " is not writable: " + e);
    }
    return dir;
  }
}
