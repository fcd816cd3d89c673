package io.sluice.source;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import io.sluice.core.metrics.SluiceMetrics;
import io.sluice.source.delivery.Refusal;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Set;
import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.flume.instrumentation.SourceCounter;

/**
 * A source's metrics: Flume's {@link SourceCounter} (received — counted as events are read —,
 * accepted — counted once a batch is in every channel that required it —, channel write failures
 * — one per refused attempt —, open connections) and Sluice's own under {@code source.<name>.*}: {@code bytes}, {@code
 * invalid}, {@code incomplete}, {@code dropped.<reason>}, {@code connections.open}, {@code
 * connections.refused.<reason>}, {@code backpressure.pauses}.
 */
public final class SourceMetrics {

  /** Why an event was dropped: its label is the metric's last part. */
  public enum DropReason {
    FULL("full"),
    REJECTED("rejected"),
    ERROR("error"),
    /** TCP: bytes of an oversize frame past {@code eventSize}, skipped to stay in frame. */
    OVERSIZE("oversize"),
    /** Held by a connection or a reader when the source stopped, and not taken by a last attempt. */
    STOPPED("stopped"),
    /** An event a channel (or an interceptor) could never take, while it took others. */
    POISON("poison");

    private final String label;

    DropReason(String label) {
      this.label = label;
    }
  }

  /** Why a connection was refused or closed by the source. */
  public enum ConnectionRefusal {
    TOO_MANY("maxConnections"),
    TOO_MANY_FROM_IP("maxConnectionsPerIp"),
    RATE("connectionRate"),
    IDLE("idleTimeout"),
    FRAME_TIMEOUT("frameTimeout"),
    TLS("tls");

    private final String label;

    ConnectionRefusal(String label) {
      this.label = label;
    }
  }

  private final String prefix;
  private final SourceCounter counter;
  private final Counter bytes;
  private final Counter invalid;
  private final Counter incomplete;
  private final Counter pauses; // null for a source without connections
  private final Map<DropReason, Counter> dropped = new EnumMap<>(DropReason.class);
  private final Map<ConnectionRefusal, Counter> refused = new EnumMap<>(ConnectionRefusal.class);

  /**
   * What a kind of source can count: only metrics that can move are registered (a UDP source has
   * no connections; a TCP source never drops what the channels refuse, it pushes back).
   */
  public enum Kind {
    /** Datagrams: dropped by reason, never pushed back. */
    DATAGRAMS(EnumSet.of(DropReason.FULL, DropReason.REJECTED, DropReason.ERROR,
        DropReason.STOPPED, DropReason.POISON), false),
    /** Connections: pushed back, so only what a stop leaves, poison and oversize tails are dropped. */
    CONNECTIONS(EnumSet.of(DropReason.OVERSIZE, DropReason.STOPPED, DropReason.POISON), true);

    private final Set<DropReason> drops;
    private final boolean connections;

    Kind(Set<DropReason> drops, boolean connections) {
      this.drops = drops;
      this.connections = connections;
    }
  }

  public SourceMetrics(String sourceName, Kind kind) {
    this.prefix = "source." + sourceName;
    this.counter = new SourceCounter(sourceName);
    SluiceMetrics.removeAll(prefix); // a reload builds a new source under the same name
    MetricRegistry r = SluiceMetrics.registry();
    bytes = r.counter(prefix + ".bytes");
    invalid = r.counter(prefix + ".invalid");
    incomplete = r.counter(prefix + ".incomplete");
    pauses = kind.connections ? r.counter(prefix + ".backpressure.pauses") : null;
    for (DropReason why : kind.drops) {
      dropped.put(why, r.counter(prefix + ".dropped." + why.label));
    }
    if (kind.connections) {
      for (ConnectionRefusal why : ConnectionRefusal.values()) {
        refused.put(why, r.counter(prefix + ".connections.refused." + why.label));
      }
    }
  }

  public void start() {
    counter.start();
  }

  public void stop() {
    counter.stop();
    SluiceMetrics.removeAll(prefix);
  }

  /** Registers a gauge under this source's prefix ({@code source.<name>.<metric>}). */
  public void gauge(String metric, LongSupplier value) {
    SluiceMetrics.registry().register(prefix + "." + metric, (Gauge<Long>) value::getAsLong);
  }

  /** A new tally of messages received, for one I/O thread. */
  public Tally tally() {
    return new Tally();
  }

  /**
   * Counts of messages read by one I/O thread, added to the source's counters by {@link #flush()}
   * (once a batch). Counters shared by several threads and written for every message cost a cache
   * line transfer each time: with two readers that was a tenth of the source's CPU.
   */
  public final class Tally {
    private long events;
    private long bytes;
    private long invalid;
    private long incomplete;

    private Tally() {}

    /** A message read off the wire: {@code n} bytes, and whether it parsed and fitted. */
    public void received(int n, boolean isInvalid, boolean isIncomplete) {
      events++;
      bytes += n;
      if (isInvalid) {
        invalid++;
      }
      if (isIncomplete) {
        incomplete++;
      }
    }

    /** Adds what was counted since the last flush to the source's counters. */
    public void flush() {
      if (events != 0) {
        counter.addToEventReceivedCount(events);
        events = 0;
      }
      if (bytes != 0) {
        SourceMetrics.this.bytes.inc(bytes);
        bytes = 0;
      }
      if (invalid != 0) {
        SourceMetrics.this.invalid.inc(invalid);
        invalid = 0;
      }
      if (incomplete != 0) {
        SourceMetrics.this.incomplete.inc(incomplete);
        incomplete = 0;
      }
    }
  }

  /** A batch is on its way to the channels (its events were counted as received when read). */
  public void batchOffered() {
    counter.incrementAppendBatchReceivedCount();
  }

  /** A batch of {@code n} events is in every channel that required it. */
  public void accepted(int n) {
    counter.addToEventAcceptedCount(n);
    counter.incrementAppendBatchAcceptedCount();
  }

  /** An attempt to deliver a batch was refused (Flume's ChannelWriteFail). */
  public void refused() {
    counter.incrementChannelWriteFail();
  }

  /**
   * Counts {@code n} events (or, for {@link DropReason#OVERSIZE}, bytes) dropped for {@code why}.
   *
   * @throws IllegalArgumentException for a reason this kind of source does not count: a bug
   */
  public void dropped(DropReason why, long n) {
    Counter c = dropped.get(why);
    if (c == null) {
      throw new IllegalArgumentException(prefix + " does not drop for " + why.label);
    }
    c.inc(n);
  }

  public void dropped(Refusal why, long n) {
    dropped(switch (why) {
      case FULL -> DropReason.FULL;
      case REJECTED -> DropReason.REJECTED;
      case ERROR -> DropReason.ERROR;
    }, n);
  }

  public void paused() {
    pauses.inc();
  }

  public void connectionRefused(ConnectionRefusal why) {
    refused.get(why).inc();
  }

  /** The metrics registered for this source, their names without the {@code source.<name>.} prefix. */
  public java.util.SortedSet<String> names() {
    java.util.SortedSet<String> out = new java.util.TreeSet<>();
    for (String n : SluiceMetrics.registry().getNames()) {
      if (n.startsWith(prefix + ".")) {
        out.add(n.substring(prefix.length() + 1));
      }
    }
    return out;
  }

  public void openConnections(long n) {
    counter.setOpenConnectionCount(n);
  }

  public long droppedCount(DropReason why) {
    Counter c = dropped.get(why);
    return c == null ? 0 : c.getCount();
  }
}
