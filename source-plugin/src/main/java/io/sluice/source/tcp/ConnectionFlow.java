package io.sluice.source.tcp;

import io.sluice.source.SourceMetrics;
import io.sluice.source.delivery.Delivery;
import io.sluice.source.delivery.Outcome;
import io.sluice.source.delivery.Refusal;
import io.sluice.source.delivery.Shipment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.apache.flume.Event;

/**
 * A connection's events on their way into the channels, and the push-back on its reading.
 *
 * <p>Events come from the connection's {@link Reader} in order and go out in batches of at most
 * {@code batchSize} (one transaction each), while the next ones fill. What is pending when the
 * last hand-over comes back goes in one hand-over: its batches, up to {@value #MAX_SHIPMENTS}, are
 * attempted one after the other, in order, up to the first refused, and the rest wait at the head
 * again. The reader may cut more bytes into events only while fewer than {@link #readAhead()}
 * events wait, and reads the socket only while this flow is {@link State#READING}: a connection
 * thus holds what is under way and that many events, plus what its reader has read and not cut.
 *
 * <p>Why read ahead, and hand batches over together: with Flume's default batch of 100, a reader
 * allowed one batch ahead stopped after every 100 events until the batch under way came back, so
 * the I/O thread and the delivery thread took turns, each waking the other for every batch
 * (measured: the wake-ups and context switches were a quarter of the agent's CPU). Up to {@value
 * #READ_AHEAD_EVENTS} events ahead keep the I/O thread cutting while batches are delivered, and
 * the batches cut meanwhile go in one hand-over. So that many connections cannot hold that much
 * each, connections share {@value #READ_AHEAD_BUDGET} events of read-ahead: with more than {@code
 * READ_AHEAD_BUDGET / READ_AHEAD_EVENTS} open, each reads ahead its share, and never less than
 * one batch (as before).
 *
 * <p>States, in one field:
 *
 * <pre>
 *   READING ──refused──▶ PAUSED ──retry accepted──▶ READING
 *      │                   │
 *      └──── closed ───────┴──▶ DRAINING ──all delivered──▶ FINISHED
 *   any ──source stops──▶ ABANDONED ──last attempt──▶ FINISHED (what is left counted as lost)
 * </pre>
 *
 * A refused shipment is tried again after the interceptor's advised time (a push-back) or a backoff
 * from {@value #FIRST_BACKOFF_MILLIS} ms to {@value #MAX_BACKOFF_MILLIS} ms (a full channel). A
 * shipment the interceptors pushed back was not decided, so its events go back to the head of the
 * next batch, and batches halve (down to one event) until the interceptor takes them: a batch
 * larger than the limit's burst would otherwise be refused forever. Once decided, a shipment is
 * retried as it is, each channel's share committed once.
 *
 * <p>A connection closed while it holds events is DRAINING: what it holds is delivered at the
 * channels' pace, and its connection slot (counted against {@code maxConnections} and {@code
 * maxConnectionsPerIp}) is freed only then, so that connecting, being pushed back and closing in
 * a loop cannot pile up held events beyond those limits.
 *
 * <p>Confined to the connection's I/O thread: every method, and the outcome of each attempt, runs
 * there.
 */
final class ConnectionFlow {

  /** Events a connection may hold beyond the batch under way, when its batches are smaller. */
  static final int READ_AHEAD_EVENTS = 1000;

  /** Events of read-ahead beyond one batch that a source's connections share. */
  static final int READ_AHEAD_BUDGET = 65_536;

  /** Batches handed to the delivery thread at once, attempted one after the other. */
  static final int MAX_SHIPMENTS = 16;

  static final long FIRST_BACKOFF_MILLIS = 50;
  static final long MAX_BACKOFF_MILLIS = 1000;

  enum State { READING, PAUSED, DRAINING, ABANDONED, FINISHED }

  /** What the flow needs of its connection's reader. */
  interface Reader {
    /** The flow's wish for events changed: cut what is held if there is room, read or not. */
    void flowChanged();

    /** The connection is closed and every byte read from it has been cut into events. */
    boolean exhausted();

    /** The source stops: cut everything held now, the open frame as an Incomplete event. */
    void cutAllAndClose();
  }

