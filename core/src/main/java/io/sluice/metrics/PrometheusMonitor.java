package io.sluice.metrics;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.sluice.core.config.ConfigValues;
import io.sluice.core.metrics.SluiceMetrics;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.flume.Context;
import org.apache.flume.instrumentation.MonitorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything the agent counts, for Prometheus to scrape, enabled the Flume way:
 *
 * <pre>
 * -Dflume.monitoring.type=io.sluice.metrics.PrometheusMonitor
 * -Dflume.monitoring.port=9464         (default 9464; 0 for any free port)
 * -Dflume.monitoring.bind=127.0.0.1    (default 127.0.0.1; 0.0.0.0 for every interface)
 * -Dflume.monitoring.jsonPort=41414    (optional: Flume's JSON too, as HttpMonitor serves it)
 * </pre>
 *
 * <p>{@code GET /metrics} answers in Prometheus's text format, or in OpenMetrics when the scraper
 * asks for it (Accept), written by the Prometheus client library from {@link SluiceCollector}:
 * every Flume counter group and every Sluice metric, read at the scrape. Flume runs one monitor
 * per agent, so this one also serves Flume's JSON on {@code jsonPort} when given, for what already
 * reads it. Like {@link HttpMonitor}, a monitor that cannot listen logs why and leaves the agent
 * running.
 */
public final class PrometheusMonitor implements MonitorService {

  private static final Logger LOG = LoggerFactory.getLogger(PrometheusMonitor.class);

  public static final int DEFAULT_PORT = 9464;

  private String bind = HttpMonitor.DEFAULT_BIND;
  private int port = DEFAULT_PORT;
  private HttpMonitor json; // null unless jsonPort is set
  private HTTPServer server;

  @Override
  public void configure(Context ctx) {
    port = portOf(ctx, "port", Integer.toString(DEFAULT_PORT));
    bind = ctx.getString("bind", HttpMonitor.DEFAULT_BIND).trim();
    if (bind.isEmpty()) {
      throw ConfigValues.invalid("flume.monitoring.bind", "",
          "the address to listen on, e.g. 127.0.0.1 (loopback) or 0.0.0.0 (every interface)");
    }
    json = null;
    String jsonPort = ctx.getString("jsonPort");
    if (jsonPort != null && !jsonPort.isBlank()) {
      Context jsonCtx = new Context();
      jsonCtx.put("port", Integer.toString(portOf(ctx, "jsonPort", null)));
      jsonCtx.put("bind", bind);
      json = new HttpMonitor();
      json.configure(jsonCtx);
    }
  }

  private static int portOf(Context ctx, String key, String fallback) {
    return (int) ConfigValues.between(
        "flume.monitoring." + key, ctx.getString(key, fallback).trim(), 0, 65535);
  }

  @Override
  public synchronized void start() {
    if (json != null) {
      json.start();
    }
    PrometheusRegistry registry = new PrometheusRegistry();
    registry.register(new SluiceCollector(SluiceMetrics.registry(),
        ManagementFactory.getPlatformMBeanServer()));
    // Scrapes come one at a time every few seconds: two daemon threads, never what keeps a
    // stopping agent's JVM alive.
    ExecutorService threads = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "sluice-prometheus");
      t.setDaemon(true);
      return t;
    });
    try {
      server = HTTPServer.builder()
          .hostname(bind)
          .port(port)
          .registry(registry)
          .executorService(threads)
          .buildAndStart();
    } catch (IOException | RuntimeException e) {
      threads.shutdownNow();
      LOG.error("Prometheus monitoring cannot listen on {}:{} ({}); the metrics stay readable"
          + " over JMX", bind, port, e.toString());
      return;
    }
    LOG.info("Prometheus monitoring: http://{}:{}/metrics", bind, server.getPort());
  }

  @Override
  public synchronized void stop() {
    if (server != null) {
      server.close();
      server = null;
    }
    if (json != null) {
      json.stop();
    }
  }

  /** The port listened on; -1 when not listening. */
  public synchronized int port() {
    return server == null ? -1 : server.getPort();
  }
}
