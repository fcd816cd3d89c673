package io.sluice.channel;

import io.sluice.core.time.ManualClock;

import static io.sluice.channel.ChannelTestSupport.batched;
import static io.sluice.channel.ChannelTestSupport.context;
import static io.sluice.channel.ChannelTestSupport.put;
import static io.sluice.channel.ChannelTestSupport.take;
import static io.sluice.channel.ChannelTestSupport.uniqueName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.core.metrics.SluiceMetrics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flume.ChannelFullException;
import org.apache.flume.Context;
import org.apache.flume.conf.Configurables;
import org.apache.flume.lifecycle.LifecycleState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deferred events are held by the monotonic clock: a wall-clock step after the put neither holds
 * them longer nor releases them early, and no label holds one longer than {@code deferred.maxHold}.
 * All on a fake clock whose wall reading can be stepped.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DisruptorChannelTimeTest {

  private static final long HOUR = Duration.ofHours(1).toMillis();

  private final ManualClock clock = new ManualClock();
  private final List<DisruptorChannel> started = new ArrayList<>();

  @TempDir Path tmp;

  @AfterEach
  void tearDown() {
    for (DisruptorChannel ch : started) {
      if (ch.getLifecycleState() == LifecycleState.START) {
        ch.stop();
      }
    }
  }

  /** capacity 64, transactionCapacity 16, keep-alive 0, deferred.maxLag 10s, plus overrides. */
  private DisruptorChannel start(ManualClock on, String name, String... overrides) {
    Context ctx = context("capacity", "64", "transactionCapacity", "16", "keep-alive", "0",
        "deferred.maxLag", "10s");
    ctx.putAll(context(overrides).getParameters());
    DisruptorChannel ch = new DisruptorChannel();
    ch.setClock(on);
    ch.setName(name);
    Configurables.configure(ch, ctx);
    ch.start();
    started.add(ch);
    return ch;
  }

  private DisruptorChannel start(String... overrides) {
    return start(clock, uniqueName("time"), overrides);
  }

  private long wall() {
    return clock.currentTimeMillis();
  }

  private static long clamped(DisruptorChannel ch) {
    return SluiceMetrics.registry().counter("channel." + ch.getName() + ".deferred.clamped")
        .getCount();
  }

  private static long overdue(DisruptorChannel ch) {
    return (Long) SluiceMetrics.registry().getGauges()
        .get("channel." + ch.getName() + ".deferred.overdue").getValue();
  }

  @Test
  void anEventIsStillReleasedAtItsDueTimeWhenTheWallClockIsSetBackAnHourAfterThePut() {
    DisruptorChannel ch = start();
    put(ch, batched("due-in-100ms", wall() + 100));
    clock.stepWall(Duration.ofHours(-1));
    clock.advanceMillis(99);
    assertEquals(List.of(), take(ch, 16));
    clock.advanceMillis(1);
    assertEquals(List.of("due-in-100ms"), take(ch, 16), "not held an hour longer");
  }

  @Test
  void anEventIsNotReleasedEarlyWhenTheWallClockIsSetForwardAnHourAfterThePut() {
    DisruptorChannel ch = start();
    put(ch, batched("due-in-100ms", wall() + 100));
    clock.stepWall(Duration.ofHours(1));
    assertEquals(List.of(), take(ch, 16), "its label is an hour past, but it is not due");
    assertEquals(0, overdue(ch), "nor overdue");
    clock.advanceMillis(99);
    assertEquals(List.of(), take(ch, 16));
    clock.advanceMillis(1);
    assertEquals(List.of("due-in-100ms"), take(ch, 16), "released at its monotonic due time");
  }

  @Test
  void labelsMadeAfterAStepAreReadInTheNewWallClockTime() {
    DisruptorChannel ch = start();
    put(ch, batched("before", wall() + 300));
    clock.stepWall(Duration.ofHours(-1));
    clock.advanceMillis(1); // the channel looks at the wall clock once a millisecond at most
    put(ch, batched("after", wall() + 100)); // the interceptor, re-anchored, labels in the new time
    clock.advanceMillis(99);
    assertEquals(List.of(), take(ch, 16));
    clock.advanceMillis(1);
    assertEquals(List.of("after"), take(ch, 16));
    clock.advanceMillis(198);
    assertEquals(List.of(), take(ch, 16));
    clock.advanceMillis(1);
    assertEquals(List.of("before"), take(ch, 16));
  }

  @Test
  void aLabelAYearAheadIsReleasedAfterMaxHoldAndCounted() {
    DisruptorChannel ch = start();
    put(ch, batched("a-year-ahead", wall() + Duration.ofDays(365).toMillis()),
        batched("an-hour-ahead", wall() + HOUR), batched("in-time", wall() + 59_000));
    assertEquals(2, clamped(ch), "channel.<name>.deferred.clamped");
    clock.advanceMillis(59_000);
    assertEquals(List.of("in-time"), take(ch, 16));
    clock.advanceMillis(999);
    assertEquals(List.of(), take(ch, 16));
    clock.advanceMillis(1);
    assertEquals(List.of("a-year-ahead", "an-hour-ahead"), take(ch, 16),
        "held deferred.maxHold (1m by default) after the put, in put order");
  }

  @Test
  void aLabelBeyondTheDefaultMaxHoldIsHeldSixtySecondsFromItsPutNotFromTheChannelsStart() {
    DisruptorChannel ch = start(); // deferred.maxHold left at its default
    clock.advanceMillis(25_000); // the put comes well after the start
    put(ch, batched("ten-days-ahead", wall() + Duration.ofDays(10).toMillis()));
    assertEquals(1, clamped(ch), "channel.<name>.deferred.clamped");
    clock.advanceMillis(59_999);
    assertEquals(List.of(), take(ch, 16), "held until its put + 60 s");
    clock.advanceMillis(1);
    assertEquals(List.of("ten-days-ahead"), take(ch, 16), "and not a millisecond longer");
  }

  @Test
  void labelsDaysAheadFillTheDeferredLaneForMaxHoldAtMost() {
    DisruptorChannel ch = start("deferred.capacity", "4");
    long days = Duration.ofDays(3).toMillis();
    for (int i = 0; i < 4; i++) {
      put(ch, batched("parked" + i, wall() + days));
    }
    assertThrows(ChannelFullException.class, () -> put(ch, batched("honest", wall() + 100)),
        "the lane is full of events labelled days ahead");
    clock.advanceMillis(60_000);
    assertEquals(List.of("parked0", "parked1", "parked2", "parked3"), take(ch, 16));
    put(ch, batched("honest", wall() + 100));
    clock.advanceMillis(100);
    assertEquals(List.of("honest"), take(ch, 16));
    assertEquals(4, clamped(ch));
  }

  @Test
  void extremeLabelsAreHeldWithinTheirBounds() {
    DisruptorChannel ch = start("deferred.maxHold", "5s");
    put(ch, batched("max", Long.MAX_VALUE), batched("min", Long.MIN_VALUE),
        batched("zero", 0));
    assertEquals(List.of("min", "zero"), take(ch, 16), "a label in the past is due at once");
    clock.advanceMillis(4_999);
    assertEquals(List.of(), take(ch, 16));
    clock.advanceMillis(1);
    assertEquals(List.of("max"), take(ch, 16));
    assertEquals(1, clamped(ch));
  }

  @Test
  void aReloadAppliesANewMaxHoldToLaterPuts() {
    DisruptorChannel ch = start("deferred.maxHold", "1s");
    put(ch, batched("held-1s", wall() + HOUR));
    Configurables.configure(ch, context("capacity", "64", "transactionCapacity", "16",
        "keep-alive", "0", "deferred.maxLag", "10s", "deferred.maxHold", "2s"));
    put(ch, batched("held-2s", wall() + HOUR));
    clock.advanceMillis(1_000);
    assertEquals(List.of("held-1s"), take(ch, 16));
    clock.advanceMillis(1_000);
    assertEquals(List.of("held-2s"), take(ch, 16));
  }

  @Test
  void lagIsMeasuredFromThePutWhenTheLabelIsAlreadyPastAndByTheMonotonicClock() {
    DisruptorChannel ch = start();
    put(ch, batched("labelled-10s-ago", wall() - 10_000));
    assertEquals(0, overdue(ch), "due at the put, not 10 s before it");
    clock.advanceMillis(30);
    clock.stepWall(Duration.ofHours(1));
    assertEquals(30, overdue(ch), "30 ms on the monotonic clock, whatever the wall clock did");
    assertEquals(List.of("labelled-10s-ago"), take(ch, 16));
    assertEquals(30, SluiceMetrics.registry().histogram("channel." + ch.getName()
        + ".deferred.lag").getSnapshot().getMax());
  }

  @Test
  void aCheckpointKeepsWallClockDueTimesSoAnotherProcessDeliversOnTime() {
    String name = uniqueName("time-cp");
    String dir = tmp.toString();
    DisruptorChannel first = start(clock, name, "checkpointDir", dir);
    long releaseAt = wall() + 5_000;
    put(first, batched("due-in-5s", releaseAt));
    clock.advanceMillis(1_000);
    first.stop();

    // The next process: another monotonic origin, the same wall clock, started 2 s later.
    ManualClock next = new ManualClock(7_000_000_000_000L, wall() + 2_000);
    DisruptorChannel second = start(next, name, "checkpointDir", dir);
    next.advanceMillis(1_999);
    assertEquals(List.of(), take(second, 16));
    next.advanceMillis(1);
    assertEquals(releaseAt, next.currentTimeMillis());
    assertEquals(List.of("due-in-5s"), take(second, 16), "released at its label");
  }

  @Test
  void aCheckpointRestoredAfterItsEventsCameDueReleasesThemAtOnceAndClampsNone() {
    String name = uniqueName("time-cp-late");
    String dir = tmp.toString();
    DisruptorChannel first = start(clock, name, "checkpointDir", dir);
    put(first, batched("due-in-1s", wall() + 1_000));
    first.stop();
    ManualClock next = new ManualClock(5_000_000_000L, wall() + HOUR);
    DisruptorChannel second = start(next, name, "checkpointDir", dir);
    assertEquals(List.of("due-in-1s"), take(second, 16));
    assertEquals(0, clamped(second));
  }

  @Test
  void aCheckpointedLabelBeyondMaxHoldIsClampedAgainAtRestore() {
    String name = uniqueName("time-cp-far");
    String dir = tmp.toString();
    DisruptorChannel first = start(clock, name, "checkpointDir", dir, "deferred.maxHold", "1d");
    put(first, batched("due-in-an-hour", wall() + HOUR));
    first.stop();
    DisruptorChannel second = start(clock, name, "checkpointDir", dir, "deferred.maxHold", "1s");
    assertEquals(1, clamped(second));
    clock.advanceMillis(1_000);
    assertEquals(List.of("due-in-an-hour"), take(second, 16));
  }

  @Test
  void clampedEventsAreLoggedAtMostOnceAMinute() {
    DisruptorChannel ch = start("deferred.maxHold", "1s");
    try (CapturedLog log = new CapturedLog(ClampReport.class)) {
      for (int i = 0; i < 5; i++) {
        put(ch, batched("far" + i, wall() + HOUR));
        clock.advanceMillis(10_000);
      }
      assertEquals(1, log.warnings().size(), log.warnings().toString());
      assertTrue(log.warnings().get(0).contains("deferred.maxHold (1000 ms)"), log.warnings().get(0));
      clock.advanceMillis(20_000); // a minute after the first report
      put(ch, batched("far5", wall() + HOUR));
      assertEquals(2, log.warnings().size());
      assertTrue(log.warnings().get(1).startsWith("Channel " + ch.getName() + ": 5 batched events"
          + " since the last report"), log.warnings().get(1));
    }
    assertEquals(6, clamped(ch));
  }
}
