package io.sluice.source.tcp;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.sluice.core.limit.Rate;
import io.sluice.core.time.Clock;
import io.sluice.source.Delivery;
import io.sluice.source.SourceMetrics;
import io.sluice.source.SourceMetrics.DropReason;
import io.sluice.source.SyslogEvents;
import io.sluice.source.net.Listener;
import io.sluice.source.net.Transport;
import io.sluice.source.syslog.Framing;
import io.sluice.source.syslog.SyslogFramer;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listening socket of a TCP source and its connections. Each accepted connection's pipeline:
 * {@link ConnectionGate} (limits, before any TLS work), an idle timer, TLS when configured, and a
 * {@link FrameReader}.
 */
public final class TcpServer implements Listener {

  private static final Logger LOG = LoggerFactory.getLogger(TcpServer.class);

  /** What a TCP source is configured with, beyond the common syslog settings. */
  public record Limits(int maxConnections, int maxConnectionsPerIp, List<Rate> connectionRatePerIp,
      Duration idleTimeout, Duration frameTimeout) {}

  private final String sourceName;
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final Channel server;
  private final ChannelGroup connections;
  private final Set<FrameReader> holding;
  private final SourceMetrics metrics;

  private TcpServer(String sourceName, EventLoopGroup boss, EventLoopGroup workers, Channel server,
      ChannelGroup connections, Set<FrameReader> holding, SourceMetrics metrics) {
    this.sourceName = sourceName;
    this.boss = boss;
    this.workers = workers;
    this.server = server;
    this.connections = connections;
    this.holding = holding;
    this.metrics = metrics;
  }

  public static TcpServer bind(String sourceName, String host, int port, int threads,
      Framing framing, int eventSize, int batchSize, Limits limits, SslContext tls,
      SyslogEvents events, Delivery delivery, SourceMetrics metrics) {
    EventLoopGroup boss = Transport.group(1, "sluice-tcp-accept-" + sourceName);
    EventLoopGroup workers = Transport.group(threads, "sluice-tcp-" + sourceName);
    ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    Set<FrameReader> holding = ConcurrentHashMap.newKeySet();
    ConnectionGate gate = new ConnectionGate(limits.maxConnections(), limits.maxConnectionsPerIp(),
        limits.connectionRatePerIp(), metrics, Clock.SYSTEM);
    long idleSeconds = limits.idleTimeout().toSeconds();
    long frameTimeoutNanos = limits.frameTimeout().toNanos();
    ServerBootstrap b = new ServerBootstrap()
        .group(boss, workers)
        .channel(Transport.serverChannel())
        .option(ChannelOption.SO_BACKLOG, 1024)
        .childOption(ChannelOption.RCVBUF_ALLOCATOR, new AdaptiveRecvByteBufAllocator(512, 8192, 65536))
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            connections.add(ch);
            ChannelPipeline p = ch.pipeline();
            p.addLast("gate", gate);
            if (idleSeconds > 0) {
              p.addLast("idle", new IdleStateHandler(idleSeconds, 0, 0, TimeUnit.SECONDS));
            }
            if (tls != null) {
              p.addLast("tls-renegotiation", new RenegotiationGuard(metrics)); // just before "tls"
              p.addLast("tls", tls.newHandler(ch.alloc()));
            }
            p.addLast("frames", new FrameReader(new SyslogFramer(framing, eventSize), events,
                delivery, metrics, batchSize, frameTimeoutNanos, holding));
          }
        });
    Channel server;
    try {
      server = b.bind(host, port).syncUninterruptibly().channel();
    } catch (RuntimeException e) {
      boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw e;
    }
    metrics.gauge("connections.open", gate::open);
    LOG.info("Source {}: listening on TCP {}:{} ({}, framing {}, eventSize {}, {}, {} reader"
        + " threads; at most {} connections, {} per address, new ones per address {})",
        sourceName, host, port, tls == null ? "plain" : "TLS", framing.headerValue(), eventSize,
        Transport.describe(), threads, limits.maxConnections(), limits.maxConnectionsPerIp(),
        limits.connectionRatePerIp().isEmpty() ? "unlimited" : limits.connectionRatePerIp());
    return new TcpServer(sourceName, boss, workers, server, connections, holding, metrics);
  }

  /** The port bound (useful with port 0). */
  public int port() {
    return ((java.net.InetSocketAddress) server.localAddress()).getPort();
  }

  /**
   * Stops accepting, closes every connection, and counts as dropped what paused connections still
   * held because the channels would not take it.
   */
  @Override
  public void close() {
    server.close().syncUninterruptibly();
    connections.close().syncUninterruptibly();
    long lost = 0;
    for (FrameReader r : holding) {
      try {
        lost += r.abandonOnItsLoop().get(2, TimeUnit.SECONDS);
      } catch (Exception e) {
        LOG.warn("Source {}: could not count what a connection held at stop: {}", sourceName, e.toString());
      }
    }
    if (lost > 0) {
      metrics.dropped(DropReason.STOPPED, lost);
      LOG.warn("Source {}: stopped with {} events read but refused by the channels; they are lost",
          sourceName, lost);
    }
    boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
