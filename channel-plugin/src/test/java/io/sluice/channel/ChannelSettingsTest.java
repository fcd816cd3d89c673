package io.sluice.channel;

import static io.sluice.channel.ChannelTestSupport.context;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;
import org.apache.flume.Context;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every key's accepted range, checked at configure time with the key and the range named. */
class ChannelSettingsTest {

  private static final long HEAP_64_GIB = 64L << 30;

  private static ChannelSettings parse(String... keyValues) {
    return ChannelSettings.parse(context(keyValues), 0, HEAP_64_GIB);
  }

  private static IllegalArgumentException refused(String key, String value) {
    return assertThrows(IllegalArgumentException.class, () -> parse(key, value));
  }

  @ParameterizedTest(name = "capacity {0} -> ring {1}")
  @CsvSource({"1, 1", "2, 2", "3, 4", "63, 64", "64, 64", "65, 128", "100, 128", "1000, 1024",
      "65536, 65536", "1073741823, 1073741824", "1073741824, 1073741824"})
  void ringSizeIsTheCapacityRoundedUpToAPowerOfTwo(long capacity, int ring) {
    assertEquals(ring, ChannelSettings.ringSizeFor(capacity));
  }

  @Test
  void defaultsAreFlumesAndTheDocumentedOnes() {
    ChannelSettings s = ChannelSettings.parse(new Context(), 0, HEAP_64_GIB);
    assertEquals(65536, s.ringSize());
    assertEquals(1000, s.transactionCapacity());
    assertEquals(TimeUnit.SECONDS.toNanos(3), s.keepAliveNanos());
    assertEquals(65536, s.deferredCapacity(), "deferred.capacity defaults to the ring's size");
    assertEquals(100, s.maxLagMillis());
    assertEquals(60_000, s.maxHoldMillis());
    assertEquals(null, s.checkpointDir());
  }

  @ParameterizedTest(name = "{0} = {1} is accepted")
  @CsvSource({"capacity, 1", "capacity, 1073741824", "keep-alive, 0", "keep-alive, 86400",
      "deferred.capacity, 0", "deferred.capacity, 1073741824", "deferred.maxLag, 0ms",
      "deferred.maxLag, 1d", "deferred.maxHold, 1ms", "deferred.maxHold, 1d",
      "deferred.maxHold, 24h", "transactionCapacity, 65536"})
  void theBoundsOfEachRangeAreAccepted(String key, String value) {
    Context ctx = context("transactionCapacity", "1"); // so that capacity 1 is valid
    ctx.put(key, value);
    ChannelSettings.parse(ctx, 0, HEAP_64_GIB);
  }

  @ParameterizedTest(name = "{0} = {1} is refused: {2}")
  @CsvSource(delimiter = '|', value = {
      "capacity | 0 | a whole number from 1 to 1073741824",
      "capacity | 1073741825 | a whole number from 1 to 1073741824",
      "capacity | 99999999999999999999 | a whole number from 1 to 1073741824",
      "transactionCapacity | 0 | a whole number of at least 1",
      "transactionCapacity | 65537 | at most the capacity (65536)",
      "transactionCapacity | 99999999999999999999 | a whole number of at least 1",
      "keep-alive | -1 | a whole number from 0 to 86400",
      "keep-alive | 86401 | a whole number from 0 to 86400",
      "keep-alive | 9223372036854775807 | a whole number from 0 to 86400",
      "deferred.capacity | -1 | a whole number from 0 to 1073741824",
      "deferred.capacity | 1073741825 | a whole number from 0 to 1073741824",
      "deferred.capacity | 9223372036854775807 | a whole number from 0 to 1073741824",
      "deferred.maxLag | 25h | a duration from 0ms to 1d",
      "deferred.maxLag | 100 | a duration such as",
      "deferred.maxHold | 0s | a duration from 1ms to 1d",
      "deferred.maxHold | 2d | a duration from 1ms to 1d",
      "deferred.maxHold | forever | a duration such as"})
  void valuesOutsideTheirRangeAreRefusedWithTheKeyAndTheRange(String key, String value,
      String expected) {
    IllegalArgumentException e = refused(key, value);
    assertTrue(e.getMessage().startsWith("Invalid value for '" + key + "': '" + value + "'"),
        e.getMessage());
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  @Test
  void aRingWhosePreallocationWouldTakeMoreThanHalfTheHeapIsRefusedWithTheMemoryStated() {
    long heap = 512L << 20;
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ChannelSettings.parse(context("capacity", "1073741824"), 0, heap));
    assertEquals("Invalid value for 'capacity': '1073741824'; expected at most 8388608 with this"
        + " JVM's maximum heap of 512 MiB: a ring of 1073741824 slots preallocates about 24 GiB"
        + " (24 bytes a slot) and may take at most half the heap; raise -Xmx or lower capacity",
        e.getMessage());
    // The largest ring the message offers is accepted; the next is not.
    ChannelSettings.parse(context("capacity", "8388608"), 0, heap);
    assertThrows(IllegalArgumentException.class,
        () -> ChannelSettings.parse(context("capacity", "8388609"), 0, heap));
    // Flume's default heap (-Xmx20m) still takes the default capacity.
    ChannelSettings.parse(context("capacity", "65536"), 0, 20L << 20);
  }

  @Test
  void theLargestRingDoesNotOverflowTheChannelCapacityWithTheLargestDeferredLane() {
    ChannelSettings s = parse("capacity", "1073741824", "transactionCapacity", "1073741824",
        "deferred.capacity", "1073741824");
    assertEquals(1L << 30, s.ringSize());
    assertEquals(1 << 30, s.transactionCapacity());
    assertEquals(1L << 31, s.ringSize() + s.deferredCapacity());
  }

  @Test
  void aRunningRingBoundsTransactionCapacityAndDefaultsDeferredCapacityWhateverCapacitySays() {
    ChannelSettings s = ChannelSettings.parse(
        context("capacity", "1024", "transactionCapacity", "8"), 8, 1L);
    assertEquals(8, s.deferredCapacity());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ChannelSettings.parse(context("capacity", "1024", "transactionCapacity", "9"), 8, 1L));
    assertTrue(e.getMessage().contains("at most the capacity (8)"), e.getMessage());
  }

  @Test
  void checkpointDirIsTrimmedAndBlankMeansNone() {
    assertEquals(Paths.get("/var/lib/flume/c1"), parse("checkpointDir", " /var/lib/flume/c1 ")
        .checkpointDir());
    assertEquals(null, parse("checkpointDir", "  ").checkpointDir());
  }
}
