package io.sluice.channel;

import static io.sluice.channel.ChannelTestSupport.bodies;
import static io.sluice.channel.ChannelTestSupport.body;
import static io.sluice.channel.ChannelTestSupport.configure;
import static io.sluice.channel.ChannelTestSupport.context;
import static io.sluice.channel.ChannelTestSupport.counter;
import static io.sluice.channel.ChannelTestSupport.drain;
import static io.sluice.channel.ChannelTestSupport.event;
import static io.sluice.channel.ChannelTestSupport.putBodies;
import static io.sluice.channel.ChannelTestSupport.take;
import static io.sluice.channel.ChannelTestSupport.uniqueName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.flume.Channel;
import org.apache.flume.ChannelException;
import org.apache.flume.ChannelFullException;
import org.apache.flume.Context;
import org.apache.flume.Event;
import org.apache.flume.Transaction;
import org.apache.flume.instrumentation.ChannelCounterMBean;
import org.apache.flume.lifecycle.LifecycleState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Flume's channel contract, run against Flume's own {@code MemoryChannel} (the reference) and
 * against {@link DisruptorChannel}: whatever a source or sink may rely on with MemoryChannel must
 * hold for DisruptorChannel too. Capacities are powers of two so both channels have the same
 * bound; keep-alive is 0 except where keep-alive itself is under test, so nothing waits.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
abstract class ChannelContractTest {

  static final int CAPACITY = 64;
  static final int TX_CAPACITY = 16;

  /** A new, unconfigured channel of the kind under test. */
  protected abstract Channel newChannel();

  private final List<Channel> started = new ArrayList<>();
  /** A second thread with its own transactions (single thread: its transaction stays bound to it). */
  private ExecutorService other;

  @BeforeEach
  void setUp() {
    other = Executors.newSingleThreadExecutor(r -> new Thread(r, "contract-other"));
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    other.shutdownNow();
    assertTrue(other.awaitTermination(10, TimeUnit.SECONDS));
    for (Channel ch : started) {
      if (ch.getLifecycleState() == LifecycleState.START) {
        ch.stop();
      }
    }
  }

  /** capacity 64, transactionCapacity 16, keep-alive 0, plus {@code overrides}. */
  Channel start(String... overrides) {
    Context ctx = context("capacity", Integer.toString(CAPACITY),
        "transactionCapacity", Integer.toString(TX_CAPACITY), "keep-alive", "0");
    ctx.putAll(context(overrides).getParameters());
    Channel ch = configure(newChannel(), uniqueName(getClass().getSimpleName()), ctx);
    ch.start();
    started.add(ch);
    assertEquals(LifecycleState.START, ch.getLifecycleState());
    return ch;
  }

  /** Runs {@code task} on the other thread and returns its result (or throws what it threw). */
  private <T> T onOther(Callable<T> task) throws Exception {
    try {
      return other.submit(task).get(20, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof Exception) {
        throw (Exception) e.getCause();
      }
      throw e;
    }
  }

  /** What {@code task} throws on the other thread, or null when it returns normally. */
  private Throwable thrownOnOther(ThrowingRunnable task) throws Exception {
    return other.submit(() -> {
      try {
        task.run();
        return null;
      } catch (Throwable t) {
        return t;
      }
    }).get(20, TimeUnit.SECONDS);
  }

  interface ThrowingRunnable {
    void run() throws Exception;
  }

  private static void fill(Channel ch, String prefix, int n) {
    for (int from = 0; from < n; from += TX_CAPACITY) {
      putBodies(ch, bodies(prefix, from, Math.min(n, from + TX_CAPACITY)));
    }
  }

  /**
   * Takes exactly {@code n} events in full transactions, never asking an empty channel (where
   * MemoryChannel would wait keep-alive).
   */
  private static List<String> takeExactly(Channel ch, int n) {
    List<String> out = new ArrayList<>();
    while (out.size() < n) {
      int want = Math.min(TX_CAPACITY, n - out.size());
      List<String> got = take(ch, want);
      assertEquals(want, got.size(), "events missing after " + out);
      out.addAll(got);
    }
    return out;
  }

  // ---------------------------------------------------------------- put / take / commit / rollback

