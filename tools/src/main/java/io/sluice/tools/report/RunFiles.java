package io.sluice.tools.report;

import io.sluice.tools.RunLayout;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** Reads the run directory's smaller files: {@value RunLayout#SECONDS} and {@value RunLayout#ACKS}. */
public final class RunFiles {

  /** seconds.csv: events sent, errors and pushback per second of the run (index = second). */
  public record Seconds(long[] sent, long[] errors, long[] pushback) {}

  private RunFiles() {}

  /** seconds.csv, or empty arrays when the run has none. */
  public static Seconds seconds(Path runDir) {
    Path file = RunLayout.file(runDir, RunLayout.SECONDS);
    long[] sent = new long[0];
    long[] errors = new long[0];
    long[] pushback = new long[0];
    if (!Files.isRegularFile(file)) {
      return new Seconds(sent, errors, pushback);
    }
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int n = 0;
      while ((line = r.readLine()) != null) {
        n++;
        if (line.isBlank() || (n == 1 && line.startsWith("second"))) {
          continue;
        }
        long[] f = fields(file, n, line, 4);
        if (f[0] < 0 || f[0] > 10_000_000) {
          throw new BadInputException(file + " line " + n + ": second out of range: " + line);
        }
        int s = (int) f[0];
        if (s >= sent.length) {
          int size = Math.max(s + 1, sent.length * 2);
          sent = Arrays.copyOf(sent, size);
          errors = Arrays.copyOf(errors, size);
          pushback = Arrays.copyOf(pushback, size);
        }
        sent[s] += f[1];
        errors[s] += f[2];
        pushback[s] += f[3];
      }
    } catch (IOException e) {
      throw new BadInputException("cannot read " + file + ": " + e.getMessage());
    }
    return new Seconds(sent, errors, pushback);
  }

  /**
   * acks.csv into {@code latency} (ack time − sent time, by sent second since {@code startMillis});
   * false when the run has no acks.csv.
   */
  public static boolean acks(Path runDir, long startMillis, Latency latency) {
    Path file = RunLayout.file(runDir, RunLayout.ACKS);
    if (!Files.isRegularFile(file)) {
      return false;
    }
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int n = 0;
      while ((line = r.readLine()) != null) {
        n++;
        if (line.isBlank() || (n == 1 && line.startsWith("seq"))) {
          continue;
        }
        long[] f = fields(file, n, line, 4);
        latency.record(Math.floorDiv(f[2] - startMillis, 1000), f[3] - f[2]);
      }
    } catch (IOException e) {
      throw new BadInputException("cannot read " + file + ": " + e.getMessage());
    }
    return true;
  }

  private static long[] fields(Path file, int n, String line, int count) {
    String[] f = line.split(",", -1);
    if (f.length < count) {
      throw new BadInputException(file + " line " + n + ": " + count + " fields expected: " + line);
    }
    long[] out = new long[count];
    try {
      for (int i = 0; i < count; i++) {
        out[i] = Long.parseLong(f[i].trim());
      }
    } catch (NumberFormatException e) {
      throw new BadInputException(file + " line " + n + ": not numbers: " + line);
    }
    return out;
  }
}
