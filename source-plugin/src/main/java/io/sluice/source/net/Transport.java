package io.sluice.source.net;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * Netty's native epoll transport when it loads (Linux), NIO otherwise. Only epoll can bind several
 * sockets to one port (SO_REUSEPORT), so the kernel spreads senders over reader threads.
 */
public final class Transport {

  private Transport() {}

  public static boolean isEpoll() {
    return Epoll.isAvailable();
  }

  /** What is in use, and why not epoll if it is not: for the start-up log. */
  public static String describe() {
    return isEpoll() ? "epoll" : "nio (epoll unavailable: " + Epoll.unavailabilityCause() + ")";
  }

  public static EventLoopGroup group(int threads, String threadNamePrefix) {
    DefaultThreadFactory factory = new DefaultThreadFactory(threadNamePrefix, true);
    return isEpoll() ? new EpollEventLoopGroup(threads, factory) : new NioEventLoopGroup(threads, factory);
  }

  public static Class<? extends DatagramChannel> datagramChannel() {
    return isEpoll() ? EpollDatagramChannel.class : NioDatagramChannel.class;
  }

  public static Class<? extends ServerChannel> serverChannel() {
    return isEpoll() ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
  }
}
