package io.sluice.it.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads what Flume's {@code file_roll} sink wrote with {@code sink.serializer = header_and_text}:
 * one line per event, {@code {k=v, k=v} body}.
 */
public final class SinkFiles {

  /** One event as written by the sink. */
  public record Written(Map<String, String> headers, String body) {
    public String header(String name) {
      return headers.get(name);
    }
  }

  private SinkFiles() {}

  /** All events in every file of {@code dir}, files in name order (file_roll names them by time). */
  public static List<Written> read(Path dir) {
    List<Written> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.sorted().toList()) {
        for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
          if (!line.isEmpty()) {
            out.add(parse(line));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  static Written parse(String line) {
    int close = line.indexOf("} ");
    if (!line.startsWith("{") || close < 0) {
      throw new IllegalArgumentException("not a header_and_text line: " + line);
    }
    Map<String, String> headers = new LinkedHashMap<>();
    String inner = line.substring(1, close);
    if (!inner.isEmpty()) {
      for (String kv : inner.split(", ")) {
        int eq = kv.indexOf('=');
        headers.put(kv.substring(0, eq), kv.substring(eq + 1));
      }
    }
    return new Written(headers, line.substring(close + 2));
  }
}
