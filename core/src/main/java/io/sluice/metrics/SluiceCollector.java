package io.sluice.metrics;

import com.codahale.metrics.Counting;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.Metric;
import com.codahale.metrics.MetricRegistry;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.sluice.core.metrics.BucketedHistogram;
import io.sluice.core.offenders.TopOffenders;
import io.sluice.core.offenders.TopOffendersGauge;
import io.sluice.metrics.PrometheusNames.Series;
import io.sluice.metrics.PrometheusNames.Type;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.management.Attribute;
import javax.management.JMException;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads, at each scrape, every Flume counter group over JMX and every metric of Sluice's Dropwizard
 * registry, and gives them to the Prometheus client library as labelled families
 * ({@link PrometheusNames}, {@link FlumeCounterNames}). Nothing is copied between scrapes and
 * nothing on the hot path waits for one: counters and gauges are read as JMX reads them.
 */
final class SluiceCollector implements MultiCollector {

  private static final Logger LOG = LoggerFactory.getLogger(SluiceCollector.class);
  private static final String FLUME_DOMAIN = "org.apache.flume.";

  private final MetricRegistry registry;
  private final MBeanServer mbeans;
  private final ObjectName flumeBeans;
  /** Names already logged as having no rule, so each is logged once. */
  private final Set<String> unnamed = ConcurrentHashMap.newKeySet();

