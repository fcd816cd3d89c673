package io.sluice.core.metrics;

import com.codahale.metrics.Histogram;
import com.codahale.metrics.LockFreeExponentiallyDecayingReservoir;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricFilter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.jmx.JmxReporter;
import com.codahale.metrics.jmx.ObjectNameFactory;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

/**
 * The one Dropwizard registry of an agent's JVM, reported over JMX under {@value #DOMAIN}.
 *
 * <p>Each metric is one MBean named {@code org.apache.flume.sluice:name=<metric>}: the domain
 * starts with {@code org.apache.flume}, so Flume's HTTP JSON monitoring lists it too, keyed by the
 * metric name. Components name their metrics {@code <component>.<name>.<metric>} and remove them
 * with {@link #removeAll(String)} when they stop, so a configuration reload starts clean.
 */
public final class SluiceMetrics {

  public static final String DOMAIN = "org.apache.flume.sluice";

  private static final MetricRegistry REGISTRY = new MetricRegistry();
  private static JmxReporter reporter;
  private static ScheduledExecutorService feeder;
  private static final Map<String, Feed> FEEDS = new ConcurrentHashMap<>();

  private SluiceMetrics() {}

  /** The registry, with its JMX reporter started on first use. */
  public static synchronized MetricRegistry registry() {
    if (reporter == null) {
      reporter =
          JmxReporter.forRegistry(REGISTRY)
              .inDomain(DOMAIN)
              .createsObjectNamesWith(NAMES)
              .build();
      reporter.start();
    }
    return REGISTRY;
  }

  /**
   * The histogram of durations of that name in the {@link #registry}, made if missing, with
   * buckets for Prometheus ({@link BucketedHistogram}) and over Dropwizard's lock-free
   * exponentially decaying reservoir: the default one takes a lock and reads the clock at every
   * update, which measured 5% of a ValidatingSink's time at one update per batch.
   *
   * @param unit the unit of the values it is given
   */
  public static Histogram histogram(String name, TimeUnit unit) {
    return registry().histogram(name,
        () -> new BucketedHistogram(LockFreeExponentiallyDecayingReservoir.builder().build(), unit));
  }

  /**
   * Registers a meter fed from a running total rather than marked per event: once a second a
   * shared daemon thread marks it with how much {@code total} grew. For hot paths that count
   * anyway, since a mark reads the clock and updates four adders. Its rates are Dropwizard's (they
   * tick every 5 s); its count trails the total by at most a second.
   */
  public static Meter meterOf(String name, LongSupplier total) {
    Meter meter = registry().meter(name);
    Feed feed = new Feed(meter, total);
    feed.task = feeder().scheduleAtFixedRate(feed::catchUp, 1, 1, TimeUnit.SECONDS);
    Feed old = FEEDS.put(name, feed);
    if (old != null) {
      old.task.cancel(false);
    }
    return meter;
  }

  /** A meter and the total it follows. */
  private static final class Feed {
    private final Meter meter;
    private final LongSupplier total;
    private long seen;
    private ScheduledFuture<?> task;

    Feed(Meter meter, LongSupplier total) {
      this.meter = meter;
      this.total = total;
      this.seen = total.getAsLong();
    }

    synchronized void catchUp() {
      long now = total.getAsLong();
      if (now > seen) {
        meter.mark(now - seen);
      }
      seen = now; // a total that went back (a counter reset) starts over from there
    }
  }

  /** Brings every fed meter up to its total now, as the once-a-second task does (for tests). */
  static void feedNow() {
    FEEDS.values().forEach(Feed::catchUp);
  }

  private static synchronized ScheduledExecutorService feeder() {
    if (feeder == null) {
      feeder = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sluice-metrics");
        t.setDaemon(true);
        return t;
      });
    }
    return feeder;
  }

  /** Removes every metric named {@code prefix.*}. */
  public static void removeAll(String prefix) {
    String dotted = prefix + ".";
    REGISTRY.removeMatching(MetricFilter.startsWith(dotted));
    FEEDS.entrySet().removeIf(e -> {
      boolean match = e.getKey().startsWith(dotted);
      if (match) {
        e.getValue().task.cancel(false);
      }
      return match;
    });
  }

  /** {@code <component>.<name>.<metric>} */
  public static String name(String component, String name, String metric) {
    return component + "." + name + "." + metric;
  }

  private static final ObjectNameFactory NAMES =
      (type, domain, name) -> {
        try {
          return new ObjectName(domain, "name", ObjectName.quote(name).equals("\"" + name + "\"")
              && isPlain(name) ? name : ObjectName.quote(name));
        } catch (MalformedObjectNameException e) {
          throw new IllegalArgumentException("metric name not usable in JMX: " + name, e);
        }
      };

  private static boolean isPlain(String name) {
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == ',' || c == '=' || c == ':' || c == '"' || c == '*' || c == '?' || c == '\n') {
        return false;
      }
    }
    return true;
  }
}
