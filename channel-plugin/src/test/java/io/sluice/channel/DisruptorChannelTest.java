package io.sluice.channel;

import static io.sluice.channel.ChannelTestSupport.batched;
import static io.sluice.channel.ChannelTestSupport.bodies;
import static io.sluice.channel.ChannelTestSupport.body;
import static io.sluice.channel.ChannelTestSupport.context;
import static io.sluice.channel.ChannelTestSupport.counter;
import static io.sluice.channel.ChannelTestSupport.drain;
import static io.sluice.channel.ChannelTestSupport.event;
import static io.sluice.channel.ChannelTestSupport.put;
import static io.sluice.channel.ChannelTestSupport.putAll;
import static io.sluice.channel.ChannelTestSupport.putBodies;
import static io.sluice.channel.ChannelTestSupport.take;
import static io.sluice.channel.ChannelTestSupport.uniqueName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.core.Disposition;
import io.sluice.core.Headers;
import io.sluice.core.time.ManualClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.flume.ChannelException;
import org.apache.flume.ChannelFullException;
import org.apache.flume.Context;
import org.apache.flume.Event;
import org.apache.flume.Transaction;
import org.apache.flume.conf.Configurables;
import org.apache.flume.event.EventBuilder;
import org.apache.flume.lifecycle.LifecycleState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** What DisruptorChannel adds to Flume's contract: the power-of-two ring, the deferred lane, reload, checkpoints. */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DisruptorChannelTest {

  private final ManualClock clock = new ManualClock();
  private final List<DisruptorChannel> started = new ArrayList<>();
  private ExecutorService executor;

  @TempDir Path tmp;

  @AfterEach
  void tearDown() throws InterruptedException {
    if (executor != null) {
      executor.shutdownNow();
      assertTrue(executor.awaitTermination(10, TimeUnit.SECONDS));
    }
    for (DisruptorChannel ch : started) {
      if (ch.getLifecycleState() == LifecycleState.START) {
        ch.stop();
      }
    }
  }

  /**
   * A started channel on the manual clock: capacity 64, transactionCapacity 16, keep-alive 0,
   * deferred.maxLag 10s, plus {@code overrides}.
   */
  private DisruptorChannel startNamed(String name, String... overrides) {
    DisruptorChannel ch = configured(name, overrides);
    ch.start();
    started.add(ch);
    return ch;
  }

  private DisruptorChannel configured(String name, String... overrides) {
    Context ctx = context("capacity", "64", "transactionCapacity", "16", "keep-alive", "0",
        "deferred.maxLag", "10s");
    ctx.putAll(context(overrides).getParameters());
    DisruptorChannel ch = new DisruptorChannel();
    ch.setClock(clock); // before configure(): the store takes its clock there
    ch.setName(name);
    Configurables.configure(ch, ctx);
    return ch;
  }

  private DisruptorChannel start(String... overrides) {
    return startNamed(uniqueName("disruptor"), overrides);
  }

  private long now() {
    return clock.currentTimeMillis();
  }

  private void advanceMillis(long ms) {
    clock.advance(Duration.ofMillis(ms));
  }

  private static void fillExpress(DisruptorChannel ch, String prefix, int n, int batch) {
    for (int from = 0; from < n; from += batch) {
      putBodies(ch, bodies(prefix, from, Math.min(n, from + batch)));
    }
  }

  // ------------------------------------------------------------------------------ capacity, config

  @Test
  void theChannelHoldsTheRoundedUpCapacity() {
    DisruptorChannel ch = start("capacity", "100");
    fillExpress(ch, "c", 128, 16);
    assertThrows(ChannelFullException.class, () -> putBodies(ch, List.of("over")));
    // ChannelCapacity counts both lanes; deferred.capacity defaults to the ring size.
    assertEquals(128 + 128, counter(ch.getName()).getChannelCapacity());
    assertEquals(128, counter(ch.getName()).getChannelSize());
    assertEquals(bodies("c", 0, 128), drain(ch, 16));
  }

  @Test
  void transactionCapacityIsCheckedAgainstTheRoundedCapacity() {
    DisruptorChannel ch = start("capacity", "100", "transactionCapacity", "128");
    assertEquals(128, ch.getTransactionCapacity());
    assertThrows(IllegalArgumentException.class,
        () -> configured(uniqueName("bad"), "capacity", "100", "transactionCapacity", "129"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"capacity=0", "capacity=x", "capacity=1073741825", "keep-alive=-1",
      "transactionCapacity=0", "deferred.capacity=-1", "deferred.maxLag=100", "deferred.maxLag=soon",
      "keep-alive=86401", "keep-alive=9223372036854775807", "deferred.capacity=1073741825",
      "deferred.maxLag=2d", "deferred.maxHold=0ms", "deferred.maxHold=25h"})
  void invalidSettingsAreRefusedWithTheKeyNamed(String setting) {
    String[] kv = setting.split("=", 2);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> configured(uniqueName("bad"), kv[0], kv[1]));
    assertTrue(e.getMessage().contains(kv[0]), e.getMessage());
  }

  @Test
  void aRefusedReconfigurationChangesNoSettingAtAll() {
    DisruptorChannel ch = start("capacity", "8", "transactionCapacity", "4");
    assertThrows(IllegalArgumentException.class, () -> Configurables.configure(ch,
        context("capacity", "8", "transactionCapacity", "64", "deferred.capacity", "1",
            "deferred.maxLag", "1s")));
    assertEquals(8, ch.deferredRoom(), "deferred.capacity was not applied from a refused reload");
    long t0 = now();
    put(ch, batched("d0", t0), batched("d1", t0)); // the deferred lane still has room for both
    assertEquals(List.of("d0", "d1"), take(ch, 4));
  }

  @Test
  void deferredRoomIsTheDeferredCapacity() {
    assertEquals(64, start().deferredRoom(), "by default the ring's size");
    DisruptorChannel ch = start("deferred.capacity", "5");
    assertEquals(5, ch.deferredRoom());
    Configurables.configure(ch, context("capacity", "64", "transactionCapacity", "16",
        "deferred.capacity", "7"));
    assertEquals(7, ch.deferredRoom(), "a reload applies at once");
    assertEquals(0, new DisruptorChannel().deferredRoom(), "unconfigured");
  }

  // ---------------------------------------------------------------------------- immediate commit

  @Test
  void anImmediateCommitWithoutRoomFailsAtOnceWithoutWaitingKeepAlive() {
    DisruptorChannel ch = start("capacity", "4", "transactionCapacity", "4", "keep-alive", "20");
    putBodies(ch, bodies("f", 0, 4));
    Transaction tx = ch.getTransaction();
    tx.begin();
    ch.put(event("over"));
    long t0 = System.nanoTime();
    ChannelFullException e = assertThrows(ChannelFullException.class,
        () -> ch.commitImmediately(tx));
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    tx.rollback();
    tx.close();
    assertTrue(ms < 5_000, "keep-alive is 20 s, the immediate commit took " + ms + " ms");
    assertTrue(e.getMessage().contains("immediately"), e.getMessage());
    assertEquals(bodies("f", 0, 4), take(ch, 4), "the failed commit stored nothing");
  }

  @Test
  void anImmediateCommitFailsAtOnceWhenOnlyTheDeferredLaneIsFull() {
    DisruptorChannel ch = start("deferred.capacity", "1", "keep-alive", "20");
    long later = now() + 60_000;
    put(ch, batched("d0", later));
    Transaction tx = ch.getTransaction();
    tx.begin();
    ch.put(event("e0"));
    ch.put(batched("d1", later));
    assertThrows(ChannelFullException.class, () -> ch.commitImmediately(tx));
    tx.rollback();
    tx.close();
    assertEquals(List.of(), take(ch, 4), "all or nothing: the express half was not stored");
  }

  @Test
  void anImmediateCommitWithRoomCommitsLikeCommit() {
    DisruptorChannel ch = start("keep-alive", "20");
    long t0 = now();
    Transaction tx = ch.getTransaction();
    tx.begin();
    ch.put(event("e0"));
    ch.put(batched("d0", t0 + 10));
    ch.commitImmediately(tx);
    tx.close();
    assertEquals(2, counter(ch.getName()).getChannelSize());
    assertEquals(2, counter(ch.getName()).getEventPutSuccessCount());
    assertEquals(List.of("e0"), take(ch, 1)); // one: a second take would wait keep-alive
    advanceMillis(10);
    assertEquals(List.of("d0"), take(ch, 1));
  }

  @Test
  void aTransactionCommittedNormallyAfterAFailedImmediateCommitWaitsForKeepAliveAgain() {
    DisruptorChannel ch = start("capacity", "4", "transactionCapacity", "4", "keep-alive", "1");
    putBodies(ch, bodies("f", 0, 4));
    Transaction tx = ch.getTransaction();
    tx.begin();
    ch.put(event("over"));
    assertThrows(ChannelFullException.class, () -> ch.commitImmediately(tx));
    // Flume leaves a transaction whose commit failed open: its owner may commit it again.
    long t0 = System.nanoTime();
    assertThrows(ChannelFullException.class, tx::commit);
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    tx.rollback();
    tx.close();
    assertTrue(ms >= 900, "the plain commit waited keep-alive (1 s) again, it took " + ms + " ms");
  }

  @Test
  void anImmediateCommitOfAnotherChannelsTransactionIsRefused() {
    DisruptorChannel ch = start();
    DisruptorChannel other = start();
    org.apache.flume.channel.MemoryChannel memory = ChannelTestSupport.configure(
        new org.apache.flume.channel.MemoryChannel(), uniqueName("memory"), context());
    for (Transaction foreign : List.of(other.getTransaction(), memory.getTransaction())) {
      foreign.begin();
      assertThrows(IllegalArgumentException.class, () -> ch.commitImmediately(foreign));
      foreign.rollback();
      foreign.close();
    }
    assertThrows(IllegalArgumentException.class, () -> ch.commitImmediately(null));
  }

  // ----------------------------------------------------------------------------- deferred lane

  @Test
  void deferredEventsAreHeldUntilReleaseAtThenReleasedInReleaseAtOrder() {
    DisruptorChannel ch = start();
    long t0 = now();
    putAll(ch, List.of(batched("d100", t0 + 100), batched("d50a", t0 + 50), batched("d200", t0 + 200)));
    putAll(ch, List.of(batched("d50b", t0 + 50), batched("d50c", t0 + 50)));
    assertEquals(5, counter(ch.getName()).getChannelSize(), "held events count as stored");

    assertEquals(List.of(), take(ch, 16), "nothing is due yet");
    advanceMillis(49);
    assertEquals(List.of(), take(ch, 16), "1 ms before the first due time");
    advanceMillis(1);
    assertEquals(List.of("d50a", "d50b", "d50c"), take(ch, 16), "equal due times: put order");
    advanceMillis(49);
    assertEquals(List.of(), take(ch, 16));
    advanceMillis(51);
    assertEquals(List.of("d100"), take(ch, 16));
    advanceMillis(1_000);
    Transaction tx = ch.getTransaction();
    tx.begin();
    Event last = ch.take();
    assertNull(ch.take());
    tx.commit();
    tx.close();
    assertEquals("d200", body(last));
    assertEquals(Disposition.BATCHED.value(), last.getHeaders().get(Headers.DISPOSITION));
    assertEquals(Long.toString(t0 + 200), last.getHeaders().get(Headers.RELEASE_AT),
        "the event leaves with its headers untouched");
    assertEquals(0, counter(ch.getName()).getChannelSize());
  }

  @Test
  void expressEventsAreTakenBeforeDueDeferredOnes() {
    DisruptorChannel ch = start("deferred.maxLag", "100ms");
    long t0 = now();
    // Lateness counts from the put (a label already past is due at the put): let time pass.
    put(ch, batched("due-at-50", t0 + 50), batched("due-at-0", t0));
    advanceMillis(50);
    putBodies(ch, List.of("e0", "e1", "e2"));
    assertEquals(List.of("e0", "e1", "e2", "due-at-0", "due-at-50"), take(ch, 16));
  }

  @Test
  void aDueDeferredEventLateByMoreThanMaxLagGoesBeforeExpressEvents() {
    DisruptorChannel ch = start("deferred.maxLag", "100ms");
    putBodies(ch, List.of("e0", "e1", "e2"));
    long t0 = now();
    put(ch, batched("late-100", t0 + 1), batched("late-101", t0));
    advanceMillis(101);
    // 101 ms late exceeds maxLag 100 ms: first. 100 ms late does not: after the express lane.
    assertEquals(List.of("late-101", "e0", "e1", "e2", "late-100"), take(ch, 16));
  }

  @Test
  void aSteadyExpressStreamCannotStarveTheDeferredLane() {
    DisruptorChannel ch = start("deferred.maxLag", "100ms");
    long releaseAt = now() + 10;
    put(ch, batched("deferred", releaseAt));
    fillExpress(ch, "backlog", 20, 10);
    // Each millisecond one express event arrives and one event is taken: the express lane never
    // empties, so only the maxLag rule can let the deferred event out.
    int takenAt = -1;
    long lagWhenTaken = -1;
    for (int i = 0; i < 300 && takenAt < 0; i++) {
      advanceMillis(1);
      putBodies(ch, List.of("s" + i));
      List<String> got = take(ch, 1);
      assertEquals(1, got.size());
      if (got.get(0).equals("deferred")) {
        takenAt = i;
        lagWhenTaken = now() - releaseAt;
      } else {
        assertTrue(now() - releaseAt <= 100, "an express event went first although the deferred"
            + " event was " + (now() - releaseAt) + " ms late");
      }
    }
    assertEquals(101, lagWhenTaken, "taken as soon as it was more than maxLag late");
    assertEquals(110, takenAt);
    // 20 + 111 express events put, 110 taken: the deferred event overtook a backlog of 21.
    assertEquals(21, drain(ch, 16).size(), "the express backlog was still there");
  }

  @Test
  void deferredCapacityBoundsTheDeferredLaneAlone() {
    DisruptorChannel ch = start("deferred.capacity", "4");
    long t0 = now();
    assertEquals(64 + 4, counter(ch.getName()).getChannelCapacity());
    for (int i = 0; i < 4; i++) {
      put(ch, batched("d" + i, t0 + 10 + i));
    }
    assertThrows(ChannelFullException.class, () -> put(ch, batched("d4", t0 + 20)));
    putBodies(ch, List.of("e0")); // the express lane has its own room
    // All or nothing: the express half of a transaction whose deferred half has no room is dropped.
    assertThrows(ChannelFullException.class, () -> put(ch, event("e1"), batched("d5", t0 + 20)));
    assertEquals(List.of("e0"), take(ch, 16));

    advanceMillis(10);
    assertEquals(List.of("d0"), take(ch, 1));
    put(ch, batched("d6", t0 + 5)); // room freed by the committed take
    assertThrows(ChannelFullException.class, () -> put(ch, batched("d7", t0 + 20)));
    advanceMillis(100);
    assertEquals(List.of("d6", "d1", "d2", "d3"), drain(ch, 16));
  }

  @Test
  void aTransactionsTakesFromALaneMakeRoomForItsPutsToThatLaneOnly() {
    DisruptorChannel ch = start("capacity", "4", "transactionCapacity", "4",
        "deferred.capacity", "2", "deferred.maxLag", "0ms");
    long t0 = now();
    put(ch, batched("d0", t0), batched("d1", t0));
    putBodies(ch, bodies("e", 0, 4));
    advanceMillis(1); // d0 and d1 are now late: taken before the express events
    // Both lanes are full. A deferred take frees no express room, an express take no deferred room.
    Transaction tx = ch.getTransaction();
    tx.begin();
    assertEquals("d0", body(ch.take()));
    ch.put(event("express-for-deferred"));
    assertThrows(ChannelFullException.class, tx::commit);
    tx.rollback();
    tx.close();
    tx = ch.getTransaction();
    tx.begin();
    assertEquals(List.of("d0", "d1", "e0"), List.of(body(ch.take()), body(ch.take()),
        body(ch.take())));
    ch.put(batched("deferred-for-express", t0));
    ch.put(batched("deferred-for-express", t0));
    ch.put(batched("deferred-for-express", t0));
    assertThrows(ChannelFullException.class, tx::commit, "three deferred puts, two deferred takes");
    tx.rollback();
    tx.close();

    long later = t0 + 60_000;
    Event[] puts = {batched("b0", later), batched("b1", later), event("x0"), event("x1")};
    tx = ch.getTransaction();
    tx.begin();
    assertEquals(List.of("d0", "d1", "e0", "e1"), List.of(body(ch.take()), body(ch.take()),
        body(ch.take()), body(ch.take())));
    for (Event e : puts) {
      ch.put(e);
    }
    tx.commit(); // two in and two out of each lane
    tx.close();
    assertThrows(ChannelFullException.class, () -> putBodies(ch, List.of("over")));
    assertThrows(ChannelFullException.class, () -> put(ch, batched("over", t0)));
    assertEquals(List.of("e2", "e3", "x0", "x1"), take(ch, 4));
    advanceMillis(60_000);
    assertEquals(List.of("b0", "b1"), take(ch, 4));
  }

  @Test
  void onlyBatchedEventsWithANumericReleaseAtAreDeferred() {
    DisruptorChannel ch = start();
    long future = now() + 60_000;
    Map<String, Event> events = new java.util.LinkedHashMap<>();
    events.put("processed", withHeaders("processed", Headers.DISPOSITION, "processed",
        Headers.RELEASE_AT, Long.toString(future)));
    events.put("throttled", withHeaders("throttled", Headers.DISPOSITION, "throttled",
        Headers.RELEASE_AT, Long.toString(future)));
    events.put("no-release-at", withHeaders("no-release-at", Headers.DISPOSITION, "batched"));
    events.put("bad-release-at", withHeaders("bad-release-at", Headers.DISPOSITION, "batched",
        Headers.RELEASE_AT, "soon"));
    events.put("no-headers", event("no-headers"));
    events.put("batched", batched("batched", future));
    putAll(ch, new ArrayList<>(events.values()));
    assertEquals(List.of("processed", "throttled", "no-release-at", "bad-release-at", "no-headers"),
        take(ch, 16), "everything but the well-formed batched event is express");
    assertEquals(Long.MIN_VALUE, DisruptorChannel.releaseAtOf(events.get("processed")));
    assertEquals(future, DisruptorChannel.releaseAtOf(events.get("batched")));
    advanceMillis(60_000);
    assertEquals(List.of("batched"), take(ch, 16));
  }

  private static Event withHeaders(String body, String... kv) {
    Map<String, String> h = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      h.put(kv[i], kv[i + 1]);
    }
    return EventBuilder.withBody(body.getBytes(StandardCharsets.UTF_8), h);
  }

  @Test
  void rolledBackDeferredTakesComeBackFirstAndKeepTheirLanesRoom() {
    DisruptorChannel ch = start("deferred.capacity", "2");
    long t0 = now();
    put(ch, batched("d0", t0), batched("d1", t0 + 1));
    putBodies(ch, List.of("e0"));
    advanceMillis(1);
    Transaction tx = ch.getTransaction();
    tx.begin();
    assertEquals("e0", body(ch.take()));
    assertEquals("d0", body(ch.take()));
    tx.rollback();
    tx.close();
    // Still counted in the deferred lane while back for redelivery.
    assertThrows(ChannelFullException.class, () -> put(ch, batched("d2", t0)));
    assertEquals(List.of("e0", "d0", "d1"), take(ch, 16));
    put(ch, batched("d3", t0), batched("d4", t0));
    assertEquals(List.of("d3", "d4"), take(ch, 16));
  }

  // ------------------------------------------------------------------------------ reconfiguration

  @Test
  void reconfiguringARunningChannelKeepsTheRingButAppliesKeepAliveAndTransactionCapacity() {
    DisruptorChannel ch = start("capacity", "8", "transactionCapacity", "8");
    putBodies(ch, bodies("r", 0, 5));
    assertEquals(List.of("r0"), take(ch, 1));

    // Flume's reload calls configure() on the live instance.
    Configurables.configure(ch, context("capacity", "64", "transactionCapacity", "2",
        "keep-alive", "1", "deferred.maxLag", "10s"));
    assertEquals(LifecycleState.START, ch.getLifecycleState());
    assertEquals(2, ch.getTransactionCapacity());

    Transaction tx = ch.getTransaction();
    tx.begin();
    ch.put(event("x0"));
    ch.put(event("x1"));
    assertThrows(ChannelException.class, () -> ch.put(event("x2")), "transactionCapacity is now 2");
    tx.rollback();
    tx.close();

    putBodies(ch, bodies("r", 5, 7));
    putBodies(ch, bodies("r", 7, 9)); // 8 held: the old ring is full
    long t0 = System.nanoTime();
    assertThrows(ChannelFullException.class, () -> putBodies(ch, List.of("r9")),
        "the ring keeps its size 8");
    long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    assertTrue(waited >= 900, "keep-alive is now 1 s, waited " + waited + " ms");

    List<String> got = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      got.addAll(take(ch, 2));
    }
    assertEquals(bodies("r", 1, 9), got, "no event lost across the reconfiguration");
    assertEquals(0, counter(ch.getName()).getChannelSize());
    // The ring keeps working (and wrapping) after the reload.
    for (int round = 0; round < 10; round++) {
      putBodies(ch, bodies("w" + round + "-", 0, 2));
      assertEquals(bodies("w" + round + "-", 0, 2), take(ch, 2));
    }
  }

  @Test
  void aReconfigurationWithTooLargeATransactionCapacityIsRefusedAndChangesNothingElse() {
    DisruptorChannel ch = start("capacity", "8", "transactionCapacity", "4");
    putBodies(ch, bodies("a", 0, 3));
    assertThrows(IllegalArgumentException.class, () -> Configurables.configure(ch,
        context("capacity", "64", "transactionCapacity", "64", "keep-alive", "0")));
    assertEquals(4, ch.getTransactionCapacity());
    assertEquals(bodies("a", 0, 3), take(ch, 4));
  }

  @Test
  void reconfiguringDeferredCapacityAppliesToTheRunningChannel() {
    DisruptorChannel ch = start("deferred.capacity", "1");
    long due = now() + 10;
    put(ch, batched("d0", due));
    assertThrows(ChannelFullException.class, () -> put(ch, batched("d1", due)));
    Configurables.configure(ch, context("capacity", "64", "transactionCapacity", "16",
        "keep-alive", "0", "deferred.capacity", "3", "deferred.maxLag", "10s"));
    put(ch, batched("d1", due), batched("d2", due));
    assertThrows(ChannelFullException.class, () -> put(ch, batched("d3", due)));
    advanceMillis(10);
    assertEquals(List.of("d0", "d1", "d2"), take(ch, 16));
  }

  // ---------------------------------------------------------------------------------- checkpoint

  @Test
  void eventsHeldAtStopAreRestoredOnceByANewInstance() throws Exception {
    String name = uniqueName("cp");
    String dir = tmp.resolve("checkpoints").toString();
    DisruptorChannel first = startNamed(name, "checkpointDir", dir);
    long t0 = now();
    putBodies(first, List.of("x0", "x1", "x2"));
    put(first, batched("b200", t0 + 200), batched("b100a", t0 + 100));
    put(first, batched("b100b", t0 + 100));
    // x0 is taken and rolled back: held for redelivery at stop.
    Transaction tx = first.getTransaction();
    tx.begin();
    assertEquals("x0", body(first.take()));
    tx.rollback();
    tx.close();
    first.stop();
    Path file = tmp.resolve("checkpoints").resolve(name + ".events");
    assertTrue(Files.exists(file), "checkpoint written at stop");

    DisruptorChannel second = startNamed(name, "checkpointDir", dir);
    assertFalse(Files.exists(file), "a restored checkpoint is removed, so it is restored once");
    assertEquals(6, counter(name).getChannelSize());
    assertEquals(List.of("x0", "x1", "x2"), take(second, 16), "express lane first, in order");
    advanceMillis(99);
    assertEquals(List.of(), take(second, 16), "deferred events keep their releaseAt");
    advanceMillis(1);
    Transaction t2 = second.getTransaction();
    t2.begin();
    Event a = second.take();
    Event b = second.take();
    assertNull(second.take());
    t2.commit();
    t2.close();
    assertEquals(List.of("b100a", "b100b"), List.of(body(a), body(b)));
    assertEquals(Long.toString(t0 + 100), a.getHeaders().get(Headers.RELEASE_AT));
    assertEquals(Disposition.BATCHED.value(), a.getHeaders().get(Headers.DISPOSITION));
    advanceMillis(100);
    assertEquals(List.of("b200"), take(second, 16));
    assertEquals(List.of(), take(second, 16));
    second.stop();

    DisruptorChannel third = startNamed(name, "checkpointDir", dir);
    assertEquals(0, counter(name).getChannelSize());
    advanceMillis(10_000);
    assertEquals(List.of(), take(third, 16), "everything was delivered once already");
  }

  @Test
  void aCheckpointIsRestoredOnlyByTheChannelOfTheSameName() {
    String dir = tmp.toString();
    DisruptorChannel a = startNamed(uniqueName("cpa"), "checkpointDir", dir);
    putBodies(a, List.of("for-a"));
    a.stop();
    DisruptorChannel other = startNamed(uniqueName("cpb"), "checkpointDir", dir);
    assertEquals(List.of(), take(other, 16));
    DisruptorChannel again = startNamed(a.getName(), "checkpointDir", dir);
    assertEquals(List.of("for-a"), take(again, 16));
  }

  @Test
  void restartingTheSameInstanceDoesNotDuplicateHeldEvents() {
    String name = uniqueName("cp-same");
    DisruptorChannel ch = startNamed(name, "checkpointDir", tmp.toString());
    long t0 = now();
    putBodies(ch, List.of("x0", "x1"));
    put(ch, batched("b50", t0 + 50));
    ch.stop();
    assertTrue(Files.exists(tmp.resolve(name + ".events")));
    ch.start(); // Flume's reload: the same cached instance, still holding its events
    assertFalse(Files.exists(tmp.resolve(name + ".events")));
    assertEquals(3, counter(name).getChannelSize());
    assertEquals(List.of("x0", "x1"), take(ch, 16));
    advanceMillis(50);
    assertEquals(List.of("b50"), take(ch, 16));
    assertEquals(List.of(), take(ch, 16));
    ch.stop();
    ch.start();
    assertEquals(List.of(), take(ch, 16));
  }

  // ---------------------------------------------------------------------------- waiting takes

  @Test
  void everyTakeWaitsForKeepAliveAndTakeNowDoesNot() {
    DisruptorChannel ch = start("keep-alive", "1");
    Transaction tx = ch.getTransaction();
    tx.begin();
    long t0 = System.nanoTime();
    assertNull(ch.take());
    long firstMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    tx.commit();
    tx.close();
    assertTrue(firstMs >= 900 && firstMs < 10_000, "an empty channel's first take waited " + firstMs
        + " ms, keep-alive is 1 s");

    // As MemoryChannel: a take after the first waits too. Flume's file_roll and null sinks back
    // off a second or more after any take that returns null, even mid-batch.
    putBodies(ch, List.of("only"));
    tx = ch.getTransaction();
    tx.begin();
    assertEquals("only", body(ch.take()));
    t0 = System.nanoTime();
    assertNull(ch.take());
    long laterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    assertTrue(laterMs >= 900 && laterMs < 10_000, "a later take waited " + laterMs + " ms, keep-alive is 1 s");

    // takeNow: what is there, at once
    t0 = System.nanoTime();
    assertNull(ch.takeNow());
    long nowMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    assertTrue(nowMs < 500, "takeNow must not wait, took " + nowMs + " ms");
    tx.commit();
    tx.close();
    putBodies(ch, List.of("there"));
    tx = ch.getTransaction();
    tx.begin();
    assertEquals("there", body(ch.takeNow()));
    tx.commit();
    tx.close();
  }

  @Test
  void takeNowOutsideATransactionIsRefusedAsTakeIs() {
    DisruptorChannel ch = start();
    assertThrows(IllegalStateException.class, ch::takeNow);
  }

  @Test
  void aWaitingTakeIsWokenByACommit() throws Exception {
    DisruptorChannel ch = start("keep-alive", "10");
    executor = Executors.newSingleThreadExecutor();
    CountDownLatch waiting = new CountDownLatch(1);
    Future<Long> taker = executor.submit(() -> {
      Transaction tx = ch.getTransaction();
      tx.begin();
      waiting.countDown();
      long t0 = System.nanoTime();
      Event e = ch.take();
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      tx.commit();
      tx.close();
      assertEquals("wake", body(e));
      return ms;
    });
    assertTrue(waiting.await(10, TimeUnit.SECONDS));
    putBodies(ch, List.of("wake"));
    long ms = taker.get(20, TimeUnit.SECONDS);
    assertTrue(ms < 8_000, "the commit should wake the waiting take, it waited " + ms + " ms");
  }

  @Test
  void aWaitingTakeGetsADeferredEventWhenItComesDueOnTheRealClock() {
    DisruptorChannel ch = new DisruptorChannel(); // Clock.SYSTEM
    ch.setName(uniqueName("real"));
    Configurables.configure(ch, context("capacity", "16", "transactionCapacity", "4",
        "keep-alive", "10"));
    ch.start();
    started.add(ch);
    long releaseAt = System.currentTimeMillis() + 300;
    put(ch, batched("due", releaseAt));
    long t0 = System.nanoTime();
    Transaction tx = ch.getTransaction();
    tx.begin();
    Event e = ch.take();
    long at = System.currentTimeMillis();
    tx.commit();
    tx.close();
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    assertNotNull(e, "the take waited for the event to come due");
    assertEquals("due", body(e));
    assertTrue(at >= releaseAt, "released " + (releaseAt - at) + " ms early");
    assertTrue(ms < 8_000, "a due event should end the wait, waited " + ms + " ms");
  }

  // ---------------------------------------------------------------------------- interruption

  @Test
  void anInterruptedCommitLeavesNoRoomReserved() {
    DisruptorChannel ch = start("capacity", "4", "transactionCapacity", "4",
        "deferred.capacity", "1", "keep-alive", "5");
    long later = now() + 60_000;
    put(ch, batched("d0", later)); // the deferred lane is full
    Transaction tx = ch.getTransaction();
    tx.begin();
    ch.put(event("e0"));
    ch.put(batched("d1", later));
    Thread.currentThread().interrupt(); // e.g. the agent stopping the source thread
    ChannelException e = assertThrows(ChannelException.class, tx::commit);
    assertTrue(Thread.interrupted(), "the interrupt flag is restored (and cleared here)");
    assertInstanceOf(InterruptedException.class, e.getCause());
    tx.rollback();
    tx.close();
    // Nothing of the failed commit holds room: the express lane takes its full capacity at once.
    long t0 = System.nanoTime();
    putBodies(ch, bodies("x", 0, 4));
    assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) < 4_000);
    assertEquals(5, counter(ch.getName()).getChannelSize());
    assertEquals(bodies("x", 0, 4), take(ch, 4));
  }

  @Test
  void anInterruptedWaitingTakeReturnsNull() {
    DisruptorChannel ch = start("keep-alive", "10");
    Transaction tx = ch.getTransaction();
    tx.begin();
    Thread.currentThread().interrupt();
    long t0 = System.nanoTime();
    assertNull(ch.take());
    assertTrue(Thread.interrupted());
    assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) < 5_000);
    tx.commit();
    tx.close();
  }
}
