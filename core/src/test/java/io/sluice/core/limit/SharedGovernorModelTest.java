package io.sluice.core.limit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.core.limit.GovernorSim.Run;
import io.sluice.core.limit.GovernorSim.Scenario;
import io.sluice.core.limit.GovernorSim.Step;
import io.sluice.core.limit.redis.RedisServer;
import io.sluice.core.limit.redis.RedisStore;
import java.time.Duration;
import java.util.Arrays;
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
        "model" + TRY.incrementAndGet() + ":", SharedGovernor.OnFailure.CLOSED, 1, 3, 1_000_000_000L);
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
}
