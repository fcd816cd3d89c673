package io.sluice.benchmarks;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * Heap figures that need no forced GC during measurement: a listener notes the heap in use right
 * after every collection, the closest cheap reading of what is really retained.
 */
final class Heap {

  private static final AtomicLong LAST_AFTER_GC = new AtomicLong(-1);
  private static final AtomicLong MAX_AFTER_GC = new AtomicLong(-1);
  private static final AtomicLong COLLECTIONS = new AtomicLong();
  private static boolean watching;

  private Heap() {}

  /** Starts noting the heap after each collection (idempotent). */
  static synchronized void watch() {
    if (watching) {
      return;
    }
    watching = true;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (!(gc instanceof NotificationEmitter)) {
        continue;
      }
      ((NotificationEmitter) gc)
          .addNotificationListener(
              (n, handback) -> {
                if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(
                    n.getType())) {
                  return;
                }
                GarbageCollectionNotificationInfo info =
                    GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
                long used = 0;
                for (Map.Entry<String, MemoryUsage> e :
                    info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
                  if (isHeapPool(e.getKey())) {
                    used += e.getValue().getUsed();
                  }
                }
                LAST_AFTER_GC.set(used);
                MAX_AFTER_GC.accumulateAndGet(used, Math::max);
                COLLECTIONS.incrementAndGet();
              },
              null,
              null);
    }
  }

  private static boolean isHeapPool(String name) {
    // G1, Parallel, Serial and ZGC heap pools; metaspace and code cache are not heap.
    return !(name.contains("Metaspace") || name.contains("Code") || name.contains("Class Space")
        || name.contains("CodeHeap"));
  }

  /** Forces a full collection and returns the heap in use after it: the live set. */
  static long liveAfterFullGc() {
    System.gc();
    MemoryUsage u = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    return u.getUsed();
  }

  static String describe() {
    long max = Runtime.getRuntime().maxMemory();
    return String.format(
        "heap after last GC %s, highest after any GC %s (%d GCs so far), max heap %d MiB",
        mib(LAST_AFTER_GC.get()), mib(MAX_AFTER_GC.get()), COLLECTIONS.get(), max >> 20);
  }

  static String mib(long bytes) {
    return bytes < 0 ? "n/a" : (bytes >> 20) + " MiB";
  }
}
