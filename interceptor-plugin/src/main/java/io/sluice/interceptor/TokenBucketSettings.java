package io.sluice.interceptor;

import static io.sluice.core.config.ConfigValues.atLeast;
import static io.sluice.core.config.ConfigValues.duration;
import static io.sluice.core.config.ConfigValues.fraction;
import static io.sluice.core.config.ConfigValues.oneOf;

import io.sluice.core.config.ConfigValues;
import io.sluice.core.limit.GovernorConfig;
import io.sluice.core.limit.Limits;
import io.sluice.core.limit.Rate;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
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
  final int topOffendersSize;
  final Duration topOffendersInterval;
  final GovernorConfig governor;

  TokenBucketSettings(Context ctx) {
    metricsName = ctx.getString("metricsName", "governor").trim();
    keyHeaders = splitList(ctx.getString("key", "clientIp"), "key");
    defaultKey = ctx.getString("defaultKey", "unknown");
    String th = ctx.getString("tier.header");
    tierHeader = th == null || th.isBlank() ? null : th.trim();
    throttled =
        ThrottledAction.valueOf(
            oneOf("throttled", ctx.getString("throttled", "drop"), "drop", "keep", "reject")
                .toUpperCase(Locale.ROOT));
    shedHeader = ctx.getString("shed.header", "Severity").trim();
    shedValues = Set.copyOf(Arrays.asList(splitList(ctx.getString("shed.values", "7 6"), "shed.values")));
    topOffendersSize =
        (int) atLeast("topOffenders.size", ctx.getString("topOffenders.size", "10"), 1);
    topOffendersInterval =
        positive("topOffenders.logInterval", ctx.getString("topOffenders.logInterval", "60s"));

    GovernorConfig.Builder g = GovernorConfig.builder();
    String defaultTier = ctx.getString("tier.default", "default").trim();
    g.defaultTier(defaultTier);
    String plain = ctx.getString("limit");
    if (plain != null) {
      g.tier(defaultTier, limits("limit", plain));
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
      g.tier(name, limits(key, tierProps.get(name + ".limit")));
    }
    if (plain == null && !tierNames.contains(defaultTier)) {
      throw new IllegalArgumentException(
          "No limit for the default tier '" + defaultTier + "': set 'limit' (e.g. 'limit = 3000/s')"
              + (tierNames.isEmpty() ? "" : " or 'tiers." + defaultTier + ".limit'; configured tiers: "
                  + String.join(", ", tierNames)));
    }
    String global = ctx.getString("global.limit");
    if (global != null) {
      g.global(limits("global.limit", global));
    }
    g.maxDelay(duration("defer.maxDelay", ctx.getString("defer.maxDelay", "2s")));
    g.maxDeferred(atLeast("defer.maxEvents", ctx.getString("defer.maxEvents", "100000"), 0));
    g.maxDeferredPerKey(
        atLeast("defer.maxEventsPerKey", ctx.getString("defer.maxEventsPerKey", "10000"), 0));
    g.shedThreshold(fraction("shed.threshold", ctx.getString("shed.threshold", "75%")));
    g.maxKeys(atLeast("maxKeys", ctx.getString("maxKeys", "100000"), 1));
    g.idleTimeout(duration("idleTimeout", ctx.getString("idleTimeout", "10m")));
    String newKeys = ctx.getString("newKeyLimit", "1000/s").trim();
    g.newKeyLimit(newKeys.equals("none") ? List.of() : limits("newKeyLimit", newKeys));
    try {
      governor = g.build();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("TokenBucketInterceptor: " + e.getMessage(), e);
    }
  }

  private static List<Rate> limits(String key, String text) {
    try {
      return Limits.parse(text);
    } catch (IllegalArgumentException e) {
      throw ConfigValues.invalid(key, text, Limits.FORM);
    }
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
