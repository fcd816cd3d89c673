package io.sluice.tools.tune;

import io.sluice.tools.RunLayout;
import io.sluice.tools.report.MetricSeries;
import io.sluice.tools.report.RunFiles;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * What one step of a ramp did, read from the run directory {@code sluice load} wrote for it: what
 * it offered (its seconds.csv) and what the agent handled meanwhile and during the drain after it
 * (its metrics samples). An event is handled once the pipeline is done with it: written or
 * dead-lettered by a ValidatingSink, or throttled (then dropped, refused or routed aside, which
 * costs the sink nothing).
 */
final class StepMeasure {

  private static final Predicate<Map<String, String>> ALL = labels -> true;

  private StepMeasure() {}

  /** Whether the step's metrics were sampled at least twice (a start and an end). */
  static boolean hasMetrics(Path runDir) {
    return MetricSeries.read(runDir.resolve(RunLayout.METRICS)).samples() >= 2;
  }

  static Step of(Path runDir, double seconds) {
    long offered = 0;
    for (long n : RunFiles.seconds(runDir).sent()) {
      offered += n;
    }
    MetricSeries m = MetricSeries.read(runDir.resolve(RunLayout.METRICS));
    double handled = m.increase("sluice_sink_written_events_total", ALL)
        + m.increase("sluice_sink_dead_lettered_events_total", ALL)
        + m.increase("sluice_events_total", l -> "throttled".equals(l.get("disposition")));
    long dropped = Math.round(m.increase("sluice_source_dropped_total", ALL));
    List<MetricSeries.Point> fill = m.gauge("flume_channel_fill_ratio", ALL, m.firstMillis());
    double fillStart = fill.isEmpty() ? 0 : fill.get(0).value();
    double fillEnd = fill.isEmpty() ? 0 : fill.get(fill.size() - 1).value();
    return new Step(offered / seconds, handled / seconds, fillStart, fillEnd, dropped, Double.NaN);
  }
}