  @Test
  void committedPutsAreTakenInPutOrderAcrossTransactions() {
    Channel ch = start();
    putBodies(ch, bodies("a", 0, 5));
    putBodies(ch, bodies("a", 5, 12));
    assertEquals(bodies("a", 0, 7), take(ch, 7));
    assertEquals(bodies("a", 7, 12), take(ch, TX_CAPACITY));
    assertEquals(List.of(), take(ch, 1), "the channel is empty");
  }

  @Test
  void emptyChannelTakeReturnsNull() {
    Channel ch = start();
    Transaction tx = ch.getTransaction();
    tx.begin();
    assertNull(ch.take());
    assertNull(ch.take());
    tx.commit();
    tx.close();
  }

  @Test
  void putsAreInvisibleUntilCommit() throws Exception {
    Channel ch = start();
    Transaction tx = ch.getTransaction();
    tx.begin();
    ch.put(event("p0"));
    ch.put(event("p1"));
    ch.put(event("p2"));
    assertEquals(List.of(), onOther(() -> take(ch, 10)), "uncommitted puts must not be visible");
    tx.commit();
    tx.close();
    assertEquals(bodies("p", 0, 3), onOther(() -> take(ch, 10)));
  }

  @Test
  void rolledBackPutsAreDiscarded() {
    Channel ch = start();
    putBodies(ch, List.of("kept"));
    Transaction tx = ch.getTransaction();
    tx.begin();
    ch.put(event("gone0"));
    ch.put(event("gone1"));
    tx.rollback();
    tx.close();
    assertEquals(List.of("kept"), drain(ch, TX_CAPACITY));
  }

