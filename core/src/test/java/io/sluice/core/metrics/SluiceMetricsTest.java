package io.sluice.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.codahale.metrics.Meter;
import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

class SluiceMetricsTest {

  @Test
  void aMeterOfATotalFollowsItWithinASecondAndIsGoneWithItsPrefix() throws Exception {
    AtomicLong total = new AtomicLong(1000); // counted before the meter existed: not a rate
    Meter meter = SluiceMetrics.meterOf("test.m1.events", total::get);
    total.addAndGet(250);
    awaitCount(meter, 250);
    total.addAndGet(50);
    awaitCount(meter, 300);
    total.set(10); // a reset total: the meter keeps its count and follows from the next look on
    Thread.sleep(1500);
    total.addAndGet(5);
    awaitCount(meter, 305);

    ObjectName name = new ObjectName(SluiceMetrics.DOMAIN, "name", "test.m1.events");
    assertTrue(ManagementFactory.getPlatformMBeanServer().isRegistered(name), "reported over JMX");
    SluiceMetrics.removeAll("test.m1");
    assertFalse(ManagementFactory.getPlatformMBeanServer().isRegistered(name));
    total.addAndGet(1000);
    Thread.sleep(1500);
    assertEquals(305, meter.getCount(), "no longer fed once removed");
  }

  private static void awaitCount(Meter meter, long expected) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (meter.getCount() != expected && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(expected, meter.getCount());
  }
}
