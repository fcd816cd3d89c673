package io.sluice.source;

import io.sluice.core.config.ByteSize;
import io.sluice.core.config.ConfigValues;
import io.sluice.source.net.Transport;
import io.sluice.source.udp.UdpReaders;
import org.apache.flume.Context;
import org.apache.flume.EventDrivenSource;
import org.apache.flume.conf.BatchSizeSupported;
import org.apache.flume.conf.Configurable;
import org.apache.flume.source.AbstractSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Syslog over UDP (RFC 5426): one message per datagram, up to 65507 bytes, parsed as RFC 5424 or
 * RFC 3164, handed to the channels in batches. With Netty's native epoll transport, {@code readers}
 * sockets share the port (SO_REUSEPORT) and the kernel spreads senders over them.
 *
 * <p>UDP has no backpressure: what the channels refuse is dropped and counted per reason ({@code
 * source.<name>.dropped.*}), and so is what the kernel drops for a full receive buffer ({@code
 * source.<name>.dropped.kernel}).
 */
public class SyslogUdpSource extends AbstractSource
    implements EventDrivenSource, Configurable, BatchSizeSupported {

  private static final Logger LOG = LoggerFactory.getLogger(SyslogUdpSource.class);

  /** The largest UDP payload over IPv4 (65535 − 8 − 20). */
  public static final int MAX_DATAGRAM = 65507;

  private SyslogSourceSettings settings;
  private int readers;
  private int receiveBufferBytes;
  private Listening listening;

  /** The token-bucket interceptor's builder, as users name it after {@code .type =}. */
  static final String TOKEN_BUCKET_BUILDER = "io.sluice.interceptor.TokenBucketInterceptor$Builder";

  @Override
  public void configure(Context ctx) {
    refuseRejectingInterceptors(ctx);
    settings = SyslogSourceSettings.of(ctx, MAX_DATAGRAM, MAX_DATAGRAM);
    int dfltReaders = Transport.isEpoll() ? Math.min(4, Runtime.getRuntime().availableProcessors()) : 1;
    readers = (int) ConfigValues.atLeast("readers",
        ctx.getString("readers", Integer.toString(dfltReaders)), 1);
    if (readers > 64) {
      throw ConfigValues.invalid("readers", Integer.toString(readers), "at most 64");
    }
    if (readers > 1 && !Transport.isEpoll()) {
      LOG.warn("Source {}: readers = {} needs the epoll transport, which is not available here ({});"
          + " using 1", getName(), readers, Transport.describe());
      readers = 1;
    }
    receiveBufferBytes = (int) ByteSize.parse("receiveBufferBytes",
        ctx.getString("receiveBufferBytes", Integer.toString(8 << 20)), 65536, Integer.MAX_VALUE);
  }

  /**
   * {@code throttled = reject} asks the source to push the sender back; UDP has no way to, so the
   * whole batch would be dropped for one throttled event. Refused here rather than found out in
   * production. (The interceptors' keys are in the source's own context: Flume configures the
   * source and its channel processor from the same one.)
   */
  private static void refuseRejectingInterceptors(Context ctx) {
    for (String name : ctx.getString("interceptors", "").trim().split("\\s+")) {
      if (name.isEmpty()) {
        continue;
      }
      String prefix = "interceptors." + name + ".";
      String type = ctx.getString(prefix + "type", "").trim();
      String throttled = ctx.getString(prefix + "throttled", "").trim();
      if (type.equals(TOKEN_BUCKET_BUILDER) && throttled.equalsIgnoreCase("reject")) {
        throw ConfigValues.invalid(prefix + "throttled", throttled, "drop or keep on a UDP source:"
            + " UDP cannot push back on its senders, so a rejected batch could only be dropped"
            + " whole (use drop, keep with a quarantine channel, or a TCP source)");
      }
    }
  }

  /** Flume refuses a channel whose {@code transactionCapacity} is below this. */
  @Override
  public long getBatchSize() {
    return settings.batchSize();
  }

  @Override
  public synchronized void start() {
    listening = Listening.open(getName(), "UDP", SourceMetrics.Kind.DATAGRAMS, settings,
        getChannelProcessor(), (events, delivery, metrics) -> UdpReaders.bind(getName(), settings, readers,
            receiveBufferBytes, events, delivery, metrics));
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