  @Test
  void rolledBackTakesComeBackFirstInTheirOrder() throws Exception {
    Channel ch = start();
    putBodies(ch, bodies("e", 0, 10));
    // The other thread takes e0..e2 and holds them; this thread then takes and commits e3, e4.
    assertEquals(bodies("e", 0, 3), onOther(() -> {
      Transaction tx = ch.getTransaction();
      tx.begin();
      List<String> got = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        got.add(body(ch.take()));
      }
      return got;
    }));
    assertEquals(bodies("e", 3, 5), take(ch, 2));
    putBodies(ch, List.of("late"));
    onOther(() -> {
      Transaction tx = ch.getTransaction();
      tx.rollback();
      tx.close();
      return null;
    });
    List<String> expected = new ArrayList<>(bodies("e", 0, 3));
    expected.addAll(bodies("e", 5, 10));
    expected.add("late");
    assertEquals(expected, drain(ch, 4), "rolled-back takes go back to the head, in their order");
  }

  @Test
  void rolledBackTakesAreRedeliveredRepeatedly() {
    Channel ch = start();
    putBodies(ch, bodies("r", 0, 4));
    for (int round = 0; round < 3; round++) {
      Transaction tx = ch.getTransaction();
      tx.begin();
      assertEquals("r0", body(ch.take()));
      assertEquals("r1", body(ch.take()));
      tx.rollback();
      tx.close();
    }
    assertEquals(bodies("r", 0, 4), drain(ch, 3));
  }

  // ---------------------------------------------------------------------------------- capacity

  @Test
  void capacityBoundsCommittedPuts() {
    Channel ch = start();
    fill(ch, "c", CAPACITY);
    ChannelFullException full =
        assertThrows(ChannelFullException.class, () -> putBodies(ch, List.of("over")));
    assertNotNull(full.getMessage());
    // Taking (and committing) one event frees exactly one event's room.
    assertEquals(List.of("c0"), take(ch, 1));
    putBodies(ch, List.of("fits"));
    assertThrows(ChannelFullException.class, () -> putBodies(ch, List.of("over")));
    List<String> all = drain(ch, TX_CAPACITY);
    assertEquals(CAPACITY, all.size());
    assertEquals("fits", all.get(all.size() - 1));
  }

  @Test
  void aFailedCommitOnAFullChannelStoresNoneOfTheTransaction() {
    Channel ch = start();
    fill(ch, "c", CAPACITY - 2);
    // Three puts, two places: all or nothing.
    assertThrows(ChannelFullException.class, () -> putBodies(ch, bodies("x", 0, 3)));
    putBodies(ch, bodies("y", 0, 2));
    List<String> all = drain(ch, TX_CAPACITY);
    assertEquals(CAPACITY, all.size());
    assertFalse(all.stream().anyMatch(b -> b.startsWith("x")), "no part of the failed commit");
  }

  @Test
  void uncommittedTakesKeepTheirRoomSoTheirRollbackNeverFails() throws Exception {
    Channel ch = start();
    fill(ch, "f", CAPACITY);
    // A sink takes ten events and has not committed yet...
    assertEquals(bodies("f", 0, 10), onOther(() -> {
      Transaction tx = ch.getTransaction();
      tx.begin();
      List<String> got = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        got.add(body(ch.take()));
      }
      return got;
    }));
    // ...so a producer cannot take their room (the rollback must find it free).
    assertThrows(ChannelFullException.class, () -> putBodies(ch, List.of("intruder")));
    Throwable rollback = thrownOnOther(() -> {
      Transaction tx = ch.getTransaction();
      tx.rollback();
      tx.close();
    });
    assertNull(rollback, "rolling back takes on a full channel must not fail");
    assertEquals(bodies("f", 0, CAPACITY), drain(ch, TX_CAPACITY));
  }

  @Test
  void committedTakesFreeTheirRoomForProducers() throws Exception {
    Channel ch = start();
    fill(ch, "f", CAPACITY);
    assertEquals(bodies("f", 0, 10), onOther(() -> take(ch, 10)));
    putBodies(ch, bodies("n", 0, 10));
    assertThrows(ChannelFullException.class, () -> putBodies(ch, List.of("over")));
    List<String> expected = new ArrayList<>(bodies("f", 10, CAPACITY));
    expected.addAll(bodies("n", 0, 10));
    assertEquals(expected, drain(ch, TX_CAPACITY));
  }

  /** In one transaction on the calling thread: takes {@code takes} events, puts these, commits. */
  private static List<String> takeAndPut(Channel ch, int takes, List<String> puts) {
    Transaction tx = ch.getTransaction();
    tx.begin();
    try {
      List<String> taken = new ArrayList<>();
      for (int i = 0; i < takes; i++) {
        taken.add(body(ch.take()));
      }
      for (String b : puts) {
        ch.put(event(b));
      }
      tx.commit();
      return taken;
    } catch (RuntimeException | Error e) {
      tx.rollback();
      throw e;
    } finally {
      tx.close();
    }
  }

  @Test
  void aTransactionOnAFullChannelNeedsRoomOnlyForThePutsBeyondItsTakes() {
    Channel ch = start();
    fill(ch, "f", CAPACITY);
    assertEquals(bodies("f", 0, 5), takeAndPut(ch, 5, bodies("a", 0, 5)), "as many in as out");
    assertThrows(ChannelFullException.class, () -> putBodies(ch, List.of("over")), "still full");
    assertEquals(bodies("f", 5, 10), takeAndPut(ch, 5, bodies("b", 0, 3)), "fewer in than out");
    putBodies(ch, bodies("c", 0, 2)); // the two places that transaction freed
    assertThrows(ChannelFullException.class, () -> putBodies(ch, List.of("over")));
    List<String> expected = new ArrayList<>(bodies("f", 10, CAPACITY));
    expected.addAll(bodies("a", 0, 5));
    expected.addAll(bodies("b", 0, 3));
    expected.addAll(bodies("c", 0, 2));
    assertEquals(expected, takeExactly(ch, CAPACITY));
  }

  @Test
  void aTransactionOnAFullChannelPuttingMoreThanItTakesFailsWholeAndRollsBackWhole() {
    Channel ch = start();
    fill(ch, "f", CAPACITY);
    Transaction tx = ch.getTransaction();
    tx.begin();
    assertEquals(bodies("f", 0, 3), List.of(body(ch.take()), body(ch.take()), body(ch.take())));
    for (String b : bodies("x", 0, 4)) {
      ch.put(event(b));
    }
    assertThrows(ChannelFullException.class, tx::commit, "one place short");
    tx.rollback();
    tx.close();
    assertThrows(ChannelFullException.class, () -> putBodies(ch, List.of("over")),
        "the rolled-back takes kept their room");
    assertEquals(bodies("f", 0, CAPACITY), takeExactly(ch, CAPACITY),
        "the takes are back at the head, in order, and none of the puts is stored");
    assertEquals(List.of(), take(ch, 1));
  }

  // ---------------------------------------------------------------------- transaction capacity

  @Test
  void aTransactionCannotPutMoreThanTransactionCapacity() {
    Channel ch = start("transactionCapacity", "4");
    Transaction tx = ch.getTransaction();
    tx.begin();
    for (int i = 0; i < 4; i++) {
      ch.put(event("t" + i));
    }
    ChannelException e = assertThrows(ChannelException.class, () -> ch.put(event("t4")));
    assertFalse(e instanceof ChannelFullException, "an oversized transaction is not a full channel");
    tx.rollback();
    tx.close();
    assertEquals(List.of(), take(ch, 4), "the rolled-back oversized transaction stored nothing");
    // Exactly transactionCapacity is fine.
    putBodies(ch, bodies("t", 0, 4));
    assertEquals(bodies("t", 0, 4), take(ch, 4));
  }

  @Test
  void aTransactionCannotTakeMoreThanTransactionCapacity() {
    Channel ch = start("transactionCapacity", "4");
    putBodies(ch, bodies("t", 0, 4));
    putBodies(ch, bodies("t", 4, 8));
    Transaction tx = ch.getTransaction();
    tx.begin();
    for (int i = 0; i < 4; i++) {
      assertEquals("t" + i, body(ch.take()));
    }
    assertThrows(ChannelException.class, ch::take);
    tx.rollback();
    tx.close();
    assertEquals(bodies("t", 0, 4), take(ch, 4), "the takes were rolled back, in order");
    assertEquals(bodies("t", 4, 8), take(ch, 4));
  }

  // --------------------------------------------------------------------------------- keep-alive

  @Test
  void aCommitOnAFullChannelFailsAfterKeepAlive() {
    Channel ch = start("keep-alive", "1");
    fill(ch, "k", CAPACITY);
    long t0 = System.nanoTime();
    assertThrows(ChannelFullException.class, () -> putBodies(ch, List.of("over")));
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    assertTrue(ms >= 900, "waited " + ms + " ms, keep-alive is 1 s");
    assertTrue(ms < 10_000, "waited " + ms + " ms, keep-alive is 1 s");
    assertEquals(bodies("k", 0, CAPACITY), takeExactly(ch, CAPACITY));
  }

  @Test
  void aCommitWaitingForRoomSucceedsWhenASinkFreesSome() throws Exception {
    Channel ch = start("keep-alive", "10");
    fill(ch, "w", CAPACITY);
    java.util.concurrent.Future<Long> producer = other.submit(() -> {
      long t0 = System.nanoTime();
      putBodies(ch, List.of("waited"));
      return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    });
    // The producer either is waiting in commit or has not reached it; either way the room freed
    // here lets it through well before keep-alive.
    assertEquals(List.of("w0"), take(ch, 1));
    long waited = producer.get(20, TimeUnit.SECONDS);
    assertTrue(waited < 9_000, "the commit should get the freed room, waited " + waited + " ms");
    List<String> expected = new ArrayList<>(bodies("w", 1, CAPACITY));
    expected.add("waited");
    assertEquals(expected, takeExactly(ch, CAPACITY));
  }

  // ----------------------------------------------------------------------------- thread binding

  @Test
  void aTransactionIsBoundToTheThreadThatGotIt() throws Exception {
    Channel ch = start();
    Transaction tx = ch.getTransaction();
    assertSame(tx, ch.getTransaction(), "same thread, transaction not closed: the same one");
    tx.begin();
    assertSame(tx, ch.getTransaction(), "same thread, open transaction: the same one");
    ch.put(event("mine"));

    assertInstanceOf(IllegalStateException.class, thrownOnOther(tx::commit));
    assertInstanceOf(IllegalStateException.class, thrownOnOther(tx::rollback));
    assertInstanceOf(IllegalStateException.class, thrownOnOther(tx::close));
    assertInstanceOf(IllegalStateException.class, thrownOnOther(tx::begin));
    // The other thread has no transaction of its own: put/take there fail too.
    assertInstanceOf(IllegalStateException.class, thrownOnOther(() -> ch.put(event("stray"))));
    assertInstanceOf(IllegalStateException.class, thrownOnOther(ch::take));
    // Its own getTransaction() gives it another transaction, independent of this one.
    assertNotSame(tx, onOther(ch::getTransaction));
    assertEquals(List.of(), onOther(() -> take(ch, 5)), "the open transaction's put is invisible");

    tx.commit();
    tx.close();
    Transaction next = ch.getTransaction();
    assertNotSame(tx, next, "a closed transaction is replaced");
    next.close();
    assertEquals(List.of("mine"), take(ch, 5));
  }

  @Test
  void putAndTakeNeedATransactionOnTheThread() throws Exception {
    Channel ch = start();
    assertInstanceOf(IllegalStateException.class, thrownOnOther(() -> ch.put(event("x"))));
    assertInstanceOf(IllegalStateException.class, thrownOnOther(ch::take));
    Transaction tx = ch.getTransaction();
    assertThrows(IllegalStateException.class, () -> ch.put(event("not begun")));
    tx.begin();
    tx.commit();
    assertThrows(IllegalStateException.class, () -> ch.put(event("completed")));
    assertThrows(IllegalStateException.class, tx::commit);
    tx.close();
    assertEquals(List.of(), take(ch, 1));
  }

  @Test
  void everyCallOutOfTheTransactionsOrderIsRefusedWithIllegalStateException() {
    Channel ch = start();
    putBodies(ch, List.of("held"));
    Transaction tx = ch.getTransaction();
    // NEW: only begin and close.
    assertThrows(IllegalStateException.class, tx::commit);
    assertThrows(IllegalStateException.class, tx::rollback);
    assertThrows(IllegalStateException.class, () -> ch.put(event("new")));
    assertThrows(IllegalStateException.class, ch::take);
    tx.begin();
    // OPEN: no second begin, no close before commit or rollback; neither refusal ends it.
    assertThrows(IllegalStateException.class, tx::begin);
    assertThrows(IllegalStateException.class, tx::close);
    ch.put(event("open"));
    assertEquals("held", body(ch.take()));
    tx.commit();
    // COMPLETED: only close; the thread's transaction is still this one.
    assertSame(tx, ch.getTransaction());
    assertThrows(IllegalStateException.class, tx::begin);
    assertThrows(IllegalStateException.class, tx::commit);
    assertThrows(IllegalStateException.class, tx::rollback);
    assertThrows(IllegalStateException.class, () -> ch.put(event("completed")));
    assertThrows(IllegalStateException.class, ch::take);
    tx.close();
    // CLOSED: nothing at all, on the transaction or through the channel.
    assertThrows(IllegalStateException.class, tx::begin);
    assertThrows(IllegalStateException.class, tx::commit);
    assertThrows(IllegalStateException.class, tx::rollback);
    assertThrows(IllegalStateException.class, tx::close);
    assertThrows(IllegalStateException.class, () -> ch.put(event("closed")));
    assertThrows(IllegalStateException.class, ch::take);

    Transaction rolled = ch.getTransaction();
    rolled.begin();
    rolled.rollback();
    assertThrows(IllegalStateException.class, rolled::commit, "a rolled-back transaction is done");
    assertThrows(IllegalStateException.class, rolled::rollback);
    rolled.close();
    Transaction unused = ch.getTransaction();
    unused.close(); // a transaction never begun may be closed
    assertEquals(List.of("open"), take(ch, 5));
  }

  @Test
  void aClosedTransactionStaysClosedAfterItsThreadGetsTheNextOne() {
    Channel ch = start();
    Transaction first = ch.getTransaction();
    first.begin();
    first.commit();
    first.close();
    Transaction next = ch.getTransaction();
    next.begin();
    ch.put(event("next"));
    // Calls on the closed transaction must not reach the thread's open one.
    assertThrows(IllegalStateException.class, first::rollback);
    assertThrows(IllegalStateException.class, first::commit);
    assertThrows(IllegalStateException.class, first::close);
    assertThrows(IllegalStateException.class, first::begin);
    next.commit();
    next.close();
    assertEquals(List.of("next"), take(ch, 5));
  }

  @Test
  void aNullEventIsRefusedWithIllegalArgumentException() {
    Channel ch = start();
    Transaction tx = ch.getTransaction();
    tx.begin();
    assertThrows(IllegalArgumentException.class, () -> ch.put(null));
    ch.put(event("after"));
    tx.commit();
    tx.close();
    assertEquals(List.of("after"), take(ch, 5));
  }

  @Test
  void aThreadHasOneTransactionPerChannelEachIndependentOfTheOthers() {
    Channel a = start();
    Channel b = start();
    Transaction ta = a.getTransaction();
    Transaction tb = b.getTransaction();
    assertNotSame(ta, tb);
    ta.begin();
    tb.begin();
    a.put(event("to-a"));
    b.put(event("to-b"));
    tb.rollback();
    tb.close();
    assertSame(ta, a.getTransaction(), "closing b's transaction leaves a's open");
    ta.commit();
    ta.close();
    assertEquals(List.of("to-a"), take(a, 5));
    assertEquals(List.of(), take(b, 5));
  }

  @Test
  void aCommitThatFailedLeavesTheTransactionOpenToBeCommittedAgain() throws Exception {
    Channel ch = start();
    fill(ch, "f", CAPACITY);
    Transaction tx = ch.getTransaction();
    tx.begin();
    ch.put(event("retried"));
    assertThrows(ChannelFullException.class, tx::commit);
    assertEquals(List.of("f0"), onOther(() -> take(ch, 1)));
    tx.commit();
    tx.close();
    List<String> expected = new ArrayList<>(bodies("f", 1, CAPACITY));
    expected.add("retried");
    assertEquals(expected, takeExactly(ch, CAPACITY));
  }

  // ------------------------------------------------------------------------------- interruption

  @Test
  void anInterruptedTakeOnAnEmptyChannelReturnsNullAtOnceAndKeepsTheInterrupt() {
    Channel ch = start("keep-alive", "10");
    Transaction tx = ch.getTransaction();
    tx.begin();
    Thread.currentThread().interrupt(); // as SinkRunner interrupts its thread at stop
    long t0 = System.nanoTime();
    try {
      assertNull(ch.take());
      assertTrue(Thread.currentThread().isInterrupted(), "the interrupt flag is set again");
    } finally {
      Thread.interrupted();
    }
    assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) < 5_000, "keep-alive is 10 s");
    tx.commit();
    tx.close();
  }

  @Test
  void anInterruptedCommitWaitingForRoomFailsWithChannelExceptionAndRollsBack() {
    Channel ch = start("keep-alive", "10");
    fill(ch, "f", CAPACITY);
    Transaction tx = ch.getTransaction();
    tx.begin();
    ch.put(event("interrupted"));
    Thread.currentThread().interrupt();
    long t0 = System.nanoTime();
    ChannelException e;
    try {
      e = assertThrows(ChannelException.class, tx::commit);
      assertTrue(Thread.currentThread().isInterrupted(), "the interrupt flag is set again");
    } finally {
      Thread.interrupted();
    }
    assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) < 5_000, "keep-alive is 10 s");
    assertInstanceOf(InterruptedException.class, e.getCause());
    tx.rollback();
    tx.close();
    assertEquals(bodies("f", 0, CAPACITY), takeExactly(ch, CAPACITY));
    assertEquals(0, counter(ch.getName()).getChannelSize(), "nothing of the failed commit");
  }

  @Test
  void aChannelIsIdleUntilStartedAndStoppedAfterStop() {
    Channel ch = configure(newChannel(), uniqueName("lifecycle"), context("capacity",
        Integer.toString(CAPACITY), "transactionCapacity", Integer.toString(TX_CAPACITY)));
    assertEquals(LifecycleState.IDLE, ch.getLifecycleState());
    ch.start();
    started.add(ch);
    assertEquals(LifecycleState.START, ch.getLifecycleState());
    ch.stop();
    assertEquals(LifecycleState.STOP, ch.getLifecycleState());
  }

  // ----------------------------------------------------------------------------------- counters

  @Test
  void channelCounterCountsCommittedPutsAndTakes() {
    Channel ch = start();
    ChannelCounterMBean c = counter(ch.getName());
    putBodies(ch, bodies("m", 0, 5));
    Transaction tx = ch.getTransaction();
    tx.begin();
    ch.put(event("rolled0"));
    ch.put(event("rolled1"));
    tx.rollback();
    tx.close();
    assertEquals(bodies("m", 0, 3), take(ch, 3));
    tx = ch.getTransaction();
    tx.begin();
    assertEquals("m3", body(ch.take()));
    tx.rollback();
    tx.close();

    assertEquals(5, c.getEventPutSuccessCount(), "only committed puts");
    assertEquals(7, c.getEventPutAttemptCount(), "every put call");
    assertEquals(3, c.getEventTakeSuccessCount(), "only committed takes");
    assertEquals(4, c.getEventTakeAttemptCount(), "every take call");
    assertEquals(2, c.getChannelSize());
    assertTrue(c.getChannelCapacity() >= CAPACITY, "capacity " + c.getChannelCapacity());
    assertEquals(100.0 * 2 / c.getChannelCapacity(), c.getChannelFillPercentage(), 1e-9,
        "fill percentage from size and capacity");

    assertEquals(bodies("m", 3, 5), drain(ch, TX_CAPACITY));
    assertEquals(5, c.getEventTakeSuccessCount());
    assertEquals(0, c.getChannelSize());
  }

  @Test
  void channelSizeLeavesOutEventsTakenByTransactionsNotYetCommitted() throws Exception {
    Channel ch = start();
    ChannelCounterMBean c = counter(ch.getName());
    putBodies(ch, bodies("z", 0, 10));
    assertEquals(bodies("z", 0, 4), onOther(() -> {
      Transaction tx = ch.getTransaction();
      tx.begin();
      List<String> got = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        got.add(body(ch.take()));
      }
      return got; // taken, not committed
    }));
    // MemoryChannel sets ChannelSize at each commit and rollback: this commit brings it up to date.
    putBodies(ch, List.of("z10"));
    assertEquals(10 - 4 + 1, c.getChannelSize(), "the four taken events are not in the channel");
    assertEquals(100.0 * 7 / c.getChannelCapacity(), c.getChannelFillPercentage(), 1e-9);
    onOther(() -> {
      Transaction tx = ch.getTransaction();
      tx.rollback();
      tx.close();
      return null;
    });
    assertEquals(11, c.getChannelSize(), "rolled back: in the channel again");
    assertEquals(bodies("z", 0, 3), take(ch, 3));
    assertEquals(8, c.getChannelSize(), "committed takes have left");
  }

  // -------------------------------------------------------------------------- lifecycle, reload

  @Test
  void eventsSurviveAStopAndStartOfTheSameInstance() {
    Channel ch = start();
    putBodies(ch, bodies("s", 0, 5));
    assertEquals(List.of("s0"), take(ch, 1));
    ch.stop();
    assertEquals(LifecycleState.STOP, ch.getLifecycleState());
    ch.start();
    assertEquals(bodies("s", 1, 5), drain(ch, TX_CAPACITY));
  }

  @Test
  void reconfiguringARunningChannelKeepsItsEventsAndAppliesTransactionCapacity() {
    Channel ch = start();
    putBodies(ch, bodies("q", 0, 10));
    // Flume's reload: configure() again on the live (cached) instance, same capacity.
    ch.stop();
    org.apache.flume.conf.Configurables.configure(ch, context("capacity", Integer.toString(CAPACITY),
        "transactionCapacity", "2", "keep-alive", "0"));
    ch.start();
    Transaction tx = ch.getTransaction();
    tx.begin();
    ch.put(event("n0"));
    ch.put(event("n1"));
    assertThrows(ChannelException.class, () -> ch.put(event("n2")));
    tx.rollback();
    tx.close();
    List<String> all = new ArrayList<>();
    for (List<String> got = take(ch, 2); !got.isEmpty(); got = take(ch, 2)) {
      assertTrue(got.size() <= 2);
      all.addAll(got);
    }
    assertEquals(bodies("q", 0, 10), all);
  }

  @Test
  void aTakeInAnotherTransactionSeesEventsCommittedMeanwhile() throws Exception {
    Channel ch = start();
    Transaction tx = ch.getTransaction();
    tx.begin();
    assertNull(ch.take());
    onOther(() -> {
      putBodies(ch, List.of("meanwhile"));
      return null;
    });
    Event e = ch.take();
    tx.commit();
    tx.close();
    assertEquals("meanwhile", body(e));
  }
}
