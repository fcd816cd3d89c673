package io.sluice.tools.load;

import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Function;

/**
 * Parses a pattern as written: {@code steady RATE}, {@code burst BASE xFACTOR DUR then DUR silence},
 * {@code ramp FROM TO OVER}, {@code replay FILE}. Rates are whole events a second. Errors say what
 * was expected and give an example.
 */
final class Patterns {

  static final String STEADY = "steady <rate>, e.g. 'steady 1000'";
  static final String BURST = "burst <base> x<factor> <duration> then <duration> silence,"
      + " e.g. 'burst 1000 x10 2s then 30s silence'";
  static final String RAMP = "ramp <from> <to> <over>, e.g. 'ramp 100 5000 60s'";
  static final String REPLAY = "replay <file>, e.g. 'replay runs/previous/seconds.csv'";
  /** The largest rate: {@link Steady#at} stays exact below it. */
  static final long MAX_RATE = 1_000_000_000L;

  private Patterns() {}

  static LoadPattern parse(String text) {
    return parse(text, path -> new Replay(ReplayFile.read(path)));
  }

  /** @param replay reads a replay file (a test gives one without files) */
  static LoadPattern parse(String text, Function<Path, LoadPattern> replay) {
    String t = text == null ? "" : text.strip();
    String[] w = t.split("\\s+");
    String kind = w[0].toLowerCase(Locale.ROOT);
    switch (kind) {
      case "steady" -> {
        expect(w.length == 2, STEADY, t);
        return new Steady(rate(w[1], "rate", STEADY));
      }
      case "burst" -> {
        expect(w.length == 7 && w[2].toLowerCase(Locale.ROOT).startsWith("x")
            && w[4].equalsIgnoreCase("then") && w[6].equalsIgnoreCase("silence"), BURST, t);
        long base = rate(w[1], "base rate", BURST);
        long factor = rate(w[2].substring(1), "factor", BURST);
        if (base * factor > MAX_RATE) { // each is at most 10^9: the product fits a long
          throw new IllegalArgumentException("burst: base × factor is more than " + MAX_RATE + " events a second");
        }
        return new Burst(base, factor, duration(w[3], BURST), duration(w[5], BURST));
      }
      case "ramp" -> {
        expect(w.length == 4, RAMP, t);
        return new Ramp(rate(w[1], "from rate", RAMP), rate(w[2], "to rate", RAMP), duration(w[3], RAMP));
      }
      case "replay" -> {
        String file = t.substring(kind.length()).strip();
        expect(!file.isEmpty(), REPLAY, t);
        return replay.apply(Path.of(file));
      }
      default -> throw new IllegalArgumentException("unknown pattern '" + t + "': expected one of\n  "
          + STEADY + "\n  " + BURST + "\n  " + RAMP + "\n  " + REPLAY);
    }
  }

  private static void expect(boolean ok, String form, String text) {
    if (!ok) {
      throw new IllegalArgumentException("'" + text + "' is not a pattern: expected " + form);
    }
  }

  private static long rate(String word, String what, String form) {
    long v;
    try {
      v = Long.parseLong(word);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("the " + what + " '" + word + "' is not a whole number: expected " + form);
    }
    if (v < 0 || v > MAX_RATE) {
      throw new IllegalArgumentException("the " + what + " " + v + " is out of range 0.." + MAX_RATE);
    }
    return v;
  }

  private static long duration(String word, String form) {
    try {
      return Durations.parseNanos(word);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(e.getMessage() + "; expected " + form, e);
    }
  }
}
