package io.sluice.source.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.util.concurrent.EventExecutor;
import io.sluice.source.MillisText;
import io.sluice.source.SourceMetrics;
import io.sluice.source.SourceMetrics.ConnectionRefusal;
import io.sluice.source.SourceMetrics.DropReason;
import io.sluice.source.SyslogEvents;
import io.sluice.source.delivery.Delivery;
import io.sluice.source.syslog.FrameSink;
import io.sluice.source.syslog.Framing;
import io.sluice.source.syslog.SyslogFramer;
import java.net.InetSocketAddress;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection's reader: cuts frames from the byte stream and makes them events for its {@link
 * ConnectionFlow}, which delivers them and says when to stop reading.
 *
 * <p>Bytes are cut a {@value #SLICE_BYTES}-byte slice at a time, and only while the flow has room
 * for more events; what is left of a read is kept and cut when the flow asks again. The socket is
 * read (auto-read) only while the flow wants bytes and nothing read is left uncut, so the sender's
 * TCP window fills and it slows down when the channels push back.
 *
 * <p>A frame the source cuts short — by its idle or frame timer, or because the source stops —
 * becomes an event marked {@code Incomplete}; a last line without its terminator, when the sender
 * closes, is a message like any other.
 */
final class FrameReader extends ChannelInboundHandlerAdapter implements FrameSink, ConnectionFlow.Reader {

  private static final Logger LOG = LoggerFactory.getLogger(FrameReader.class);

  /** Bytes cut per step, so that a full batch stops the cutting within this much of a read. */
  static final int SLICE_BYTES = 4096;

  /** What every connection of a source shares. */
  record Shared(SyslogEvents events, Delivery delivery, SourceMetrics metrics, int batchSize,
      long idleNanos, long frameNanos, ConnectionFlow.Registry registry,
      Function<EventExecutor, Scheduler> schedulers) {}

  private final Shared shared;
  private final SyslogFramer framer;
  private final SourceMetrics.Tally tally;
  private final byte[] scratch = new byte[SLICE_BYTES]; // for a direct buffer's bytes
  private final MillisText receivedAtText = new MillisText();

  private ChannelHandlerContext ctx;
  private SyslogEvents.Origin origin;
  private String receivedAt;
  private ConnectionFlow flow;
  private Deadlines deadlines;
  private ByteBuf unread; // read and not cut yet
  private boolean cutting; // inside the framer: the flow's calls back wait for the next turn
  private boolean closed;
  private boolean ended; // the framer's end of stream has been cut
  private boolean cutShort; // the source closed the connection in the middle of a frame
  private boolean autoRead = true;
  private long framesCut;
  private long framesAtLastRead;

  FrameReader(Shared shared, SyslogFramer framer) {
    this.shared = shared;
    this.framer = framer;
    this.tally = shared.metrics().tally();
  }

  ConnectionFlow flow() {
    return flow;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    InetSocketAddress remote = (InetSocketAddress) ctx.channel().remoteAddress();
    InetSocketAddress local = (InetSocketAddress) ctx.channel().localAddress();
    origin = new SyslogEvents.Origin(remote.getAddress().getHostAddress(), Integer.toString(local.getPort()));
    Scheduler scheduler = shared.schedulers().apply(ctx.executor());
    flow = new ConnectionFlow(shared.delivery(), shared.batchSize(), scheduler, ctx.executor(), this,
        shared.metrics(), shared.registry(), ConnectionGate.slotOf(ctx.channel()));
    deadlines = new Deadlines(scheduler, shared.idleNanos(), shared.frameNanos(), this::expired);
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf in = (ByteBuf) msg;
    receivedAt = receivedAtText.of(System.currentTimeMillis());
    if (unread != null || !flow.room()) {
      keep(in); // read before auto-read went off: cut when the flow asks
      return;
    }
    cut(in, false);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    tally.flush();
    deadlines.read(framer.inFrame(), framesCut != framesAtLastRead);
    framesAtLastRead = framesCut;
    flow.endOfRead();
    updateAutoRead();
  }

  /** Cuts {@code in} a slice at a time while the flow has room (or all of it); keeps the rest. */
  private void cut(ByteBuf in, boolean all) {
    cutting = true;
    try {
      while (in.isReadable() && (all || flow.room())) {
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
        keep(in.retain());
      }
    } finally {
      in.release();
      cutting = false;
    }
  }

  private void keep(ByteBuf in) {
    unread = unread == null ? in : ctx.alloc().compositeBuffer().addComponents(true, unread, in);
  }

  @Override
  public void frame(byte[] buf, int off, int len, Framing framing, boolean incomplete) {
    framesCut++;
    flow.add(shared.events().event(buf, off, len, framing, incomplete || cutShort, origin, receivedAt, tally));
  }

  @Override
  public void discarded(long bytes) {
    shared.metrics().dropped(DropReason.OVERSIZE, bytes);
  }

  @Override
  public void flowChanged() {
    if (cutting || ctx == null) {
      return; // called back from inside a cut: the cut goes on while the flow has room
    }
    if (unread != null && flow.room()) {
      ByteBuf rest = unread;
      unread = null;
      cut(rest, false);
      tally.flush();
    }
    if (closed && unread == null && !ended) {
      endOfStream();
      flow.endOfInput();
    }
    updateAutoRead();
  }

  @Override
  public boolean exhausted() {
    return closed && ended && unread == null;
  }

  @Override
  public void cutAllAndClose() {
    if (unread != null) {
      ByteBuf rest = unread;
      unread = null;
      cut(rest, true);
    }
    cutShort = true; // a frame still open now is cut by the stop
    endOfStream();
    deadlines.stop();
    ctx.close();
  }

  private void endOfStream() {
    if (ended) {
      return;
    }
    ended = true;
    cutting = true;
    try {
      framer.endOfStream(this);
    } finally {
      cutting = false;
    }
    tally.flush();
  }

  private void updateAutoRead() {
    boolean on = !closed && unread == null && flow.wantsBytes();
    if (on != autoRead) {
      autoRead = on;
      ctx.channel().config().setAutoRead(on);
      deadlines.reading(on);
    }
  }

  private void expired(ConnectionRefusal why) {
    shared.metrics().connectionRefused(why);
    cutShort = true;
    LOG.debug("{}: closed by the {} timer", ctx.channel(), why);
    ctx.close();
  }

  /** The connection closed: what it holds is still delivered (see {@link ConnectionFlow}). */
  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (flow == null) { // refused by the gate before it was ever active
      ctx.fireChannelInactive();
      return;
    }
    closed = true;
    deadlines.stop();
    if (unread == null) {
      endOfStream();
    }
    flow.closed();
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // A reset by the peer, or a failed TLS handshake: nothing to do for the data but close.
    LOG.debug("{}: {}", ctx.channel(), cause.toString());
    if (cause instanceof DecoderException) {
      shared.metrics().connectionRefused(ConnectionRefusal.TLS);
    }
    ctx.close();
  }
}
