package io.sluice.core.limit.redis;

import static io.sluice.core.config.ConfigValues.between;
import static io.sluice.core.config.ConfigValues.duration;
import static io.sluice.core.config.ConfigValues.oneOf;

import io.lettuce.core.RedisURI;
import io.sluice.core.config.ConfigValues;
import io.sluice.core.limit.GovernorConfig;
import io.sluice.core.limit.Governor;
import io.sluice.core.limit.Limiter;
import io.sluice.core.limit.SharedGovernor;
import io.sluice.core.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * Where a component keeps its limits: {@code store = local} (this agent alone) or {@code redis}
 * (shared by every agent that names the same Redis and prefix), with the {@code redis.*} keys. Every
 * key and default is documented in the README ("Shared limits").
 */
public final class RedisSettings {

  private final String uri;
  private final boolean cluster;
  private final Duration timeout;
  private final SharedGovernor.Options options;

  private RedisSettings(
      String uri, boolean cluster, Duration timeout, SharedGovernor.Options options) {
    this.uri = uri;
    this.cluster = cluster;
    this.timeout = timeout;
    this.options = options;
  }

  /**
   * Reads {@code store} and the {@code redis.*} keys through {@code property} (null when a key is
   * not set); null for {@code store = local}.
   *
   * @throws IllegalArgumentException naming the key whose value is wrong
   */
  public static RedisSettings read(UnaryOperator<String> property) {
    String store = oneOf("store", orElse(property.apply("store"), "local"), "local", "redis");
    if (store.equals("local")) {
      return null;
    }
    String uri = property.apply("redis.uri");
    if (uri == null || uri.isBlank()) {
      throw new IllegalArgumentException("store = redis needs redis.uri, e.g. redis://127.0.0.1:6379/0,"
          + " rediss://:password@host:6380, redis-sentinel://s1:26379,s2:26379/0#mymaster");
    }
    try {
      RedisURI.create(uri.trim());
    } catch (RuntimeException e) {
      throw ConfigValues.invalid("redis.uri", uri, "a Redis URI (" + e.getMessage() + ")");
    }
    boolean cluster = Boolean.parseBoolean(
        oneOf("redis.cluster", orElse(property.apply("redis.cluster"), "false"), "true", "false"));
    String prefix = orElse(property.apply("redis.prefix"), "sluice:").trim();
    if (prefix.isEmpty() || prefix.contains("{") || prefix.contains("}")) {
      throw ConfigValues.invalid("redis.prefix", prefix, "a non-empty prefix without { or }");
    }
    Duration timeout = duration("redis.timeout", orElse(property.apply("redis.timeout"), "250ms"));
    if (timeout.isZero()) {
      throw ConfigValues.invalid("redis.timeout", "0", "a positive duration such as 250ms");
    }
    SharedGovernor.OnFailure onFailure = SharedGovernor.OnFailure.valueOf(
        oneOf("redis.onFailure", orElse(property.apply("redis.onFailure"), "local"),
            "open", "closed", "local").toUpperCase(Locale.ROOT));
    int agents = (int) between("redis.expectedAgents",
        orElse(property.apply("redis.expectedAgents"), "1"), 1, 10_000);
    int failures = (int) between("redis.breaker.failures",
        orElse(property.apply("redis.breaker.failures"), "3"), 1, 1_000_000);
    Duration openFor =
        duration("redis.breaker.openFor", orElse(property.apply("redis.breaker.openFor"), "1s"));
    int lease = (int) between("redis.leaseSize",
        orElse(property.apply("redis.leaseSize"), "0"), 0, 100_000);
    return new RedisSettings(uri.trim(), cluster, timeout,
        new SharedGovernor.Options(prefix, onFailure, agents, failures, openFor.toNanos(), lease));
  }

  private static String orElse(String value, String dflt) {
    return value == null ? dflt : value;
  }

  /** The limiter for {@code config}: shared through Redis when {@code settings} is not null. */
  public static Limiter limiter(RedisSettings settings, GovernorConfig config, Clock clock) {
    if (settings == null) {
      return new Governor(config, clock);
    }
    if (settings.cluster && config.hasGlobalLimit()) {
      // The global limit is one Redis key that every call touches, with the key's own: on a
      // Cluster they would lie in different slots, which a script cannot span.
      throw new IllegalArgumentException(
          "global.limit cannot be shared through a Redis Cluster (redis.cluster = true); use a"
              + " standalone or Sentinel-managed Redis, or leave global.limit out");
    }
    return new SharedGovernor(config, clock, RedisStore.open(settings.uri, settings.cluster,
        settings.timeout), settings.options);
  }

  @Override
  public String toString() {
    return "store = redis (" + RedisStore.describe(uri) + (cluster ? ", cluster" : "") + ", prefix '"
        + options.prefix() + "', timeout " + timeout.toMillis() + " ms, onFailure = "
        + options.onFailure().name().toLowerCase(Locale.ROOT)
        + (options.onFailure() == SharedGovernor.OnFailure.LOCAL
            ? " (limits / " + options.expectedAgents() + " agents)" : "")
        + (options.leaseSize() > 0 ? ", leases of " + options.leaseSize() + " tokens" : "")
        + ")";
  }
}
