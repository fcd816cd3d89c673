package io.sluice.core.limit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.core.limit.GovernorSim.Run;
import io.sluice.core.limit.GovernorSim.Scenario;
import io.sluice.core.limit.GovernorSim.Step;
import io.sluice.core.limit.redis.RedisServer;
import io.sluice.core.limit.redis.RedisStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * One model, every store: the governor's random scenarios (limits, tiers, the global limit,
 * deferral, the deferred room and shedding, new-key budgets and the overflow key, idle keys)
 * decided by the local {@link Governor} and by a {@link SharedGovernor} on a real Redis, on the
 * same clock (the script is given the clock's reading instead of Redis's own), must give the same
 * decisions, event for event. The shared governor decides each step's events as one batch, one
 * call to Redis, as the interceptor does.
 */
class SharedGovernorModelTest {

  private static RedisServer redis;
  private static RedisStore store;
  private static final AtomicInteger TRY = new AtomicInteger();

  @BeforeContainer
  static void startRedis() {
    redis = RedisServer.start();
    store = RedisStore.open(redis.uri(), false, Duration.ofSeconds(5));
  }

  @AfterContainer
  static void stopRedis() {
    if (store != null) {
      store.close();
    }
    if (redis != null) {
      redis.close();
    }
  }

  @Provide
  Arbitrary<Scenario> scenarios() {
    return GovernorSim.scenarios();
  }

  @Property(tries = 300, seed = "20261204")
  void theSharedStoreDecidesExactlyAsTheLocalOne(@ForAll("scenarios") Scenario s) {
    GovernorConfig cfg = s.builder().build();
    Run local = new Run(cfg);
    SharedGovernor.Options options = new SharedGovernor.Options(
        "model" + TRY.incrementAndGet() + ":", SharedGovernor.OnFailure.CLOSED, 1, 3, 1_000_000_000L, 0);
    SharedGovernor shared = new SharedGovernor(cfg, local.clock, store, options, false);
    int event = 0;
    for (Step st : s.steps()) {
      local.clock.advanceNanos(s.gap(st, cfg));
      int n = st.repeat();
      String[] keys = new String[n];
      String[] tiers = new String[n];
      boolean[] lows = new boolean[n];
      Arrays.fill(keys, st.keyName());
      Arrays.fill(tiers, st.tierName());
      Arrays.fill(lows, st.low());
      Decision[] out = new Decision[n];
      shared.decideAll(n, keys, tiers, lows, false, out);
      for (int i = 0; i < n; i++) {
        Decision expected = local.decide(st.keyName(), st.tierName(), st.low()).d();
        assertEquals(GovernorSim.describe(expected), GovernorSim.describe(out[i]),
            "event " + event + " (" + st + ") at " + local.clock.nanoTime());
        event++;
      }
    }
    assertEquals(0, shared.failures());
  }

  /**
   * A batch of several keys and tiers is one call, its groups (by key and tier, in order of first
   * appearance) decided one after another: exactly as the local governor decides the same events
   * taken group by group, the global limit, the deferred room and shedding included.
   */
  @Property(tries = 200, seed = "4122026")
  void aBatchOfManyKeysIsDecidedAsTheLocalGovernorDecidesItKeyByKey(
      @ForAll("scenarios") Scenario s) {
    GovernorConfig cfg = s.builder().build();
    Run local = new Run(cfg);
    SharedGovernor.Options options = new SharedGovernor.Options(
        "mixed" + TRY.incrementAndGet() + ":", SharedGovernor.OnFailure.CLOSED, 1, 3,
        1_000_000_000L, 0);
    SharedGovernor shared = new SharedGovernor(cfg, local.clock, store, options, false);
    for (Step st : s.steps()) {
      local.clock.advanceNanos(s.gap(st, cfg));
      int n = st.repeat();
      String[] keys = new String[n];
      String[] tiers = new String[n];
      boolean[] lows = new boolean[n];
      for (int i = 0; i < n; i++) {
        keys[i] = GovernorSim.KEYS[(st.key() + i % 3) % GovernorSim.KEYS.length];
        tiers[i] = GovernorSim.TIER_NAMES[(st.tier() + i / 5) % GovernorSim.TIER_NAMES.length];
        lows[i] = st.low() ^ (i % 4 == 3);
      }
      Decision[] out = new Decision[n];
      shared.decideAll(n, keys, tiers, lows, false, out);
      // The local governor, event by event, in the order of the groups.
      Map<String, List<Integer>> groups = new LinkedHashMap<>();
      for (int i = 0; i < n; i++) {
        String group = GovernorSim.resolve(cfg, tiers[i]).name() + '\u0000' + keys[i];
        groups.computeIfAbsent(group, g -> new ArrayList<>()).add(i);
      }
      for (List<Integer> group : groups.values()) {
        for (int i : group) {
          Decision expected = local.decide(keys[i], tiers[i], lows[i]).d();
          assertEquals(GovernorSim.describe(expected), GovernorSim.describe(out[i]),
              "event " + i + " of " + Arrays.toString(keys) + " at " + local.clock.nanoTime());
        }
      }
    }
    assertEquals(0, shared.failures());
    assertEquals(s.steps().size(), shared.roundTrips(), "one round trip a batch");
  }
}
