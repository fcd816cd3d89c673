package io.sluice.metrics;

import io.sluice.core.config.ConfigValues;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import org.apache.flume.Context;
import org.apache.flume.instrumentation.MonitorService;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flume's HTTP JSON monitoring on an address of the operator's choosing, loopback unless told
 * otherwise:
 *
 * <pre>
 * -Dflume.monitoring.type=io.sluice.metrics.HttpMonitor
 * -Dflume.monitoring.port=41414        (default 41414; 0 for any free port)
 * -Dflume.monitoring.bind=127.0.0.1    (default 127.0.0.1; 0.0.0.0 for every interface)
 * </pre>
 *
 * <p>It serves exactly what {@code -Dflume.monitoring.type=http} serves ({@link FlumeJsonHandler}),
 * with Flume's own Jetty and Gson from the agent's {@code lib/}. Flume 1.11.0's {@code
 * HTTPMetricsServer} listens on every interface and reads no key but {@code port}, so its metrics —
 * every component's name and counters, the senders that top the throttled list — are open to
 * whoever reaches the host. This one listens on {@code bind} only.
 *
 * <p>Flume's {@code Application} passes every {@code flume.monitoring.*} system property, the prefix
 * removed, to {@link #configure}, starts the monitor after the components, and at each
 * configuration reload stops it and starts a new one on the same port. As with Flume's, a monitor
 * that cannot listen (the port taken, say) logs why and leaves the agent running; a malformed key
 * fails {@link #configure} with a message naming it, which Flume logs, running on without it.
 */
public final class HttpMonitor implements MonitorService {

  private static final Logger LOG = LoggerFactory.getLogger(HttpMonitor.class);

  public static final int DEFAULT_PORT = 41414;
  public static final String DEFAULT_BIND = "127.0.0.1";
  /** Threads serving requests (Flume's default pool has 200): a scrape every few seconds needs one. */
  static final int MAX_THREADS = 8;

  private String bind = DEFAULT_BIND;
  private int port = DEFAULT_PORT;
  private Server server;
  private ServerConnector connector;

  @Override
  public void configure(Context ctx) {
    String portText = ctx.getString("port", Integer.toString(DEFAULT_PORT)).trim();
    long p = ConfigValues.atLeast("flume.monitoring.port", portText, 0);
    if (p > 65535) {
      throw ConfigValues.invalid("flume.monitoring.port", portText, "a port number (0-65535)");
    }
    port = (int) p;
    bind = ctx.getString("bind", DEFAULT_BIND).trim();
    if (bind.isEmpty()) {
      throw ConfigValues.invalid("flume.monitoring.bind", "",
          "the address to listen on, e.g. 127.0.0.1 (loopback) or 0.0.0.0 (every interface)");
    }
  }

  @Override
  public synchronized void start() {
    QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, 1);
    threads.setName("sluice-http-monitor");
    threads.setDaemon(true); // never what keeps a stopping agent's JVM alive
    Server s = new Server(threads);
    // One acceptor and one selector thread: Jetty's default scales them with the cores.
    ServerConnector c = new ServerConnector(s, 1, 1, new HttpConnectionFactory(new HttpConfiguration()));
    c.setHost(bind);
    c.setPort(port);
    c.setReuseAddress(true); // as Flume's: a reload listens again on the port just closed
    s.addConnector(c);
    s.setHandler(new FlumeJsonHandler());
    try {
      s.start();
    } catch (Exception e) {
      LOG.error("HTTP monitoring cannot listen on {}:{} ({}); the metrics stay readable over JMX",
          bind, port, e.toString());
      stopQuietly(s);
      return;
    }
    server = s;
    connector = c;
    LOG.info("HTTP monitoring: Flume's JSON metrics at http://{}:{}/metrics", bind, c.getLocalPort());
  }

  @Override
  public synchronized void stop() {
    if (server != null) {
      stopQuietly(server);
      server = null;
      connector = null;
    }
  }

  /** The address and port the socket is bound to; null when not listening. */
  public synchronized InetSocketAddress address() {
    if (connector == null) {
      return null;
    }
    try {
      return (InetSocketAddress) ((ServerSocketChannel) connector.getTransport()).getLocalAddress();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void stopQuietly(Server s) {
    try {
      s.stop();
    } catch (Exception e) {
      LOG.warn("HTTP monitoring did not stop cleanly: {}", e.toString());
    }
  }
}
