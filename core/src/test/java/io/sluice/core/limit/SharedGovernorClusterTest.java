package io.sluice.core.limit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.core.Disposition;
import io.sluice.core.limit.redis.RedisClusterGroup;
import io.sluice.core.limit.redis.RedisStore;
import io.sluice.core.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code redis.cluster = true} on a real Redis Cluster of three masters: a batch of many keys is
 * one round trip of calls, one per hash slot (a script's keys must share a slot), the keys'
 * states spread over the nodes, and every key keeps its own limit.
 */
class SharedGovernorClusterTest {

  @Test
  void keysSpreadOverTheNodesAndEachKeepsItsLimit() {
    GovernorConfig cfg = GovernorConfig.builder()
        .tier("default", List.of(Rate.of(1, "m", 5)))
        .maxDelay(Duration.ZERO)
        .newKeyLimit(List.of())
        .build();
    try (RedisClusterGroup cluster = RedisClusterGroup.start();
        SharedGovernor g = new SharedGovernor(cfg, Clock.SYSTEM,
            RedisStore.open(cluster.uri(), true, Duration.ofSeconds(2)),
            new SharedGovernor.Options("test:", SharedGovernor.OnFailure.CLOSED, 1, 3,
                1_000_000_000L, 0), true)) {
      int keys = 60;
      int perKey = 8;
      String[] batch = new String[keys * perKey];
      for (int i = 0; i < batch.length; i++) {
        batch[i] = "10.9." + (i % keys) + ".1"; // the keys interleaved, as a UDP batch has them
      }
      Decision[] out = new Decision[batch.length];
      g.decideAll(batch.length, batch, new String[batch.length], new boolean[batch.length], false,
          out);

      assertEquals(0, g.failures());
      assertEquals(1, g.roundTrips());
      assertEquals(keys, g.keysAsked());
      assertTrue(g.calls() > 3 && g.calls() <= keys, "one call per slot: " + g.calls());
      for (int k = 0; k < keys; k++) {
        int processed = 0;
        for (int i = k; i < batch.length; i += keys) {
          processed += out[i].disposition() == Disposition.PROCESSED ? 1 : 0;
        }
        assertEquals(5, processed, "key " + k + " admits its burst, no more");
      }
      List<Long> perNode = cluster.keysPerNode();
      assertEquals(keys, perNode.stream().mapToLong(Long::longValue).sum());
      assertTrue(perNode.stream().allMatch(n -> n > 0), "keys on every node: " + perNode);
    }
  }
}
