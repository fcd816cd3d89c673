package io.sluice.source.udp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.sluice.source.Delivery;
import io.sluice.source.MillisText;
import io.sluice.source.SourceMetrics;
import io.sluice.source.SyslogEvents;
import io.sluice.source.syslog.Framing;
import io.sluice.source.syslog.Trailers;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.apache.flume.Event;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One reader socket's handler: each datagram is one message (a trailing LF, CR or NUL stripped),
 * parsed into an event and added to a batch; the batch goes to the channels when it is full and at
 * the end of each read burst, so a busy socket commits one transaction per {@code batchSize}
 * datagrams rather than one per datagram. UDP cannot push back: a batch the channels refuse is
 * dropped and counted by reason.
 */
final class DatagramHandler extends SimpleChannelInboundHandler<DatagramPacket> {

  private static final Logger LOG = LoggerFactory.getLogger(DatagramHandler.class);
  private static final long LOG_EVERY_NANOS = 10_000_000_000L;

  private final SyslogEvents events;
  private final Delivery delivery;
  private final SourceMetrics metrics;
  private final SourceMetrics.Tally tally;
  private final int eventSize;
  private final int batchSize;
  private final String localPort;
  private final List<Event> batch;
  private final byte[] scratch = new byte[65536]; // for a direct buffer's bytes
  private final MillisText receivedAt = new MillisText();
  private InetSocketAddress lastSender; // most datagrams come from the sender of the previous one
  private SyslogEvents.Origin lastOrigin;
  private long lastDropLog = System.nanoTime() - LOG_EVERY_NANOS;
  private long dropsSinceLog;

  DatagramHandler(SyslogEvents events, Delivery delivery, SourceMetrics metrics, int eventSize,
      int batchSize, int localPort) {
    this.events = events;
    this.delivery = delivery;
    this.metrics = metrics;
    this.tally = metrics.tally();
    this.eventSize = eventSize;
    this.batchSize = batchSize;
    this.localPort = Integer.toString(localPort);
    this.batch = new ArrayList<>(batchSize);
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
    ByteBuf content = packet.content();
    int n = content.readableBytes();
    byte[] buf;
    int off;
    if (content.hasArray()) {
      buf = content.array();
      off = content.arrayOffset() + content.readerIndex();
    } else {
      content.getBytes(content.readerIndex(), scratch, 0, n);
      buf = scratch;
      off = 0;
    }
    int len = Trailers.stripLength(buf, off, n);
    if (len == 0) {
      tally.received(n, true, false); // an empty datagram carries no message: counted, not sent on
      return;
    }
    boolean incomplete = len > eventSize;
    batch.add(events.event(buf, off, incomplete ? eventSize : len, Framing.UDP, incomplete,
        origin(packet.sender()), receivedAt.of(System.currentTimeMillis()), tally));
    if (batch.size() >= batchSize) {
      flush();
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    flush();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // A datagram socket error (e.g. ICMP-reported) concerns no message of ours: log, keep reading.
    LOG.warn("UDP socket {}: {}", ctx.channel().localAddress(), cause.toString());
  }

  private SyslogEvents.Origin origin(InetSocketAddress sender) {
    if (!sender.equals(lastSender)) {
      lastSender = sender;
      lastOrigin = new SyslogEvents.Origin(sender.getAddress().getHostAddress(), localPort);
    }
    return lastOrigin;
  }

  private void flush() {
    tally.flush();
    if (batch.isEmpty()) {
      return;
    }
    metrics.offered(batch.size());
    Delivery.Outcome outcome = delivery.deliver(batch);
    if (!outcome.accepted()) {
      metrics.dropped(outcome.refusal(), batch.size());
      logDrop(outcome);
    }
    batch.clear();
  }

  private void logDrop(Delivery.Outcome outcome) {
    dropsSinceLog += batch.size();
    long now = System.nanoTime();
    if (now - lastDropLog >= LOG_EVERY_NANOS) {
      LOG.warn("UDP: dropped {} events in the last {} s, the channels refusing them (last: {}: {})",
          dropsSinceLog, (now - lastDropLog) / 1_000_000_000L, outcome.refusal().label(),
          outcome.cause() == null ? "" : outcome.cause().getMessage());
      lastDropLog = now;
      dropsSinceLog = 0;
    }
  }
}
