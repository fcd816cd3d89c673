package io.sluice.source;

import io.sluice.core.config.ByteSize;
import static io.sluice.core.config.ConfigValues.between;
import static io.sluice.core.config.ConfigValues.duration;

import com.codahale.metrics.Counter;
import io.netty.handler.ssl.SslContext;
import io.sluice.core.config.ConfigValues;
import io.sluice.core.limit.Limits;
import io.sluice.core.limit.Rate;
import io.sluice.core.limit.redis.RedisSettings;
import io.sluice.core.metrics.SluiceMetrics;
import io.sluice.core.time.Clock;
import io.sluice.source.delivery.Delivery;
import io.sluice.source.hec.BodyLimits;
import io.sluice.source.hec.ChannelFill;
import io.sluice.source.hec.HecAcks;
import io.sluice.source.hec.HecServer;
import io.sluice.source.hec.HecToken;
import io.sluice.source.hec.HecTokens;
import io.sluice.source.hec.TokensFile;
import io.sluice.source.hec.TrustedProxies;
import io.sluice.source.tcp.TlsSettings;
import java.io.IOException;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.apache.flume.Context;
import org.apache.flume.EventDrivenSource;
import org.apache.flume.FlumeException;
import org.apache.flume.conf.BatchSizeSupported;
import org.apache.flume.conf.Configurable;
import org.apache.flume.source.SslContextAwareAbstractSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Splunk's HTTP Event Collector: {@code /services/collector} ({@code /event}, {@code /event/1.0}),
 * {@code /raw} ({@code /raw/1.0}), {@code /health} ({@code /health/1.0}) and {@code /ack}, with
 * Splunk's authentication forms, channels, gzip bodies, partial batches and status codes (see
 * {@code io.sluice.source.hec}). A request's events go to the channels through the source's
 * interceptors, in transactions of at most {@code batchSize}; a request the channels refuse is
 * answered 503 (no room) or 429 (the TokenBucketInterceptor's {@code throttled = reject}) with
 * {@code Retry-After}, and the client sends it again.
 *
 * <p>{@code preAuthLimit} counts requests per client address before any token is looked at (429
 * with {@code Retry-After}); {@code /health} answers 503 (code 18) while a channel of the source is
 * {@code health.fillThreshold} full. A request from one of {@code trustedProxies} comes from the
 * address its {@code X-Forwarded-For} names.
 *
 * <p>A token with {@code useAck} gets Splunk's indexer acknowledgements ({@link HecAcks}): each
 * accepted request an {@code ackId} on its channel, {@code true} on {@code /ack} once its events
 * are handled ({@code ack.completeOn}). A stopping source takes no more events and answers {@code
 * /ack} for up to {@code ack.drainTimeout} first.
 *
 * <p>Tokens are in the agent's properties, or in {@code tokensFile}, read again every 2 s and used
 * from the next request on when it changed (a file that is wrong is logged and counted, and the
 * tokens in use stay).
 */
public class HecSource extends SslContextAwareAbstractSource
    implements EventDrivenSource, Configurable, BatchSizeSupported {

  private static final Logger LOG = LoggerFactory.getLogger(HecSource.class);
  /** How often {@code tokensFile} is read for changes. */
  static final Duration TOKENS_FILE_CHECK = Duration.ofSeconds(2);
  static final int MAX_THREADS = 64;
  static final int MAX_CONNECTIONS = 1_000_000;
  static final int MAX_BYTES = Integer.MAX_VALUE - 64;

  private String host;
  private int port;
  private int batchSize;
  private HecTokens tokens;
  private TokensFile tokensFile; // null: tokens in the agent's properties
  private BodyLimits limits;
  private TlsSettings tls;
  private int threads;
  private int maxConnections;
  private int maxConnectionsPerIp;
  private List<Rate> connectionRatePerIp;
  private Duration idleTimeout;
  private Duration requestTimeout;
  private int maxContentLength;
  private long maxBufferedBytes;
  private List<Rate> preAuthLimit;
  private RedisSettings shared;
  private double healthFillThreshold;
  private TrustedProxies trustedProxies;
  private HecAcks.Settings ackSettings; // null: no token acknowledges
  private SourceMetrics metrics;
  private HecAcks acks;
  private Delivery delivery;
  private HecServer server;

  @Override
  public void configure(Context ctx) {
    host = ctx.getString("host", ctx.getString("bind", "0.0.0.0")).trim();
    port = (int) between("port", ctx.getString("port", "8088"), 1, 65535);
    batchSize = (int) between("batchSize", ctx.getString("batchSize", "100"), 1, 100_000);
    String file = ctx.getString("tokensFile", "").trim();
    if (file.isEmpty()) {
      tokensFile = null;
      tokens = HecTokens.of(ctx.getParameters());
    } else {
      if (ctx.containsKey("tokens")) {
        throw ConfigValues.invalid("tokensFile", file, "a file of tokens, or 'tokens' here: not both");
      }
      tokensFile = new TokensFile(Paths.get(file));
      try {
        tokens = tokensFile.load();
      } catch (IOException | IllegalArgumentException e) {
        throw ConfigValues.invalid("tokensFile", file, "a readable properties file with 'tokens = <names>' and"
            + " 'tokens.<name>.value' for each (" + e.getMessage() + ")");
      }
    }
    // A token of the file may start using acks later: the source is then ready for them.
    ackSettings = tokensFile != null || tokens.tokens().stream().anyMatch(HecToken::useAck) ? ackSettings(ctx) : null;
    maxContentLength = (int) ByteSize.parse("maxContentLength", ctx.getString("maxContentLength",
        Integer.toString(4 << 20)), 1024, MAX_BYTES);
    long defaultBudget = Math.max(2L * maxContentLength, Math.min(256L << 20, Runtime.getRuntime().maxMemory() / 4));
    maxBufferedBytes = ByteSize.parse("maxBufferedBytes", ctx.getString("maxBufferedBytes",
        Long.toString(defaultBudget)), 2L * maxContentLength, 1L << 60);
    limits = new BodyLimits(
        (int) ByteSize.parse("maxDecompressedLength", ctx.getString("maxDecompressedLength",
            Integer.toString(16 << 20)), 1024, MAX_BYTES),
        (int) between("maxEventsPerRequest", ctx.getString("maxEventsPerRequest", "100000"), 1, MAX_BYTES),
        (int) ByteSize.parse("maxEventSize", ctx.getString("maxEventSize", Integer.toString(1 << 20)), 16, MAX_BYTES),
        (int) between("maxNestingDepth", ctx.getString("maxNestingDepth", "64"), 1, 1000));
    threads = (int) between("threads", ctx.getString("threads",
        Integer.toString(Math.min(MAX_THREADS, Runtime.getRuntime().availableProcessors()))), 1, MAX_THREADS);
    maxConnections = (int) between("maxConnections", ctx.getString("maxConnections", "256"), 1, MAX_CONNECTIONS);
    maxConnectionsPerIp = (int) between("maxConnectionsPerIp", ctx.getString("maxConnectionsPerIp", "64"),
        1, MAX_CONNECTIONS);
    connectionRatePerIp = Limits.optionalSetting("connectionRatePerIp",
        ctx.getString("connectionRatePerIp", "20/s burst 20").trim());
    preAuthLimit = Limits.optionalSetting("preAuthLimit", ctx.getString("preAuthLimit", "none").trim());
    shared = RedisSettings.read(ctx::getString);
    healthFillThreshold = ConfigValues.fraction("health.fillThreshold",
        ctx.getString("health.fillThreshold", "90%").trim());
    trustedProxies = TrustedProxies.parse("trustedProxies", ctx.getString("trustedProxies", "none"));
    idleTimeout = ConfigValues.timer("idleTimeout", ctx.getString("idleTimeout", "60s"));
    requestTimeout = ConfigValues.timer("requestTimeout", ctx.getString("requestTimeout", "30s"));
    configureSsl(ctx);
    tls = isSslEnabled() ? TlsSettings.of(this, ctx) : null;
    if (tls != null) {
      tls.build(); // a bad keystore is refused now, naming its key
    }
  }

  private static HecAcks.Settings ackSettings(Context ctx) {
    String on = ctx.getString("ack.completeOn", "sink").trim();
    HecAcks.CompleteOn completeOn = switch (on.toLowerCase(Locale.ROOT)) {
      case "sink" -> HecAcks.CompleteOn.SINK;
      case "channel" -> HecAcks.CompleteOn.CHANNEL;
      default -> throw ConfigValues.invalid("ack.completeOn", on, "sink or channel");
    };
    Duration ttl = duration("ack.ttl", ctx.getString("ack.ttl", "10m").trim());
    if (ttl.compareTo(Duration.ofSeconds(1)) < 0) {
      throw ConfigValues.invalid("ack.ttl", ctx.getString("ack.ttl"), "at least 1s");
    }
    Duration drain = duration("ack.drainTimeout", ctx.getString("ack.drainTimeout", "10s").trim());
    return new HecAcks.Settings(completeOn, ttl,
        (int) between("ack.maxChannels", ctx.getString("ack.maxChannels", "1000"), 1, MAX_CONNECTIONS),
        (int) between("ack.maxPendingPerChannel", ctx.getString("ack.maxPendingPerChannel", "1000"), 1, MAX_CONNECTIONS),
        drain);
  }

  /** Flume refuses a channel whose {@code transactionCapacity} is below this. */
  @Override
  public long getBatchSize() {
    return batchSize;
  }

  @Override
  public synchronized void start() {
    SslContext ssl = tls == null ? null : tls.build();
    List<String> channels = getChannelProcessor().getSelector().getAllChannels().stream()
        .map(org.apache.flume.Channel::getName).toList();
    HecServer.Settings settings = new HecServer.Settings(host, port, threads, maxConnections, maxConnectionsPerIp,
        connectionRatePerIp, idleTimeout, requestTimeout, maxContentLength, maxBufferedBytes, ssl, preAuthLimit,
        new ChannelFill(channels, 100 * healthFillThreshold), trustedProxies, shared);
    metrics = new SourceMetrics(getName(), SourceMetrics.Kind.CONNECTIONS);
    delivery = new Delivery(getName(), getChannelProcessor(), metrics, Delivery.Retries.BATCH_RESENT); // a client resends it whole
    if (ackSettings != null) {
      acks = new HecAcks(ackSettings, Clock.SYSTEM);
      metrics.gauge("acks.pending", acks::pending);
      metrics.gauge("acks.completed", acks::completed);
      metrics.gauge("acks.expired", acks::expired);
      metrics.gauge("acks.channels", acks::channels);
    }
    try {
      server = HecServer.bind(getName(), settings, tokens, limits, batchSize, delivery, metrics, acks);
    } catch (RuntimeException e) {
      delivery.close();
      closeAcks();
      metrics.stop();
      throw new FlumeException("Source " + getName() + ": cannot listen for HEC on " + host + ":" + port
          + ": " + e.getMessage(), e);
    }
    if (tokensFile != null) {
      Counter reloads = SluiceMetrics.registry().counter("source." + getName() + ".tokens.reloads");
      Counter failures = SluiceMetrics.registry().counter("source." + getName() + ".tokens.reloadFailures");
      server.every(TOKENS_FILE_CHECK, () -> reloadTokens(reloads, failures));
    }
    metrics.start();
    super.start();
  }

  /** Takes the tokens file's new content, if it changed and is right; else keeps the tokens in use. */
  private void reloadTokens(Counter reloads, Counter failures) {
    try {
      HecTokens changed = tokensFile.loadIfChanged();
      if (changed != null) {
        server.tokens(changed);
        reloads.inc();
        LOG.info("Source {}: tokens reloaded from {}: {}", getName(), tokensFile.path(),
            changed.tokens().stream().map(HecToken::name).toList());
      }
    } catch (IOException | IllegalArgumentException e) {
      failures.inc();
      LOG.error("Source {}: {} changed but cannot be used; the tokens in use stay until it is"
          + " fixed: {}", getName(), tokensFile.path(), e.getMessage());
    }
  }

  @Override
  public synchronized void stop() {
    if (server != null) {
      if (acks != null) {
        drainAcks();
      }
      server.close();
      server = null;
      delivery.close();
      closeAcks();
      metrics.stop();
    }
    super.stop();
  }

  /**
   * Takes no more events, and waits up to {@code ack.drainTimeout} for the clients to collect the
   * acks they were given (Flume stops sources before sinks, so pending ones can still complete):
   * a client that learns its request was delivered does not send it again after the restart.
   */
  private void drainAcks() {
    server.drain();
    long deadline = System.nanoTime() + ackSettings.drainTimeout().toNanos();
    while (!acks.settled() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    if (!acks.settled()) {
      LOG.info("Source {}: stopping with {} acks pending or not yet queried; their clients will send"
          + " those requests again", getName(), acks.pending());
    }
  }

  private void closeAcks() {
    if (acks != null) {
      acks.close();
      acks = null;
    }
  }
}
