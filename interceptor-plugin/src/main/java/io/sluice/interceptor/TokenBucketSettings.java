package io.sluice.interceptor;

import static io.sluice.core.config.ConfigValues.duration;
import static io.sluice.core.config.ConfigValues.fraction;
import static io.sluice.core.config.ConfigValues.oneOf;

import io.sluice.core.Headers;
import io.sluice.core.config.ConfigValues;
import io.sluice.core.limit.GovernorConfig;
import io.sluice.core.limit.Limits;
import io.sluice.core.limit.redis.RedisSettings;
import io.sluice.core.offenders.TopOffenders;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flume.Context;

/**
 * The interceptor's configuration, read from its Flume {@link Context} and validated in one place.
 * Every key and default is documented in the README ("TokenBucketInterceptor").
 */
final class TokenBucketSettings {

  final String metricsName;
  final String[] keyHeaders;
  final String defaultKey;
  final String tierHeader;
  final ThrottledAction throttled;
  final String shedHeader;
  final Set<String> shedValues;
  final int maxKeyLength;
  final int topOffendersSize;
  final Duration topOffendersInterval;
  final GovernorConfig governor;
  /** Where the limits are kept: null for this agent alone, else the Redis the agents share. */
  final RedisSettings shared;

  TokenBucketSettings(Context ctx) {
    metricsName = ctx.getString("metricsName", "governor").trim();
    keyHeaders = splitList(ctx.getString("key", Headers.CLIENT_IP), "key");
    maxKeyLength = (int) between(ctx, "maxKeyLength", KeyTruncation.DEFAULT_LENGTH,
        KeyTruncation.MIN_LENGTH, KeyTruncation.MAX_LENGTH);
    defaultKey = ctx.getString("defaultKey", "unknown");
    if (defaultKey.length() > maxKeyLength) {
      throw ConfigValues.invalid("defaultKey", defaultKey,
          "at most maxKeyLength (" + maxKeyLength + ") characters");
    }
    String th = ctx.getString("tier.header");
    tierHeader = th == null || th.isBlank() ? null : th.trim();
    throttled =
        ThrottledAction.valueOf(
            oneOf("throttled", ctx.getString("throttled", "drop"), "drop", "keep", "reject")
                .toUpperCase(Locale.ROOT));
    shedHeader = ctx.getString("shed.header", Headers.SEVERITY).trim();
    shedValues = Set.copyOf(Arrays.asList(splitList(ctx.getString("shed.values", "7 6"), "shed.values")));
    topOffendersSize = (int) between(ctx, "topOffenders.size", 10, 1, TopOffenders.MAX_SIZE);
    topOffendersInterval =
        positive("topOffenders.logInterval", ctx.getString("topOffenders.logInterval", "60s"));

    GovernorConfig.Builder g = GovernorConfig.builder();
    String defaultTier = ctx.getString("tier.default", "default").trim();
    g.defaultTier(defaultTier);
    String plain = ctx.getString("limit");
    if (plain != null) {
      g.tier(defaultTier, Limits.setting("limit", plain));
    }
    Map<String, String> tierProps = ctx.getSubProperties("tiers.");
    Set<String> tierNames = new TreeSet<>();
    for (String k : tierProps.keySet()) {
      int dot = k.indexOf('.');
      if (dot <= 0 || !k.substring(dot + 1).equals("limit")) {
        throw new IllegalArgumentException(
            "Unknown key 'tiers." + k + "'; tiers are configured as 'tiers.<name>.limit'");
      }
      tierNames.add(k.substring(0, dot));
    }
    for (String name : tierNames) {
      String key = "tiers." + name + ".limit";
      if (name.equals(defaultTier) && plain != null) {
        throw new IllegalArgumentException(
            "Both 'limit' and '" + key + "' set the default tier; keep one");
      }
      g.tier(name, Limits.setting(key, tierProps.get(name + ".limit")));
    }
    if (plain == null && !tierNames.contains(defaultTier)) {
      throw new IllegalArgumentException(
          "No limit for the default tier '" + defaultTier + "': set 'limit' (e.g. 'limit = 3000/s')"
              + (tierNames.isEmpty() ? "" : " or 'tiers." + defaultTier + ".limit'; configured tiers: "
                  + String.join(", ", tierNames)));
    }
    String global = ctx.getString("global.limit");
    if (global != null) {
      g.global(Limits.setting("global.limit", global));
    }
    g.maxDelay(duration("defer.maxDelay", ctx.getString("defer.maxDelay", "2s")));
    long maxDeferred =
        between(ctx, "defer.maxEvents", GovernorConfig.DEFAULT_MAX_DEFERRED, 0, GovernorConfig.MAX_DEFERRED);
    g.maxDeferred(maxDeferred);
    // Left unset, the per-key room is the smaller of its default and the whole room; set above the
    // whole room, it could never be reached: a misunderstanding worth stopping for.
    g.maxDeferredPerKey(
        between(ctx, "defer.maxEventsPerKey", Math.min(10_000, maxDeferred), 0, maxDeferred,
            "defer.maxEvents (" + maxDeferred + ")"));
    g.shedThreshold(fraction("shed.threshold", ctx.getString("shed.threshold", "75%")));
    g.maxKeys(between(ctx, "maxKeys", 100_000, 1, GovernorConfig.MAX_KEYS));
    g.idleTimeout(duration("idleTimeout", ctx.getString("idleTimeout", "10m")));
    g.newKeyLimit(Limits.optionalSetting("newKeyLimit", ctx.getString("newKeyLimit", "1000/s")));
    try {
      governor = g.build();
      shared = RedisSettings.read(ctx::getString);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("TokenBucketInterceptor: " + e.getMessage(), e);
    }
  }

