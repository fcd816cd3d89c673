package io.sluice.sink.write;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/** Reads what writers left in a directory, as a tailer would. */
final class Output {

  private Output() {}

  static byte[] doc(int n) {
    return ("{\"n\":" + n + "}").getBytes(UTF_8);
  }

  static List<String> docs(int from, int to) {
    List<String> d = new ArrayList<>();
    for (int i = from; i < to; i++) {
      d.add(new String(doc(i), UTF_8));
    }
    return d;
  }

  /** File names in the directory, sorted. */
  static List<String> names(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The lines of every final file (not .inprogress), in file-name order. */
  static List<String> finalLines(Path dir) {
    List<String> lines = new ArrayList<>();
    for (String n : names(dir)) {
      if (n.endsWith(".ndjson") || n.endsWith(".ndjson.gz")) {
        lines.addAll(lines(dir.resolve(n)));
      }
    }
    return lines;
  }

  /** The lines of one file, gunzipped when its name ends in .gz (before .inprogress). */
  static List<String> lines(Path file) {
    String text = new String(content(file), UTF_8);
    if (text.isEmpty()) {
      return List.of();
    }
    if (!text.endsWith("\n")) {
      throw new AssertionError(file + " does not end with a line end: " + text);
    }
    return Arrays.asList(text.substring(0, text.length() - 1).split("\n", -1));
  }

  static byte[] content(Path file) {
    try {
      byte[] raw = Files.readAllBytes(file);
      if (!Compression.ofFileName(file.getFileName().toString()).equals(Compression.GZIP)) {
        return raw;
      }
      try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toByteArray();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(file.toString(), e);
    }
  }
}
