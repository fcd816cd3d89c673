package io.sluice.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.codahale.metrics.Meter;
import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

class SluiceMetricsTest {

  @Test
  void aMeterOfATotalFollowsItAndIsGoneWithItsPrefix() throws Exception {
    AtomicLong total = new AtomicLong(1000); // counted before the meter existed: not a rate
    Meter meter = SluiceMetrics.meterOf("test.m1.events", total::get);
    total.addAndGet(250);
    SluiceMetrics.feedNow();
    assertEquals(250, meter.getCount());
    total.addAndGet(50);
    SluiceMetrics.feedNow();
    assertEquals(300, meter.getCount());
    total.set(10); // a reset total: the meter keeps its count and follows from there
    SluiceMetrics.feedNow();
    total.addAndGet(5);
    SluiceMetrics.feedNow();
    assertEquals(305, meter.getCount());

    ObjectName name = new ObjectName(SluiceMetrics.DOMAIN, "name", "test.m1.events");
    assertTrue(ManagementFactory.getPlatformMBeanServer().isRegistered(name), "reported over JMX");
    SluiceMetrics.removeAll("test.m1");
    assertFalse(ManagementFactory.getPlatformMBeanServer().isRegistered(name));
    total.addAndGet(1000);
    SluiceMetrics.feedNow();
    assertEquals(305, meter.getCount(), "no longer fed once removed");
  }
}
