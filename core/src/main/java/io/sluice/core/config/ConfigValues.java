package io.sluice.core.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the value forms Sluice's configuration keys share, with errors that name the key and the
 * accepted form, so a typo stops the component at configure time with a message a user can act on.
 */
public final class ConfigValues {

  private static final Pattern DURATION = Pattern.compile("\\s*(\\d+)\\s*(ms|s|m|h|d)\\s*");
  private static final Pattern PERCENT = Pattern.compile("\\s*(\\d+(?:\\.\\d+)?)\\s*%\\s*");
  private static final Pattern FRACTION = Pattern.compile("\\s*(0(?:\\.\\d+)?|1(?:\\.0+)?)\\s*");

  private ConfigValues() {}

  /** A duration written with a unit: {@code 500ms}, {@code 2s}, {@code 10m}, {@code 1h}, {@code 1d}. */
  public static Duration duration(String key, String text) {
    Matcher m = DURATION.matcher(text);
    if (!m.matches()) {
      throw invalid(key, text, "a duration such as 500ms, 2s, 10m, 1h or 1d");
    }
    try {
      long n = Long.parseLong(m.group(1));
      Duration d;
      switch (m.group(2)) {
        case "ms":
          d = Duration.ofMillis(n);
          break;
        case "s":
          d = Duration.ofSeconds(n);
          break;
        case "m":
          d = Duration.ofMinutes(n);
          break;
        case "h":
          d = Duration.ofHours(n);
          break;
        default:
          d = Duration.ofDays(n);
      }
      if (d.compareTo(MAX_DURATION) > 0) {
        throw invalid(key, text, "a duration of at most 365d");
      }
      return d;
    } catch (NumberFormatException | ArithmeticException e) {
      throw invalid(key, text, "a duration of at most 365d");
    }
  }

  /** Longest duration any key takes: a year is far beyond any sensible setting, and fits in nanos. */
  private static final Duration MAX_DURATION = Duration.ofDays(365);

  /**
   * A connection timer's duration: {@code 0} turns it off (returned as zero); otherwise at least
   * a second, as finer timers would cut real senders off.
   */
  public static Duration timer(String key, String text) {
    String t = text.trim();
    if (t.equals("0")) {
      return Duration.ZERO;
    }
    Duration d = duration(key, t);
    if (d.compareTo(Duration.ofSeconds(1)) < 0) {
      throw invalid(key, t, "0 (off) or a duration of at least 1s, such as 30s or 10m");
    }
    return d;
  }

  /** A share written as a percentage ({@code 75%}) or a fraction ({@code 0.75}); returns 0 to 1. */
  public static double fraction(String key, String text) {
    Matcher p = PERCENT.matcher(text);
    if (p.matches()) {
      double v = Double.parseDouble(p.group(1)) / 100.0;
      if (v <= 1.0) {
        return v;
      }
    } else {
      Matcher f = FRACTION.matcher(text);
      if (f.matches()) {
        return Double.parseDouble(f.group(1));
      }
    }
    throw invalid(key, text, "a share from 0% to 100% (or 0 to 1), e.g. 75%");
  }

  /** A whole number of at least {@code min}. */
  public static long atLeast(String key, String text, long min) {
    long v;
    try {
      v = Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      throw invalid(key, text, "a whole number of at least " + min);
    }
    if (v < min) {
      throw invalid(key, text, "a whole number of at least " + min);
    }
    return v;
  }

  /** A whole number from {@code min} to {@code max}. */
  public static long between(String key, String text, long min, long max) {
    return between(key, text, min, max, Long.toString(max));
  }

  /** As above, with the upper bound named ({@code maxText}) when it comes from another key. */
  public static long between(String key, String text, long min, long max, String maxText) {
    String expected = "a whole number of at least " + min + " and at most " + maxText;
    long v;
    try {
      v = Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      throw invalid(key, text, expected);
    }
    if (v < min || v > max) {
      throw invalid(key, text, expected);
    }
    return v;
  }

  /** One of a fixed set of words. */
  public static String oneOf(String key, String text, String... allowed) {
    String v = text.trim();
    for (String a : allowed) {
      if (a.equals(v)) {
        return a;
      }
    }
    throw invalid(key, text, "one of " + String.join(" | ", allowed));
  }

  /** The error every parser here throws: names the key, the value and what would be accepted. */
  public static IllegalArgumentException invalid(String key, String text, String expected) {
    return new IllegalArgumentException(
        "Invalid value for '" + key + "': '" + text + "'; expected " + expected);
  }
}
