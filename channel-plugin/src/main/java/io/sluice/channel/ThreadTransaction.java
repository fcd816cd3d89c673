package io.sluice.channel;

import org.apache.flume.ChannelException;
import org.apache.flume.Event;
import org.apache.flume.Transaction;

/**
 * Flume's transaction contract for one thread of one channel, with the object kept for the
 * thread's next transactions: the rules of Flume 1.11.0's {@code BasicTransactionSemantics}
 * without its cost per transaction. A subclass does the channel's work ({@link #doPut}, {@link
 * #doTake}, {@link #doCommit}, {@link #doRollback}); this class decides whether a call is allowed.
 *
 * <p><b>Why not BasicTransactionSemantics.</b> At one event per transaction, Flume's own work was
 * a third of the channel's CPU: a new transaction object (and the channel's lists in it) per
 * transaction, a second thread-local lookup per put, and a message string built by every {@code
 * begin()} whether or not it fails. Here the thread keeps its lists, and each transaction gets only
 * a {@link Handle}: a 16-byte object, so that a caller holding a closed transaction still finds it
 * closed, as with Flume, rather than acting on the thread's next one.
 *
 * <p><b>The rules</b> (BasicTransactionSemantics', each checked by {@code ChannelContractTest} on
 * MemoryChannel and DisruptorChannel):
 * <ul>
 *   <li>Every call is made on the thread the transaction was got on, or throws {@link
 *       IllegalStateException}.
 *   <li>States NEW → OPEN ({@code begin}) → COMPLETED ({@code commit}, {@code rollback}) → CLOSED
 *       ({@code close}, also from NEW). Any other call throws {@link IllegalStateException};
 *       {@code put} and {@code take} need OPEN; a closed transaction stays closed.
 *   <li>A commit that throws leaves the transaction OPEN (to be rolled back or committed again);
 *       a rollback completes the transaction before its work, so it completes even if that throws.
 *   <li>An interrupt while putting, committing or rolling back becomes a {@link ChannelException}
 *       whose cause is the {@link InterruptedException}; while taking, a {@code null} event. The
 *       thread's interrupt flag is set again in both cases.
 *   <li>{@code put(null)} throws {@link IllegalArgumentException}.
 * </ul>
 * The channel keeps one object of this class per thread and hands out {@link #handOut()}'s
 * transaction: the same one until it is closed, then a new one.
 *
 * <p>Concurrency: none. Every method runs on {@link #owner}'s thread (checked first), and the
 * fields are that thread's alone; a call from any other thread reads only the final {@code owner}.
 */
abstract class ThreadTransaction {

  enum State { NEW, OPEN, COMPLETED, CLOSED }

  private final Thread owner;
  private Handle handle; // the transaction handed out; closed ones are left behind
  private State state = State.CLOSED;

  ThreadTransaction(Thread owner) {
    this.owner = owner;
  }

  /** Stages a put (state OPEN, event not null). */
  protected abstract void doPut(Event event) throws InterruptedException;

  /** Takes an event for this transaction, or null (state OPEN); {@code wait}: up to keep-alive. */
  protected abstract Event doTake(boolean wait) throws InterruptedException;

  /** Commits; {@code immediate}: without waiting for room. On an exception, nothing changed. */
  protected abstract void doCommit(boolean immediate) throws InterruptedException;

  /** Rolls back (the state is already COMPLETED). */
  protected abstract void doRollback() throws InterruptedException;

  /** A transaction begins its life (getTransaction after the last one closed): reset for it. */
  protected abstract void onNew();

  /** The thread's transaction: the one handed out before, unless it is closed. Owner only. */
  final Transaction handOut() {
    if (state == State.CLOSED) {
      handle = new Handle(this);
      state = State.NEW;
      onNew();
    }
    return handle;
  }

  final void put(Event event) {
    checkOpen("put()");
    if (event == null) {
      throw new IllegalArgumentException("put() called with null event!");
    }
    try {
      doPut(event);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ChannelException(e.toString(), e);
    }
  }

  final Event take(boolean wait) {
    checkOpen("take()");
    try {
      return doTake(wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private void checkOpen(String call) {
    // put() and take() come through the channel's thread-local: the owner's thread, always.
    if (state != State.OPEN) {
      throw new IllegalStateException(call + " called when transaction is " + state + "!");
    }
  }

  /** The state of {@code h} as its caller sees it, after checking the caller's thread. */
  private State stateFor(Handle h, String call) {
    if (Thread.currentThread() != owner) {
      throw new IllegalStateException(call + " called from different thread than"
          + " getTransaction()!");
    }
    return h == handle ? state : State.CLOSED;
  }

  private static IllegalStateException refused(String call, State s) {
    return new IllegalStateException(call + " called when transaction is " + s + "!");
  }

  final void begin(Handle h) {
    State s = stateFor(h, "begin()");
    if (s != State.NEW) {
      throw refused("begin()", s);
    }
    state = State.OPEN;
  }

  final void commit(Handle h, boolean immediate) {
    State s = stateFor(h, "commit()");
    if (s != State.OPEN) {
      throw refused("commit()", s);
    }
    try {
      doCommit(immediate);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ChannelException(e.toString(), e);
    }
    state = State.COMPLETED;
  }

  final void rollback(Handle h) {
    State s = stateFor(h, "rollback()");
    if (s != State.OPEN) {
      throw refused("rollback()", s);
    }
    state = State.COMPLETED;
    try {
      doRollback();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ChannelException(e.toString(), e);
    }
  }

  final void close(Handle h) {
    State s = stateFor(h, "close()");
    if (s != State.NEW && s != State.COMPLETED) {
      throw new IllegalStateException("close() called when transaction is " + s
          + " - you must either commit or rollback first");
    }
    state = State.CLOSED;
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + " of thread " + owner.getName() + ": " + state;
  }

  /**
   * One transaction as its caller holds it. Its thread's {@link ThreadTransaction} does the work;
   * once this transaction is closed, the thread's next one has a new handle, and this one stays
   * closed.
   */
  static final class Handle implements Transaction {
    private final ThreadTransaction of;

    private Handle(ThreadTransaction of) {
      this.of = of;
    }

    ThreadTransaction of() {
      return of;
    }

    @Override
    public void begin() {
      of.begin(this);
    }

    @Override
    public void commit() {
      of.commit(this, false);
    }

    /** As {@link #commit()}, without waiting for room. */
    void commitImmediately() {
      of.commit(this, true);
    }

    @Override
    public void rollback() {
      of.rollback(this);
    }

    @Override
    public void close() {
      of.close(this);
    }

    @Override
    public String toString() {
      return of + (of.handle == this ? "" : " (this one closed)");
    }
  }
}
