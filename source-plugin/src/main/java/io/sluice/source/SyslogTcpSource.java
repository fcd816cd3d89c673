package io.sluice.source;

import static io.sluice.core.config.ConfigValues.between;

import io.netty.handler.ssl.SslContext;
import io.sluice.core.config.ConfigValues;
import io.sluice.core.limit.Limits;
import io.sluice.core.limit.Rate;
import io.sluice.core.limit.redis.RedisSettings;
import io.sluice.source.syslog.Framing;
import io.sluice.source.tcp.TcpServer;
import io.sluice.source.tcp.TlsSettings;
import java.time.Duration;
import java.util.List;
import org.apache.flume.Context;
import org.apache.flume.EventDrivenSource;
import org.apache.flume.conf.BatchSizeSupported;
import org.apache.flume.conf.Configurable;
import org.apache.flume.source.SslContextAwareAbstractSource;

/**
 * Syslog over TCP (RFC 6587) and TLS (RFC 5425): octet-counted and LF/NUL-terminated frames,
 * detected per frame ({@code framing = auto}) or fixed; RFC 5424 and RFC 3164 parsing; edge limits
 * on connections; and backpressure: when the channels refuse a batch (full, or the interceptor's
 * {@code reject}), that connection stops reading until they take it. Nothing read is dropped for
 * lack of room.
 *
 * <p>TLS takes Flume's keys ({@code ssl}, {@code keystore}, {@code keystore-password}, {@code
 * keystore-type}, {@code include-/exclude-protocols}, {@code include-/exclude-cipher-suites}), plus
 * {@code client-auth} and {@code truststore}, {@code truststore-password}, {@code truststore-type}
 * for client certificates.
 */
public class SyslogTcpSource extends SslContextAwareAbstractSource
    implements EventDrivenSource, Configurable, BatchSizeSupported {

  /** Default {@code eventSize}: RFC 5425's "SHOULD be able to process 8192 octets". */
  public static final int DEFAULT_EVENT_SIZE = 8192;
  public static final int MAX_EVENT_SIZE = 1 << 20;

  /** Most reader threads, connections: far beyond what one agent serves, and no int overflow. */
  static final int MAX_READERS = 64;
  static final int MAX_CONNECTIONS = 1_000_000;

  private SyslogSourceSettings settings;
  private Framing framing;
  private int threads;
  private int maxConnections;
  private int maxConnectionsPerIp;
  private List<Rate> connectionRatePerIp;
  private RedisSettings shared;
  private Duration idleTimeout;
  private Duration frameTimeout;
  private TlsSettings tls;
  private Listening listening;

  @Override
  public void configure(Context ctx) {
    settings = SyslogSourceSettings.of(ctx, DEFAULT_EVENT_SIZE, MAX_EVENT_SIZE);
    try {
      framing = Framing.ofConfig(ctx.getString("framing", "auto"));
    } catch (IllegalArgumentException e) {
      throw ConfigValues.invalid("framing", ctx.getString("framing"), "auto, octet or lf");
    }
    threads = (int) between("readers", ctx.getString("readers",
        Integer.toString(Math.min(MAX_READERS, Runtime.getRuntime().availableProcessors()))), 1, MAX_READERS);
    String rate = ctx.getString("connectionRatePerIp", "10/s burst 10").trim();
    connectionRatePerIp = Limits.optionalSetting("connectionRatePerIp", rate);
    shared = RedisSettings.read(ctx::getString);
    maxConnections = (int) between("maxConnections", ctx.getString("maxConnections", "1000"), 1, MAX_CONNECTIONS);
    maxConnectionsPerIp = (int) between("maxConnectionsPerIp", ctx.getString("maxConnectionsPerIp", "100"),
        1, MAX_CONNECTIONS);
    idleTimeout = ConfigValues.timer("idleTimeout", ctx.getString("idleTimeout", "10m"));
    frameTimeout = ConfigValues.timer("frameTimeout", ctx.getString("frameTimeout", "30s"));
    configureSsl(ctx);
    tls = isSslEnabled() ? TlsSettings.of(this, ctx) : null;
    if (tls != null) {
      tls.build(); // refuse a bad keystore now, with the key's name, not at the first connection
    }
  }

  /** Flume refuses a channel whose {@code transactionCapacity} is below this. */
  @Override
  public long getBatchSize() {
    return settings.batchSize();
  }

  @Override
  public synchronized void start() {
    SslContext sslContext = tls == null ? null : tls.build();
    TcpServer.Settings s = new TcpServer.Settings(settings.host(), settings.port(), threads, framing,
        settings.eventSize(), settings.batchSize(), maxConnections, maxConnectionsPerIp,
        connectionRatePerIp, idleTimeout, frameTimeout, sslContext, shared);
    listening = Listening.open(getName(), "TCP", SourceMetrics.Kind.CONNECTIONS, settings,
        getChannelProcessor(), (events, delivery, metrics) -> TcpServer.bind(getName(), s, events, delivery, metrics));
    super.start();
  }

  @Override
  public synchronized void stop() {
    if (listening != null) {
      listening.close();
      listening = null;
    }
    super.stop();
  }
}
