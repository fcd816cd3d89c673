package io.sluice.source.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.sluice.source.SourceMetrics;
import io.sluice.source.SourceMetrics.ConnectionRefusal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses TLS renegotiation started by the client: placed just before the {@link SslHandler}, it
 * closes the connection when a handshake record arrives after a TLS 1.2 handshake has completed,
 * and counts it as {@code connections.refused.tls}. The records before it are still handed on.
 *
 * <p><b>Why.</b> Each renegotiation costs the server a full handshake — its private-key operation
 * included — on the event loop that also serves other connections, and costs the client almost
 * nothing: one connection can keep a core busy (THC-SSL-DOS, CVE-2011-1473). Syslog senders never
 * need it (RFC 5425 does not use it), and TLS 1.3 removed it.
 *
 * <p><b>Why not {@code jdk.tls.rejectClientInitiatedRenegotiation}.</b> The JDK reads that
 * property once, into a static final of {@code sun.security.ssl.ServerHandshakeContext}, when that
 * class is initialised: at the first server-side TLS handshake in the JVM (checked in JDK 17.0.15:
 * its {@code <clinit>}, read by {@code ClientHello}'s TLS 1.2 consumer). Set from a plugin's class
 * initialisation, it takes effect only if no other component of the agent — Flume's HTTP, Avro or
 * Thrift source with {@code ssl}, JMX over TLS, a source of an earlier configuration — did a server
 * handshake first, and is silently ignored otherwise; whether it took can only be checked by
 * opening JDK internals; it changes the policy of every other TLS server in the JVM; and it does
 * nothing for another SSL provider. This handler works per connection whatever ran before, and
 * counts what it refuses.
 *
 * <p><b>How.</b> A TLS 1.2 record's header (content type, version, length) stays in clear once the
 * session is encrypted, so a renegotiation's ClientHello shows as a record of content type 22. A
 * TLS 1.3 session has no renegotiation, and its post-handshake messages (KeyUpdate, tickets) travel
 * as content type 23: the handler removes itself from a TLS 1.3 connection once its handshake is
 * done. Until then, records are handed to the {@link SslHandler} one at a time, so that a
 * renegotiation sent right behind the client's Finished, in the same read, is looked at after the
 * handshake has completed. That relies on the SslHandler completing the handshake while it reads
 * the last record, which it does with the JDK provider when its delegated tasks run at once ({@code
 * SslContext.newHandler} gives it Netty's {@code ImmediateExecutor}).
 */
final class RenegotiationGuard extends ChannelInboundHandlerAdapter {

  private static final Logger LOG = LoggerFactory.getLogger(RenegotiationGuard.class);

  private enum State {
    /** The handshake is under way: records go on one at a time. */
    HANDSHAKING,
    /** A TLS 1.2 session is established: a handshake record closes the connection. */
    WATCHING,
    /** The client asked to renegotiate: the connection is closing, what comes is dropped. */
    REFUSED
  }

  private final SourceMetrics metrics;
  private final TlsRecordCursor records = new TlsRecordCursor();
  private State state = State.HANDSHAKING;
  private SslHandler tls;

  RenegotiationGuard(SourceMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (state == State.REFUSED) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (!(msg instanceof ByteBuf in)) {
      ctx.fireChannelRead(msg);
      return;
    }
    if (tls == null) {
      tls = ctx.pipeline().get(SslHandler.class); // added after this handler, so looked up now
      if (tls == null) {
        ctx.pipeline().remove(this); // no TLS behind us: nothing to guard
        ctx.fireChannelRead(msg);
        return;
      }
    }
    int end = in.writerIndex();
    int handedOn = in.readerIndex(); // bytes before this index have gone on to the SslHandler
    int index = handedOn;
    try {
      while (index < end) {
        boolean recordStarts = records.betweenRecords();
        int recordStart = index;
        index = records.advance(in, index, end);
        if (state == State.WATCHING && recordStarts && records.type() == TlsRecordCursor.HANDSHAKE) {
          handOn(ctx, in, handedOn, recordStart);
          refuse(ctx);
          return;
        }
        if (state == State.HANDSHAKING && records.betweenRecords()) {
          handOn(ctx, in, handedOn, index);
          handedOn = index;
          if (handshakeOver(ctx)) {
            handOn(ctx, in, handedOn, end);
            handedOn = end;
            ctx.pipeline().remove(this);
            return;
          }
        }
      }
      handOn(ctx, in, handedOn, end);
    } finally {
      in.release();
    }
  }

  /**
   * After a record has gone on: moves to {@link State#WATCHING} once a TLS 1.2 handshake has
   * completed, and says true when there is nothing left to guard (TLS 1.3, or a failed handshake).
   */
  private boolean handshakeOver(ChannelHandlerContext ctx) {
    Future<?> handshake = tls.handshakeFuture();
    if (!handshake.isDone()) {
      return !ctx.channel().isActive();
    }
    if (handshake.isSuccess() && !"TLSv1.3".equals(tls.engine().getSession().getProtocol())) {
      state = State.WATCHING;
      return false;
    }
    return true;
  }

  private static void handOn(ChannelHandlerContext ctx, ByteBuf in, int from, int to) {
    if (to > from) {
      ctx.fireChannelRead(in.retainedSlice(from, to - from));
    }
  }

  private void refuse(ChannelHandlerContext ctx) {
    state = State.REFUSED;
    metrics.connectionRefused(ConnectionRefusal.TLS);
    LOG.debug("{}: the client asked to renegotiate TLS; closing the connection", ctx.channel());
    ctx.channel().close(); // from the tail, through the SslHandler, which sends close_notify
  }
}