  SluiceCollector(MetricRegistry registry, MBeanServer mbeans) {
    this.registry = registry;
    this.mbeans = mbeans;
    try {
      this.flumeBeans = new ObjectName(FLUME_DOMAIN + "*:*");
    } catch (JMException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public MetricSnapshots collect() {
    Families families = new Families();
    registry.getMetrics().forEach((name, metric) -> addSluice(families, name, metric));
    addFlume(families);
    return families.snapshots();
  }

  private void addSluice(Families families, String name, Metric metric) {
    Series s = PrometheusNames.of(name);
    if (s == null) {
      s = PrometheusNames.fallback(name, metric instanceof Gauge<?> ? Type.GAUGE : Type.COUNTER);
      if (unnamed.add(name)) {
        LOG.warn("Metric {} has no Prometheus name of its own; exposed as {}", name, s.family());
      }
    }
    switch (s.type()) {
      case OMITTED -> { }
      case COUNTER -> {
        double v = metric instanceof Counting c ? c.getCount() : number(metric);
        families.point(s, v);
      }
      case GAUGE -> families.point(s, number(metric) * s.scale());
      case HISTOGRAM -> {
        if (metric instanceof BucketedHistogram h) {
          families.histogram(s, h);
        }
      }
      case OFFENDERS -> {
        if (metric instanceof TopOffendersGauge g) {
          List<TopOffenders.Offender> top = g.offenders();
          for (int i = 0; i < top.size(); i++) {
            List<String> labels = new ArrayList<>(s.labels());
            labels.addAll(List.of("rank", Integer.toString(i + 1), "key", top.get(i).key()));
            families.point(new Series(s.family(), Type.GAUGE, s.help(), 1, labels),
                top.get(i).estimate());
          }
        }
      }
    }
  }

  /** A gauge's value as a number; NaN when it is not one (or its getter failed). */
  private static double number(Metric metric) {
    if (metric instanceof Gauge<?> g) {
      try {
        if (g.getValue() instanceof Number n) {
          return n.doubleValue();
        }
      } catch (RuntimeException e) {
        return Double.NaN;
      }
    }
    return Double.NaN;
  }

  private void addFlume(Families families) {
    for (ObjectName bean : mbeans.queryNames(flumeBeans, null)) {
      String domain = bean.getDomain();
      String component = bean.getKeyProperty("type");
      if (domain.equals(io.sluice.core.metrics.SluiceMetrics.DOMAIN) || component == null) {
        continue; // Sluice's own metrics are read from the registry, labelled
      }
      String type = domain.substring(FLUME_DOMAIN.length());
      try {
        MBeanAttributeInfo[] infos = mbeans.getMBeanInfo(bean).getAttributes();
        String[] names = new String[infos.length];
        for (int i = 0; i < infos.length; i++) {
          names[i] = infos[i].getName();
        }
        for (Attribute a : mbeans.getAttributes(bean, names).asList()) {
          if (a.getValue() instanceof Number n) {
            Series s = FlumeCounterNames.of(type, component, a.getName());
            families.point(s, n.doubleValue() * s.scale());
          }
        }
      } catch (JMException e) {
        // A component stopping between the query and the read: it is gone from this scrape.
        LOG.debug("Could not read {}: {}", bean, e.toString());
      }
    }
  }

  /** The data points of one scrape, grouped by family. */
  private static final class Families {
    private final Map<String, Family> byName = new LinkedHashMap<>();

    void point(Series s, double value) {
      add(s, new Point(s.labels(), value, null));
    }

    void histogram(Series s, BucketedHistogram h) {
      add(s, new Point(s.labels(), 0, h));
    }

    /**
     * Adds a point to its family. A point the client library would refuse, and so fail the whole
     * scrape, is left out of it instead: one whose family has another type (a metric without a
     * rule whose generic name another took), a negative counter, or labels already in the family.
     */
    private void add(Series s, Point p) {
      Family f = byName.computeIfAbsent(s.family(), n -> new Family(s.type(), s.help()));
      if (f.type != s.type()) {
        LOG.debug("{} {} left out: its family is a {}", s.family(), s.labels(), f.type);
      } else if (f.type == Type.COUNTER && p.value < 0) {
        LOG.debug("{} {} left out: a counter cannot be negative ({})", s.family(), s.labels(), p.value);
      } else if (!f.labelSets.add(s.labels())) {
        LOG.debug("{} {} left out: the family has those labels already", s.family(), s.labels());
      } else {
        f.points.add(p);
      }
    }

    MetricSnapshots snapshots() {
      List<MetricSnapshot> out = new ArrayList<>(byName.size());
      byName.forEach((name, f) -> out.add(f.snapshot(name)));
      return new MetricSnapshots(out);
    }
  }

  private record Point(List<String> labels, double value, BucketedHistogram histogram) {
    Labels prometheusLabels() {
      return Labels.of(labels.toArray(new String[0]));
    }
  }

  private static final class Family {
    final Type type;
    final String help;
    final List<Point> points = new ArrayList<>();
    final java.util.Set<List<String>> labelSets = new java.util.HashSet<>();

    Family(Type type, String help) {
      this.type = type;
      this.help = help;
    }

    MetricSnapshot snapshot(String name) {
      return switch (type) {
        case COUNTER -> {
          CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(help);
          points.forEach(p -> b.dataPoint(CounterDataPointSnapshot.builder()
              .labels(p.prometheusLabels()).value(p.value).build()));
          yield b.build();
        }
        case HISTOGRAM -> {
          HistogramSnapshot.Builder b = HistogramSnapshot.builder().name(name).help(help);
          points.forEach(p -> b.dataPoint(histogramPoint(p)));
          yield b.build();
        }
        default -> {
          GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
          points.forEach(p -> b.dataPoint(GaugeDataPointSnapshot.builder()
              .labels(p.prometheusLabels()).value(p.value).build()));
          yield b.build();
        }
      };
    }

    private static HistogramDataPointSnapshot histogramPoint(Point p) {
      long[] counts = p.histogram.bucketCounts();
      double[] bounds = new double[counts.length];
      System.arraycopy(BucketedHistogram.BOUNDS, 0, bounds, 0, BucketedHistogram.BOUNDS.length);
      bounds[bounds.length - 1] = Double.POSITIVE_INFINITY;
      return HistogramDataPointSnapshot.builder()
          .labels(p.prometheusLabels())
          .classicHistogramBuckets(ClassicHistogramBuckets.of(bounds, counts))
          .sum(p.histogram.sumSeconds())
          .build();
    }
  }
}
