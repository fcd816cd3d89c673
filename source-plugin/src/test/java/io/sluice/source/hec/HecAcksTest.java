package io.sluice.source.hec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.core.time.ManualClock;
import io.sluice.source.delivery.Delivery;
import io.sluice.source.delivery.Pipelines;
import io.sluice.source.delivery.Shipment;
import io.sluice.source.delivery.TestChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flume.Event;
import org.apache.flume.event.EventBuilder;
import org.junit.jupiter.api.Test;

/** An ack whose request lost an event on the way never turns true, whenever acks complete. */
class HecAcksTest {

  static final String CHANNEL = "aaaaaaaa-0000-4000-8000-0000000000a1";

  @Test
  void aRequestThatLostAPoisonEventIsNeverAcknowledged() {
    for (HecAcks.CompleteOn on : HecAcks.CompleteOn.values()) {
      try (HecAcks acks = new HecAcks(new HecAcks.Settings(on, Duration.ofMinutes(10), 10, 10, Duration.ZERO),
          new ManualClock(0, 0))) {
        TestChannel c = new TestChannel(100);
        c.failWhen(e -> TestChannel.body(e).equals("poison"));
        Delivery d = Pipelines.delivery(Pipelines.replicating(Map.of(), c), true);
        List<Event> events = new ArrayList<>();
        for (String b : List.of("a", "poison", "b")) {
          events.add(EventBuilder.withBody(b, StandardCharsets.UTF_8));
        }
        Shipment s = d.shipment(events);
        int attempts = 0;
        while (!d.attemptHere(s).accepted()) {
          assertTrue(++attempts < 10);
        }
        long lost = acks.open(CHANNEL, 1);
        acks.delivered(CHANNEL, lost, List.of(s));
        Shipment whole = d.shipment(new ArrayList<>(List.of(EventBuilder.withBody("c", StandardCharsets.UTF_8))));
        assertTrue(d.attemptHere(whole).accepted());
        long fine = acks.open(CHANNEL, 2);
        acks.delivered(CHANNEL, fine, List.of(whole));
        if (on == HecAcks.CompleteOn.SINK) {
          io.sluice.core.pipeline.DurablyHandled.report("k1", List.of()); // nothing reported: nothing done
        }
        boolean[] done = acks.query(CHANNEL, new long[] {lost, fine});
        assertArrayEquals(new boolean[] {false, on == HecAcks.CompleteOn.CHANNEL}, done, on.toString());
      }
    }
  }
}
