package io.sluice.core.limit;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A limiter for code that must not wait: a network I/O thread deciding whether a new connection
 * (or a request) may go on. The decision arrives through a callback.
 *
 * <p>A limiter in this process ({@link Governor}) decides at once, on the caller's thread. A
 * shared one ({@link SharedGovernor}) needs a round trip to Redis, during which an I/O thread would
 * serve none of its other connections (and, with Redis slow or gone, up to {@code redis.timeout}
 * per decision until the breaker opens). Its decisions are queued instead, and one thread of their
 * own asks for everything queued in one call ({@link Limiter#decideAll}: one round trip for up to
 * {@value #MAX_CALL} keys), then runs the callbacks there.
 *
 * <p>The queue is bounded ({@code maxPending}): a decision that finds it full is refused at once,
 * on the caller's thread, as {@link ThrottleReason#STORE} (the store is not keeping up), so a flood
 * of new connections while Redis is slow holds a bounded number of them.
 */
public final class EdgeLimiter implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EdgeLimiter.class);

  /** Keys asked for in one call at most. */
  static final int MAX_CALL = 256;

  /** What a queued decision waits with. */
  private record Pending(String key, Consumer<Decision> then) {}

  private final Limiter limiter;
  private final BlockingQueue<Pending> queue; // null: decided on the caller's thread
  private final Thread decider;
  private volatile boolean closed;

  private EdgeLimiter(Limiter limiter, int maxPending, String name) {
    this.limiter = limiter;
    if (limiter instanceof Governor) {
      this.queue = null;
      this.decider = null;
    } else {
      this.queue = new ArrayBlockingQueue<>(maxPending);
      this.decider = new Thread(this::decideQueued, name);
      decider.setDaemon(true);
      decider.start();
    }
  }

  /**
   * @param maxPending decisions a shared limiter holds while waiting for its store
   * @param name the name of the thread that asks a shared limiter
   */
  public static EdgeLimiter of(Limiter limiter, int maxPending, String name) {
    if (maxPending < 1) {
      throw new IllegalArgumentException("maxPending must be positive: " + maxPending);
    }
    return new EdgeLimiter(limiter, maxPending, name);
  }

  /**
   * Decides one event of {@code key} (default tier) and hands the decision to {@code then}: at
   * once on this thread, or later on the decider's. {@code then} must not wait either.
   */
  public void decide(String key, Consumer<Decision> then) {
    if (queue == null) {
      then.accept(limiter.decideOne(key));
    } else if (closed || !queue.offer(new Pending(key, then))) {
      then.accept(refused(key));
    } else if (closed) {
      refuseQueued(); // offered as close() ended: the decider may have drained the queue already
    }
  }

  /** Whether {@link #decide} always answers before it returns (a limiter in this process). */
  public boolean decidesAtOnce() {
    return queue == null;
  }

  /** Decisions queued for the store (0 for a limiter in this process). */
  public int pending() {
    return queue == null ? 0 : queue.size();
  }

  private static Decision refused(String key) {
    return Decision.unbooked(key, ThrottleReason.STORE, 0, TimeUnit.SECONDS.toNanos(1));
  }

  private void decideQueued() {
    List<Pending> batch = new ArrayList<>(MAX_CALL);
    while (!closed) {
      try {
        batch.add(queue.take());
      } catch (InterruptedException e) {
        break; // closed
      }
      queue.drainTo(batch, MAX_CALL - 1);
      int n = batch.size();
      String[] keys = new String[n];
      for (int i = 0; i < n; i++) {
        keys[i] = batch.get(i).key();
      }
      Decision[] out = new Decision[n];
      try {
        limiter.decideAll(n, keys, new String[n], new boolean[n], false, out);
      } catch (Throwable t) { // even an Error: a dead decider would leave every caller waiting
        LOG.warn("the limiter could not decide {} queued keys; refused", n, t);
      }
      for (int i = 0; i < n; i++) {
        answer(batch.get(i), out[i] != null ? out[i] : refused(keys[i]));
      }
      batch.clear();
    }
    refuseQueued();
  }

  /** Closed: whoever still waits is refused, so that nothing waits for ever. */
  private void refuseQueued() {
    for (Pending p; (p = queue.poll()) != null; ) {
      answer(p, refused(p.key()));
    }
  }

  private static void answer(Pending p, Decision d) {
    try {
      p.then().accept(d);
    } catch (Throwable t) { // as above: the other callers still get their answers
      LOG.warn("a limit decision's callback failed", t);
    }
  }

  /** Stops the decider (queued decisions are refused) and closes the limiter. */
  @Override
  public void close() {
    closed = true;
    if (decider != null) {
      decider.interrupt();
      try {
        decider.join(TimeUnit.SECONDS.toMillis(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      refuseQueued(); // offered while the decider was stopping
    }
    limiter.close();
  }
}
