package io.sluice.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DeferredQueueTest {

  /** What the queue must be equivalent to: a heap ordered by due time, then arrival. */
  private record Arrival(long seq, Taken<Integer> taken) {}

  @Test
  void releasesByDueTimeThenArrival() {
    DeferredQueue<Integer> q = new DeferredQueue<>();
    q.add(Taken.deferred(1, 20));
    q.add(Taken.deferred(2, 10));
    q.add(Taken.deferred(3, 20));
    q.add(Taken.deferred(4, 10));
    assertEquals(10, q.nextDue());
    List<Integer> out = new ArrayList<>();
    for (Taken<Integer> t; (t = q.poll()) != null; ) {
      out.add(t.event());
    }
    assertEquals(List.of(2, 4, 1, 3), out);
    assertEquals(Long.MAX_VALUE, q.nextDue());
    assertEquals(0, q.size());
  }

  @Test
  void addingToABucketEmptiedMeanwhileStartsAFreshOne() {
    DeferredQueue<Integer> q = new DeferredQueue<>();
    q.add(Taken.deferred(1, 5));
    assertEquals(1, q.poll().event()); // the bucket for 5 is emptied and dropped
    q.add(Taken.deferred(2, 5)); // same due time as the previous add
    assertEquals(5, q.nextDue());
    assertEquals(2, q.poll().event());
    assertNull(q.poll());
  }

  @Test
  void matchesAHeapUnderRandomAddsAndPolls() {
    Random random = new Random(42);
    for (int round = 0; round < 200; round++) {
      DeferredQueue<Integer> q = new DeferredQueue<>();
      PriorityQueue<Arrival> model = new PriorityQueue<>(Comparator
          .comparingLong((Arrival a) -> a.taken().dueMillis()).thenComparingLong(Arrival::seq));
      long seq = 0;
      for (int op = 0; op < 500; op++) {
        if (random.nextInt(3) > 0) {
          // Few distinct due times, as a burst's are, with repeats of the previous one.
          Taken<Integer> t = Taken.deferred((int) seq, random.nextInt(12));
          q.add(t);
          model.add(new Arrival(seq++, t));
        } else {
          Arrival expected = model.poll();
          assertEquals(expected == null ? null : expected.taken(), q.poll());
        }
        assertEquals(model.size(), q.size());
        assertEquals(model.isEmpty() ? Long.MAX_VALUE : model.peek().taken().dueMillis(),
            q.nextDue());
      }
      List<Taken<Integer>> held = new ArrayList<>();
      q.copyTo(held);
      List<Taken<Integer>> expected = new ArrayList<>();
      while (!model.isEmpty()) {
        expected.add(model.poll().taken());
      }
      assertEquals(expected, held, "copyTo lists the events in release order");
    }
  }
}
