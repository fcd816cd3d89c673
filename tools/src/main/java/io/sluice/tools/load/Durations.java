package io.sluice.tools.load;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.regex.Matcher;

/** Durations as written on the command line: {@code 500ms}, {@code 2s}, {@code 1.5s}, {@code 1m}, {@code 1h}. */
public final class Durations {

  private static final java.util.regex.Pattern FORM =
      java.util.regex.Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");

  private Durations() {}

  /** Nanoseconds, or an IllegalArgumentException that says what is expected. */
  public static long parseNanos(String text) {
    Matcher m = FORM.matcher(text.strip().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a duration: expected a number and a unit"
          + " (ms, s, m or h), e.g. 500ms, 2s, 1m");
    }
    long unit = switch (m.group(2)) {
      case "ms" -> 1_000_000L;
      case "s" -> 1_000_000_000L;
      case "m" -> 60_000_000_000L;
      default -> 3_600_000_000_000L;
    };
    try {
      return new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unit)).longValueExact();
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("'" + text + "' is finer than a nanosecond or too long");
    }
  }

  /** For the command line's {@code --duration}-like options. */
  static final class Converter implements picocli.CommandLine.ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      return parseNanos(value);
    }
  }
}
