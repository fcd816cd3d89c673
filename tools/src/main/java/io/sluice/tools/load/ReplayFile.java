package io.sluice.tools.load;

import io.sluice.tools.RunLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Reads what {@code replay FILE} sends each second: either one whole number a line, or a CSV with a
 * header that has a {@code sent} column (a previous run's {@value RunLayout#SECONDS}). Blank lines and
 * lines starting with {@code #} are skipped.
 */
final class ReplayFile {

  private ReplayFile() {}

  static long[] read(Path file) {
    try {
      return parse(file.toString(), Files.readAllLines(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalArgumentException("replay: cannot read " + file + ": " + e.getMessage(), e);
    } catch (UncheckedIOException e) {
      throw new IllegalArgumentException("replay: cannot read " + file + ": " + e.getCause().getMessage(), e);
    }
  }

  static long[] parse(String name, List<String> lines) {
    long[] counts = new long[Math.max(16, lines.size())];
    int n = 0;
    int column = -1; // -1: one number a line
    boolean first = true;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      if (first && !Character.isDigit(line.charAt(0))) {
        column = Arrays.asList(line.split(",")).indexOf("sent");
        if (column < 0) {
          throw new IllegalArgumentException("replay: " + name + " line " + (i + 1)
              + ": a header needs a 'sent' column (as seconds.csv has), found '" + line + "'");
        }
        first = false;
        continue;
      }
      first = false;
      String value = line;
      if (column >= 0) {
        String[] cells = line.split(",", -1);
        if (column >= cells.length) {
          throw new IllegalArgumentException("replay: " + name + " line " + (i + 1) + " has no 'sent' column");
        }
        value = cells[column].strip();
      }
      try {
        counts[n] = Long.parseLong(value);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("replay: " + name + " line " + (i + 1)
            + ": expected a whole number of events, found '" + value + "'");
      }
      if (counts[n] < 0) {
        throw new IllegalArgumentException("replay: " + name + " line " + (i + 1) + ": a count cannot be negative");
      }
      n++;
    }
    if (n == 0) {
      throw new IllegalArgumentException("replay: " + name + " has no counts");
    }
    return Arrays.copyOf(counts, n);
  }
}