  /**
   * The most heap the keys' states may take: {@code maxKeys} states of about {@value #STATE_BYTES}
   * bytes (measured, with one limit), each holding its key (up to {@code maxKeyLength} characters
   * of two bytes) at most twice: as the cache's key and as the state's, which differ for tiers
   * other than the default. Keys of plain ASCII take half, and default-tier keys are held once.
   */
  long keyMemoryBound() {
    return governor.maxKeys() * (STATE_BYTES + 2 * (STRING_BYTES + 2L * maxKeyLength));
  }

  /**
   * A warning for the log when the keys' states could take more than half of {@code maxHeap}
   * bytes; null when they cannot. Not refused: how much heap an agent has is its operator's
   * choice, and most keys are far shorter than {@code maxKeyLength}.
   */
  String heapWarning(long maxHeap) {
    long bound = keyMemoryBound();
    if (bound <= maxHeap / 2) {
      return null;
    }
    return "maxKeys " + governor.maxKeys() + " keys of up to " + maxKeyLength
        + " characters may take up to " + (bound >> 20) + " MiB, more than half of the heap ("
        + (maxHeap >> 20) + " MiB): lower maxKeys or maxKeyLength, or give the agent more heap";
  }

  private static final long STATE_BYTES = 250;
  private static final long STRING_BYTES = 40; // a String and its array, without the characters

  /** A whole number from {@code min} to {@code max}, or {@code dflt} when the key is not set. */
  private static long between(Context ctx, String key, long dflt, long min, long max) {
    return between(ctx, key, dflt, min, max, Long.toString(max));
  }

  /** As above, with the upper bound named ({@code maxText}) when it comes from another key. */
  private static long between(
      Context ctx, String key, long dflt, long min, long max, String maxText) {
    String text = ctx.getString(key);
    return text == null ? dflt : ConfigValues.between(key, text, min, max, maxText);
  }

  private static Duration positive(String key, String text) {
    Duration d = duration(key, text);
    if (d.isZero()) {
      throw ConfigValues.invalid(key, text, "a positive duration such as 60s");
    }
    return d;
  }

  private static String[] splitList(String text, String key) {
    String[] parts = text.trim().split("[,\\s]+");
    if (parts.length == 0 || parts[0].isEmpty()) {
      throw ConfigValues.invalid(key, text, "one or more names separated by commas");
    }
    return parts;
  }
}
