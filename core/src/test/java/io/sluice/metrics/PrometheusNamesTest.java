package io.sluice.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.sluice.metrics.PrometheusNames.Series;
import io.sluice.metrics.PrometheusNames.Type;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Dotted Dropwizard names and Flume attributes to Prometheus families and labels. */
class PrometheusNamesTest {

  private static void assertSeries(String dotted, String family, Type type, String... labels) {
    Series s = PrometheusNames.of(dotted);
    assertEquals(family, s == null ? null : s.family(), dotted);
    assertEquals(type, s.type(), dotted);
    assertEquals(List.of(labels), s.labels(), dotted);
  }

  @Test
  void variablePartsBecomeLabelsAndTheComponentIsAlwaysOne() {
    assertSeries("interceptor.gov.processed", "sluice_events", Type.COUNTER,
        "component", "gov", "disposition", "processed");
    assertSeries("interceptor.gov-hec.throttled.deferFull", "sluice_throttled", Type.COUNTER,
        "component", "gov-hec", "reason", "deferFull");
    assertSeries("interceptor.gov.redis.breaker", "sluice_redis_breaker_state", Type.GAUGE,
        "component", "gov");
    assertSeries("interceptor.gov.redis.breaker.transitions", "sluice_redis_breaker_transitions",
        Type.COUNTER, "component", "gov");
    assertSeries("source.syslog.dropped.kernel", "sluice_source_dropped", Type.COUNTER,
        "component", "syslog", "reason", "kernel");
    assertSeries("source.tcp.dropped.oversize", "sluice_source_oversize_skipped_bytes",
        Type.COUNTER, "component", "tcp");
    assertSeries("source.hec.events.raw.queue_full", "sluice_hec_events", Type.COUNTER,
        "component", "hec", "endpoint", "raw", "status", "queue_full");
    assertSeries("source.hec.tokens.reloads", "sluice_hec_token_reloads", Type.COUNTER,
        "component", "hec");
    assertSeries("source.hec.tokens.siem.throttled", "sluice_hec_token_rate_limited", Type.COUNTER,
        "component", "hec", "token", "siem");
    assertSeries("source.hec.requests", "sluice_hec_requests", Type.OMITTED, "component", "hec");
    assertSeries("channel.ok.deferred.depth", "sluice_channel_depth", Type.GAUGE,
        "component", "ok", "lane", "deferred");
    assertSeries("sink.k1.write.duration", "sluice_sink_write_duration_seconds", Type.HISTOGRAM,
        "component", "k1");
    assertSeries("interceptor.gov.topOffenders", "sluice_top_offender_events", Type.OFFENDERS,
        "component", "gov");
  }

  @Test
  void gaugesInOtherUnitsAreScaledToBaseUnits() {
    assertEquals(0.01, PrometheusNames.of("channel.ok.fill").scale()); // percent
    assertEquals(0.001, PrometheusNames.of("channel.ok.deferred.overdue").scale()); // ms
    assertEquals(0.01, FlumeCounterNames.of("channel", "ok", "ChannelFillPercentage").scale());
    assertEquals(0.001, FlumeCounterNames.of("sink", "k1", "StartTime").scale());
  }

  @Test
  void aNameNoRuleKnowsFallsBackToAGenericFamilyRatherThanVanishing() {
    assertNull(PrometheusNames.of("sink.k1.someNewThing.count"));
    Series s = PrometheusNames.fallback("sink.k1.someNewThing.count", Type.COUNTER);
    assertEquals("sluice_sink_some_new_thing_count", s.family());
    assertEquals(List.of("component", "k1"), s.labels());
    assertNull(PrometheusNames.of("nodots"));
    assertEquals("sluice_nodots", PrometheusNames.fallback("nodots", Type.GAUGE).family());
  }

  @Test
  void flumeAttributesAreSnakeCasedCountersOrLevels() {
    Series put = FlumeCounterNames.of("channel", "c1", "EventPutSuccessCount");
    assertEquals("flume_channel_event_put_success", put.family()); // the library adds _total
    assertEquals(Type.COUNTER, put.type());
    assertEquals(List.of("component", "c1"), put.labels());
    assertEquals("flume_source_channel_write_fail",
        FlumeCounterNames.of("source", "r1", "ChannelWriteFail").family());
    assertEquals(Type.COUNTER, FlumeCounterNames.of("source", "r1", "ChannelWriteFail").type());
    Series open = FlumeCounterNames.of("source", "r1", "OpenConnectionCount");
    assertEquals("flume_source_open_connections", open.family());
    assertEquals(Type.GAUGE, open.type());
    assertEquals("flume_channel_size", FlumeCounterNames.of("channel", "c1", "ChannelSize").family());
    assertEquals(Type.GAUGE, FlumeCounterNames.of("channel", "c1", "ChannelSize").type());
    assertEquals("flume_interceptor_keys", FlumeCounterNames.of("interceptor", "g", "KeyCount").family());
    assertEquals(Type.GAUGE, FlumeCounterNames.of("interceptor", "g", "KeyCount").type());
    assertEquals("flume_sink_connection_creations",
        FlumeCounterNames.of("sink", "k1", "ConnectionCreatedCount").family());
    assertEquals("flume_sink_start_time_seconds",
        FlumeCounterNames.of("sink", "k1", "StartTime").family());
  }

  @Test
  void snakeCase() {
    assertEquals("event_put_success_count", PrometheusNames.snake("EventPutSuccessCount"));
    assertEquals("dead_letter_written", PrometheusNames.snake("deadLetter.written"));
    assertEquals("channel_processor", PrometheusNames.snake("channel_processor"));
  }
}
