package io.sluice.sink.write;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.regex.Pattern;

/**
 * Names of one writer's files: {@code <prefix>-<sink>-<time>-<seq><extension>}, e.g. {@code
 * sluice-k1-20261203T114108Z-0000.ndjson.gz}, and the same with {@code .inprogress} while written.
 *
 * <p>The time is when the file was opened, in UTC, in ISO 8601's basic form, so names sort by time
 * whatever the zone of the machine. The sequence number tells apart the files one writer opens in
 * the same second; the writer skips numbers whose final or in-progress file exists, so a restart
 * within the same second neither collides with nor sorts before the files of the run before.
 * Padded to four digits: more than 10,000 files in one second would sort out of order, and would
 * mean a roll size far below any sensible setting.
 */
final class FileNames {

  static final String IN_PROGRESS = ".inprogress";

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private final String stem;
  private final Pattern inProgressOfMine;

  /**
   * {@code sinkName} is used as it is when it is a file-name word; any other character becomes
   * {@code _}, so that no sink name can reach outside the directory.
   */
  FileNames(String prefix, String sinkName) {
    this.stem = prefix + "-" + safe(sinkName) + "-";
    this.inProgressOfMine = Pattern.compile(Pattern.quote(stem)
        + "\\d{8}T\\d{6}Z-\\d{4,}\\.ndjson(\\.gz)?" + Pattern.quote(IN_PROGRESS));
  }

  /** The final name of the file opened at {@code epochMillis} with sequence number {@code seq}. */
  String finalName(long epochMillis, int seq, Compression compression) {
    return stem + TIME.format(Instant.ofEpochMilli(epochMillis)) + "-" + String.format("%04d", seq)
        + compression.extension();
  }

  /** Whether {@code fileName} is an in-progress file this writer (or its crashed run) opened. */
  boolean isInProgressOfMine(String fileName) {
    return inProgressOfMine.matcher(fileName).matches();
  }

  static String inProgress(String finalName) {
    return finalName + IN_PROGRESS;
  }

  static String finalOf(String inProgressName) {
    return inProgressName.substring(0, inProgressName.length() - IN_PROGRESS.length());
  }

  static String safe(String sinkName) {
    StringBuilder b = new StringBuilder(sinkName.length());
    for (int i = 0; i < sinkName.length(); i++) {
      char c = sinkName.charAt(i);
      boolean word = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '.' || c == '_' || c == '-';
      b.append(word ? c : '_');
    }
    return b.length() == 0 ? "_" : b.toString();
  }
}
