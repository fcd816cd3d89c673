package io.sluice.source.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.source.SourceMetrics.DropReason;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flume.Channel;
import org.apache.flume.ChannelException;
import org.apache.flume.Context;
import org.apache.flume.Event;
import org.apache.flume.channel.ChannelProcessor;
import org.apache.flume.channel.MemoryChannel;
import org.apache.flume.conf.Configurables;
import org.apache.flume.event.EventBuilder;
import org.junit.jupiter.api.Test;

/**
 * A sender that resends a refused batch whole (HEC), as a new shipment: a refused shipment must
 * leave nothing in a channel (the resend would write it twice) and give up nothing (it was not
 * answered as taken).
 */
class ResentBatchTest {

  private static List<Event> events(String... bodies) {
    List<Event> out = new ArrayList<>();
    for (String b : bodies) {
      out.add(EventBuilder.withBody(b, StandardCharsets.UTF_8));
    }
    return out;
  }

  private static Delivery resending(ChannelProcessor processor) {
    return Pipelines.delivery(processor, Delivery.Retries.BATCH_RESENT);
  }

  /** Flume's MemoryChannel with room for {@code slots} events of at most 100 bytes. */
  private static MemoryChannel byteBound(int slots) {
    MemoryChannel c = new MemoryChannel();
    c.setName("byte-bound-" + System.nanoTime());
    Configurables.configure(c, new Context(Map.of("capacity", "1000", "transactionCapacity", "1000",
        "byteCapacity", Integer.toString(slots * 100), "byteCapacityBufferPercentage", "0",
        "keep-alive", "0")));
    c.start();
    return c;
  }

  private static List<String> bodies(Channel c) {
    return TestChannel.take(c, 1000).stream().map(TestChannel::body).toList();
  }

  @Test
  void aOneEventBatchWhoseInterceptorFailsIsRefusedNotDroppedAsPoison() {
    TestChannel main = new TestChannel(100);
    Delivery d = resending(Pipelines.replicating(FailingInterceptor.chain(1), main));
    Shipment s = d.shipment(events("only"));
    Outcome o = d.attemptHere(s);
    assertEquals(Refusal.ERROR, o.refusal(), "the sender is told to send it again");
    assertFalse(s.decided());
    assertEquals(List.of(), main.takeBodies(10));
    assertEquals(0, d.metrics().droppedCount(DropReason.POISON));
    assertTrue(d.attemptHere(d.shipment(events("only"))).accepted(), "the resend");
    assertEquals(List.of("only"), main.takeBodies(10));
  }

  @Test
  void aShareBeyondTheByteCapacityIsRefusedFullWithNothingOfItCommitted() {
    MemoryChannel main = byteBound(10);
    try (Delivery d = resending(Pipelines.replicating(Map.of(), main))) {
      assertTrue(d.attemptHere(d.shipment(events("f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8"))).accepted());
      Outcome o = d.attemptHere(d.shipment(events("a", "b", "c")));
      assertEquals(Refusal.FULL, o.refusal(), String.valueOf(o.cause()));
      assertEquals(8, bodies(main).size(), "the filler, and nothing of the refused batch");
      assertTrue(d.attemptHere(d.shipment(events("a", "b", "c"))).accepted(), "the resend");
      assertEquals(List.of("a", "b", "c"), bodies(main));
    } finally {
      main.stop();
    }
  }

  @Test
  void aShareWhoseBatchFailsIsNotCommittedOneByOne() {
    TestChannel main = new TestChannel(100);
    main.failWhen(e -> TestChannel.body(e).equals("bad"));
    Delivery d = resending(Pipelines.replicating(Map.of(), main));
    for (int i = 0; i < 5; i++) {
      assertEquals(Refusal.ERROR, d.attemptHere(d.shipment(events("a", "bad", "b"))).refusal());
      assertEquals(List.of(), main.takeBodies(10), "nothing the resend would write again");
    }
    assertEquals(0, d.metrics().droppedCount(DropReason.POISON), "each resend is a new shipment");
    main.failWhen(e -> false);
    assertTrue(d.attemptHere(d.shipment(events("a", "bad", "b"))).accepted());
    assertEquals(List.of("a", "bad", "b"), main.takeBodies(10));
  }

  @Test
  void aRefusedShareStopsTheSharesAfterIt() {
    TestChannel first = new TestChannel(100);
    TestChannel second = new TestChannel(100);
    first.failWhen(e -> true);
    Delivery d = resending(Pipelines.replicating(Map.of(), first, second));
    assertEquals(Refusal.ERROR, d.attemptHere(d.shipment(events("a", "b"))).refusal());
    assertEquals(List.of(), second.takeBodies(10), "the resend would write it again");
  }

  @Test
  void byteCapacityIsNoRoomAndOtherChannelFailuresAreErrors() {
    MemoryChannel main = byteBound(1);
    try (Delivery d = Pipelines.delivery(Pipelines.replicating(Map.of(), main), true)) {
      Throwable t = new Committer(List.of(main)).commit(main, events("a", "b"));
      assertEquals(ChannelException.class, t.getClass(), "MemoryChannel's own, not ChannelFullException");
      assertEquals(Refusal.FULL, Committer.classify(t), t.getMessage());
      assertEquals(Refusal.FULL, Committer.classify(new ChannelException("wrapped", t)));
      assertEquals(Refusal.ERROR, Committer.classify(new ChannelException("Cannot commit transaction.")));
    } finally {
      main.stop();
    }
  }
}
