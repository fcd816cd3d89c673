package io.sluice.tools.load;

import java.util.Locale;

/** What became of a sent event, as {@code sent.csv} writes it. */
enum Outcome {
  OK, ERROR, PUSHBACK;

  final String csv = name().toLowerCase(Locale.ROOT);
}
