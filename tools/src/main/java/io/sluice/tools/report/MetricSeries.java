package io.sluice.tools.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The agent's metrics over a run: the samples of each series of interest, one per exposition,
 * in time order, and what a report asks of them — a counter's increase, its rate between samples,
 * a gauge's value — summed over the series that match.
 *
 * <p>Counters are read as Prometheus's {@code increase()} reads them: a value below the one before
 * is a reset (the agent restarted), the increase since being the whole new value. A series absent
 * from a sample is carried over from its last value, so that a scrape that failed or was cut short
 * is not taken for a reset. A series first seen after the first sample was born during the run
 * (Dropwizard creates some meters lazily, and a restarted agent's components reappear), so its
 * first value counts in full; a series in the first sample starts from that value.
 */
public final class MetricSeries {

  /** The families the report reads; the others are not kept, to bound memory. */
  public static final Set<String> FAMILIES = Set.of(
      "sluice_events_total", "sluice_throttled_total", "sluice_throttled_dropped_total",
      "sluice_rejected_events_total", "sluice_source_dropped_total",
      "sluice_sink_written_events_total", "sluice_sink_dead_lettered_events_total",
      "sluice_sink_validated_events_total", "sluice_channel_depth", "flume_channel_fill_ratio",
      "sluice_channel_fill_ratio", "sluice_deferred_events", "flume_source_event_received_total",
      "sluice_hec_events_total");

  private static final Pattern FILE = Pattern.compile("(\\d+)\\.prom");

  /** One series: its family, labels and a value per sample (NaN where the sample lacks it). */
  public record Series(String name, Map<String, String> labels, double[] values) {}

  /** A point of a series over time: seconds since the run's start, and a value. */
  public record Point(double second, double value) {}

  private final long[] millis;
  private final List<Series> series;
  private final int malformedLines;

  private MetricSeries(long[] millis, List<Series> series, int malformedLines) {
    this.millis = millis;
    this.series = series;
    this.malformedLines = malformedLines;
  }

  /** Samples taken at {@code millis} (ascending), each an exposition's text. */
  public static MetricSeries of(long[] millis, List<String> expositions) {
    Map<String, Series> byKey = new LinkedHashMap<>();
    int malformed = 0;
    for (int i = 0; i < millis.length; i++) {
      PromText.Exposition e = PromText.parse(expositions.get(i));
      malformed += e.malformed();
      for (PromText.Sample s : e.samples()) {
        if (!FAMILIES.contains(s.name())) {
          continue;
        }
        String key = s.name() + s.labels();
        Series x = byKey.get(key);
        if (x == null) {
          double[] values = new double[millis.length];
          java.util.Arrays.fill(values, Double.NaN);
          x = new Series(s.name(), s.labels(), values);
          byKey.put(key, x);
        }
        x.values()[i] = s.value();
      }
    }
    return new MetricSeries(millis.clone(), new ArrayList<>(byKey.values()), malformed);
  }

  /** Reads {@code dir/<epochMillis>.prom}; an absent directory is a run without metrics. */
  public static MetricSeries read(Path dir) {
    TreeMap<Long, Path> files = new TreeMap<>();
    if (Files.isDirectory(dir)) {
      try (Stream<Path> s = Files.list(dir)) {
        s.forEach(p -> {
          Matcher m = FILE.matcher(p.getFileName().toString());
          if (m.matches()) {
            files.put(Long.parseLong(m.group(1)), p);
          }
        });
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    List<Long> kept = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    for (Map.Entry<Long, Path> f : files.entrySet()) {
      try {
        String text = Files.readString(f.getValue(), StandardCharsets.UTF_8);
        if (!text.isBlank()) { // a failed scrape: nothing to learn, and not a reset
          kept.add(f.getKey());
          texts.add(text);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return of(kept.stream().mapToLong(Long::longValue).toArray(), texts);
  }

  public int samples() {
    return millis.length;
  }

  /** When the last sample was taken, or -1 without samples. */
  public long lastMillis() {
    return millis.length == 0 ? -1 : millis[millis.length - 1];
  }

  public long firstMillis() {
    return millis.length == 0 ? -1 : millis[0];
  }

  public int malformedLines() {
    return malformedLines;
  }

  /** Whether any sample holds a series of {@code family}. */
  public boolean has(String family) {
    return series.stream().anyMatch(s -> s.name().equals(family));
  }

  /** The increase over all samples of the series of {@code family} that {@code filter} accepts. */
  public double increase(String family, Predicate<Map<String, String>> filter) {
    double sum = 0;
    for (Series s : matching(family, filter)) {
      sum += deltas(s.values()).total;
    }
    return sum;
  }

  /** The increase of each value of {@code label} (series without it are left out). */
  public Map<String, Double> increaseBy(String family, String label) {
    Map<String, Double> out = new TreeMap<>();
    for (Series s : matching(family, l -> l.containsKey(label))) {
      out.merge(s.labels().get(label), deltas(s.values()).total, Double::sum);
    }
    return out;
  }

  /**
   * The rate per second between consecutive samples, summed over the matching series, placed at
   * the later sample's time in seconds since {@code startMillis}.
   */
  public List<Point> rate(String family, Predicate<Map<String, String>> filter,
      long startMillis) {
    List<Series> ms = matching(family, filter);
    List<Point> out = new ArrayList<>();
    if (ms.isEmpty()) {
      return out;
    }
    double[] sum = new double[millis.length];
    for (Series s : ms) {
      double[] d = deltas(s.values()).perSample;
      for (int i = 0; i < d.length; i++) {
        sum[i] += d[i];
      }
    }
    for (int i = 1; i < millis.length; i++) {
      double dt = (millis[i] - millis[i - 1]) / 1000.0;
      if (dt > 0) {
        out.add(new Point((millis[i] - startMillis) / 1000.0, sum[i] / dt));
      }
    }
    return out;
  }

  /** A gauge summed over the matching series at each sample that holds one of them. */
  public List<Point> gauge(String family, Predicate<Map<String, String>> filter,
      long startMillis) {
    List<Series> ms = matching(family, filter);
    List<Point> out = new ArrayList<>();
    for (int i = 0; i < millis.length; i++) {
      double sum = 0;
      boolean any = false;
      for (Series s : ms) {
        double v = s.values()[i];
        if (!Double.isNaN(v)) {
          sum += v;
          any = true;
        }
      }
      if (any) {
        out.add(new Point((millis[i] - startMillis) / 1000.0, sum));
      }
    }
    return out;
  }

  private List<Series> matching(String family, Predicate<Map<String, String>> filter) {
    List<Series> out = new ArrayList<>();
    for (Series s : series) {
      if (s.name().equals(family) && filter.test(s.labels())) {
        out.add(s);
      }
    }
    return out;
  }

  private record Deltas(double[] perSample, double total) {}

  /** A counter's increase at each sample (0 at the first), reading a drop as a reset. */
  private static Deltas deltas(double[] values) {
    double[] d = new double[values.length];
    double last = Double.NaN;
    double total = 0;
    for (int i = 0; i < values.length; i++) {
      double v = values[i];
      if (Double.isNaN(v) || Double.isInfinite(v)) {
        continue;
      }
      double inc;
      if (Double.isNaN(last)) {
        inc = i == 0 ? 0 : v; // in the first sample: the baseline; later: born during the run
      } else {
        inc = v >= last ? v - last : v;
      }
      d[i] = inc;
      total += inc;
      last = v;
    }
    return new Deltas(d, total);
  }
}
