package io.sluice.source;

import io.sluice.source.delivery.Delivery;
import io.sluice.source.net.Listener;
import org.apache.flume.FlumeException;
import org.apache.flume.channel.ChannelProcessor;

/**
 * What a started syslog source holds: its metrics, its way into the channels and its bound
 * listener, opened together at start and closed together at stop. A listener that cannot bind
 * fails the start (Flume's own TCP source logs it and reports itself started).
 */
final class Listening implements AutoCloseable {

  /** Binds the transport's listener, given what every listener feeds. */
  interface Binder {
    Listener bind(SyslogEvents events, Delivery delivery, SourceMetrics metrics);
  }

  private final Listener listener;
  private final Delivery delivery;
  private final SourceMetrics metrics;

  private Listening(Listener listener, Delivery delivery, SourceMetrics metrics) {
    this.listener = listener;
    this.delivery = delivery;
    this.metrics = metrics;
  }

  /** A source of connections (TCP) retries a refused batch; one of datagrams (UDP) cannot. */
  static Listening open(String sourceName, String transport, SourceMetrics.Kind kind,
      SyslogSourceSettings settings, ChannelProcessor processor, Binder binder) {
    SourceMetrics metrics = new SourceMetrics(sourceName, kind);
    Delivery delivery = null;
    try {
      delivery = new Delivery(sourceName, processor, metrics, kind == SourceMetrics.Kind.CONNECTIONS);
      Listener listener = binder.bind(settings.events(), delivery, metrics);
      metrics.start();
      return new Listening(listener, delivery, metrics);
    } catch (RuntimeException e) {
      if (delivery != null) {
        delivery.close();
      }
      metrics.stop();
      throw new FlumeException("Source " + sourceName + ": cannot listen on " + transport + " "
          + settings.host() + ":" + settings.port() + ": " + e.getMessage(), e);
    }
  }

  /** Closes the listener (which makes its last deliveries and counts what is lost), then the rest. */
  @Override
  public void close() {
    listener.close();
    delivery.close();
    metrics.stop();
  }
}
