package io.sluice.core.limit;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The arguments of {@code shared-decide.lua}, built for one call (see the script's header for
 * their layout): what stays the same for every call (the limits of every tier and the global
 * limit, the TTL, the key names) is made once.
 */
final class SharedCalls {

  /** What one group of a call asks: its key's events, or in refund mode what to give back. */
  record GroupArgs(KeyState state, int n, String lows, int keyRoom, long floorNanos, int lease) {}

  private static final int GROUP_DOUBLES = 5;

  private final String prefix;
  private final String globalKey; // null without a global limit
  private final long ttlMillis;
  private final boolean storeClock;
  private final long maxDelayNanos;
  /** From the number of tiers on: every tier's limits, then the global limit's. */
  private final List<Long> limitTable = new ArrayList<>();
  private final Map<Tier, Integer> tierIndex = new HashMap<>();

  SharedCalls(GovernorConfig config, String prefix, long ttlMillis, boolean storeClock) {
    this.prefix = prefix;
    this.globalKey = config.global.isEmpty() ? null : prefix + "{~global}";
    this.ttlMillis = ttlMillis;
    this.storeClock = storeClock;
    this.maxDelayNanos = config.maxDelayNanos;
    List<Tier> tiers = new ArrayList<>(config.tiers.values());
    limitTable.add((long) tiers.size());
    for (Tier t : tiers) {
      tierIndex.put(t, tierIndex.size() + 1);
      addLimits(t.limits());
    }
    addLimits(config.global);
  }

  private void addLimits(List<Rate> rates) {
    limitTable.add((long) rates.size());
    for (Rate r : rates) {
      limitTable.add(r.q);
      limitTable.add(r.r);
      limitTable.add(r.count);
      limitTable.add(r.tauQ);
      limitTable.add(r.tauR);
    }
  }

  /** The Redis key of a key's state: its tier's and its own name, the latter as a Cluster hash tag. */
  String keyOf(KeyState s) {
    return prefix + s.tier.name() + ":{" + s.key + "}";
  }

  /**
   * A call deciding {@code groups} in order at {@code now} (the store's clock decides unless this
   * is a test's), within {@code deferRoom} deferrals and {@code shedRoom} before shedding.
   */
  SharedCall decide(List<GroupArgs> groups, long now, int deferRoom, long shedRoom) {
    ByteBuffer args = doubles(GROUP_DOUBLES * groups.size());
    boolean anyLow = false;
    for (GroupArgs g : groups) {
      putGroup(args, g, g.keyRoom());
      anyLow |= !g.lows().isEmpty();
    }
    ByteArrayOutputStream lows = new ByteArrayOutputStream(anyLow ? 64 : 0);
    if (anyLow) {
      for (GroupArgs g : groups) {
        byte[] own = g.lows().isEmpty() ? "0".repeat(g.n()).getBytes(StandardCharsets.US_ASCII)
            : g.lows().getBytes(StandardCharsets.US_ASCII);
        lows.write(own, 0, own.length);
      }
    }
    return new SharedCall(keys(groups),
        new byte[][] {header(now, 0, deferRoom, shedRoom, groups.size()), args.array(),
            lows.toByteArray()});
  }

  /** A call giving back {@code n} events' worth of each group, {@code keyRoom} of them global. */
  SharedCall refund(List<GroupArgs> groups, long now) {
    ByteBuffer args = doubles(GROUP_DOUBLES * groups.size());
    for (GroupArgs g : groups) {
      putGroup(args, g, g.keyRoom());
    }
    return new SharedCall(keys(groups),
        new byte[][] {header(now, 1, 0, 0, groups.size()), args.array(), new byte[0]});
  }

  private void putGroup(ByteBuffer args, GroupArgs g, int room) {
    args.putDouble(tierIndex.get(g.state().tier));
    args.putDouble(g.n());
    args.putDouble(room);
    args.putDouble(Math.max(0, g.floorNanos()));
    args.putDouble(g.lease());
  }

  private byte[] header(long now, int mode, int deferRoom, long shedRoom, int groups) {
    ByteBuffer h = doubles(9 + limitTable.size());
    h.putDouble(storeClock ? 1 : 0);
    h.putDouble(storeClock ? 0 : Math.floorDiv(now, 1_000_000_000L));
    h.putDouble(storeClock ? 0 : Math.floorMod(now, 1_000_000_000L));
    h.putDouble(mode);
    h.putDouble(maxDelayNanos);
    h.putDouble(ttlMillis);
    h.putDouble(deferRoom);
    h.putDouble(shedRoom);
    for (long v : limitTable) {
      h.putDouble(v);
    }
    h.putDouble(groups);
    return h.array();
  }

  private static ByteBuffer doubles(int n) {
    return ByteBuffer.allocate(8 * n).order(ByteOrder.LITTLE_ENDIAN);
  }

  private String[] keys(List<GroupArgs> groups) {
    String[] keys = new String[groups.size() + (globalKey == null ? 0 : 1)];
    for (int i = 0; i < groups.size(); i++) {
      keys[i] = keyOf(groups.get(i).state());
    }
    if (globalKey != null) {
      keys[groups.size()] = globalKey;
    }
    return keys;
  }
}
