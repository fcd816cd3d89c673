package io.sluice.it.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Reads what ValidatingSink wrote: NDJSON files, one document a line. */
public final class NdjsonFiles {

  private NdjsonFiles() {}

  /**
   * Every complete line of every file in {@code dir} (files in name order), none when the
   * directory does not exist yet. Text after a file's last line end is being written: not read.
   */
  public static List<String> lines(Path dir) {
    List<String> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.sorted().toList()) {
        String[] ls;
        try {
          ls = Files.readString(f, StandardCharsets.UTF_8).split("\n", -1);
        } catch (NoSuchFileException renamed) {
          return lines(dir); // closed and renamed while listed: read again
        }
        out.addAll(List.of(ls).subList(0, ls.length - 1));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }
}
