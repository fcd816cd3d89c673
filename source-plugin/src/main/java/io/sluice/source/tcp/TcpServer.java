package io.sluice.source.tcp;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.sluice.core.limit.Rate;
import io.sluice.core.limit.redis.RedisSettings;
import io.sluice.core.time.Clock;
import io.sluice.source.SourceMetrics;
import io.sluice.source.SourceMetrics.DropReason;
import io.sluice.source.SyslogEvents;
import io.sluice.source.delivery.Delivery;
import io.sluice.source.net.Listener;
import io.sluice.source.net.Transport;
import io.sluice.source.syslog.Framing;
import io.sluice.source.syslog.SyslogFramer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listening socket of a TCP source and its connections. Each accepted connection's pipeline:
 * {@link ConnectionGate} (limits, before any TLS work), TLS when configured, and a {@link
 * FrameReader} with its {@link ConnectionFlow}. Flows outlive their connections while they still
 * deliver what they held.
 */
public final class TcpServer implements Listener, ConnectionFlow.Registry {

  private static final Logger LOG = LoggerFactory.getLogger(TcpServer.class);

  /** How long a stopping source waits for its connections' last deliveries. */
  static final long STOP_WAIT_MILLIS = 10_000;

  /** What a TCP source is configured with, beyond the common syslog settings. */
  public record Settings(String host, int port, int threads, Framing framing, int eventSize,
      int batchSize, int maxConnections, int maxConnectionsPerIp, List<Rate> connectionRatePerIp,
      Duration idleTimeout, Duration frameTimeout, SslContext tls, RedisSettings shared) {}

  private final String sourceName;
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final Delivery delivery;
  private final SourceMetrics metrics;
  private final Set<ConnectionFlow> flows = ConcurrentHashMap.newKeySet();
  private final Set<Channel> connections = ConcurrentHashMap.newKeySet();
  private final AtomicInteger draining = new AtomicInteger();
  private final AtomicInteger open = new AtomicInteger(); // flows.size(), without counting it
  private Channel server;
  private ConnectionGate gate;

  private TcpServer(String sourceName, EventLoopGroup boss, EventLoopGroup workers,
      Delivery delivery, SourceMetrics metrics) {
    this.sourceName = sourceName;
    this.boss = boss;
    this.workers = workers;
    this.delivery = delivery;
    this.metrics = metrics;
  }

  public static TcpServer bind(String sourceName, Settings s, SyslogEvents events, Delivery delivery,
      SourceMetrics metrics) {
    TcpServer t = new TcpServer(sourceName, Transport.group(1, "sluice-tcp-accept-" + sourceName),
        Transport.group(s.threads(), "sluice-tcp-" + sourceName), delivery, metrics);
    t.listen(s, events);
    return t;
  }

  private void listen(Settings s, SyslogEvents events) {
    gate = new ConnectionGate(s.maxConnections(), s.maxConnectionsPerIp(),
        ConnectionGate.rateLimit(s.connectionRatePerIp(), s.shared(), Clock.SYSTEM,
            s.maxConnections()), metrics);
    FrameReader.Shared shared = new FrameReader.Shared(events, delivery, metrics, s.batchSize(),
        s.idleTimeout().toNanos(), s.frameTimeout().toNanos(), this, Scheduler::of);
    ServerBootstrap b = new ServerBootstrap()
        .group(boss, workers)
        .channel(Transport.serverChannel())
        .option(ChannelOption.SO_BACKLOG, 1024)
        .childOption(ChannelOption.RCVBUF_ALLOCATOR, new AdaptiveRecvByteBufAllocator(512, 8192, 65536))
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            connections.add(ch);
            ch.closeFuture().addListener(f -> connections.remove(ch));
            ChannelPipeline p = ch.pipeline();
            p.addLast("gate", gate);
            if (s.tls() != null) {
              p.addLast("tls-renegotiation", new RenegotiationGuard(metrics)); // just before "tls"
              p.addLast("tls", s.tls().newHandler(ch.alloc()));
            }
            p.addLast("frames", new FrameReader(shared, new SyslogFramer(s.framing(), s.eventSize())));
          }
        });
    try {
      server = b.bind(s.host(), s.port()).syncUninterruptibly().channel();
    } catch (RuntimeException e) {
      gate.close();
      boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw e;
    }
    metrics.gauge("connections.open", gate::open);
    metrics.gauge("connections.draining", draining::get);
    LOG.info("Source {}: listening on TCP {}:{} ({}, framing {}, eventSize {}, {}, {} reader"
        + " threads; at most {} connections, {} per address, new ones per address {}; {})",
        sourceName, s.host(), s.port(), s.tls() == null ? "plain" : "TLS", s.framing().headerValue(),
        s.eventSize(), Transport.describe(), s.threads(), s.maxConnections(), s.maxConnectionsPerIp(),
        s.connectionRatePerIp().isEmpty() ? "unlimited" : s.connectionRatePerIp(),
        delivery.inline() ? "commits on the reader threads (the channels never wait)"
            : "commits on delivery threads (a channel may wait keep-alive for room)");
  }

  /** The port bound (useful with port 0). */
  public int port() {
    return ((java.net.InetSocketAddress) server.localAddress()).getPort();
  }

  @Override
  public void started(ConnectionFlow flow) {
    flows.add(flow);
    open.incrementAndGet();
  }

  @Override
  public int open() {
    return open.get();
  }

  @Override
  public void draining(ConnectionFlow flow) {
    draining.incrementAndGet();
  }

  @Override
  public void finished(ConnectionFlow flow, boolean wasDraining) {
    flows.remove(flow);
    open.decrementAndGet();
    if (wasDraining) {
      draining.decrementAndGet();
    }
  }

  /**
   * Stops accepting; every connection cuts what it has read into events (a frame left open as
   * Incomplete), makes one last attempt to deliver what it holds, and counts what is still held
   * as dropped ({@code dropped.stopped}). Waits up to {@value #STOP_WAIT_MILLIS} ms for the last
   * attempts (a channel may wait its keep-alive).
   */
  @Override
  public void close() {
    server.close().syncUninterruptibly();
    List<CompletableFuture<Integer>> last = new ArrayList<>();
    List<ConnectionFlow> stopping = new ArrayList<>(flows);
    for (ConnectionFlow f : stopping) {
      CompletableFuture<Integer> lost = new CompletableFuture<>();
      last.add(lost);
      f.executor().execute(() -> f.stop().whenComplete((n, e) -> lost.complete(n == null ? 0 : n)));
    }
    long lost = 0;
    int unanswered = 0;
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STOP_WAIT_MILLIS);
    for (int i = 0; i < last.size(); i++) {
      try {
        lost += last.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        lost += stopping.get(i).held(); // its last attempt is still waiting on a channel
        unanswered++;
      } catch (Exception e) {
        lost += stopping.get(i).held();
        unanswered++;
      }
    }
    for (Channel c : connections) {
      c.close();
    }
    if (lost > 0) {
      metrics.dropped(DropReason.STOPPED, lost);
      LOG.warn("Source {}: stopped with {} events read but not taken by the channels; they are"
          + " lost (dropped.stopped){}", sourceName, lost, unanswered == 0 ? ""
          : "; " + unanswered + " connections still waiting on a channel after "
              + STOP_WAIT_MILLIS + " ms were counted by what they held");
    }
    boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    gate.close();
  }
}
