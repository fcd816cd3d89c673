package io.sluice.tools.report;

import io.sluice.tools.RunLayout;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** A run's {@value RunLayout#RUN}: its id, when it started and ended, and every property as given. */
public record RunInfo(String runId, long startMillis, long endMillis, Map<String, String> properties) {

  private static final Pattern RUN_ID = Pattern.compile("[0-9a-f]{8}");

  public static RunInfo read(Path runDir) {
    Path file = RunLayout.file(runDir, RunLayout.RUN);
    if (!Files.isRegularFile(file)) {
      throw new BadInputException("not a run directory (no " + RunLayout.RUN + "): " + runDir);
    }
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (IOException e) {
      throw new BadInputException("cannot read " + file + ": " + e.getMessage());
    }
    Map<String, String> all = new TreeMap<>();
    p.stringPropertyNames().forEach(k -> all.put(k, p.getProperty(k)));
    String runId = p.getProperty("runId", "").trim();
    if (!RUN_ID.matcher(runId).matches()) {
      throw new BadInputException(file + ": runId must be 8 lowercase hex characters, not '"
          + runId + "'");
    }
    long start = millis(p, "startEpochMillis", file);
    long end = millis(p, "endEpochMillis", file);
    return new RunInfo(runId, start, Math.max(start, end), all);
  }

  private static long millis(Properties p, String key, Path file) {
    String v = p.getProperty(key, "").trim();
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new BadInputException(file + ": " + key + " is not epoch milliseconds: '" + v + "'");
    }
  }
}
