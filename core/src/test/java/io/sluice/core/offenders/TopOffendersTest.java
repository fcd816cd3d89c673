package io.sluice.core.offenders;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.core.offenders.TopOffenders.Offender;
import io.sluice.core.time.ManualClock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class TopOffendersTest {

  private static final long MINUTE = 60_000_000_000L;

  private final ManualClock clock = new ManualClock();

  @Test
  void findsTheHeavyKeysAmongAHundredThousandLightOnes() {
    TopOffenders top = new TopOffenders(10, MINUTE, clock.nanoTime());
    Map<String, Long> truth = new HashMap<>();
    List<String> stream = new ArrayList<>();
    for (int i = 0; i < 100_000; i++) {
      stream.add("light-" + i);
    }
    for (int h = 0; h < 10; h++) {
      for (int i = 0; i < 2_000 + 100 * h; i++) {
        stream.add("heavy-" + h);
      }
    }
    Collections.shuffle(stream, new Random(42));
    for (String key : stream) {
      assertNull(top.record(key, 1, clock.nanoTime()), "no window ended");
      truth.merge(key, 1L, Long::sum);
    }

    List<Offender> found = top.current();
    assertEquals(10, found.size());
    Set<String> keys = found.stream().map(Offender::key).collect(Collectors.toSet());
    for (int h = 0; h < 10; h++) {
      assertTrue(keys.contains("heavy-" + h), "missing heavy-" + h + " in " + found);
    }
    for (Offender o : found) {
      long actual = truth.get(o.key());
      assertTrue(o.lowerBound() <= actual && actual <= o.estimate(),
          o.key() + ": " + o.lowerBound() + " <= " + actual + " <= " + o.estimate());
    }
    for (int i = 1; i < found.size(); i++) {
      assertTrue(found.get(i - 1).estimate() >= found.get(i).estimate(), "sorted by estimate");
    }
    assertEquals("heavy-9", found.get(0).key(), "the heaviest first");
  }

  @Test
  void memoryIsBoundedWhateverTheNumberOfKeys() {
    TopOffenders top = new TopOffenders(5, MINUTE, clock.nanoTime());
    for (int i = 0; i < 500_000; i++) {
      top.record("k" + i, 1 + (i % 3), clock.nanoTime());
    }
    assertTrue(top.current().size() <= 5);
    // topN 5 -> a map of at most 64 entries, however many keys were seen.
    assertTrue(top.capacity() <= 64, "" + top.capacity());
    assertTrue(top.keysHeld() <= top.capacity(), top.keysHeld() + " items kept");
    assertEquals(sum(500_000), top.eventsCounted(), "every throttled event counted");
  }

  @Test
  void theLargestSizeKeepsAFewThousandKeysPerWindow() {
    TopOffenders top = new TopOffenders(TopOffenders.MAX_SIZE, MINUTE, clock.nanoTime());
    for (int i = 0; i < 200_000; i++) {
      top.record("k" + i, 1, clock.nanoTime());
    }
    assertTrue(top.capacity() <= 8192, "" + top.capacity());
    assertTrue(top.keysHeld() <= top.capacity(), top.keysHeld() + " items kept");
  }

  @Test
  void aSizeBeyondTheBoundOrAnEmptyWindowIsRefused() {
    for (int bad : new int[] {0, -1, TopOffenders.MAX_SIZE + 1, Integer.MAX_VALUE}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> new TopOffenders(bad, MINUTE, 0));
      assertEquals("topOffenders.size must be from 1 to 1000, got " + bad, e.getMessage());
    }
    assertThrows(IllegalArgumentException.class, () -> new TopOffenders(10, 0, 0));
  }

  private static long sum(int n) {
    long s = 0;
    for (int i = 0; i < n; i++) {
      s += 1 + (i % 3);
    }
    return s;
  }

  @Test
  void windowsRotateWithTheInjectedClock() {
    TopOffenders top = new TopOffenders(3, MINUTE, clock.nanoTime());
    assertTrue(top.previous().isEmpty());
    top.record("a", 5, clock.nanoTime());
    top.record("b", 2, clock.nanoTime());
    clock.advanceNanos(MINUTE - 1);
    assertNull(top.rotateIfDue(clock.nanoTime()), "one ns before the window ends");
    assertNull(top.record("a", 1, clock.nanoTime()));
    assertEquals("a", top.current().get(0).key());
    assertEquals(6, top.current().get(0).estimate());

    clock.advanceNanos(1);
    List<Offender> finished = top.record("c", 7, clock.nanoTime());
    assertNotNull(finished, "the window ended at exactly its length");
    assertEquals(List.of("a", "b"), finished.stream().map(Offender::key).toList());
    assertEquals(6, finished.get(0).estimate());
    assertSame(finished, top.previous());
    assertEquals(List.of("c"), top.current().stream().map(Offender::key).toList(),
        "the new window holds only what came after the rotation");

    clock.advanceNanos(MINUTE);
    List<Offender> second = top.rotateIfDue(clock.nanoTime());
    assertEquals(List.of("c"), second.stream().map(Offender::key).toList());
    assertTrue(top.current().isEmpty());
    assertNull(top.rotateIfDue(clock.nanoTime()), "the next window starts at the rotation");
  }

  @Test
  void reportsAtMostTopN() {
    TopOffenders top = new TopOffenders(2, MINUTE, clock.nanoTime());
    for (int i = 0; i < 10; i++) {
      top.record("k" + i, 100 + i, clock.nanoTime());
    }
    List<Offender> found = top.current();
    assertEquals(List.of("k9", "k8"), found.stream().map(Offender::key).toList());
    assertEquals("k9=109", found.get(0).toString());
  }
}
