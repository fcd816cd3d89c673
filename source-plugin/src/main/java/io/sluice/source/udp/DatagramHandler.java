package io.sluice.source.udp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.ScheduledFuture;
import io.sluice.source.MillisText;
import io.sluice.source.SourceMetrics;
import io.sluice.source.SyslogEvents;
import io.sluice.source.delivery.Delivery;
import io.sluice.source.delivery.Outcome;
import io.sluice.source.delivery.Refusal;
import io.sluice.source.delivery.Shipment;
import io.sluice.source.syslog.Framing;
import io.sluice.source.syslog.Trailers;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.flume.Event;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One reader socket's handler: each datagram is one message (a trailing LF, CR or NUL stripped),
 * parsed into an event and added to a batch; the batch goes to the channels when it is full and at
 * the end of each read burst, so a busy socket commits one transaction per {@code batchSize}
 * datagrams rather than one per datagram.
 *
 * <p>When the channels may wait for room, batches go to them from delivery threads (see {@code
 * Delivery}), and a batch that is not full waits up to {@value #LINGER_MICROS} µs for more
 * datagrams before it goes, so that one handoff carries many.
 *
 * <p>UDP cannot push back, so nothing is retried: what the channels refuse is dropped and counted
 * by reason, channel by channel (a full quarantine channel costs only the events routed to it),
 * and a batch refused for lack of deferred room is tried again with only its express events (see
 * {@code ChannelShare}). When the channels may wait for room, batches go to them from delivery
 * threads, one at a time per socket, while the next one fills; when that one is full too, the
 * socket is not read until the first is in (the datagrams Netty reads in the same loop are kept
 * for the batch after), and the kernel's receive buffer holds what comes meanwhile (what
 * overflows it is counted as {@code dropped.kernel}).
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
  private final byte[] scratch = new byte[65536]; // for a direct buffer's bytes
  private final MillisText receivedAt = new MillisText();
  /** With delivery threads: how long a batch that is not full waits for more datagrams. */
  static final long LINGER_MICROS = 1000;

  private List<Event> batch;
  private ScheduledFuture<?> lingering; // with delivery threads: the planned flush of a batch not full
  private Shipment underWay; // with delivery threads: the batch being delivered
  private ChannelHandlerContext ctx;
  private CompletableFuture<Void> stopped;
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
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
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
    Event e = events.event(buf, off, incomplete ? eventSize : len, Framing.UDP, incomplete,
        origin(packet.sender()), receivedAt.of(System.currentTimeMillis()), tally);
    if (batch.size() >= 2 * batchSize) { // never expected: reading stops when a batch waits
      dropped(Refusal.FULL, 1, null);
      return;
    }
    batch.add(e);
    if (batch.size() >= batchSize) {
      flush();
      if (underWay != null && batch.size() >= batchSize) {
        // Both batches taken: let the kernel's receive buffer hold what comes until one is in.
        ctx.channel().config().setAutoRead(false);
      }
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (delivery.inline() || stopped != null) {
      flush();
    } else {
      linger();
    }
  }

  /**
   * A handoff to a delivery thread and back costs two thread wake-ups, and at moderate rates a read
   * burst holds a few datagrams: a batch that is not full waits a little for more (measured: 2 µs
   * more CPU a datagram at 50k/s without it).
   */
  private void linger() {
    if (lingering == null && !batch.isEmpty()) {
      lingering = ctx.executor().schedule(this::lingered, LINGER_MICROS, TimeUnit.MICROSECONDS);
    }
  }

  private void lingered() {
    lingering = null;
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
    if (batch.isEmpty() || underWay != null) {
      return;
    }
    metrics.batchOffered();
    List<Event> next;
    if (batch.size() <= batchSize) {
      next = batch;
      batch = new ArrayList<>(batchSize);
    } else { // a few read in the loop that turned reading off: they go in the batch after
      next = new ArrayList<>(batch.subList(0, batchSize));
      batch.subList(0, batchSize).clear();
    }
    Shipment s = delivery.shipment(next);
    underWay = s;
    delivery.attempt(s, ctx.executor(), this::delivered);
  }

  private void delivered(Outcome o) {
    Shipment s = underWay;
    underWay = null;
    if (stopped == null && !ctx.channel().config().isAutoRead()) {
      ctx.channel().config().setAutoRead(true);
    }
    if (!o.accepted()) { // pushed back, or undecided: this batch never reached a channel
      dropped(o.refusal(), s.left(), o.cause());
    }
    if (stopped != null && batch.isEmpty()) {
      stopped.complete(null);
    } else if (stopped != null || batch.size() >= batchSize) {
      flush();
    } else {
      linger(); // what came meanwhile
    }
  }

  /**
   * The socket is closed: delivers the batch in hand and completes once nothing is under way. Runs
   * on the socket's event loop.
   */
  CompletableFuture<Void> stop() {
    stopped = new CompletableFuture<>();
    flush();
    if (underWay == null) {
      stopped.complete(null);
    }
    return stopped;
  }

  /** Events in hand or under way (for a stop that could not wait for them). */
  int held() {
    return batch.size() + (underWay == null ? 0 : underWay.left());
  }

  private void dropped(Refusal why, int n, Throwable cause) {
    metrics.dropped(why, n);
    dropsSinceLog += n;
    long now = System.nanoTime();
    if (now - lastDropLog >= LOG_EVERY_NANOS) {
      LOG.warn("UDP: dropped {} events in the last {} s, the channels refusing them (last: {}{})",
          dropsSinceLog, (now - lastDropLog) / 1_000_000_000L, why.label(),
          cause == null ? ": the previous batch was still under way" : ": " + cause.getMessage());
      lastDropLog = now;
      dropsSinceLog = 0;
    }
  }
}
