package io.sluice.source.tcp;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.sluice.core.time.Clock;
import io.sluice.source.SourceMetrics;
import io.sluice.source.SyslogEvents;
import io.sluice.source.delivery.Delivery;
import io.sluice.source.syslog.Framing;
import io.sluice.source.syslog.KeepFields;
import io.sluice.source.syslog.SyslogFramer;
import io.sluice.source.syslog.SyslogParser;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One connection's pipeline ({@link ConnectionGate} when asked, and a {@link FrameReader}) on
 * Netty's EmbeddedChannel, with time in the test's hands ({@link ManualScheduler}) and a real
 * {@link Delivery} into real channels. No socket: bytes are written in, and what the connection
 * does (reads or not, closes or not, what reaches the channels) is observed.
 */
final class ConnectionRig implements ConnectionFlow.Registry {

  final ManualScheduler time = new ManualScheduler();
  final SourceMetrics metrics;
  final Delivery delivery;
  final FrameReader.Shared shared;
  final List<ConnectionFlow> draining = new ArrayList<>();
  final List<ConnectionFlow> finished = new ArrayList<>();
  ConnectionGate gate;
  private int open; // flows started and not finished

  ConnectionRig(Delivery delivery, int batchSize, long idleSeconds, long frameSeconds) {
    this.metrics = delivery.metrics();
    this.delivery = delivery;
    SyslogEvents events = new SyslogEvents(SyslogParser.builder().build(), KeepFields.parse("none"), "clientIp", "localPort");
    this.shared = new FrameReader.Shared(events, delivery, metrics, batchSize,
        TimeUnit.SECONDS.toNanos(idleSeconds), TimeUnit.SECONDS.toNanos(frameSeconds), this, loop -> time);
  }

  /** Admits connections through a gate of these limits (else none). */
  ConnectionRig gate(int maxConnections, int maxPerIp) {
    gate = new ConnectionGate(maxConnections, maxPerIp, null, metrics);
    return this;
  }

  /** A new connection from {@code ip}, LF framing, 8 KiB frames. */
  Connection connect(String ip) {
    FrameReader reader = new FrameReader(shared, new SyslogFramer(Framing.LF, 8192));
    ChannelHandler[] handlers = gate == null ? new ChannelHandler[] {reader} : new ChannelHandler[] {gate, reader};
    EmbeddedChannel ch = new EmbeddedChannel(handlers) {
      @Override
      protected SocketAddress remoteAddress0() {
        return new InetSocketAddress(ip, 40000);
      }

      @Override
      protected SocketAddress localAddress0() {
        return new InetSocketAddress("127.0.0.1", 6514);
      }
    };
    return new Connection(ch, reader);
  }

  @Override
  public void started(ConnectionFlow flow) {
    open++;
  }

  @Override
  public int open() {
    return open;
  }

  @Override
  public void draining(ConnectionFlow flow) {
    draining.add(flow);
  }

  @Override
  public void finished(ConnectionFlow flow, boolean wasDraining) {
    open--;
    finished.add(flow);
  }

  /** An RFC 5424 message whose body is {@code body}. */
  static String message(String body) {
    return "<13>1 - web1 app - - - " + body;
  }

  /** One connection as a test drives it. */
  static final class Connection {
    final EmbeddedChannel channel;
    final FrameReader reader;

    Connection(EmbeddedChannel channel, FrameReader reader) {
      this.channel = channel;
      this.reader = reader;
    }

    /** The sender's bytes arrive (one read). */
    Connection send(String text) {
      channel.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
      return this;
    }

    /** Messages {@code from} to {@code to} (exclusive), with bodies {@code prefix i}, in one read. */
    Connection lines(String prefix, int from, int to) {
      StringBuilder b = new StringBuilder();
      for (int i = from; i < to; i++) {
        b.append(message(prefix + i)).append('\n');
      }
      return send(b.toString());
    }

    boolean reading() {
      return channel.config().isAutoRead();
    }

    boolean open() {
      return channel.isOpen();
    }

    ConnectionFlow.State state() {
      return reader.flow().state();
    }

    /** The sender closes (or the connection is reset). */
    void close() {
      channel.close();
      channel.runPendingTasks();
    }
  }
}
