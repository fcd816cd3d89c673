package io.sluice.channel;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.Histogram;
import com.codahale.metrics.MetricRegistry;
import io.sluice.channel.CheckpointFormat.Entry;
import io.sluice.core.Disposition;
import io.sluice.core.Headers;
import io.sluice.core.metrics.SluiceMetrics;
import io.sluice.core.pipeline.DeferredRoom;
import io.sluice.core.pipeline.ImmediateCommit;
import io.sluice.core.pipeline.TakeNow;
import io.sluice.core.time.Clock;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flume.ChannelException;
import org.apache.flume.ChannelFullException;
import org.apache.flume.Context;
import org.apache.flume.Event;
import org.apache.flume.Transaction;
import org.apache.flume.channel.AbstractChannel;
import org.apache.flume.conf.TransactionCapacitySupported;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bounded in-memory channel on an LMAX Disruptor ring, with a deferred lane that holds {@code
 * batched} events until their {@code sluice.releaseAt} (read once, at the put, then held by the
 * monotonic clock: see {@link DueTimes}), and never longer than {@code deferred.maxHold}.
 *
 * <p>Flume's transaction semantics: puts are staged per transaction and published at commit,
 * taken events go back to the head in their order on rollback, a commit that finds no room within
 * {@code keep-alive} seconds fails with {@link ChannelFullException}. As in MemoryChannel, a
 * transaction's takes make room for its puts (per lane: {@link EventStore#commit}).
 *
 * <p>Like MemoryChannel, nothing in it survives a crash. With {@code checkpointDir} set, the events
 * held when the channel stops are written to disk and delivered after the next start, once.
 *
 * <p>Sources that must not wait (Netty I/O threads) commit with {@link #commitImmediately}, which
 * fails at once rather than waiting {@code keep-alive} for room.
 */
public class DisruptorChannel extends AbstractChannel
    implements TransactionCapacitySupported, ImmediateCommit, DeferredRoom, TakeNow {

  private static final Logger LOG = LoggerFactory.getLogger(DisruptorChannel.class);

  private EventStore<Event> store; // created by the first configure(); the ring is never resized
  private volatile int transactionCapacity;
  private volatile long keepAliveNanos;
  private volatile long maxHoldMillis;
  private Path checkpointDir;
  // From start to stop, with checkpointDir: the lock and the checkpoint. @GuardedBy("this")
  private CheckpointSession session;
  // What this instance wrote at its last stop; its events are still in memory. @GuardedBy("this")
  private Checkpoint writtenAtStop;
  private Clock clock = Clock.SYSTEM;
  private DueTimes dueTimes; // created with the store, on the channel's clock
  private ClampReport clamps;

  private StripedChannelCounter counter;
  private String prefix;
  private Histogram deferredLag;
  // Each thread's transaction, kept from one to the next (ThreadTransaction).
  private final ThreadLocal<DisruptorTransaction> transactions = new ThreadLocal<>();

  /** For tests, before the first configure(): the clock deciding when deferred events are due. */
  void setClock(Clock clock) {
    this.clock = clock;
  }

  @Override
  public synchronized void configure(Context ctx) {
    super.configure(ctx);
    ChannelSettings s = ChannelSettings.parse(ctx, store == null ? 0 : store.ringSize(),
        Runtime.getRuntime().maxMemory());
    if (store == null) {
      if (s.ringSize() != s.capacity()) {
        LOG.info("Channel {}: capacity {} rounded up to {} (the ring's size is a power of two)",
            getName(), s.capacity(), s.ringSize());
      }
      store = new EventStore<>(s.ringSize(), s.deferredCapacity(), s.maxLagMillis(), clock);
      dueTimes = new DueTimes(clock, getName());
      clamps = new ClampReport(clock, getName());
    } else {
      // Flume reconfigures a running channel in place: apply what can change, refuse the rest.
      if (s.ringSize() != store.ringSize()) {
        LOG.warn("Channel {}: capacity stays {}: a running ring cannot be resized"
            + " (restart the agent to use {})", getName(), store.ringSize(), s.capacity());
      }
      store.setDeferredCapacity(s.deferredCapacity());
      store.setMaxLagMillis(s.maxLagMillis());
    }
    transactionCapacity = s.transactionCapacity();
    keepAliveNanos = s.keepAliveNanos();
    maxHoldMillis = s.maxHoldMillis();
    Path dir = s.checkpointDir();
    if (checkpointDir != null && !checkpointDir.equals(dir)) {
      LOG.warn("Channel {}: checkpointDir changed from {} to {} (from the next start)", getName(),
          checkpointDir, dir);
    }
    checkpointDir = dir;
    if (counter == null) {
      counter = new StripedChannelCounter(getName(), () -> store.held());
    }
  }

  @Override
  public synchronized void start() {
    if (checkpointDir != null) {
      CheckpointSession begun = CheckpointSession.begin(checkpointDir, getName(), clock);
      try {
        restoreFrom(begun);
      } catch (RuntimeException | Error e) {
        begun.abandon();
        throw e;
      }
      session = begun;
    } else if (writtenAtStop != null) { // checkpointDir unset by a reload
      discardElsewhere(writtenAtStop);
      writtenAtStop = null;
    }
    counter.start(); // resets every counter, so the capacity is set after it
    counter.setChannelCapacity(store.ringSize() + store.deferredCapacity());
    registerMetrics();
    super.start();
  }

  @Override
  public synchronized void stop() {
    List<Taken<Event>> held = store.snapshot();
    if (session != null) {
      writtenAtStop = session.end(entriesOf(held));
      session = null;
    } else if (!held.isEmpty()) {
      LOG.warn("Channel {}: stopping with {} events in memory ({} deferred); they are lost if the"
              + " agent exits ({})", getName(), held.size(),
          held.stream().filter(Taken::deferred).count(), checkpointDir == null
              ? "set checkpointDir to keep them" : "it did not start, so it holds no checkpoint");
    }
    counter.stop();
    if (prefix != null) {
      SluiceMetrics.removeAll(prefix);
    }
    super.stop();
  }

  /**
   * Takes in the events a previous process left in the checkpoint, once. A channel restarted in
   * this process (Flume's reload) still holds its events in memory: the checkpoint it wrote at its
   * stop is removed first, so they are not restored twice.
   */
  private void restoreFrom(CheckpointSession session) {
    Checkpoint own = writtenAtStop;
    writtenAtStop = null;
    if (own != null) {
      if (session.isMine(own)) {
        if (!session.discard(own)) {
          return; // restoring it would duplicate what is in memory
        }
      } else {
        discardElsewhere(own);
      }
    }
    List<Entry> entries = session.takeOver();
    if (!entries.isEmpty()) {
      store.restore(dueTimesOf(entries));
    }
  }

  /** checkpointDir changed by a reload: what this instance wrote in the old one is stale. */
  private void discardElsewhere(Checkpoint own) {
    try {
      CheckpointLock old = CheckpointLock.acquire(own.dir(), getName());
      try {
        own.delete();
      } finally {
        old.close();
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("Channel {}: cannot remove {}, written at the last stop before checkpointDir"
          + " changed ({}); its events are still in memory, and a channel started on that"
          + " directory would deliver them again", getName(), own.file(), e.toString());
    }
  }

  /** The held events with their due times as wall-clock epoch ms, as a checkpoint keeps them. */
  private List<Entry> entriesOf(List<Taken<Event>> held) {
    DueTimes.Reading now = dueTimes.readChecked(maxHoldMillis);
    List<Entry> out = new ArrayList<>(held.size());
    for (Taken<Event> t : held) {
      out.add(new Entry(t.event(), t.deferred(), t.deferred() ? now.epochMillis(t.dueMillis()) : 0));
    }
    return out;
  }

  /**
   * The events of a checkpoint with monotonic due times: those due while the agent was down are
   * due now, and none is held longer than {@code deferred.maxHold} from now.
   */
  private List<Taken<Event>> dueTimesOf(List<Entry> entries) {
    DueTimes.Reading now = dueTimes.readChecked(maxHoldMillis);
    List<Taken<Event>> out = new ArrayList<>(entries.size());
    int clamped = 0;
    long ahead = 0;
    for (Entry e : entries) {
      if (!e.deferred()) {
        out.add(Taken.express(e.event()));
        continue;
      }
      if (now.beyondMaxHold(e.releaseAtMillis())) {
        clamped++;
        ahead = e.releaseAtMillis() - now.epochMillis(now.nowMillis());
      }
      out.add(Taken.deferred(e.event(), now.dueMillis(e.releaseAtMillis())));
    }
    if (clamped > 0) {
      clamps.count(clamped, ahead, maxHoldMillis);
    }
    return out;
  }

  private void registerMetrics() {
    prefix = "channel." + getName();
    SluiceMetrics.removeAll(prefix);
    MetricRegistry r = SluiceMetrics.registry();
    SluiceMetrics.meterOf(prefix + ".put", counter::getEventPutSuccessCount);
    SluiceMetrics.meterOf(prefix + ".take", counter::getEventTakeSuccessCount);
    deferredLag = SluiceMetrics.histogram(prefix + ".deferred.lag", TimeUnit.MILLISECONDS);
    r.register(prefix + ".fill", (Gauge<Double>) counter::getChannelFillPercentage);
    r.register(prefix + ".express.depth", (Gauge<Long>) store::expressDepth);
    r.register(prefix + ".deferred.depth", (Gauge<Long>) store::deferredDepth);
    r.register(prefix + ".deferred.overdue", (Gauge<Long>) store::deferredLagMillis);
    r.register(prefix + ".deferred.clamped", clamps.counter());
  }

  @Override
  public long getTransactionCapacity() {
    return transactionCapacity;
  }

  /**
   * Commits the calling thread's transaction without waiting for room: {@code keep-alive} counts
   * as 0 for this commit only, so a full lane fails it with {@link ChannelFullException} at once.
   */
  @Override
  public void commitImmediately(Transaction tx) {
    if (!(tx instanceof ThreadTransaction.Handle h) || !(h.of() instanceof DisruptorTransaction dt)
        || dt.channel() != this) {
      throw new IllegalArgumentException("Channel " + getName() + ": commitImmediately takes a"
          + " transaction of this channel, not " + tx);
    }
    h.commitImmediately();
  }

  /** The deferred lane's capacity ({@code deferred.capacity}); 0 before configuration. */
  @Override
  public long deferredRoom() {
    EventStore<Event> s = store;
    return s == null ? 0 : s.deferredCapacity();
  }

  /**
   * The calling thread's transaction: the one it got before unless that is closed, else a new one
   * (Flume's rule). Its lists are the thread's, kept from one transaction to the next.
   */
  @Override
  public Transaction getTransaction() {
    DisruptorTransaction t = transactions.get();
    if (t == null) {
      t = new DisruptorTransaction(Thread.currentThread());
      transactions.set(t);
    }
    return t.handOut();
  }

  @Override
  public void put(Event event) {
    thisThreads().put(event);
  }

  /** The next event, waiting up to {@code keep-alive} for one, as MemoryChannel's take does. */
  @Override
  public Event take() {
    return thisThreads().take(true);
  }

  @Override
  public Event takeNow() {
    return thisThreads().take(false);
  }

  private DisruptorTransaction thisThreads() {
    DisruptorTransaction t = transactions.get();
    if (t == null) {
      throw new IllegalStateException("No transaction exists for this thread");
    }
    return t;
  }

  /**
   * One thread's transactions, one after the other: puts staged until commit, takes remembered
   * until commit. A deferred put's label becomes its due time at the put, with one reading of the
   * clocks per transaction.
   */
  private final class DisruptorTransaction extends ThreadTransaction {
    private final List<Event> putNow = new ArrayList<>();
    private final List<Taken<Event>> putLater = new ArrayList<>();
    private DueTimes.Reading clocks; // read by the transaction's first deferred put
    private int clamped; // deferred puts held maxHold rather than their label
    private long clampedAheadMillis; // how far ahead one of them was labelled (for the log)
    private final List<Taken<Event>> taken = new ArrayList<>();
    private int takenDeferred; // how many of taken are from the deferred lane
    private int capacity; // transactionCapacity when the transaction began its life
    private int putAttempts; // counted here, added to the shared counter once per transaction
    private int takeAttempts;

    DisruptorTransaction(Thread owner) {
      super(owner);
    }

    DisruptorChannel channel() {
      return DisruptorChannel.this;
    }

    @Override
    protected void onNew() {
      capacity = transactionCapacity; // a reload applies from the thread's next transaction
    }

    @Override
    protected void doPut(Event event) {
      putAttempts++;
      if (putNow.size() + putLater.size() >= capacity) {
        throw new ChannelException("Put queue for DisruptorChannel " + getName()
            + " transaction is full (transactionCapacity " + capacity + ")");
      }
      long releaseAt = releaseAtOf(event);
      if (releaseAt == Long.MIN_VALUE) {
        putNow.add(event);
      } else {
        putLater.add(Taken.deferred(event, dueMillis(releaseAt)));
      }
    }

    @Override
    protected Event doTake(boolean wait) throws InterruptedException {
      takeAttempts++;
      if (taken.size() >= capacity) {
        throw new ChannelException("Take list for DisruptorChannel " + getName()
            + " transaction is full (transactionCapacity " + capacity + ")");
      }
      Taken<Event> t = store.take(wait ? keepAliveNanos : 0);
      if (t == null) {
        return null;
      }
      taken.add(t);
      if (t.deferred()) {
        takenDeferred++;
      }
      return t.event();
    }

    @Override
    protected void doCommit(boolean immediate) throws InterruptedException {
      int puts = putNow.size() + putLater.size();
      if (puts > 0 || !taken.isEmpty()) {
        long wait = immediate ? 0 : keepAliveNanos;
        try {
          store.commit(putNow, putLater, taken, takenDeferred, wait);
        } catch (EventStore.FullException e) {
          throw new ChannelFullException("Channel " + getName() + " is full: " + e.getMessage()
              + (immediate ? " (committed immediately, without waiting)" : " after waiting "
              + TimeUnit.NANOSECONDS.toSeconds(wait) + " s (keep-alive)")
              + "; the sink is not keeping up");
        }
      }
      if (puts > 0) {
        counter.countPuts(puts);
        if (clamped > 0) {
          clamps.count(clamped, clampedAheadMillis, maxHoldMillis);
        }
      }
      if (!taken.isEmpty()) {
        counter.countTakes(taken.size());
        if (takenDeferred > 0) {
          recordLag();
        }
      }
      clear();
    }

    @Override
    protected void doRollback() {
      store.rollback(taken);
      clear();
    }

    /** The monotonic due time of a deferred put labelled {@code releaseAt} ({@link DueTimes}). */
    private long dueMillis(long releaseAt) {
      DueTimes.Reading now = clocks;
      if (now == null) {
        now = clocks = dueTimes.read(maxHoldMillis);
      }
      if (now.beyondMaxHold(releaseAt)) {
        clamped++;
        clampedAheadMillis = releaseAt - now.epochMillis(now.nowMillis());
      }
      return now.dueMillis(releaseAt);
    }

    /**
     * How late this transaction's most overdue deferred event was taken: one histogram update per
     * commit (Dropwizard's reservoir takes a lock per update), none when it took no deferred one.
     */
    private void recordLag() {
      long earliestDue = Long.MAX_VALUE;
      for (Taken<Event> t : taken) {
        if (t.deferred()) {
          earliestDue = Math.min(earliestDue, t.dueMillis());
        }
      }
      if (earliestDue != Long.MAX_VALUE) {
        deferredLag.update(Math.max(0, store.nowMillis() - earliestDue));
      }
    }

    private void clear() {
      if (putAttempts > 0) {
        counter.countPutAttempts(putAttempts);
      }
      if (takeAttempts > 0) {
        counter.countTakeAttempts(takeAttempts);
      }
      putAttempts = 0;
      takeAttempts = 0;
      putNow.clear();
      putLater.clear();
      clocks = null;
      clamped = 0;
      taken.clear();
      takenDeferred = 0;
    }
  }

  /**
   * The due time of a {@code batched} event, or {@code Long.MIN_VALUE} for an event that goes to
   * the express lane: any other disposition, none at all, or a missing or malformed due time.
   */
  static long releaseAtOf(Event event) {
    java.util.Map<String, String> h = event.getHeaders();
    if (!Disposition.BATCHED.value().equals(h.get(Headers.DISPOSITION))) {
      return Long.MIN_VALUE;
    }
    String at = h.get(Headers.RELEASE_AT);
    if (at == null) {
      return Long.MIN_VALUE;
    }
    try {
      return Long.parseLong(at);
    } catch (NumberFormatException e) {
      return Long.MIN_VALUE;
    }
  }
}
