package io.sluice.source.udp;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.epoll.EpollChannelOption;
import io.sluice.source.SourceMetrics;
import io.sluice.source.SourceMetrics.DropReason;
import io.sluice.source.delivery.Delivery;
import io.sluice.source.SyslogEvents;
import io.sluice.source.SyslogSourceSettings;
import io.sluice.source.net.Listener;
import io.sluice.source.net.Transport;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The bound reader sockets of a UDP source, one event-loop thread each, and their closing. */
public final class UdpReaders implements Listener {

  private static final Logger LOG = LoggerFactory.getLogger(UdpReaders.class);

  /** Receive buffer per datagram: the largest UDP payload, so nothing is ever truncated. */
  private static final int DATAGRAM_BUFFER = 65536;

  /** How long a stopping source waits for the batches its readers have under way. */
  private static final long STOP_WAIT_MILLIS = 10_000;

  private final String sourceName;
  private final EventLoopGroup group;
  private final List<Channel> channels;
  private final List<DatagramHandler> handlers;
  private final SourceMetrics metrics;

  private UdpReaders(String sourceName, EventLoopGroup group, List<Channel> channels,
      List<DatagramHandler> handlers, SourceMetrics metrics) {
    this.sourceName = sourceName;
    this.group = group;
    this.channels = channels;
    this.handlers = handlers;
    this.metrics = metrics;
  }

  public static UdpReaders bind(String sourceName, SyslogSourceSettings s, int readers,
      int receiveBufferBytes, SyslogEvents events, Delivery delivery, SourceMetrics metrics) {
    EventLoopGroup group = Transport.group(readers, "sluice-udp-" + sourceName);
    List<Channel> channels = new ArrayList<>();
    List<DatagramHandler> handlers = new ArrayList<>();
    try {
      for (int i = 0; i < readers; i++) {
        DatagramHandler handler = new DatagramHandler(events, delivery, metrics, s.eventSize(),
            s.batchSize(), s.port());
        handlers.add(handler);
        Bootstrap b = new Bootstrap()
            .group(group)
            .channel(Transport.datagramChannel())
            .option(ChannelOption.SO_RCVBUF, receiveBufferBytes)
            .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(DATAGRAM_BUFFER))
            // One read burst is at most one batch, flushed at its end.
            .option(ChannelOption.MAX_MESSAGES_PER_READ, s.batchSize())
            .handler(handler);
        if (Transport.isEpoll()) {
          b.option(EpollChannelOption.SO_REUSEPORT, readers > 1);
        }
        channels.add(b.bind(s.host(), s.port()).syncUninterruptibly().channel());
      }
    } catch (RuntimeException e) {
      new UdpReaders(sourceName, group, channels, List.of(), metrics).close();
      throw e;
    }
    int granted = channels.get(0).config().getOption(ChannelOption.SO_RCVBUF);
    LOG.info("Source {}: listening on UDP {}:{} with {} reader socket(s), {}, receive buffer {} bytes"
        + " each", sourceName, s.host(), s.port(), readers, Transport.describe(), granted);
    if (granted < receiveBufferBytes) {
      // Linux doubles the request and caps it at net.core.rmem_max.
      LOG.warn("Source {}: asked for a {}-byte receive buffer, the kernel granted {}; raise"
          + " net.core.rmem_max (sysctl) to absorb longer bursts without loss", sourceName,
          receiveBufferBytes, granted);
    }
    KernelDrops kernelDrops = new KernelDrops(s.port());
    metrics.gauge("dropped.kernel", kernelDrops::total);
    return new UdpReaders(sourceName, group, channels, handlers, metrics);
  }

  /**
   * Stops reading, delivers the batches in hand, and waits up to {@value #STOP_WAIT_MILLIS} ms for
   * those under way; what is still held then is counted as dropped ({@code dropped.stopped}).
   */
  @Override
  public void close() {
    for (Channel c : channels) {
      c.close().syncUninterruptibly();
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STOP_WAIT_MILLIS);
    long lost = 0;
    for (int i = 0; i < handlers.size(); i++) {
      DatagramHandler h = handlers.get(i);
      CompletableFuture<Void> done = new CompletableFuture<>();
      channels.get(i).eventLoop().execute(() -> h.stop().whenComplete((v, e) -> done.complete(null)));
      try {
        done.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (Exception e) {
        lost += h.held();
      }
    }
    if (lost > 0) {
      metrics.dropped(DropReason.STOPPED, lost);
      LOG.warn("Source {}: stopped with {} events still waiting on a channel after {} ms; they are"
          + " lost (dropped.stopped)", sourceName, lost, STOP_WAIT_MILLIS);
    }
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
