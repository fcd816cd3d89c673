package io.sluice.core.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.codahale.metrics.UniformReservoir;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BucketedHistogramTest {

  @Test
  void countsEachValueInTheFirstBucketWhoseBoundHoldsItInSeconds() {
    BucketedHistogram h = new BucketedHistogram(new UniformReservoir(), TimeUnit.MICROSECONDS);
    h.update(10); // exactly 10 µs: the first bound
    h.update(11); // above it: the second (25 µs)
    h.update(1_000); // exactly 1 ms
    h.update(120_000_000); // two minutes: above every bound
    long[] expected = new long[BucketedHistogram.BOUNDS.length + 1];
    expected[0] = 1;
    expected[1] = 1;
    expected[6] = 1; // BOUNDS[6] = 0.001
    expected[BucketedHistogram.BOUNDS.length] = 1;
    assertArrayEquals(expected, h.bucketCounts());
    assertEquals((10 + 11 + 1_000 + 120_000_000) / 1e6, h.sumSeconds(), 1e-12);
    assertEquals(4, h.getCount(), "Dropwizard's count, as JMX shows it");
    assertEquals(4, h.getSnapshot().size(), "and its reservoir");
  }

  @Test
  void millisecondsUseTheSameBoundsInSeconds() {
    BucketedHistogram h = new BucketedHistogram(new UniformReservoir(), TimeUnit.MILLISECONDS);
    h.update(0); // below 10 µs
    h.update(1); // 1 ms
    h.update(2); // within 2.5 ms
    long[] counts = h.bucketCounts();
    assertEquals(1, counts[0]);
    assertEquals(1, counts[6]);
    assertEquals(1, counts[7]);
    assertEquals(0.003, h.sumSeconds(), 1e-12);
  }
}
