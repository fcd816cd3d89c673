package io.sluice.source.hec;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.IdleStateEvent;
import io.sluice.source.SourceMetrics;
import io.sluice.source.delivery.Delivery;
import io.sluice.source.delivery.Outcome;
import io.sluice.source.delivery.Refusal;
import io.sluice.source.delivery.Shipment;
import io.sluice.source.net.EventLoops;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flume.Event;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection's requests, answered one at a time and in order: a request waiting on the
 * channels holds the next ones back (HTTP/1.1 pipelining answers in order), and so do answers the
 * client does not read (past the channel's write buffer high mark, nothing more is answered until
 * it is back under the low one). A connection with a request held back reads no more until it can
 * go on, so what it holds stays within one read's worth, and what it owes the client within the
 * write buffer. (Most clients send the next request only after the answer: for them reading is
 * never switched off, which costs two system calls a request.)
 */
final class HecHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

  private static final Logger LOG = LoggerFactory.getLogger(HecHandler.class);
  static final String CHANNEL_HEADER = "X-Splunk-Request-Channel";
  static final String FORWARDED_FOR = "X-Forwarded-For";

  /** What every connection of a source shares. */
  record Shared(Delivery delivery, int batchSize, SourceMetrics metrics, HecMetrics hecMetrics,
      TrustedProxies trustedProxies, HecAcks acks) {}

  /** What answering a request needs of it: its body is released as soon as it is decided. */
  private record ReplyTo(HttpVersion version, boolean keepAlive, HecProtocol.Endpoint endpoint) {

    static ReplyTo of(FullHttpRequest req) {
      // after a request HTTP could not read, what follows cannot be told apart: close
      boolean keepAlive = req.decoderResult().isSuccess() && HttpUtil.isKeepAlive(req);
      return new ReplyTo(req.protocolVersion(), keepAlive, HecProtocol.endpointOf(req.uri()));
    }
  }

  private final HecProtocol protocol;
  private final BudgetGate budgetGate;
  private final Delivery delivery;
  private final int batchSize;
  private final SourceMetrics metrics;
  private final HecMetrics hecMetrics;
  private final TrustedProxies trustedProxies;
  private final HecAcks acks; // null: no token acknowledges
  private final Queue<FullHttpRequest> waiting = new ArrayDeque<>();
  private boolean busy; // a request of this connection is being delivered
  private boolean closing; // answered with Connection: close: what follows is not read
  private boolean paused; // reading switched off here until the requests held back can go on
  private boolean proceeding; // in proceed(): a call from within it leaves its loop to go on

  /** @param budgetGate its connection's: told while a request is being delivered */
  HecHandler(HecProtocol protocol, BudgetGate budgetGate, Shared shared) {
    super(false); // requests are released once decided, by handle()
    this.protocol = protocol;
    this.budgetGate = budgetGate;
    this.delivery = shared.delivery();
    this.batchSize = shared.batchSize();
    this.metrics = shared.metrics();
    this.hecMetrics = shared.hecMetrics();
    this.trustedProxies = shared.trustedProxies();
    this.acks = shared.acks();
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
    waiting.add(req);
    if (heldBack(ctx)) {
      // a client that pipelines: hold what is read, and read no more until its turn comes
      pause(ctx);
      return;
    }
    proceed(ctx);
  }

  /** Whether the next request must wait: for the one being delivered, or for the client to read. */
  private boolean heldBack(ChannelHandlerContext ctx) {
    return busy || !ctx.channel().isWritable();
  }

  /**
   * Handles the requests read so far, in order, until one is held back; reads on once none is.
   * Called again from within its loop (by an inline delivery's answer, or by the client reading
   * while an answer is written), it returns at once: the loop goes on with the next request.
   */
  private void proceed(ChannelHandlerContext ctx) {
    if (proceeding) {
      return;
    }
    proceeding = true;
    try {
      for (FullHttpRequest next; !heldBack(ctx) && !closing && ctx.channel().isActive() && (next = waiting.poll()) != null; ) {
        handle(ctx, next);
      }
    } finally {
      proceeding = false;
    }
    if (!heldBack(ctx) && paused) {
      paused = false;
      ctx.channel().config().setAutoRead(true);
    } else if (heldBack(ctx) && !waiting.isEmpty()) {
      pause(ctx);
    }
  }

  private void pause(ChannelHandlerContext ctx) {
    paused = true;
    ctx.channel().config().setAutoRead(false);
  }

  private void handle(ChannelHandlerContext ctx, FullHttpRequest req) {
    ReplyTo replyTo;
    HecProtocol.Decision d;
    try {
      replyTo = ReplyTo.of(req);
      d = decide(ctx, req);
    } finally {
      req.release(); // its body was copied to be decided: nothing needs it after, whatever came of it
    }
    dispatch(ctx, replyTo, d);
  }

  private void dispatch(ChannelHandlerContext ctx, ReplyTo replyTo, HecProtocol.Decision d) {
    if (d instanceof HecProtocol.Deliver deliver) {
      deliver(ctx, replyTo, deliver);
    } else if (d instanceof HecProtocol.PreAuth p) {
      screen(ctx, replyTo, p);
    } else {
      answer(ctx, replyTo, ((HecProtocol.Now) d).answer());
    }
  }

  /**
   * Holds the request, and the connection's next ones, until {@code preAuthLimit} answers (with
   * the limit in Redis, the I/O thread serves other connections meanwhile), then goes on with it.
   */
  private void screen(ChannelHandlerContext ctx, ReplyTo replyTo, HecProtocol.PreAuth p) {
    busy = true;
    budgetGate.delivering(); // its body stays counted while it waits, even if the client leaves
    AtomicBoolean answered = new AtomicBoolean();
    try {
      protocol.screen(p, waitSeconds -> {
        answered.set(true);
        EventLoops.runOn(ctx.executor(), () -> goOn(ctx, replyTo, p, waitSeconds));
      });
    } catch (RuntimeException e) {
      if (answered.get()) {
        throw e; // from going on with the request, inline: as any fault of handle()
      }
      // the limit failed before answering: as a fault in decide()
      LOG.error("HEC request {} could not be screened", new QueryString(p.request().uri()).path(), e);
      busy = false;
      budgetGate.delivered();
      answer(ctx, replyTo, Answer.of(HecReply.INTERNAL_ERROR));
    }
  }

  /** The request {@code p}, once {@code preAuthLimit} said to wait {@code waitSeconds}. */
  private void goOn(ChannelHandlerContext ctx, ReplyTo replyTo, HecProtocol.PreAuth p, long waitSeconds) {
    busy = false;
    budgetGate.delivered();
    try {
      if (ctx.channel().isActive()) {
        dispatch(ctx, replyTo, afterPreAuth(p, waitSeconds));
      }
    } finally {
      proceed(ctx); // whatever happened above: a connection left held would read nothing more
    }
  }

  private HecProtocol.Decision afterPreAuth(HecProtocol.PreAuth p, long waitSeconds) {
    try {
      return protocol.afterPreAuth(p, waitSeconds);
    } catch (RuntimeException e) { // as in decide()
      LOG.error("HEC request {} could not be handled", new QueryString(p.request().uri()).path(), e);
      return new HecProtocol.Now(Answer.of(HecReply.INTERNAL_ERROR));
    }
  }

  private HecProtocol.Decision decide(ChannelHandlerContext ctx, FullHttpRequest req) {
    if (!req.decoderResult().isSuccess()) {
      return new HecProtocol.Now(Answer.badRequest());
    }
    if (new QueryString(req.uri()).malformed()) { // a bad percent escape: nothing of the URI is used
      return new HecProtocol.Now(Answer.of(HecReply.INVALID_DATA_FORMAT));
    }
    HttpHeaders h = req.headers();
    byte[] body = ByteBufUtil.getBytes(req.content());
    HecRequest r = new HecRequest(req.method().name(), req.uri(), h.get(HttpHeaderNames.AUTHORIZATION),
        h.get(CHANNEL_HEADER), h.get(HttpHeaderNames.CONTENT_ENCODING), body,
        trustedProxies.clientOf(peer(ctx), h.get(FORWARDED_FOR)), System.currentTimeMillis());
    try {
      return protocol.decide(r);
    } catch (RuntimeException e) { // a fault of ours: the client may retry, the connection goes on
      // the path only: a query string may carry a token
      LOG.error("HEC request {} {} could not be handled", req.method(), new QueryString(req.uri()).path(), e);
      return new HecProtocol.Now(Answer.of(HecReply.INTERNAL_ERROR));
    }
  }

  /**
   * Hands a request's events to the channels, in transactions of at most {@code batchSize}, in
   * order, up to the first refused, and answers once they are taken or refused. A request refused
   * after some of its transactions were taken is answered as refused, and what was taken comes
   * again with the client's retry (at least once, as with any HEC client that retries).
   */
  private void deliver(ChannelHandlerContext ctx, ReplyTo replyTo, HecProtocol.Deliver d) {
    List<Event> events = d.events();
    SourceMetrics.Tally tally = metrics.tally();
    for (Event e : events) {
      tally.received(e.getBody().length, false, false);
    }
    tally.flush();
    metrics.batchOffered();
    List<Shipment> shipments = new ArrayList<>(events.size() / batchSize + 1);
    for (int i = 0; i < events.size(); i += batchSize) {
      shipments.add(delivery.shipment(new ArrayList<>(events.subList(i, Math.min(events.size(), i + batchSize)))));
    }
    busy = true;
    budgetGate.delivering();
    delivery.attemptInOrder(shipments, ctx.executor(), outcomes -> {
      try {
        answer(ctx, replyTo, settled(d, replyTo.endpoint(), shipments, outcomes));
      } finally {
        // its events are no longer held (nor is its budget, should its connection be gone)
        protocol.answered(d);
        budgetGate.delivered();
        busy = false;
        proceed(ctx); // whatever happened above: a connection left busy would read nothing more
      }
    });
  }

  /** Counts what came of a delivery, tells the acks, and says what to answer. */
  private Answer settled(HecProtocol.Deliver d, HecProtocol.Endpoint endpoint,
      List<Shipment> shipments, List<Outcome> outcomes) {
    Outcome last = outcomes.get(outcomes.size() - 1);
    int taken = 0;
    int all = 0;
    for (int i = 0; i < shipments.size(); i++) {
      all += shipments.get(i).size();
      if (i < outcomes.size() && outcomes.get(i).accepted()) {
        taken += shipments.get(i).size();
      }
    }
    if (taken > 0) {
      hecMetrics.tokenEvents(d.token().name(), taken);
    }
    hecMetrics.events(endpoint, HecMetrics.EventStatus.ACCEPTED, taken);
    if (!last.accepted()) {
      hecMetrics.events(endpoint, switch (last.refusal()) {
        case FULL -> HecMetrics.EventStatus.QUEUE_FULL;
        case REJECTED -> HecMetrics.EventStatus.RATE_LIMITED;
        case ERROR -> HecMetrics.EventStatus.ERROR;
      }, all - taken);
    }
    if (last.refusal() == Refusal.REJECTED) {
      hecMetrics.tokenThrottled(d.token().name());
    }
    if (d.acknowledged()) {
      if (last.accepted()) {
        acks.delivered(d.channel(), d.ackId(), shipments);
      } else {
        acks.refused(d.channel(), d.ackId());
      }
    }
    return answerFor(last, d);
  }

  private static Answer answerFor(Outcome o, HecProtocol.Deliver d) {
    if (o.accepted()) {
      return d.acceptedAnswer();
    }
    long retrySeconds = (o.retryAfterMillis() + 999) / 1000;
    return switch (o.refusal()) {
      case FULL -> Answer.busy(503, retrySeconds);
      case REJECTED -> Answer.busy(429, retrySeconds);
      case ERROR -> Answer.of(HecReply.INTERNAL_ERROR);
    };
  }

  private void answer(ChannelHandlerContext ctx, ReplyTo replyTo, Answer a) {
    FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
        HttpResponseStatus.valueOf(a.status()), Unpooled.wrappedBuffer(a.body()));
    HttpHeaders h = res.headers();
    if (a.body().length > 0) {
      h.set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
    }
    h.setInt(HttpHeaderNames.CONTENT_LENGTH, a.body().length);
    if (a.retryAfterSeconds() > 0) {
      h.set(HttpHeaderNames.RETRY_AFTER, Long.toString(a.retryAfterSeconds()));
    }
    if (a.allow() != null) {
      h.set(HttpHeaderNames.ALLOW, a.allow());
    }
    if (!replyTo.keepAlive()) {
      h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    } else if (replyTo.version().equals(HttpVersion.HTTP_1_0)) {
      h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
    }
    hecMetrics.answered(replyTo.endpoint(), a);
    if (replyTo.keepAlive()) {
      ctx.writeAndFlush(res, ctx.voidPromise());
    } else {
      closing = true;
      ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
    }
  }

  private static String peer(ChannelHandlerContext ctx) {
    return ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress().getHostAddress();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof IdleStateEvent && !busy) {
      metrics.connectionRefused(SourceMetrics.ConnectionRefusal.IDLE);
      ctx.close(); // idle between requests: Splunk's clients reconnect
      return;
    }
    super.userEventTriggered(ctx, evt);
  }

  /** The client has read enough of its answers: the requests held back for it go on. */
  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
    if (ctx.channel().isWritable()) {
      proceed(ctx);
    }
    super.channelWritabilityChanged(ctx);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    for (FullHttpRequest r; (r = waiting.poll()) != null; ) {
      r.release();
    }
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debug("HEC connection from {} closed: {}", ctx.channel().remoteAddress(), cause.toString());
    ctx.close();
  }
}
