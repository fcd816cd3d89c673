package io.sluice.core.limit;

import io.sluice.core.config.ConfigValues;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the limit syntax users write: {@code 3000/s burst 6000, 100000/m, 2000000/h}. */
public final class Limits {

  public static final String FORM =
      "N/s, N/m or N/h, optionally followed by 'burst B', several separated by commas"
          + " (e.g. '3000/s burst 6000, 100000/m')";

  private static final Pattern ONE =
      Pattern.compile("\\s*(\\d+)\\s*/\\s*([smh])(?:\\s+burst\\s+(\\d+))?\\s*");

  private Limits() {}

  /**
   * Parses one or more comma-separated limits. All of them must allow an event for it to pass.
   *
   * @throws IllegalArgumentException naming the accepted form when the text is not one
   */
  public static List<Rate> parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("no limit given; expected " + FORM);
    }
    List<Rate> rates = new ArrayList<>();
    for (String part : text.split(",", -1)) {
      Matcher m = ONE.matcher(part);
      if (!m.matches()) {
        throw new IllegalArgumentException(
            "'" + part.trim() + "' is not a limit; expected " + FORM);
      }
      long count = parsePositive(m.group(1), part);
      long burst = m.group(3) == null ? count : parsePositive(m.group(3), part);
      rates.add(Rate.of(count, m.group(2), burst));
    }
    return List.copyOf(rates);
  }

  /**
   * Parses the value of configuration key {@code key}; a malformed one stops the component with an
   * error naming the key and the accepted form ({@link ConfigValues#invalid}).
   */
  public static List<Rate> setting(String key, String text) {
    try {
      return parse(text);
    } catch (IllegalArgumentException e) {
      throw ConfigValues.invalid(key, text, FORM);
    }
  }

  /** As {@link #setting}, where {@code none} (in any case) means no limit: an empty list. */
  public static List<Rate> optionalSetting(String key, String text) {
    if (text != null && text.trim().equalsIgnoreCase("none")) {
      return List.of();
    }
    try {
      return parse(text);
    } catch (IllegalArgumentException e) {
      throw ConfigValues.invalid(key, text, FORM + ", or none");
    }
  }

  private static long parsePositive(String digits, String part) {
    long v;
    try {
      v = Long.parseLong(digits);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + part.trim() + "' has a number out of range", e);
    }
    if (v <= 0) {
      throw new IllegalArgumentException(
          "'" + part.trim() + "' must have a positive rate and burst; expected " + FORM);
    }
    return v;
  }
}
