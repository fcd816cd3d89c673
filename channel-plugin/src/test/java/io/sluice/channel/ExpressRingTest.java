package io.sluice.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ExpressRingTest {

  @Test
  void eventsComeOutInTheOrderTheyWerePublishedAndOnlyOnce() {
    ExpressRing<String> ring = new ExpressRing<>(4);
    ring.publish(List.of("a", "b", "c"));
    ring.publish(List.of("d"));
    assertEquals("a", ring.poll());
    assertEquals("b", ring.poll());
    ring.publish(List.of("e")); // the next lap of a's slot
    assertEquals("c", ring.poll());
    assertEquals("d", ring.poll());
    assertEquals("e", ring.poll());
    assertNull(ring.poll());
  }

  /**
   * Two consumers and room counted, not placed: consumer A wins slot 0 and stops before reading
   * it; consumer B takes and commits slot 1, which frees one event of room; a producer uses it to
   * claim slot 0's next lap. The producer must wait for A's read, or A would read the new event
   * (delivered twice) and the old one would be lost.
   */
  @Test
  void aProducerDoesNotOverwriteASlotAConsumerWonButHasNotReadYet() throws Exception {
    ExpressRing<String> ring = new ExpressRing<>(2);
    Space room = new Space(ring.bufferSize());
    assertTrue(room.tryReserve(2, 0));
    ring.publish(List.of("old", "b"));

    long wonByA = ring.claim(); // A, descheduled before its read
    assertEquals("b", ring.poll()); // B takes...
    room.release(1); // ...and commits
    assertTrue(room.tryReserve(1, 0), "the producer has room for one more");
    Thread producer = new Thread(() -> ring.publish(List.of("new")), "producer");
    producer.start();
    producer.join(200); // it would be done by now if it did not wait for A

    assertEquals("old", ring.read(wonByA));
    producer.join(TimeUnit.SECONDS.toMillis(5));
    assertEquals("new", ring.poll());
    assertNull(ring.poll());
  }
}
