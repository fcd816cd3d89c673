package io.sluice.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How each of Sluice's dotted Dropwizard names ({@code <kind>.<component>.<metric>}) reads in
 * Prometheus: a metric family with Prometheus's naming (snake case, base units, {@code _total} added
 * to counters by the client library), and labels in place of the parts that vary — the component's
 * name, and reasons, dispositions, lanes, endpoints, statuses and token names. Every label value
 * comes from configuration or from a fixed list in the code, never from traffic.
 *
 * <p>Pure: names in, names out. The README's metric table lists these rules in this order.
 */
final class PrometheusNames {

  /** What a family is, and how its value is read from the Dropwizard metric. */
  enum Type {
    COUNTER,
    GAUGE,
    /** A {@code BucketedHistogram} of durations. */
    HISTOGRAM,
    /** The top offenders gauge: one series per rank, the key as a label. */
    OFFENDERS,
    /** Exposed under another family already (a total of labelled counters, say). */
    OMITTED
  }

  /**
   * One Dropwizard metric's place in Prometheus.
   *
   * @param family the family's name, without the {@code _total} the library adds to counters
   * @param scale what a gauge's value is multiplied by to reach the family's unit
   * @param labels name, value, name, value...; {@code component} first
   */
  record Series(String family, Type type, String help, double scale, List<String> labels) {}

  private record Rule(String kind, Pattern metric, String family, Type type, double scale,
      String help, String[] labelNames) {

    Series match(String component, String metric) {
      Matcher m = this.metric.matcher(metric);
      if (!m.matches()) {
        return null;
      }
      List<String> labels = new ArrayList<>(2 + 2 * labelNames.length);
      labels.add("component");
      labels.add(component);
      for (int i = 0; i < labelNames.length; i++) {
        labels.add(labelNames[i]);
        labels.add(m.group(i + 1));
      }
      return new Series(family, type, help, scale, labels);
    }
  }

  private static final List<Rule> RULES = new ArrayList<>();

  private static void rule(String kind, String metric, String family, Type type, double scale,
      String help, String... labelNames) {
    RULES.add(new Rule(kind, Pattern.compile(metric), family, type, scale, help, labelNames));
  }

  private static void counter(String kind, String metric, String family, String help,
      String... labelNames) {
    rule(kind, metric, family, Type.COUNTER, 1, help, labelNames);
  }

  private static void gauge(String kind, String metric, String family, String help,
      String... labelNames) {
    rule(kind, metric, family, Type.GAUGE, 1, help, labelNames);
  }

  private static void histogram(String kind, String metric, String family, String help) {
    rule(kind, metric, family, Type.HISTOGRAM, 1, help);
  }

