package io.sluice.core.metrics;

import com.codahale.metrics.MetricFilter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.jmx.JmxReporter;
import com.codahale.metrics.jmx.ObjectNameFactory;
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

  /** Removes every metric named {@code prefix.*}. */
  public static void removeAll(String prefix) {
    String dotted = prefix + ".";
    REGISTRY.removeMatching(MetricFilter.startsWith(dotted));
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
