package io.sluice.source.tcp;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import io.sluice.core.Disposition;
import io.sluice.core.limit.Decision;
import io.sluice.core.limit.EdgeLimiter;
import io.sluice.core.limit.GovernorConfig;
import io.sluice.core.limit.Rate;
import io.sluice.core.limit.redis.RedisSettings;
import io.sluice.core.time.Clock;
import io.sluice.source.SourceMetrics;
import io.sluice.source.SourceMetrics.ConnectionRefusal;
import io.sluice.source.net.EventLoops;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The first handler of every accepted connection: admits it, or closes it at once and counts why.
 * A connection is refused when the source already holds {@code maxConnections}, when its address
 * already holds {@code maxConnectionsPerIp}, or when its address opens connections faster than
 * {@code connectionRatePerIp} (the interceptor's GCRA limiter, keyed by address, so a flood of new
 * addresses cannot grow it without bound). Refusing here, before TLS, costs a flood no handshake.
 *
 * <p>With {@code store = redis} the rate is decided by Redis ({@link EdgeLimiter}): the new
 * connection reads nothing, and the rest of its pipeline sees nothing of it, until the answer
 * comes; the I/O thread serves its other connections meanwhile.
 *
 * <p>An admitted connection holds a slot until its reader gives it back ({@link #slotOf}): when
 * the connection closes with nothing held, or later, once what it held has been delivered. A
 * connection that is closed while its events wait for the channels thus still counts against both
 * limits.
 */
@Sharable
public final class ConnectionGate extends ChannelInboundHandlerAdapter {

  private static final AttributeKey<Runnable> SLOT = AttributeKey.valueOf(ConnectionGate.class, "slot");

  private final int maxConnections;
  private final int maxPerIp;
  private final EdgeLimiter rate; // null when unlimited
  private final boolean rateWaits; // the rate is decided by Redis: a new connection waits for it
  private final SourceMetrics metrics;
  private final AtomicInteger open = new AtomicInteger();
  // Only addresses holding slots: at most maxConnections entries.
  private final ConcurrentHashMap<String, AtomicInteger> openPerIp = new ConcurrentHashMap<>();

  /** @param rate {@code connectionRatePerIp} ({@link #rateLimit}), or null for none */
  public ConnectionGate(int maxConnections, int maxPerIp, EdgeLimiter rate, SourceMetrics metrics) {
    this.maxConnections = maxConnections;
    this.maxPerIp = maxPerIp;
    this.metrics = metrics;
    this.rate = rate;
    this.rateWaits = rate != null && !rate.decidesAtOnce();
  }

  /**
   * The limiter of {@code connectionRatePerIp}: in this agent, or shared through Redis ({@code
   * store = redis}, under the tier name {@code connections}); null when {@code ratePerIp} is empty.
   * At most {@code maxConnections} new connections wait for Redis's answer at once (the source's
   * bound on connections holds for them too); more are refused as the rate's.
   */
  public static EdgeLimiter rateLimit(List<Rate> ratePerIp, RedisSettings shared, Clock clock,
      int maxConnections) {
    return ratePerIp.isEmpty() ? null : EdgeLimiter.of(RedisSettings.limiter(shared,
        GovernorConfig.builder()
            .tier("connections", ratePerIp)
            .defaultTier("connections")
            .maxDelay(Duration.ZERO)
            .maxKeys(100_000)
            .build(), clock), maxConnections, "sluice-connection-rate");
  }

  /** Lets go of the rate limiter (its connection to Redis, when shared). */
  public void close() {
    if (rate != null) {
      rate.close();
    }
  }

  /** Slots taken: connections open, and closed ones still delivering what they held. */
  public int open() {
    return open.get();
  }

  /**
   * Gives back the slot {@code ch} was admitted with, once (later calls do nothing); does nothing
   * for a channel admitted by no gate.
   */
  public static Runnable slotOf(Channel ch) {
    Runnable release = ch.attr(SLOT).get();
    return release == null ? () -> {} : release;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    String ip = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress().getHostAddress();
    if (rate == null) {
      admit(ctx, ip, null);
      return;
    }
    if (rateWaits) {
      // No read until decided: set before this returns, it stops the read Netty would start next.
      ctx.channel().config().setAutoRead(false);
    }
    rate.decide(ip, d -> EventLoops.runOn(ctx.channel().eventLoop(), () -> admit(ctx, ip, d)));
  }

  /** Admits the connection or closes it, given the rate's decision ({@code null}: no rate). */
  private void admit(ChannelHandlerContext ctx, String ip, Decision rated) {
    if (!ctx.channel().isActive()) {
      return; // closed by the client while the rate was decided: it took no slot
    }
    ConnectionRefusal refusal = rated != null && rated.disposition() != Disposition.PROCESSED
        ? ConnectionRefusal.RATE
        : takeSlot(ip);
    if (refusal != null) {
      metrics.connectionRefused(refusal);
      ctx.close();
      return; // the rest of the pipeline never sees this connection
    }
    metrics.openConnections(open.get());
    AtomicBoolean released = new AtomicBoolean();
    ctx.channel().attr(SLOT).set(() -> {
      if (released.compareAndSet(false, true)) {
        release(ip);
      }
    });
    ctx.fireChannelActive();
    if (rateWaits) {
      ctx.channel().config().setAutoRead(true);
    }
  }

  private ConnectionRefusal takeSlot(String ip) {
    // Per address first: a flood from one address must not take, even briefly, a global slot.
    int[] fromIp = new int[1];
    openPerIp.compute(ip, (k, n) -> {
      AtomicInteger c = n == null ? new AtomicInteger() : n;
      fromIp[0] = c.incrementAndGet();
      return c;
    });
    if (fromIp[0] > maxPerIp) {
      releaseIp(ip);
      return ConnectionRefusal.TOO_MANY_FROM_IP;
    }
    if (open.incrementAndGet() > maxConnections) {
      open.decrementAndGet();
      releaseIp(ip);
      return ConnectionRefusal.TOO_MANY;
    }
    return null;
  }

  private void releaseIp(String ip) {
    openPerIp.computeIfPresent(ip, (k, n) -> n.decrementAndGet() == 0 ? null : n);
  }

  private void release(String ip) {
    releaseIp(ip);
    metrics.openConnections(open.decrementAndGet());
  }
}
