package io.sluice.it.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;

/** Sends datagrams from a chosen loopback address at a steady rate, for a bounded count. */
public final class UdpSender {

  private UdpSender() {}

  /**
   * Sends {@code count} messages at {@code perSecond} from {@code fromAddress} to 127.0.0.1:port.
   *
   * @return the number sent (always {@code count}; loss, if any, happens on the receiving side)
   */
  public static int send(
      String fromAddress, int port, int count, int perSecond, IntFunction<String> message) {
    try (DatagramChannel ch = DatagramChannel.open()) {
      ch.bind(new InetSocketAddress(InetAddress.getByName(fromAddress), 0));
      InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
      long start = System.nanoTime();
      double nanosPer = 1e9 / perSecond;
      for (int i = 0; i < count; i++) {
        long due = start + (long) (i * nanosPer);
        long ahead = due - System.nanoTime();
        if (ahead > 200_000) {
          LockSupport.parkNanos(ahead);
        }
        ch.send(ByteBuffer.wrap(message.apply(i).getBytes(StandardCharsets.UTF_8)), to);
      }
      return count;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
