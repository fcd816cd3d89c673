package io.sluice.source.hec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * {@code requestTimeout}: a request whose first byte has been read must be read whole, headers and
 * body, within the timeout, or the connection is answered 408 and closed. The idle timer cannot
 * catch a slowloris, which sends a byte now and then; this can. Time the source spends not reading
 * the connection (it is holding a pipelined request back) does not count against the client.
 *
 * <p>Two handlers around Netty's HTTP decoder: this one, before it, sees the bytes and starts the
 * clock; its {@link #end} marker, after it, sees each request's last part and stops it. Confined
 * to the connection's I/O thread.
 */
final class RequestTimeout extends ChannelInboundHandlerAdapter {

  private static final byte[] TIMED_OUT = ("HTTP/1.1 408 Request Timeout\r\nContent-Length: 0\r\n"
      + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);

  private final long timeoutNanos;
  private final Runnable counted;
  private final BooleanSupplier answerOwed;
  private ScheduledFuture<?> timer; // while a request is being read

  /**
   * @param counted counts a request timed out
   * @param answerOwed whether an earlier request of the connection is still to be answered: a
   *     408 then would overtake its answer, so the clock waits for it
   */
  RequestTimeout(long timeoutNanos, Runnable counted, BooleanSupplier answerOwed) {
    this.timeoutNanos = timeoutNanos;
    this.counted = counted;
    this.answerOwed = answerOwed;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (timer == null && msg instanceof ByteBuf b && beginsRequest(b)) {
      timer = ctx.executor().schedule(() -> expire(ctx), timeoutNanos, TimeUnit.NANOSECONDS);
    }
    ctx.fireChannelRead(msg);
  }

  /**
   * Whether {@code b} holds more than line ends: a CRLF some clients send after a request, alone
   * in its segment, is no request, and nothing would ever end its clock.
   */
  private static boolean beginsRequest(ByteBuf b) {
    for (int i = b.readerIndex(); i < b.writerIndex(); i++) {
      byte c = b.getByte(i);
      if (c != '\r' && c != '\n') {
        return true;
      }
    }
    return false;
  }

  private void expire(ChannelHandlerContext ctx) {
    timer = null;
    if (!ctx.channel().isActive()) {
      return;
    }
    if (!ctx.channel().config().isAutoRead() || answerOwed.getAsBoolean()) {
      // the source holds it back, or has yet to answer an earlier request: not the client's time
      timer = ctx.executor().schedule(() -> expire(ctx), timeoutNanos, TimeUnit.NANOSECONDS);
      return;
    }
    counted.run();
    ctx.writeAndFlush(Unpooled.wrappedBuffer(TIMED_OUT)).addListener(ChannelFutureListener.CLOSE);
  }

  /** The request being read has been read whole. */
  private void requestRead() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    requestRead();
    super.channelInactive(ctx);
  }

  /** The marker to put after the HTTP decoder: it stops the clock at each request's end. */
  ChannelInboundHandlerAdapter end() {
    return new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof LastHttpContent) {
          requestRead();
        }
        ctx.fireChannelRead(msg);
      }
    };
  }
}
