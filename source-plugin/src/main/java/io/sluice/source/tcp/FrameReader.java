package io.sluice.source.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.ScheduledFuture;
import io.sluice.source.Delivery;
import io.sluice.source.MillisText;
import io.sluice.source.SourceMetrics;
import io.sluice.source.SourceMetrics.ConnectionRefusal;
import io.sluice.source.SourceMetrics.DropReason;
import io.sluice.source.SyslogEvents;
import io.sluice.source.syslog.FrameSink;
import io.sluice.source.syslog.Framing;
import io.sluice.source.syslog.SyslogFramer;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flume.Event;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection's reader: cuts frames from the byte stream, makes events, hands them to the
 * channels in batches; and pushes back when the channels cannot take them.
 *
 * <p>Backpressure: when a batch is refused (a full channel, or the interceptor's {@code reject}),
 * the connection stops reading (auto-read off), keeps the refused events and the bytes it has not
 * cut yet, and tries again after the interceptor's advised time, or a backoff growing from {@value
 * #FIRST_BACKOFF_MILLIS} ms to {@value #MAX_BACKOFF_MILLIS} ms. The sender's TCP window then fills
 * and it slows down. Nothing read is dropped for lack of room; memory per connection stays within
 * a batch, the events cut from one {@value #SLICE_BYTES}-byte slice, and one unread socket read.
 *
 * <p>Slow senders: a frame begun must end within {@code frameTimeout}, else the connection is closed
 * (a slowloris holds connections open with frames that never end); a connection with no bytes for
 * {@code idleTimeout} is closed too (see {@link TcpServer}).
 */
final class FrameReader extends ChannelInboundHandlerAdapter implements FrameSink {

  private static final Logger LOG = LoggerFactory.getLogger(FrameReader.class);

  static final long FIRST_BACKOFF_MILLIS = 50;
  static final long MAX_BACKOFF_MILLIS = 1000;
  /** Bytes cut per step, so that a refusal stops the cutting within this much of a read. */
  static final int SLICE_BYTES = 4096;

  private final SyslogFramer framer;
  private final SyslogEvents events;
  private final Delivery delivery;
  private final SourceMetrics metrics;
  private final SourceMetrics.Tally tally;
  private final int batchSize;
  private final long frameTimeoutNanos;
  private final List<Event> pending;
  private final byte[] scratch = new byte[SLICE_BYTES]; // for a direct buffer's bytes

  private ChannelHandlerContext ctx;
  private SyslogEvents.Origin origin;
  private final MillisText receivedAtText = new MillisText();
  private String receivedAt;
  private ByteBuf unread; // what a refusal left uncut, released once cut or at close
  private boolean paused;
  private boolean closed;
  private long backoffMillis = FIRST_BACKOFF_MILLIS;
  private int batchLimit; // batchSize, or less after the interceptor rejected a batch
  private ScheduledFuture<?> frameTimer;
  private boolean abandoned;
  private boolean cutShort; // we closed the connection in the middle of a frame

  private final java.util.Set<FrameReader> holding;

  FrameReader(SyslogFramer framer, SyslogEvents events, Delivery delivery, SourceMetrics metrics,
      int batchSize, long frameTimeoutNanos, java.util.Set<FrameReader> holding) {
    this.holding = holding;
    this.framer = framer;
    this.events = events;
    this.delivery = delivery;
    this.metrics = metrics;
    this.tally = metrics.tally();
    this.batchSize = batchSize;
    this.frameTimeoutNanos = frameTimeoutNanos;
    this.pending = new ArrayList<>(batchSize);
    this.batchLimit = batchSize;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    InetSocketAddress remote = (InetSocketAddress) ctx.channel().remoteAddress();
    InetSocketAddress local = (InetSocketAddress) ctx.channel().localAddress();
    origin = new SyslogEvents.Origin(remote.getAddress().getHostAddress(), Integer.toString(local.getPort()));
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf in = (ByteBuf) msg;
    receivedAt = receivedAtText.of(System.currentTimeMillis());
    if (paused) {
      keepUnread(in); // read before auto-read took effect: cut it after the resume
      return;
    }
    cut(in);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (!paused) {
      deliverPending(); // flushes the tally too
    } else {
      tally.flush();
    }
    watchFrameTime();
  }

  /** Cuts frames from {@code in} a slice at a time, until it is consumed or a refusal pauses us. */
  private void cut(ByteBuf in) {
    try {
      while (in.isReadable() && !paused) {
        int n = Math.min(SLICE_BYTES, in.readableBytes());
        if (in.hasArray()) {
          framer.feed(in.array(), in.arrayOffset() + in.readerIndex(), n, this);
        } else {
          in.getBytes(in.readerIndex(), scratch, 0, n);
          framer.feed(scratch, 0, n, this);
        }
        in.skipBytes(n);
      }
      if (in.isReadable()) {
        keepUnread(in.retain());
      }
    } finally {
      in.release();
    }
  }

  private void keepUnread(ByteBuf in) {
    if (unread == null) {
      unread = in;
    } else {
      unread = ctx.alloc().compositeBuffer().addComponents(true, unread, in);
    }
  }

  @Override
  public void frame(byte[] buf, int off, int len, Framing framing, boolean incomplete) {
    // A frame flushed at the end of a stream we cut (frame timeout) did not end: Incomplete.
    pending.add(events.event(buf, off, len, framing, incomplete || cutShort, origin, receivedAt, tally));
    if (pending.size() >= batchSize && !paused) {
      deliverPending();
    }
  }

  @Override
  public void discarded(long bytes) {
    metrics.dropped(DropReason.OVERSIZE, bytes);
  }

  /**
   * Offers the pending events in batches; on a refusal, pauses the connection and plans a retry.
   *
   * <p>The interceptor refuses a batch whole when any of its events is over the limit, so a batch
   * larger than the limit's burst would be refused forever: after a rejection the batches halve
   * (down to one event), and double back towards {@code batchSize} with each accepted one.
   */
  private void deliverPending() {
    tally.flush();
    while (!pending.isEmpty()) {
      List<Event> batch = pending.size() <= batchLimit ? pending : pending.subList(0, batchLimit);
      metrics.offered(batch.size());
      Delivery.Outcome outcome = delivery.deliver(batch);
      if (!outcome.accepted()) {
        if (outcome.refusal() == Delivery.Refusal.REJECTED) {
          batchLimit = Math.max(1, batch.size() / 2);
        }
        pause(outcome);
        return;
      }
      batch.clear(); // a subList's clear removes those events from pending
      backoffMillis = FIRST_BACKOFF_MILLIS;
      batchLimit = (int) Math.min(batchSize, 2L * batchLimit);
    }
  }

  private void pause(Delivery.Outcome outcome) {
    long delay = outcome.refusal() == Delivery.Refusal.REJECTED ? outcome.retryAfterMillis() : backoffMillis;
    backoffMillis = Math.min(MAX_BACKOFF_MILLIS, backoffMillis * 2);
    if (!paused) {
      paused = true;
      holding.add(this);
      metrics.paused();
      ctx.channel().config().setAutoRead(false);
      LOG.debug("{}: {} events refused ({}), reading paused for {} ms", ctx.channel(),
          pending.size(), outcome.refusal().label(), delay);
    }
    ctx.executor().schedule(this::resume, delay, TimeUnit.MILLISECONDS);
  }

  /** After a pause: offer what is pending, cut what was left unread, and read again. */
  private void resume() {
    if (abandoned) {
      return;
    }
    deliverPending(); // still paused: a refusal only plans the next resume
    if (!pending.isEmpty()) {
      return;
    }
    paused = false;
    if (unread != null) {
      ByteBuf rest = unread;
      unread = null;
      cut(rest);
      if (!paused) {
        deliverPending();
      }
    }
    if (paused) {
      return; // refused again: the next resume is planned
    }
    holding.remove(this);
    if (closed) {
      framer.endOfStream(this);
      deliverPending(); // the sender has gone: only what we held is left to deliver
    } else {
      ctx.channel().config().setAutoRead(true);
      watchFrameTime();
    }
  }

  /** Starts the frame timer when a frame is left open, stops it when none is. */
  private void watchFrameTime() {
    if (frameTimeoutNanos <= 0 || closed) {
      return;
    }
    boolean open = framer.inFrame() && !paused;
    if (open && frameTimer == null) {
      frameTimer = ctx.executor().schedule(this::frameTimedOut, frameTimeoutNanos, TimeUnit.NANOSECONDS);
    } else if (!open && frameTimer != null) {
      frameTimer.cancel(false);
      frameTimer = null;
    }
  }

  private void frameTimedOut() {
    frameTimer = null;
    if (framer.inFrame() && !paused && !closed) {
      cutShort = true;
      metrics.connectionRefused(ConnectionRefusal.FRAME_TIMEOUT);
      LOG.debug("{}: a frame not finished within the frame timeout; closing", ctx.channel());
      ctx.close();
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof IdleStateEvent) {
      metrics.connectionRefused(ConnectionRefusal.IDLE);
      ctx.close();
    } else {
      ctx.fireUserEventTriggered(evt);
    }
  }

  /**
   * The connection closed: a last unterminated line is a message too. If the channels are refusing
   * events, the ones held keep being retried; the source's stop counts whatever is still held.
   */
  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    closed = true;
    if (frameTimer != null) {
      frameTimer.cancel(false);
    }
    if (!paused && unread == null) {
      framer.endOfStream(this);
      deliverPending();
    }
    ctx.fireChannelInactive();
  }

  /**
   * The source is stopping while this connection is paused: gives up what it holds and says how
   * many events that was. Runs on the connection's event loop.
   */
  io.netty.util.concurrent.Future<Integer> abandonOnItsLoop() {
    return ctx.executor().submit(this::abandon);
  }

  private int abandon() {
    abandoned = true;
    tally.flush();
    int n = pending.size();
    pending.clear();
    if (unread != null) {
      unread.release();
      unread = null;
    }
    return n;
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    if (unread != null && !paused) { // while paused, the planned resume (or abandon) frees it
      unread.release();
      unread = null;
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // A reset by the peer, or a failed TLS handshake: nothing to do for the data but close.
    LOG.debug("{}: {}", ctx.channel(), cause.toString());
    if (cause instanceof io.netty.handler.codec.DecoderException) {
      metrics.connectionRefused(ConnectionRefusal.TLS);
    }
    ctx.close();
  }
}
