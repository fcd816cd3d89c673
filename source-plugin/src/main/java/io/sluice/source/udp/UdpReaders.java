package io.sluice.source.udp;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.epoll.EpollChannelOption;
import io.sluice.source.Delivery;
import io.sluice.source.SourceMetrics;
import io.sluice.source.SyslogEvents;
import io.sluice.source.SyslogSourceSettings;
import io.sluice.source.net.Listener;
import io.sluice.source.net.Transport;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The bound reader sockets of a UDP source, one event-loop thread each, and their closing. */
public final class UdpReaders implements Listener {

  private static final Logger LOG = LoggerFactory.getLogger(UdpReaders.class);

  /** Receive buffer per datagram: the largest UDP payload, so nothing is ever truncated. */
  private static final int DATAGRAM_BUFFER = 65536;

  private final EventLoopGroup group;
  private final List<Channel> channels;

  private UdpReaders(EventLoopGroup group, List<Channel> channels) {
    this.group = group;
    this.channels = channels;
  }

  public static UdpReaders bind(String sourceName, SyslogSourceSettings s, int readers,
      int receiveBufferBytes, SyslogEvents events, Delivery delivery, SourceMetrics metrics) {
    EventLoopGroup group = Transport.group(readers, "sluice-udp-" + sourceName);
    List<Channel> channels = new ArrayList<>();
    try {
      for (int i = 0; i < readers; i++) {
        Bootstrap b = new Bootstrap()
            .group(group)
            .channel(Transport.datagramChannel())
            .option(ChannelOption.SO_RCVBUF, receiveBufferBytes)
            .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(DATAGRAM_BUFFER))
            // One read burst is at most one batch, flushed at its end.
            .option(ChannelOption.MAX_MESSAGES_PER_READ, s.batchSize())
            .handler(new DatagramHandler(events, delivery, metrics, s.eventSize(), s.batchSize(), s.port()));
        if (Transport.isEpoll()) {
          b.option(EpollChannelOption.SO_REUSEPORT, readers > 1);
        }
        channels.add(b.bind(s.host(), s.port()).syncUninterruptibly().channel());
      }
    } catch (RuntimeException e) {
      new UdpReaders(group, channels).close();
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
    return new UdpReaders(group, channels);
  }

  @Override
  public void close() {
    for (Channel c : channels) {
      c.close().syncUninterruptibly();
    }
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
