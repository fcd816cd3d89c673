package io.sluice.tools.report;

import java.util.Map;
import java.util.TreeMap;

/**
 * What the agent counted over the run, from its metrics: each counter's increase from the first
 * sample to the last (which {@code sluice load} takes a few seconds after the end, so that the
 * agent has decided and written everything sent), summed over components.
 */
public record AgentCounts(
    int samples, long firstMillis, long lastMillis,
    long processed, long batched, long throttled, long throttledNotPushedBack,
    Map<String, Long> throttledByReason,
    long throttledDropped, long rejected, Map<String, Long> sourceDroppedByReason,
    long received, long written, long deadLettered) {

  /** Counts of a run without metrics. */
  public static final AgentCounts NONE = new AgentCounts(0, -1, -1, 0, 0, 0, 0, Map.of(), 0, 0,
      Map.of(), 0, 0, 0);

  public static AgentCounts of(MetricSeries m) {
    if (m.samples() == 0) {
      return NONE;
    }
    return new AgentCounts(m.samples(), m.firstMillis(), m.lastMillis(),
        events(m, "processed"), events(m, "batched"), events(m, "throttled"),
        throttledNotPushedBack(m),
        rounded(m.increaseBy("sluice_throttled_total", "reason")),
        total(m, "sluice_throttled_dropped_total"), total(m, "sluice_rejected_events_total"),
        rounded(m.increaseBy("sluice_source_dropped_total", "reason")),
        total(m, "flume_source_event_received_total"),
        total(m, "sluice_sink_written_events_total"),
        total(m, "sluice_sink_dead_lettered_events_total"));
  }

  /**
   * Throttled events of the interceptors that never pushed a batch back. An interceptor with
   * {@code throttled = reject} counts each refused batch as one throttled event although its events
   * went back to the sender, who sends them again: its throttled count can explain no loss.
   */
  private static long throttledNotPushedBack(MetricSeries m) {
    Map<String, Double> rejected = m.increaseBy("sluice_rejected_events_total", "component");
    return Math.round(m.increase("sluice_events_total", l -> "throttled".equals(l.get("disposition"))
        && rejected.getOrDefault(l.get("component"), 0.0) == 0));
  }

  public long sourceDropped() {
    return sourceDroppedByReason.values().stream().mapToLong(Long::longValue).sum();
  }

  private static long events(MetricSeries m, String disposition) {
    return Math.round(m.increase("sluice_events_total",
        l -> disposition.equals(l.get("disposition"))));
  }

  private static long total(MetricSeries m, String family) {
    return Math.round(m.increase(family, l -> true));
  }

  private static Map<String, Long> rounded(Map<String, Double> in) {
    Map<String, Long> out = new TreeMap<>();
    in.forEach((k, v) -> out.put(k, Math.round(v)));
    return out;
  }
}