  /** Hears of flows ending, and of connections closing while they still hold events. */
  interface Registry {
    void started(ConnectionFlow flow);

    /** Flows started and not finished (read often: a plain volatile read). */
    int open();

    void draining(ConnectionFlow flow);

    /** The flow is over; {@code wasDraining} when it ended after its connection had closed. */
    void finished(ConnectionFlow flow, boolean wasDraining);
  }

  private final Delivery delivery;
  private final int batchSize;
  private final Scheduler scheduler;
  private final Executor loop;
  private final Reader reader;
  private final SourceMetrics metrics;
  private final Registry registry;
  private final Runnable releaseSlot;

  private State state = State.READING;
  private List<Event> pending;
  // Under way (attempted in order, one hand-over for all), or one refused and waiting for its
  // retry; null when none.
  private List<Shipment> shipments;
  private boolean attempting;
  private Scheduler.Cancellable retry;
  private long backoffMillis = FIRST_BACKOFF_MILLIS;
  private int batchLimit;
  private CompletableFuture<Integer> stopped; // set when the source stops: events lost
  private volatile int held; // events held, readable from any thread (for the stop's count)

  ConnectionFlow(Delivery delivery, int batchSize, Scheduler scheduler, Executor loop, Reader reader,
      SourceMetrics metrics, Registry registry, Runnable releaseSlot) {
    this.delivery = delivery;
    this.batchSize = batchSize;
    this.scheduler = scheduler;
    this.loop = loop;
    this.reader = reader;
    this.metrics = metrics;
    this.registry = registry;
    this.releaseSlot = releaseSlot;
    this.batchLimit = batchSize;
    this.pending = new ArrayList<>(batchSize);
    registry.started(this);
  }

  /** The connection's I/O thread, where every method of this flow is called. */
  Executor executor() {
    return loop;
  }

  State state() {
    return state;
  }

  /** Whether the reader may cut more events: fewer than {@link #readAhead()} wait. */
  boolean room() {
    return state != State.FINISHED && pending.size() < readAhead();
  }

  /** Events the reader may cut ahead of the batch under way: this connection's share. */
  private int readAhead() {
    int share = READ_AHEAD_BUDGET / Math.max(1, registry.open());
    return Math.max(batchSize, Math.min(READ_AHEAD_EVENTS, share));
  }

  /** Whether the reader should read the socket. */
  boolean wantsBytes() {
    return state == State.READING && pending.size() < readAhead();
  }

  /** Events held: under way, refused, or waiting for the next batch. */
  int held() {
    return held;
  }

  /** A new event, in the connection's order. */
  void add(Event e) {
    if (state == State.FINISHED) {
      metrics.dropped(SourceMetrics.DropReason.STOPPED, 1); // nothing is read after the end; if it were, counted
      return;
    }
    pending.add(e);
    held++;
    if (pending.size() >= batchLimit && state != State.ABANDONED) {
      ship();
    }
  }

  /** The end of a read: what is pending goes now, not when the batch fills. */
  void endOfRead() {
    ship();
  }

  /** The connection closed; what is held is delivered before its slot is freed. */
  void closed() {
    if (state == State.ABANDONED || state == State.FINISHED) {
      return; // the source's stop closed it, and goes on with what is held
    }
    if (state == State.READING || state == State.PAUSED) {
      state = State.DRAINING;
      registry.draining(this);
    }
    ship();
    finishIfDrained();
  }

  /** The reader has cut its last bytes after the connection closed. */
  void endOfInput() {
    ship();
    finishIfDrained();
  }

  /** Ships what is pending, in batches of at most {@code batchLimit}, up to {@value #MAX_SHIPMENTS}. */
  private void ship() {
    if (shipments != null || retry != null || pending.isEmpty() || state == State.FINISHED) {
      return;
    }
    List<Shipment> next = new ArrayList<>(Math.min(MAX_SHIPMENTS, pending.size() / batchLimit + 1));
    int from = 0;
    while (from < pending.size() && next.size() < MAX_SHIPMENTS) {
      int to = Math.min(pending.size(), from + batchLimit);
      next.add(delivery.shipment(new ArrayList<>(pending.subList(from, to))));
      metrics.batchOffered();
      from = to;
    }
    if (from == pending.size()) {
      pending = new ArrayList<>(batchSize);
    } else {
      pending.subList(0, from).clear();
    }
    shipments = next;
    attempt();
  }