  static {
    // The TokenBucketInterceptor (component = its metricsName).
    counter("interceptor", "(processed|batched|throttled)", "sluice_events",
        "Events the governor decided, by disposition", "disposition");
    counter("interceptor", "throttled\\.([A-Za-z]+)", "sluice_throttled",
        "Throttled events by reason", "reason");
    counter("interceptor", "dropped", "sluice_throttled_dropped",
        "Throttled events dropped (throttled = drop)");
    counter("interceptor", "rejected", "sluice_rejected_events",
        "Events of batches pushed back to their sender (throttled = reject)");
    gauge("interceptor", "keys", "sluice_keys", "Keys the governor holds state for");
    counter("interceptor", "keys\\.truncated", "sluice_keys_truncated",
        "Keys cut to maxKeyLength");
    gauge("interceptor", "deferred\\.depth", "sluice_deferred_events",
        "Batched events not yet due, for which the governor holds deferred room");
    gauge("interceptor", "deferred\\.fill", "sluice_deferred_fill_ratio",
        "Fraction of the deferred room (defer.maxEvents) in use");
    rule("interceptor", "topOffenders", "sluice_top_offender_events", Type.OFFENDERS, 1,
        "Throttled events of the most throttled keys in the current window (estimate), by rank;"
            + " the key is a label, at most topOffenders.size ranks");
    counter("interceptor", "redis\\.calls", "sluice_redis_calls",
        "Batches decided through the shared store");
    counter("interceptor", "redis\\.keysAsked", "sluice_redis_keys_asked",
        "Keys asked of the shared store");
    counter("interceptor", "redis\\.roundTrips", "sluice_redis_round_trips",
        "Round trips to the shared store");
    counter("interceptor", "redis\\.failures", "sluice_redis_failures",
        "Calls to the shared store that failed or timed out");
    counter("interceptor", "redis\\.fallback", "sluice_redis_fallback_decisions",
        "Events decided by redis.onFailure while the store was unavailable");
    counter("interceptor", "redis\\.leaseHits", "sluice_redis_lease_hits",
        "Events decided from a local lease without a round trip");
    gauge("interceptor", "redis\\.breaker", "sluice_redis_breaker_state",
        "The shared store's circuit breaker: 0 closed, 1 open, 2 half-open");
    counter("interceptor", "redis\\.breaker\\.transitions", "sluice_redis_breaker_transitions",
        "Changes of the breaker's state");
    histogram("interceptor", "redis\\.roundTrip", "sluice_redis_round_trip_seconds",
        "Round-trip time of calls to the shared store");

    // Sources: syslog over UDP and TCP/TLS, and HEC.
    counter("source", "bytes", "sluice_source_received_bytes", "Bytes of messages read");
    counter("source", "invalid", "sluice_source_invalid",
        "Messages read that did not parse (still delivered, marked invalid)");
    counter("source", "incomplete", "sluice_source_incomplete",
        "Messages read that were cut short (truncated or unterminated)");
    counter("source", "dropped\\.oversize", "sluice_source_oversize_skipped_bytes",
        "Bytes of oversize frames skipped past eventSize to stay in frame");
    counter("source", "dropped\\.([A-Za-z]+)", "sluice_source_dropped",
        "Events dropped by the source, by reason (kernel: datagrams the kernel dropped)",
        "reason");
    gauge("source", "connections\\.open", "sluice_source_connections", "Open connections");
    gauge("source", "connections\\.draining", "sluice_source_connections_draining",
        "Connections being drained at stop");
    counter("source", "connections\\.refused\\.([A-Za-z]+)", "sluice_source_connections_refused",
        "Connections refused or closed by the source, by reason", "reason");
    counter("source", "backpressure\\.pauses", "sluice_source_backpressure_pauses",
        "Times reading paused because the channels were full");
    rule("source", "requests", "sluice_hec_requests", Type.OMITTED, 1,
        "(the sum of sluice_hec_requests_total over endpoints)");
    counter("source", "requests\\.endpoint\\.([a-z]+)", "sluice_hec_requests",
        "HEC requests by endpoint", "endpoint");
    counter("source", "requests\\.status\\.([0-9]+)", "sluice_hec_responses",
        "HEC requests by the HTTP status answered", "status");
    counter("source", "requests\\.code\\.([0-9]+)", "sluice_hec_reply_codes",
        "HEC requests by the HEC code answered (0 success, 9 busy, ...)", "code");
    counter("source", "requests\\.rejected\\.([A-Za-z]+)", "sluice_hec_rejected_requests",
        "HEC requests refused, by reason", "reason");
    counter("source", "events\\.([a-z]+)\\.([a-z_]+)", "sluice_hec_events",
        "HEC events by endpoint and status: accepted, rate_limited (429), queue_full (503),"
            + " error (500); the events of a request taken before a refusal of its rest count as"
            + " accepted, and again when its client sends it again", "endpoint", "status");
    counter("source", "tokens\\.reloads", "sluice_hec_token_reloads", "Reloads of tokensFile");
    counter("source", "tokens\\.reloadFailures", "sluice_hec_token_reload_failures",
        "Changes of tokensFile that were refused (the tokens in use stayed)");
    counter("source", "tokens\\.([^.]+)\\.events", "sluice_hec_token_events",
        "HEC events taken by the channels, by token name", "token");
    counter("source", "tokens\\.([^.]+)\\.throttled", "sluice_hec_token_rate_limited",
        "HEC requests refused 429 by the token's limit, by token name", "token");
    gauge("source", "acks\\.pending", "sluice_hec_acks_pending",
        "Indexer acknowledgements not yet true");
    counter("source", "acks\\.completed", "sluice_hec_acks_completed",
        "Indexer acknowledgements that turned true");
    counter("source", "acks\\.expired", "sluice_hec_acks_expired",
        "Indexer acknowledgements forgotten after ack.ttl");
    gauge("source", "acks\\.channels", "sluice_hec_ack_channels",
        "HEC channels with acknowledgements held");
    gauge("source", "bodies\\.bytes", "sluice_hec_buffered_bytes",
        "Bytes of request bodies held (maxBufferedBytes is the limit)");

    // The DisruptorChannel.
    counter("channel", "(put|take)", "sluice_channel_events",
        "Events committed into and taken from the channel", "operation");
    rule("channel", "fill", "sluice_channel_fill_ratio", Type.GAUGE, 0.01,
        "Fraction of the channel's capacity in use");
    gauge("channel", "(express|deferred)\\.depth", "sluice_channel_depth",
        "Events in the channel by lane (deferred: batched events waiting for their due time)",
        "lane");
    rule("channel", "deferred\\.overdue", "sluice_channel_deferred_overdue_seconds", Type.GAUGE,
        0.001, "How long the oldest due deferred event has waited past its due time");
    counter("channel", "deferred\\.clamped", "sluice_channel_deferred_clamped",
        "Batched events whose due time was clamped to deferred.maxHold");
    histogram("channel", "deferred\\.lag", "sluice_channel_deferred_lag_seconds",
        "How late deferred events were taken after their due time");

    // The ValidatingSink.
    counter("sink", "(valid|invalid)", "sluice_sink_validated_events",
        "Events validated against the schema, by result", "result");
    counter("sink", "written", "sluice_sink_written_events", "Events written");
    counter("sink", "bytes", "sluice_sink_written_bytes", "Bytes written");
    counter("sink", "deadLetter\\.written", "sluice_sink_dead_lettered_events",
        "Invalid events written to the dead-letter path");
    counter("sink", "write\\.errors", "sluice_sink_write_errors",
        "Batches whose write failed (rolled back, retried)");
    counter("sink", "retries", "sluice_sink_retries", "Batches retried after a failed write");
    histogram("sink", "validation\\.duration", "sluice_sink_validation_duration_seconds",
        "Time to validate one event");
    histogram("sink", "write\\.duration", "sluice_sink_write_duration_seconds",
        "Time to write one batch and commit it");
    counter("sink", "hec\\.requests", "sluice_sink_hec_requests", "Requests sent by the hec writer");
    counter("sink", "hec\\.retries", "sluice_sink_hec_retries",
        "Requests of the hec writer sent again after a transient failure");
    counter("sink", "hec\\.acks\\.timedOut", "sluice_sink_hec_ack_timeouts",
        "Batches resent because their acknowledgement did not come within hec.ackTimeout");
    counter("sink", "hec\\.refused", "sluice_sink_hec_refused_events",
        "Events the receiving collector refused for good, dropped and counted");
    gauge("sink", "hec\\.acks\\.pending", "sluice_sink_hec_acks_pending",
        "Acknowledgements the hec writer waits for");
  }

