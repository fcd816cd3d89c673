package io.sluice.source;

import io.sluice.source.net.Listener;
import org.apache.flume.FlumeException;
import org.apache.flume.channel.ChannelProcessor;

/**
 * What a started syslog source holds: its metrics and its bound listener, opened together at
 * start and closed together at stop. A listener that cannot bind fails the start (Flume's own TCP
 * source logs it and reports itself started).
 */
final class Listening implements AutoCloseable {

  /** Binds the transport's listener, given what every listener feeds. */
  interface Binder {
    Listener bind(SyslogEvents events, Delivery delivery, SourceMetrics metrics);
  }

  private final Listener listener;
  private final SourceMetrics metrics;

  private Listening(Listener listener, SourceMetrics metrics) {
    this.listener = listener;
    this.metrics = metrics;
  }

  static Listening open(String sourceName, String transport, SyslogSourceSettings settings,
      ChannelProcessor processor, Binder binder) {
    SourceMetrics metrics = new SourceMetrics(sourceName);
    try {
      Listener listener = binder.bind(settings.events(), new Delivery(processor, metrics), metrics);
      metrics.start();
      return new Listening(listener, metrics);
    } catch (RuntimeException e) {
      metrics.stop();
      throw new FlumeException("Source " + sourceName + ": cannot listen on " + transport + " "
          + settings.host() + ":" + settings.port() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    listener.close();
    metrics.stop();
  }
}
