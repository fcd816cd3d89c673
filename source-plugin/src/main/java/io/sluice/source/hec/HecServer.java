package io.sluice.source.hec;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import io.sluice.core.limit.Rate;
import io.sluice.core.limit.redis.RedisSettings;
import io.sluice.core.time.Clock;
import io.sluice.source.SourceMetrics;
import io.sluice.source.delivery.Delivery;
import io.sluice.source.net.Listener;
import io.sluice.source.net.Transport;
import io.sluice.source.tcp.ConnectionGate;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listening socket of an HEC source. Each connection's pipeline: {@link ConnectionGate} (limits,
 * before any TLS work), TLS when configured, an idle timer, {@link RequestTimeout} around Netty's
 * HTTP/1.1 codec, {@link BudgetGate} (the source's bodies together stay within {@code
 * maxBufferedBytes}), its aggregator (a body over {@code maxContentLength} is answered 413 before
 * it is read), and {@link HecHandler}. A connection owing its client more than {@link
 * #ANSWERS_UNREAD} of answers reads no more requests until the client has read them.
 */
public final class HecServer implements Listener {

  private static final Logger LOG = LoggerFactory.getLogger(HecServer.class);

  /** Longest request line and headers: Splunk's clients send short ones. */
  static final int MAX_INITIAL_LINE = 8192;
  static final int MAX_HEADERS = 16384;

  /**
   * Answers a connection may owe its client before it reads no more of its requests (the high
   * mark), and until when (the low one): a client that pipelines and never reads would otherwise
   * have them pile up without end. Some hundreds of Splunk's short answers.
   */
  static final WriteBufferWaterMark ANSWERS_UNREAD = new WriteBufferWaterMark(32 * 1024, 64 * 1024);

  /**
   * What an HEC source is configured with.
   *
   * @param requestTimeout how long reading one request may take, from its first byte (zero: no limit)
   * @param maxBufferedBytes what the bodies of all connections may hold at once ({@link BodyBudget})
   * @param preAuthLimit requests per client address before authentication; empty for none
   * @param queuesFull whether a channel of the source is too full to call the source healthy
   * @param trustedProxies whose X-Forwarded-For names the client
   */
  public record Settings(String host, int port, int threads, int maxConnections, int maxConnectionsPerIp,
      List<Rate> connectionRatePerIp, Duration idleTimeout, Duration requestTimeout, int maxContentLength,
      long maxBufferedBytes, SslContext tls,
      List<Rate> preAuthLimit, BooleanSupplier queuesFull, TrustedProxies trustedProxies,
      RedisSettings shared) {}

  private final String sourceName;
  private final HecProtocol protocol;
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final Set<Channel> connections = ConcurrentHashMap.newKeySet();
  private final PreAuthLimit preAuth; // null when none
  private ConnectionGate gate;
  private Channel server;

  private HecServer(String sourceName, HecProtocol protocol, PreAuthLimit preAuth,
      EventLoopGroup boss, EventLoopGroup workers) {
    this.sourceName = sourceName;
    this.protocol = protocol;
    this.preAuth = preAuth;
    this.boss = boss;
    this.workers = workers;
  }

  /**
   * Binds; a request's events go to the channels in transactions of at most {@code batchSize}.
   *
   * @param acks the source's acknowledgements, or null when no token has {@code useAck}
   */
  public static HecServer bind(String sourceName, Settings s, HecTokens tokens, BodyLimits limits,
      int batchSize, Delivery delivery, SourceMetrics metrics, HecAcks acks) {
    HecMetrics hecMetrics = new HecMetrics(sourceName);
    PreAuthLimit preAuth = s.preAuthLimit().isEmpty() ? null
        : new PreAuthLimit(s.preAuthLimit(), s.shared(), Clock.SYSTEM, hecMetrics.preAuth::inc);
    BodyBudget budget = new BodyBudget(s.maxBufferedBytes());
    HecProtocol protocol = new HecProtocol(tokens, limits, preAuth, s.queuesFull(), acks, budget);
    HecServer server = new HecServer(sourceName, protocol, preAuth,
        Transport.group(1, "sluice-hec-accept-" + sourceName),
        Transport.group(s.threads(), "sluice-hec-" + sourceName));
    server.listen(s, protocol, budget, new HecHandler.Shared(delivery, batchSize, metrics, hecMetrics,
        s.trustedProxies(), acks));
    if (acks != null) {
      server.every(Duration.ofSeconds(1), acks::expire);
    }
    return server;
  }

  /** Runs {@code task} on an I/O thread every {@code period} until the server closes. */
  public void every(Duration period, Runnable task) {
    workers.scheduleWithFixedDelay(task, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** From the next request on, these tokens. */
  public void tokens(HecTokens replacement) {
    protocol.tokens(replacement);
  }

  /**
   * Takes no more events (a request for {@code /event} or {@code /raw} is answered 503 with {@code
   * Retry-After}) but goes on answering {@code /ack} and {@code /health}: a stopping source lets
   * its clients learn that what it accepted was delivered, so that they do not send it again.
   */
  public void drain() {
    protocol.drain();
  }

  private void listen(Settings s, HecProtocol protocol, BodyBudget budget, HecHandler.Shared shared) {
    Delivery delivery = shared.delivery();
    SourceMetrics metrics = shared.metrics();
    gate = new ConnectionGate(s.maxConnections(), s.maxConnectionsPerIp(),
        ConnectionGate.rateLimit(s.connectionRatePerIp(), s.shared(), Clock.SYSTEM,
            s.maxConnections()), metrics);
    ServerBootstrap b = new ServerBootstrap()
        .group(boss, workers)
        .channel(Transport.serverChannel())
        .option(ChannelOption.SO_BACKLOG, 1024)
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, ANSWERS_UNREAD)
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            connections.add(ch);
            ch.closeFuture().addListener(f -> {
              connections.remove(ch);
              ConnectionGate.slotOf(ch).run();
            });
            ChannelPipeline p = ch.pipeline();
            p.addLast("gate", gate);
            if (s.tls() != null) {
              p.addLast("tls", s.tls().newHandler(ch.alloc()));
            }
            if (!s.idleTimeout().isZero()) {
              // observing output: a client slowly reading a long answer is not idle
              p.addLast("idle", new IdleStateHandler(true, 0, 0, s.idleTimeout().toMillis(), TimeUnit.MILLISECONDS));
            }
            BudgetGate budgetGate = new BudgetGate(budget, s.maxContentLength(), shared.hecMetrics()::noRoom);
            RequestTimeout timeout = s.requestTimeout().isZero() ? null
                : new RequestTimeout(s.requestTimeout().toNanos(), shared.hecMetrics()::timedOut,
                    budgetGate::answerOwed);
            if (timeout != null) {
              p.addLast("requestTimeout", timeout);
            }
            p.addLast("http", new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADERS, 65536));
            if (timeout != null) {
              p.addLast("requestEnd", timeout.end());
            }
            p.addLast("budget", budgetGate);
            p.addLast("body", new InOrderAggregator(s.maxContentLength(), budgetGate));
            p.addLast("hec", new HecHandler(protocol, budgetGate, shared));
          }
        });
    try {
      server = b.bind(s.host(), s.port()).syncUninterruptibly().channel();
    } catch (RuntimeException e) {
      boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      closeLimits();
      throw e;
    }
    metrics.gauge("connections.open", gate::open);
    metrics.gauge("bodies.bytes", budget::used);
    LOG.info("Source {}: listening for HEC on {}://{}:{}/services/collector ({}, {} threads; at most {}"
        + " connections, {} per address; bodies up to {} bytes; {})", sourceName,
        s.tls() == null ? "http" : "https", s.host(), port(), Transport.describe(), s.threads(),
        s.maxConnections(), s.maxConnectionsPerIp(), s.maxContentLength(),
        delivery.inline() ? "commits on the I/O threads" : "commits on delivery threads");
  }

  /** The port bound (useful with port 0). */
  public int port() {
    return ((java.net.InetSocketAddress) server.localAddress()).getPort();
  }

  /** Stops accepting, closes every connection (a request being delivered is answered or lost with it). */
  @Override
  public void close() {
    server.close().syncUninterruptibly();
    for (Channel c : connections) {
      c.close();
    }
    boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    closeLimits();
  }

  private void closeLimits() {
    if (gate != null) {
      gate.close();
    }
    if (preAuth != null) {
      preAuth.close();
    }
  }
}