  private void attempt() {
    attempting = true;
    delivery.attemptInOrder(shipments, loop, this::attempted);
  }

  private void attempted(List<Outcome> outcomes) {
    attempting = false;
    int accepted = 0;
    while (accepted < outcomes.size() && outcomes.get(accepted).accepted()) {
      held -= shipments.get(accepted).size();
      accepted++;
    }
    if (accepted > 0) {
      backoffMillis = FIRST_BACKOFF_MILLIS;
      batchLimit = (int) Math.min(batchSize, 2L * batchLimit);
    }
    if (accepted == shipments.size()) {
      shipments = null;
      if (state == State.ABANDONED) {
        lastAttempt();
        return;
      }
      if (state == State.PAUSED) {
        state = State.READING;
      }
      ship();
      reader.flowChanged();
      finishIfDrained();
      return;
    }
    // The ones after the refused one were not attempted: their events wait at the head again.
    Shipment refused = shipments.get(accepted);
    List<Event> notAttempted = new ArrayList<>();
    for (Shipment s : shipments.subList(accepted + 1, shipments.size())) {
      notAttempted.addAll(s.events());
    }
    pending.addAll(0, notAttempted);
    shipments = List.of(refused);
    Outcome o = outcomes.get(accepted);
    if (state == State.ABANDONED) {
      finish();
      return;
    }
    if (!refused.decided()) {
      // Nothing of it was booked or committed: its events may go again in smaller batches.
      pending.addAll(0, refused.events());
      batchLimit = o.refusal() == Refusal.REJECTED ? Math.max(1, refused.size() / 2) : 1;
      shipments = null;
    }
    long delay = o.refusal() == Refusal.REJECTED ? o.retryAfterMillis() : backoffMillis;
    backoffMillis = Math.min(MAX_BACKOFF_MILLIS, backoffMillis * 2);
    if (state == State.READING) {
      state = State.PAUSED;
      metrics.paused();
    }
    retry = scheduler.schedule(this::retry, TimeUnit.MILLISECONDS.toNanos(delay));
    reader.flowChanged();
  }

  private void retry() {
    retry = null;
    if (state == State.ABANDONED || state == State.FINISHED) {
      return;
    }
    if (shipments != null) {
      attempt();
      return;
    }
    if (pending.isEmpty() && state == State.PAUSED) {
      state = State.READING;
      reader.flowChanged();
    }
    ship();
  }

  private void finishIfDrained() {
    if (state == State.DRAINING && shipments == null && retry == null && pending.isEmpty()
        && reader.exhausted()) {
      finish();
    }
  }

  /**
   * The source stops: everything read is cut into events, one last attempt is made to deliver
   * them, and what is still held then is lost. Completes with the number of events lost.
   */
  CompletableFuture<Integer> stop() {
    stopped = new CompletableFuture<>();
    if (state == State.FINISHED) {
      stopped.complete(0);
      return stopped;
    }
    state = State.ABANDONED;
    if (retry != null) {
      retry.cancel();
      retry = null;
    }
    batchLimit = batchSize;
    reader.cutAllAndClose();
    if (!attempting) {
      lastAttempt();
    } // else the attempt under way comes back to attempted()
    return stopped;
  }

  private void lastAttempt() {
    if (shipments == null && !pending.isEmpty()) {
      ship(); // attempted() calls back here until all is in, or finishes at the first refusal
    } else if (shipments != null) {
      attempt();
    } else {
      finish();
    }
  }

  private void finish() {
    boolean wasDraining = state == State.DRAINING;
    int lost = pending.size();
    if (shipments != null) {
      for (Shipment s : shipments) {
        lost += s.left();
      }
    }
    state = State.FINISHED;
    shipments = null;
    pending.clear();
    held = 0;
    releaseSlot.run();
    registry.finished(this, wasDraining);
    if (stopped != null) {
      stopped.complete(lost);
    }
  }
}
