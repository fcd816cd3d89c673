package io.sluice.source.hec;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * Holds a connection's requests to the source's {@link BodyBudget}, between Netty's HTTP decoder
 * and the aggregator that collects a body: a request takes twice its {@code Content-Length} (the
 * body is held as read, and copied once to be parsed; a body of unknown length counts as {@code
 * maxContentLength}) before any of its body is collected, and gives it back when it is answered.
 * One that does not fit is answered 503 with {@code Retry-After} and its connection closed, without
 * reading its body; if earlier pipelined requests are still unanswered, an answer now would come
 * out of order, so they are answered and the connection then closes without answering it
 * ({@link #closeAfterOwedAnswers}; the client sends it again).
 *
 * <p>Every request gets exactly one answer, from the source or from the aggregator (413), and
 * answers go out in order: so the amounts wait in a queue, taken as requests come and given back
 * as answers go (an interim 100 Continue is not an answer). A connection that closes gives back at
 * once what its waiting requests took, but not what the one being delivered took: that one's body
 * and events are held until its delivery ends ({@link #delivering}, {@link #delivered}). Confined to
 * the connection's I/O thread.
 */
final class BudgetGate extends ChannelDuplexHandler {

  private final BodyBudget budget;
  private final int maxContentLength;
  private final Runnable refused;
  private final ArrayDeque<Long> held = new ArrayDeque<>();
  private boolean discarding; // the rest of a refused request
  private boolean delivering; // the first request held is being delivered
  private boolean readingLast; // the last request held is still being read (its last part not yet)
  private int answersBeforeClose; // > 0: answers still to write before closing (closeAfterOwedAnswers)
  private boolean closingAfterAnswers; // what is read is dropped until the connection closes
  private long orphaned; // what it took, once its connection closed before it was answered

  /** @param refused counts a request refused for want of room */
  BudgetGate(BodyBudget budget, int maxContentLength, Runnable refused) {
    this.budget = budget;
    this.maxContentLength = maxContentLength;
    this.refused = refused;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (closingAfterAnswers) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof HttpRequest req) {
      long length = contentLength(req);
      if (length > maxContentLength && !held.isEmpty()) {
        // The aggregator would answer 413 at once, ahead of the answers still owed to earlier
        // pipelined requests: answer those, then close, and the client sends this one again.
        ReferenceCountUtil.release(msg);
        readingLast = false; // not held
        closeAfterOwedAnswers(ctx);
        return;
      }
      long n = length > maxContentLength ? 0 // the aggregator refuses it (413) without reading it
          : 2 * (length < 0 ? maxContentLength : length);
      if (!budget.take(n)) {
        ReferenceCountUtil.release(msg);
        discarding = true;
        refused.run();
        if (!held.isEmpty()) { // pipelined behind unanswered requests: an answer now would be out of order
          readingLast = false; // not held
          closeAfterOwedAnswers(ctx);
          return;
        }
        ctx.channel().config().setAutoRead(false); // its body is not read
        FullHttpResponse busy = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
            HttpResponseStatus.SERVICE_UNAVAILABLE, Unpooled.wrappedBuffer(HecReply.SERVER_BUSY.json()));
        busy.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
            .setInt(HttpHeaderNames.CONTENT_LENGTH, busy.content().readableBytes())
            .set(HttpHeaderNames.RETRY_AFTER, "1")
            .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(busy).addListener(ChannelFutureListener.CLOSE);
        return;
      }
      held.add(n);
      discarding = false;
      readingLast = !(msg instanceof LastHttpContent);
    } else if (discarding) {
      ReferenceCountUtil.release(msg);
      return;
    } else if (msg instanceof LastHttpContent) {
      readingLast = false;
    }
    ctx.fireChannelRead(msg);
  }

  /** Content-Length; 0 for a request without a body; -1 when chunked (or unreadable: the decoder says why). */
  private static long contentLength(HttpRequest req) {
    try {
      return HttpUtil.getContentLength(req, HttpUtil.isTransferEncodingChunked(req) ? -1L : 0L);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
    boolean answer = msg instanceof HttpResponse r && r.status().codeClass() != HttpStatusClass.INFORMATIONAL;
    if (answer) {
      Long n = held.poll();
      if (n != null) {
        budget.give(n);
      }
    }
    super.write(ctx, msg, promise);
    if (answer && answersBeforeClose > 0 && --answersBeforeClose == 0) {
      // after that answer's bytes: an empty write completes once they are flushed
      ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
  }

  /**
   * Whether an answer is still owed to a request read before the one being read now. For the
   * handlers that answer a request early (the aggregator's 413 and 417, the request timeout's
   * 408), which must not answer ahead of earlier ones.
   */
  boolean answerOwed() {
    return held.size() - (readingLast ? 1 : 0) > 0;
  }

  /**
   * Instead of answering the request being read ahead of earlier ones: drops what follows, and
   * closes the connection once the earlier requests are answered. The client sends the unanswered
   * one again; the earlier answers, which it needs to know what was accepted, all reach it.
   */
  void closeAfterOwedAnswers(ChannelHandlerContext ctx) {
    // Reading on, and dropping what is read: bytes left unread when the connection closes make
    // the kernel reset it, and a reset can destroy the earlier answers before the client reads them.
    closingAfterAnswers = true;
    answersBeforeClose = held.size() - (readingLast ? 1 : 0);
    if (answersBeforeClose == 0) {
      ctx.close();
    }
  }

  /**
   * The first request held (the next to be answered) is handed to the channels: what it took stays
   * taken until {@link #delivered}, even if its connection closes first.
   */
  void delivering() {
    delivering = true;
  }

  /**
   * Its delivery has ended, and it is answered now if its connection is still open (the answer
   * gives its amount back); if it closed meanwhile, its amount is given back here.
   */
  void delivered() {
    delivering = false;
    budget.give(orphaned);
    orphaned = 0;
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (delivering) { // its delivery still holds its body and events
      Long n = held.poll();
      orphaned = n == null ? 0 : n;
    }
    for (Long n; (n = held.poll()) != null; ) {
      budget.give(n);
    }
    super.channelInactive(ctx);
  }
}
