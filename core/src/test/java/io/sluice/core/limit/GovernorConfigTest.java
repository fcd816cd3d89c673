package io.sluice.core.limit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class GovernorConfigTest {

  private static final List<Rate> LIMIT = List.of(Rate.of(100, "s"));

  private static GovernorConfig.Builder valid() {
    return GovernorConfig.builder().tier("default", LIMIT);
  }

  private static String error(Consumer<GovernorConfig.Builder> change) {
    GovernorConfig.Builder b = valid();
    change.accept(b);
    return assertThrows(IllegalArgumentException.class, b::build).getMessage();
  }

  @Test
  void defaultsBuild() {
    GovernorConfig cfg = valid().build();
    assertEquals("default", cfg.defaultTier().name());
    assertEquals(LIMIT, cfg.defaultTier().limits());
    assertEquals(1, cfg.tiers().size());
    assertEquals(Duration.ofSeconds(2).toNanos(), cfg.maxDelayNanos);
    assertEquals(65_536, cfg.maxDeferred);
    assertEquals(10_000, cfg.maxDeferredPerKey);
    assertEquals(0.75, cfg.shedThreshold);
    assertEquals(100_000, cfg.maxKeys);
    assertEquals(Duration.ofMinutes(10).toNanos(), cfg.effectiveIdleNanos());
    assertTrue(cfg.toString().contains("default"), cfg.toString());
  }

  @Test
  void unknownDefaultTierNamesTheKnownOnes() {
    String m = error(b -> b.tier("gold", LIMIT).defaultTier("silver"));
    assertTrue(m.contains("'silver'") && m.contains("not configured"), m);
    assertTrue(m.contains("default") && m.contains("gold"), m);
  }

  @Test
  void theDefaultTierMustExistUnderItsDefaultName() {
    GovernorConfig.Builder b = GovernorConfig.builder().tier("gold", LIMIT);
    String m = assertThrows(IllegalArgumentException.class, b::build).getMessage();
    assertTrue(m.contains("'default'") && m.contains("gold"), m);
    GovernorConfig ok = GovernorConfig.builder().tier("gold", LIMIT).defaultTier("gold").build();
    assertSame(ok.tiers().get("gold"), ok.defaultTier());
  }

  @Test
  void noTierAtAll() {
    String m = assertThrows(IllegalArgumentException.class,
        () -> GovernorConfig.builder().build()).getMessage();
    assertTrue(m.contains("no tier configured"), m);
  }

  @Test
  void aTierNeedsALimit() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> GovernorConfig.builder().tier("empty", List.of()));
    assertTrue(e.getMessage().contains("'empty' has no limit"), e.getMessage());
  }

  @Test
  void negativeValuesNameTheirKey() {
    assertTrue(error(b -> b.maxDelay(Duration.ofMillis(-1))).startsWith("defer.maxDelay must not be negative"));
    assertTrue(error(b -> b.maxDeferred(-1)).startsWith("defer.maxEvents must not be negative"));
    assertTrue(error(b -> b.maxDeferredPerKey(-1)).startsWith("defer.maxEventsPerKey must not be negative"));
    assertTrue(error(b -> b.idleTimeout(Duration.ofSeconds(-5))).startsWith("idleTimeout must not be negative"));
    assertTrue(error(b -> b.maxKeys(0)).startsWith("maxKeys must be positive"));
    assertTrue(error(b -> b.maxKeys(-3)).startsWith("maxKeys must be positive"));
  }

  @Test
  void shedThresholdIsAShare() {
    for (double bad : new double[] {-0.01, 1.01, Double.NaN, Double.POSITIVE_INFINITY}) {
      String m = error(b -> b.shedThreshold(bad));
      assertTrue(m.startsWith("shed.threshold must be between 0% and 100%"), m);
    }
    assertEquals(0.0, valid().shedThreshold(0).build().shedThreshold);
    assertEquals(1.0, valid().shedThreshold(1).build().shedThreshold);
  }

  @Test
  void zeroIsAllowedWhereItMeansNone() {
    GovernorConfig cfg = valid().maxDelay(Duration.ZERO).maxDeferred(0).maxDeferredPerKey(0)
        .idleTimeout(Duration.ZERO).global(List.of()).newKeyLimit(List.of()).build();
    assertEquals(0, cfg.maxDelayNanos);
    assertTrue(cfg.effectiveIdleNanos() > 0, "raised to what the limits need");
  }

  @Test
  void aPerKeyRoomAboveTheWholeRoomIsTheWholeRoom() {
    assertEquals(65_536, valid().maxDeferredPerKey(Long.MAX_VALUE).build().maxDeferredPerKey);
    GovernorConfig small = valid().maxDeferred(50).build(); // per key: the default 10000
    assertEquals(50, small.maxDeferredPerKey);
    assertTrue(small.toString().contains("defer.maxEvents 50 (50 per key)"), small.toString());
  }

  @Test
  void sizesThatTakeMemoryHaveAnUpperBoundNamedWithTheirKey() {
    assertEquals("maxKeys must be from 1 to 10000000, got 10000001",
        error(b -> b.maxKeys(GovernorConfig.MAX_KEYS + 1)));
    assertEquals("defer.maxEvents must be from 0 to 10000000, got 10000001",
        error(b -> b.maxDeferred(GovernorConfig.MAX_DEFERRED + 1)));
    assertTrue(error(b -> b.maxKeys(Long.MAX_VALUE)).startsWith("maxKeys must be from 1 to"));
    GovernorConfig max =
        valid().maxKeys(GovernorConfig.MAX_KEYS).maxDeferred(GovernorConfig.MAX_DEFERRED).build();
    assertEquals(GovernorConfig.MAX_KEYS, max.maxKeys);
    assertEquals(GovernorConfig.MAX_DEFERRED, max.maxDeferred);
  }
}
