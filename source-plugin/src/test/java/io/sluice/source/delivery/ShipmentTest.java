package io.sluice.source.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.core.Headers;
import io.sluice.source.RejectingInterceptor;
import io.sluice.source.SourceMetrics.DropReason;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.flume.Event;
import org.apache.flume.event.EventBuilder;
import org.junit.jupiter.api.Test;

/**
 * A batch's way into real channels, attempt by attempt: what a retry repeats and what it must not,
 * and what is given up when.
 */
class ShipmentTest {

  private static List<Event> events(String... bodies) {
    List<Event> out = new ArrayList<>();
    for (String b : bodies) {
      out.add(EventBuilder.withBody(b, StandardCharsets.UTF_8));
    }
    return out;
  }

  /** {@code c} filled to its capacity. */
  private static TestChannel full(TestChannel c) {
    Delivery d = Pipelines.delivery(Pipelines.replicating(Map.of(), c), false);
    List<Event> filler = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      filler.add(EventBuilder.withBody("filler " + i, StandardCharsets.UTF_8));
    }
    assertTrue(d.attemptHere(d.shipment(filler)).accepted());
    return c;
  }

  private static String name() {
    return "shipment-" + UUID.randomUUID();
  }

  @Test
  void aRetryAfterOneChannelRefusedWritesNothingTwiceIntoTheOtherOne() {
    // The README's routing: processed events to the main channel, throttled ones to a quarantine.
    TestChannel main = new TestChannel(100);
    TestChannel quarantine = full(new TestChannel(11));
    String tagger = name();
    Delivery d = Pipelines.delivery(Pipelines.multiplexing(Headers.DISPOSITION,
        Map.of("processed", main.getName(), "throttled", quarantine.getName()), main,
        TaggingInterceptor.chain(tagger), main, quarantine), true);
    Shipment s = d.shipment(events("throttled a", "p1", "throttled b", "p2"));

    Outcome first = d.attemptHere(s);
    assertEquals(Refusal.FULL, first.refusal(), "the quarantine has room for one event, not two");
    assertEquals(List.of("p1", "p2"), main.takeBodies(10), "the main channel has its share");
    for (int i = 0; i < 3; i++) {
      assertFalse(d.attemptHere(s).accepted());
    }
    assertEquals(List.of(), main.takeBodies(10), "retries leave the main channel alone");
    assertEquals(10, quarantine.takeBodies(10).size(), "the sink drains the quarantine");
    assertTrue(d.attemptHere(s).accepted());
    assertEquals(List.of("throttled a", "throttled b"), quarantine.takeBodies(10));
    assertEquals(List.of(), main.takeBodies(10));
    assertEquals(4, TaggingInterceptor.decided(tagger), "each event decided once, over five attempts");
  }

  @Test
  void replicatedBatchesGoWholeIntoEveryChannelAndAFullOptionalOneRefusesNothing() {
    TestChannel a = new TestChannel(100);
    TestChannel b = new TestChannel(100);
    TestChannel spare = full(new TestChannel(10));
    Delivery d = Pipelines.delivery(Pipelines.replicatingWithOptional(spare, a, b, spare), true);
    Shipment s = d.shipment(events("x", "y", "z"));
    assertTrue(d.attemptHere(s).accepted(), "an optional channel's failure refuses nothing");
    assertEquals(List.of("x", "y", "z"), a.takeBodies(10));
    assertEquals(List.of("x", "y", "z"), b.takeBodies(10));
    assertEquals(10, spare.takeBodies(10).size(), "only what filled it before");
    assertEquals(-1, s.landings(e -> true), "the optional copies were given up: not all landed");

    assertTrue(d.attemptHere(d.shipment(events("w"))).accepted());
    assertEquals(List.of("w"), a.takeBodies(10));
    assertEquals(List.of("w"), b.takeBodies(10));
    assertEquals(List.of("w"), spare.takeBodies(10), "with room, the optional channel has its copy");
  }

  /** A share takes a poison event's neighbour first (a probe): the other channels' copies keep theirs. */
  @Test
  void aPoisonEventInOneChannelLeavesTheOtherChannelsTheWholeBatch() {
    TestChannel picky = new TestChannel(100);
    picky.failWhen(e -> TestChannel.body(e).equals("poison"));
    TestChannel other = new TestChannel(100);
    TestChannel spare = new TestChannel(100);
    Delivery d = Pipelines.delivery(Pipelines.replicatingWithOptional(spare, picky, other, spare), true);
    Shipment s = d.shipment(events("poison", "b", "c"));
    int attempts = 0;
    while (!d.attemptHere(s).accepted()) {
      attempts++;
      assertTrue(attempts < 10, "the poison event must not wedge the batch");
    }
    assertEquals(List.of("b", "c"), picky.takeBodies(10));
    assertEquals(List.of("poison", "b", "c"), other.takeBodies(10));
    assertEquals(List.of("poison", "b", "c"), spare.takeBodies(10));
    assertEquals(List.of("poison", "b", "c"), s.events().stream().map(TestChannel::body).toList(),
        "the events as read");
  }

  /** What completes an HEC ack: every landing of every counted event, in every channel it went to. */
  @Test
  void landingsCountEachEventOncePerChannelItWentTo() {
    TestChannel a = new TestChannel(100);
    TestChannel b = new TestChannel(100);
    Delivery d = Pipelines.delivery(Pipelines.replicating(Map.of(), a, b), true);
    Shipment s = d.shipment(events("x", "skip y", "z"));
    assertEquals(-1, s.landings(e -> true), "nothing is known before an attempt");
    assertTrue(d.attemptHere(s).accepted());
    assertEquals(6, s.landings(e -> true), "three events, two channels each");
    assertEquals(4, s.landings(e -> !TestChannel.body(e).startsWith("skip")));

    TestChannel c = new TestChannel(100);
    c.failWhen(e -> TestChannel.body(e).equals("poison"));
    Delivery poisoned = Pipelines.delivery(Pipelines.replicating(Map.of(), c), true);
    Shipment p = poisoned.shipment(events("a", "poison", "b"));
    while (!poisoned.attemptHere(p).accepted()) {
      // until the poison event is given up
    }
    assertEquals(-1, p.landings(e -> true), "an event given up: the ack must never complete");
  }

  @Test
  void aBatchPushedBackByTheInterceptorIsUndecidedAndDecidedAgain() {
    TestChannel main = new TestChannel(100);
    Delivery d = Pipelines.delivery(Pipelines.replicating(Map.of("interceptors", "r",
        "interceptors.r.type", RejectingInterceptor.Builder.class.getName(),
        "interceptors.r.rejections", "1", "interceptors.r.retryAfterMillis", "250"), main), true);
    Shipment s = d.shipment(events("a", "b"));
    Outcome o = d.attemptHere(s);
    assertEquals(Refusal.REJECTED, o.refusal());
    assertEquals(250, o.retryAfterMillis());
    assertFalse(s.decided(), "nothing was booked: the events may go again, in any batches");
    assertTrue(d.attemptHere(s).accepted());
    assertEquals(List.of("a", "b"), main.takeBodies(10));
  }

  @Test
  void aPoisonEventIsDroppedAloneAndItsNeighboursGoInOrder() {
    TestChannel main = new TestChannel(100);
    main.failWhen(e -> TestChannel.body(e).equals("poison"));
    Delivery d = Pipelines.delivery(Pipelines.replicating(Map.of(), main), true);
    Shipment s = d.shipment(events("a", "poison", "b", "c"));
    int attempts = 0;
    while (!d.attemptHere(s).accepted()) {
      attempts++;
      assertTrue(attempts < 10, "the poison event must not wedge the batch");
    }
    assertEquals(List.of("a", "b", "c"), main.takeBodies(10));
    assertEquals(1, metrics(d).droppedCount(DropReason.POISON));
    assertEquals(1 + ChannelShare.POISON_FAILURES, main.failures.get(), "once in its batch, then alone");
  }

  @Test
  void aChannelThatFailsForEveryEventIsBrokenNotPoisonedAndLosesNothing() {
    TestChannel main = new TestChannel(100);
    main.failWhen(e -> true);
    Delivery d = Pipelines.delivery(Pipelines.replicating(Map.of(), main), true);
    Shipment s = d.shipment(events("a", "b", "c"));
    for (int i = 0; i < 20; i++) {
      assertEquals(Refusal.ERROR, d.attemptHere(s).refusal());
    }
    assertEquals(0, metrics(d).droppedCount(DropReason.POISON));
    main.failWhen(e -> false); // the channel recovers
    assertTrue(d.attemptHere(s).accepted());
    assertEquals(List.of("a", "b", "c"), main.takeBodies(10));
  }

  @Test
  void aLoneEventThatFailsWhileTheChannelTakesOthersIsPoison() {
    TestChannel main = new TestChannel(100);
    main.failWhen(e -> TestChannel.body(e).equals("poison"));
    Delivery d = Pipelines.delivery(Pipelines.replicating(Map.of(), main), true);
    Shipment poison = d.shipment(events("poison"));
    for (int i = 0; i < 5; i++) {
      assertFalse(d.attemptHere(poison).accepted(), "alone, with nothing else seen, it is held");
    }
    assertTrue(d.attemptHere(d.shipment(events("other"))).accepted(), "another connection's event");
    assertTrue(d.attemptHere(poison).accepted(), "now the channel is known to work: dropped");
    assertEquals(1, metrics(d).droppedCount(DropReason.POISON));
    assertEquals(List.of("other"), main.takeBodies(10));
  }

  @Test
  void anEventNoInterceptorCanReadIsDroppedAsPoisonWhenItIsAlone() {
    TestChannel main = new TestChannel(100);
    Delivery d = Pipelines.delivery(Pipelines.replicating(TaggingInterceptor.chain(name()), main), true);
    Shipment batch = d.shipment(events("a", "boom", "b"));
    Outcome o = d.attemptHere(batch);
    assertEquals(Refusal.ERROR, o.refusal());
    assertFalse(batch.decided(), "its events go again one by one");
    assertTrue(d.attemptHere(d.shipment(events("boom"))).accepted());
    assertEquals(1, metrics(d).droppedCount(DropReason.POISON));
  }

  @Test
  void withoutRetriesOneSendersDeferredEventsDoNotCostAnotherItsProcessedOnes() {
    // UDP: a read's batch mixes senders; the deferred lane is full, the express lane is not.
    TestChannel main = new TestChannel(100);
    main.noRoomFor(e -> "batched".equals(e.getHeaders().get(Headers.DISPOSITION)));
    Delivery d = Pipelines.delivery(Pipelines.replicating(TaggingInterceptor.chain(name()), main), false);
    Shipment s = d.shipment(events("p1", "batched x", "p2", "batched y", "p3"));
    assertTrue(d.attemptHere(s).accepted());
    assertEquals(List.of("p1", "p2", "p3"), main.takeBodies(10));
    assertEquals(2, metrics(d).droppedCount(DropReason.FULL));
    assertEquals(0, s.left());
  }

  @Test
  void withoutRetriesAFullQuarantineCostsOnlyTheEventsRoutedToIt() {
    TestChannel main = new TestChannel(100);
    TestChannel quarantine = full(new TestChannel(10));
    Delivery d = Pipelines.delivery(Pipelines.multiplexing(Headers.DISPOSITION,
        Map.of("processed", main.getName(), "throttled", quarantine.getName()), main,
        TaggingInterceptor.chain(name()), main, quarantine), false);
    assertTrue(d.attemptHere(d.shipment(events("throttled a", "p1", "throttled b", "p2"))).accepted());
    assertEquals(List.of("p1", "p2"), main.takeBodies(10));
    assertEquals(10, quarantine.takeBodies(10).size(), "only what filled it before");
    assertEquals(2, metrics(d).droppedCount(DropReason.FULL));
  }

  @Test
  void withoutRetriesAFailingEventIsDroppedAtOnceAndTheRestGoes() {
    TestChannel main = new TestChannel(100);
    main.failWhen(e -> TestChannel.body(e).equals("bad"));
    Delivery d = Pipelines.delivery(Pipelines.replicating(Map.of(), main), false);
    assertTrue(d.attemptHere(d.shipment(events("a", "bad", "b"))).accepted());
    assertEquals(List.of("a", "b"), main.takeBodies(10));
    assertEquals(1, metrics(d).droppedCount(DropReason.ERROR));
  }

  private static io.sluice.source.SourceMetrics metrics(Delivery d) {
    return d.metrics();
  }
}
