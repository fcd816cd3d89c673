package io.sluice.metrics;

import io.sluice.metrics.PrometheusNames.Series;
import io.sluice.metrics.PrometheusNames.Type;
import java.util.List;
import java.util.Set;

/**
 * How the attributes of Flume's counter groups (MBeans {@code org.apache.flume.<type>:type=<name>},
 * every {@code MonitoredCounterGroup}: Flume's sources, channels and sinks as well as Sluice's) read in
 * Prometheus: {@code flume_<type>_<attribute in snake case>{component="<name>"}}. Attributes named
 * {@code ...Count} or {@code ...Fail} are counters, {@code _count} dropped since the library adds
 * {@code _total}; the few that are levels are gauges in base units.
 */
final class FlumeCounterNames {

  /** Attributes named like counters that are levels. */
  private static final Set<String> LEVELS = Set.of("OpenConnectionCount", "KeyCount");

  private FlumeCounterNames() {}

  /**
   * @param type the MBean domain's last part: {@code source}, {@code channel}, {@code sink},
   *     {@code interceptor}, {@code channel_processor}...
   * @param component the {@code type} key of the MBean's name: the component's name
   * @param attribute the attribute, e.g. {@code EventPutSuccessCount}
   */
  static Series of(String type, String component, String attribute) {
    String prefix = "flume_" + PrometheusNames.snake(type) + "_";
    List<String> labels = List.of("component", component);
    String help = "Flume's " + attribute + " of " + type + " components";
    switch (attribute) {
      case "ChannelFillPercentage":
        return new Series(prefix + "fill_ratio", Type.GAUGE, help + ", as a fraction", 0.01, labels);
      case "StartTime", "StopTime":
        return new Series(prefix + PrometheusNames.snake(attribute) + "_seconds", Type.GAUGE,
            help + " (Unix time)", 0.001, labels);
      case "OpenConnectionCount":
        return new Series(prefix + "open_connections", Type.GAUGE, help, 1, labels);
      default:
        break;
    }
    String snake = PrometheusNames.snake(attribute);
    if (snake.startsWith(PrometheusNames.snake(type) + "_")) {
      snake = snake.substring(type.length() + 1); // ChannelSize of a channel: flume_channel_size
    }
    boolean counter = !LEVELS.contains(attribute)
        && (attribute.endsWith("Count") || attribute.endsWith("Fail"));
    if (attribute.endsWith("Count")) {
      snake = snake.substring(0, snake.length() - "_count".length());
      if (LEVELS.contains(attribute)) {
        snake = snake + "s"; // KeyCount: flume_interceptor_keys
      }
    }
    if (snake.endsWith("_created")) {
      // OpenMetrics reserves _created for a counter's creation time (and clients drop it from
      // names): the sink's ConnectionCreatedCount reads as flume_sink_connection_creations_total.
      snake = snake.substring(0, snake.length() - "_created".length()) + "_creations";
    }
    return new Series(prefix + snake, counter ? Type.COUNTER : Type.GAUGE, help, 1, labels);
  }
}