  private PrometheusNames() {}

  /**
   * The series of a Dropwizard metric's name, or null for a name no rule knows (a metric added
   * without a rule: {@link #fallback} exposes it under a generic name).
   */
  static Series of(String dotted) {
    String[] p = split(dotted);
    if (p == null) {
      return null;
    }
    for (Rule r : RULES) {
      if (r.kind.equals(p[0])) {
        Series s = r.match(p[1], p[2]);
        if (s != null) {
          return s;
        }
      }
    }
    return null;
  }

  /**
   * A name without a rule: {@code sluice_<kind>_<metric in snake case>{component}}, so that no
   * metric is missing from a scrape while its rule is.
   */
  static Series fallback(String dotted, Type type) {
    String[] p = split(dotted);
    String family = p == null
        ? "sluice_" + snake(dotted)
        : "sluice_" + p[0] + "_" + snake(p[2]);
    List<String> labels = p == null ? List.of() : List.of("component", p[1]);
    return new Series(family, type, "Sluice metric " + dotted, 1, labels);
  }

  /** kind, component, metric; or null when the name has fewer than three parts. */
  private static String[] split(String dotted) {
    int a = dotted.indexOf('.');
    int b = a < 0 ? -1 : dotted.indexOf('.', a + 1);
    if (b < 0) {
      return null;
    }
    return new String[] {dotted.substring(0, a), dotted.substring(a + 1, b), dotted.substring(b + 1)};
  }

  /** {@code EventPutSuccessCount} and {@code deadLetter.written} to {@code event_put_success_count}, {@code dead_letter_written}. */
  static String snake(String name) {
    StringBuilder out = new StringBuilder(name.length() + 8);
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (Character.isUpperCase(c)) {
        if (i > 0 && out.length() > 0 && out.charAt(out.length() - 1) != '_') {
          out.append('_');
        }
        out.append(Character.toLowerCase(c));
      } else if (Character.isLetterOrDigit(c)) {
        out.append(c);
      } else if (out.length() > 0 && out.charAt(out.length() - 1) != '_') {
        out.append('_');
      }
    }
    return out.toString().toLowerCase(Locale.ROOT);
  }

  /** The families of every rule, in order, for the README's table. */
  static List<String> families() {
    List<String> out = new ArrayList<>();
    for (Rule r : RULES) {
      if (r.type != Type.OMITTED && !out.contains(r.family)) {
        out.add(r.family);
      }
    }
    return out;
  }
}
