package io.sluice.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class EventIdsTest {

  private static final Pattern V4 =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");

  @Test
  void idsAreVersion4Uuids() {
    for (int i = 0; i < 10_000; i++) {
      String id = EventIds.next();
      assertTrue(V4.matcher(id).matches(), id);
      UUID u = UUID.fromString(id);
      assertEquals(4, u.version(), id);
      assertEquals(2, u.variant(), id); // IETF (RFC 4122)
      assertEquals(id, u.toString());
    }
  }

  @Test
  void aHundredThousandIdsAreUnique() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 100_000; i++) {
      assertTrue(seen.add(EventIds.next()), "duplicate after " + i);
    }
  }

  @Test
  void idsFromSeveralThreadsAreUnique() throws Exception {
    Set<String> seen = ConcurrentHashMap.newKeySet();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      Future<?>[] futures = new Future<?>[4];
      for (int t = 0; t < 4; t++) {
        futures[t] = pool.submit(() -> {
          for (int i = 0; i < 25_000; i++) {
            seen.add(EventIds.next());
          }
        });
      }
      for (Future<?> f : futures) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(100_000, seen.size());
  }
}
