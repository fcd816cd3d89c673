package io.sluice.tools.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The report's one line: PASS when every event sent ok is written or dead-lettered once or
 * accounted for by the agent's counts, with no duplicates and no mangled id; FAIL naming why.
 * No tolerance: the counts are read from the last sample, taken after the run has drained.
 */
public record Verdict(boolean pass, String line) {

  public static Verdict of(LossAccount a) {
    List<String> why = new ArrayList<>();
    if (a.unexplained() > 0) {
      why.add("unexplained loss");
    }
    if (a.duplicates() > 0) {
      why.add("duplicates");
    }
    if (a.mangled() > 0) {
      why.add("mangled ids");
    }
    StringBuilder b = new StringBuilder();
    b.append(why.isEmpty() ? "PASS: " : "FAIL: " + String.join(", ", why) + " — ");
    b.append(a.sentOk()).append(" sent, ")
        .append(a.writtenOnce()).append(" written once, ")
        .append(a.deadLetteredOnce()).append(" dead-lettered, ")
        .append(a.agent().throttled()).append(" throttled");
    Map<String, Long> reasons = a.agent().throttledByReason();
    List<String> parts = new ArrayList<>();
    reasons.forEach((k, v) -> {
      if (v > 0) {
        parts.add(k + " " + v);
      }
    });
    if (!parts.isEmpty()) {
      b.append(" (").append(String.join(", ", parts)).append(')');
    }
    if (a.agent().sourceDropped() > 0) {
      b.append(", ").append(a.agent().sourceDropped()).append(" dropped by sources");
    }
    if (a.missing() > 0) {
      b.append(", ").append(a.missing()).append(" missing (").append(a.explained())
          .append(" explained)");
    }
    b.append(", ").append(a.duplicates()).append(" duplicates, ")
        .append(a.unexplained()).append(" unexplained");
    if (a.mangled() > 0) {
      b.append(", ").append(a.mangled()).append(" mangled");
    }
    if (a.notSent() > 0) {
      b.append(", ").append(a.notSent()).append(" not sent (").append(a.sentError())
          .append(" error, ").append(a.sentPushback()).append(" pushback)");
    }
    if (a.agent().samples() == 0) {
      b.append(", no metrics");
    }
    return new Verdict(why.isEmpty(), b.toString());
  }
}
