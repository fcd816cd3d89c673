package io.sluice.core.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses a size in bytes: a plain number ({@code 1048576}) or a whole number with a binary unit
 * ({@code 64KiB}, {@code 128MiB}, {@code 1GiB}).
 *
 * <p>{@code KB}, {@code MB} and {@code GB} are refused rather than guessed: tools disagree on
 * whether they mean 1000 or 1024 (Flume's own sinks take plain bytes, the JVM's {@code -Xmx128m}
 * means MiB, disk vendors mean 10^6), and a silent factor of 1.07 to 1.5 is the kind of surprise
 * strict parsing is there to prevent. The message says how to write the size instead.
 */
public final class ByteSize {

  private static final Pattern SIZE = Pattern.compile("\\s*(\\d{1,19})\\s*(KiB|MiB|GiB)?\\s*");
  private static final Pattern DECIMAL_UNIT =
      Pattern.compile("\\s*\\d+\\s*([kKmMgG][bB])\\s*");

  private ByteSize() {}

  /** The size {@code text} gives, which must lie from {@code min} to {@code max} bytes. */
  public static long parse(String key, String text, long min, long max) {
    String range = "from " + format(min) + " to " + format(max);
    Matcher m = SIZE.matcher(text);
    if (!m.matches()) {
      Matcher d = DECIMAL_UNIT.matcher(text);
      if (d.matches()) {
        String unit = d.group(1);
        String binary = Character.toUpperCase(unit.charAt(0)) + "iB";
        throw ConfigValues.invalid(key, text, "a size in bytes or in KiB, MiB or GiB (" + unit
            + " is ambiguous: write " + binary + " for 1024-based units, or the number of bytes), "
            + range);
      }
      throw ConfigValues.invalid(key, text,
          "a size in bytes or with a unit KiB, MiB or GiB, such as 64KiB or 128MiB, " + range);
    }
    long value;
    try {
      value = Math.multiplyExact(Long.parseLong(m.group(1)), unit(m.group(2)));
    } catch (ArithmeticException | NumberFormatException e) {
      throw ConfigValues.invalid(key, text, "a size " + range);
    }
    if (value < min || value > max) {
      throw ConfigValues.invalid(key, text, "a size " + range);
    }
    return value;
  }

  /** {@code bytes} in the largest binary unit that divides it, e.g. {@code 128MiB}. */
  public static String format(long bytes) {
    if (bytes != 0 && bytes % (1L << 30) == 0) {
      return (bytes >> 30) + "GiB";
    }
    if (bytes != 0 && bytes % (1L << 20) == 0) {
      return (bytes >> 20) + "MiB";
    }
    if (bytes != 0 && bytes % (1L << 10) == 0) {
      return (bytes >> 10) + "KiB";
    }
    return bytes + (bytes == 1 ? " byte" : " bytes");
  }

  private static long unit(String suffix) {
    if (suffix == null) {
      return 1;
    }
    return switch (suffix) {
      case "KiB" -> 1L << 10;
      case "MiB" -> 1L << 20;
      default -> 1L << 30;
    };
  }
}
