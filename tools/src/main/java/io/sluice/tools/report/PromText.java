package io.sluice.tools.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A reader of Prometheus's text exposition format (version 0.0.4): one sample a line, {@code
 * name{label="value",...} value [timestamp]}; lines starting with {@code #} (HELP, TYPE, comments)
 * and blank lines are skipped. Written here rather than taken from a client library: the report
 * needs only the samples, and a parser of fifty lines is easier to trust than a dependency.
 *
 * <p>A line that does not parse is skipped and counted, not fatal: a scrape cut short (the agent
 * stopped mid-answer) must not cost the report its other samples.
 */
public final class PromText {

  /** One sample: the series' name, its labels (sorted by name), its value. */
  public record Sample(String name, Map<String, String> labels, double value) {}

  /** The samples of one exposition and how many lines were skipped as malformed. */
  public record Exposition(List<Sample> samples, int malformed) {}

  private PromText() {}

  public static Exposition parse(String text) {
    List<Sample> samples = new ArrayList<>();
    int malformed = 0;
    for (String raw : text.split("\n")) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      Sample s = parseLine(line);
      if (s == null) {
        malformed++;
      } else {
        samples.add(s);
      }
    }
    return new Exposition(samples, malformed);
  }

  /** One sample line, or null when it is not one. */
  static Sample parseLine(String line) {
    int i = 0;
    int n = line.length();
    while (i < n && line.charAt(i) != '{' && !Character.isWhitespace(line.charAt(i))) {
      i++;
    }
    String name = line.substring(0, i);
    if (name.isEmpty()) {
      return null;
    }
    Map<String, String> labels = new TreeMap<>();
    if (i < n && line.charAt(i) == '{') {
      i++;
      while (true) {
        i = skipSpaces(line, i);
        if (i >= n) {
          return null;
        }
        if (line.charAt(i) == '}') {
          i++;
          break;
        }
        int eq = line.indexOf('=', i);
        if (eq < 0) {
          return null;
        }
        String label = line.substring(i, eq).strip();
        i = skipSpaces(line, eq + 1);
        if (i >= n || line.charAt(i) != '"') {
          return null;
        }
        StringBuilder value = new StringBuilder();
        i++;
        boolean closed = false;
        while (i < n) {
          char c = line.charAt(i++);
          if (c == '\\' && i < n) {
            char e = line.charAt(i++);
            value.append(e == 'n' ? '\n' : e); // \\ and \" stand for themselves
          } else if (c == '"') {
            closed = true;
            break;
          } else {
            value.append(c);
          }
        }
        if (!closed || label.isEmpty()) {
          return null;
        }
        labels.put(label, value.toString());
        i = skipSpaces(line, i);
        if (i < n && line.charAt(i) == ',') {
          i++;
        }
      }
    }
    String[] rest = line.substring(i).strip().split("\\s+");
    if (rest.length < 1 || rest.length > 2 || rest[0].isEmpty()) {
      return null;
    }
    Double value = number(rest[0]);
    if (value == null) {
      return null;
    }
    return new Sample(name, Collections.unmodifiableMap(labels), value);
  }

  /** A sample value: a float, or NaN, +Inf, -Inf as the format spells them. */
  static Double number(String s) {
    switch (s) {
      case "NaN":
        return Double.NaN;
      case "+Inf":
      case "Inf":
        return Double.POSITIVE_INFINITY;
      case "-Inf":
        return Double.NEGATIVE_INFINITY;
      default:
        try {
          return Double.parseDouble(s);
        } catch (NumberFormatException e) {
          return null;
        }
    }
  }

  private static int skipSpaces(String s, int i) {
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
    return i;
  }
}
