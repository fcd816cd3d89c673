package io.sluice.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.codahale.metrics.MetricRegistry;
import io.sluice.core.metrics.SluiceMetrics;
import io.sluice.core.offenders.TopOffenders;
import io.sluice.core.offenders.TopOffendersGauge;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flume.Context;
import org.apache.flume.instrumentation.ChannelCounter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link PrometheusMonitor} on an ephemeral port, scraped over HTTP, serving real Flume counters
 * registered over JMX and metrics of Sluice's registry.
 */
class PrometheusMonitorTest {

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private PrometheusMonitor monitor;

  @AfterEach
  void stop() {
    if (monitor != null) {
      monitor.stop();
    }
    SluiceMetrics.removeAll("interceptor.promTest");
    SluiceMetrics.removeAll("sink.promTest");
  }

  private void start(Map<String, String> keys) {
    monitor = new PrometheusMonitor();
    monitor.configure(new Context(keys));
    monitor.start();
  }

  private HttpResponse<String> get(int port, String path, String accept) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10));
    if (accept != null) {
      b.header("Accept", accept);
    }
    return http.send(b.build(), BodyHandlers.ofString());
  }

  @Test
  void servesFlumesCountersAndSluicesMetricsWithLabelsInTheTextFormat() throws Exception {
    MetricRegistry r = SluiceMetrics.registry();
    r.meter("interceptor.promTest.processed").mark(5);
    r.meter("interceptor.promTest.throttled.rate").mark(2);
    TopOffenders top = new TopOffenders(3, TimeUnit.MINUTES.toNanos(1), 0);
    top.record("10.0.0.9", 40, 1);
    top.record("10.0.0.7", 12, 1);
    r.register("interceptor.promTest.topOffenders", new TopOffendersGauge(top));
    SluiceMetrics.histogram("sink.promTest.write.duration", TimeUnit.MICROSECONDS).update(3_000);
    ChannelCounter channel = new ChannelCounter("promTestChannel");
    channel.start(); // registers org.apache.flume.channel:type=promTestChannel
    channel.addToEventPutSuccessCount(9);
    channel.setChannelSize(4);
    channel.setChannelCapacity(16);
    try {
      start(Map.of("port", "0"));
      HttpResponse<String> res = get(monitor.port(), "/metrics", null);
      assertEquals(200, res.statusCode());
      assertTrue(res.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"),
          res.headers().toString());
      String text = res.body();
      assertContains(text, "# TYPE sluice_events_total counter");
      assertContains(text, "sluice_events_total{component=\"promTest\",disposition=\"processed\"} 5.0");
      assertContains(text, "sluice_throttled_total{component=\"promTest\",reason=\"rate\"} 2.0");
      assertContains(text,
          "sluice_top_offender_events{component=\"promTest\",key=\"10.0.0.9\",rank=\"1\"} 40.0");
      assertContains(text,
          "sluice_top_offender_events{component=\"promTest\",key=\"10.0.0.7\",rank=\"2\"} 12.0");
      assertContains(text, "# TYPE sluice_sink_write_duration_seconds histogram");
      assertContains(text,
          "sluice_sink_write_duration_seconds_bucket{component=\"promTest\",le=\"0.0025\"} 0");
      assertContains(text,
          "sluice_sink_write_duration_seconds_bucket{component=\"promTest\",le=\"0.005\"} 1");
      assertContains(text, "sluice_sink_write_duration_seconds_sum{component=\"promTest\"} 0.003");
      assertContains(text,
          "flume_channel_event_put_success_total{component=\"promTestChannel\"} 9.0");
      assertContains(text, "flume_channel_size{component=\"promTestChannel\"} 4.0");
      assertContains(text, "flume_channel_fill_ratio{component=\"promTestChannel\"} 0.25");
      assertTrue(!text.contains("org_apache_flume_sluice"), "Sluice's own MBeans are not read twice");
    } finally {
      channel.stop();
    }
  }

  @Test
  void answersInOpenMetricsOrProtobufWhenAskedAndServesFlumesJsonOnJsonPort() throws Exception {
    SluiceMetrics.registry().counter("sink.promTest.written").inc(3);
    int jsonPort;
    try (ServerSocket s = new ServerSocket(0)) {
      jsonPort = s.getLocalPort();
    }
    start(Map.of("port", "0", "jsonPort", Integer.toString(jsonPort)));
    HttpResponse<String> om = get(monitor.port(), "/metrics",
        "application/openmetrics-text; version=1.0.0; charset=utf-8");
    assertTrue(om.headers().firstValue("Content-Type").orElse("").startsWith("application/openmetrics-text"),
        om.headers().toString());
    assertContains(om.body(), "sluice_sink_written_events_total{component=\"promTest\"} 3.0");
    assertTrue(om.body().endsWith("# EOF\n"), "an OpenMetrics exposition ends with # EOF");
    // Prometheus with native histograms asks for protobuf first: answered in it, not with an error.
    HttpResponse<String> pb = get(monitor.port(), "/metrics", "application/vnd.google.protobuf;"
        + "proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.7,text/plain;version=0.0.4;q=0.3");
    assertEquals(200, pb.statusCode());
    assertTrue(pb.headers().firstValue("Content-Type").orElse("").startsWith("application/vnd.google.protobuf"),
        pb.headers().toString());
    HttpResponse<String> json = get(jsonPort, "/metrics", null);
    assertEquals(200, json.statusCode());
    assertTrue(json.body().startsWith("{"), json.body());
  }

  @Test
  void listensOnLoopbackByDefaultAndRefusesAMalformedPort() throws Exception {
    start(Map.of("port", "0"));
    assertEquals(200, get(monitor.port(), "/metrics", null).statusCode());
    try (java.net.Socket s = new java.net.Socket(InetAddress.getByName("127.0.0.1"), monitor.port())) {
      assertEquals(InetAddress.getByName("127.0.0.1"), s.getInetAddress());
    }
    java.util.Optional<InetAddress> other = HttpMonitorTest.nonLoopbackAddress();
    if (other.isPresent()) {
      assertThrows(java.net.ConnectException.class,
          () -> new java.net.Socket(other.get(), monitor.port()).close(),
          "no connection on " + other.get() + ", an address other than loopback");
    }
    PrometheusMonitor bad = new PrometheusMonitor();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> bad.configure(new Context(Map.of("port", "70000"))));
    assertTrue(e.getMessage().contains("flume.monitoring.port"), e.getMessage());
  }

  @Test
  void aMonitorThatCannotListenLeavesTheAgentRunning() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      start(Map.of("port", Integer.toString(taken.getLocalPort())));
      assertEquals(-1, monitor.port());
    }
  }

  private static void assertContains(String text, String line) {
    assertTrue(text.contains(line), () -> "no line " + line + " in:\n" + text);
  }
}
