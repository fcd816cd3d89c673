package io.sluice.core.limit.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisScriptingAsyncCommands;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import io.sluice.core.limit.SharedCall;
import io.sluice.core.limit.SharedScript;
import io.sluice.core.limit.SharedStore;
import io.sluice.core.limit.SharedStoreException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The shared store on Redis, through Lettuce: standalone ({@code redis://}, {@code rediss://}),
 * behind Sentinel ({@code redis-sentinel://…#master}, followed through a failover) or a Cluster.
 *
 * <p>One connection, shared by every thread (Lettuce's connections are thread-safe and pipeline
 * what several threads send). A batch's calls are sent by digest (EVALSHA) and awaited together;
 * a Redis that does not know the script (restarted, failed over, {@code SCRIPT FLUSH}) gets it
 * with the call that missed it (EVAL), once. While disconnected, calls fail at once rather than
 * queue, and the connection is made again in the background; with no connection yet (Redis was
 * down when the agent started), each call tries to make one.
 */
public final class RedisStore implements SharedStore {

  private final String uri;
  private final boolean cluster;
  private final Duration timeout;
  private final ClientResources resources;
  private final Object connecting = new Object();
  private volatile Connected connected; // null until the first connection succeeds

  /** Keys as text, arguments and answers as bytes (the script's numbers are packed doubles). */
  private static final RedisCodec<String, byte[]> CODEC =
      RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

  private record Connected(
      AutoCloseable client,
      StatefulConnection<String, byte[]> connection,
      RedisScriptingAsyncCommands<String, byte[]> commands) {}

  private RedisStore(String uri, boolean cluster, Duration timeout) {
    this.uri = uri;
    this.cluster = cluster;
    this.timeout = timeout;
    // Reconnect soon after Redis is back (Lettuce's default waits up to 30 s between attempts).
    this.resources = DefaultClientResources.builder()
        .ioThreadPoolSize(2)
        .computationThreadPoolSize(2)
        .reconnectDelay(Delay.exponential(
            Duration.ofMillis(10), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
        .build();
  }

  /**
   * A store for {@code uri} (Lettuce's URI forms). Connects now if it can; if it cannot, the first
   * calls fail (and the governor falls back) until it can.
   *
   * @throws IllegalArgumentException if {@code uri} is not a Redis URI
   */
  public static RedisStore open(String uri, boolean cluster, Duration timeout) {
    RedisURI.create(uri); // fails now, with Lettuce's message, on a malformed URI
    RedisStore store = new RedisStore(uri, cluster, timeout);
    try {
      store.connection();
    } catch (SharedStoreException e) {
      // Not yet: the calls will try again.
    }
    return store;
  }

  @Override
  public List<byte[]> run(SharedScript script, List<SharedCall> calls) {
    Connected c = connection();
    long deadline = System.nanoTime() + timeout.toNanos();
    List<RedisFuture<byte[]>> sent = new ArrayList<>(calls.size());
    for (SharedCall call : calls) {
      sent.add(c.commands().evalsha(script.sha1(), ScriptOutputType.VALUE, call.keys(), call.args()));
    }
    List<byte[]> answers = new ArrayList<>(calls.size());
    for (int i = 0; i < sent.size(); i++) {
      SharedCall call = calls.get(i);
      try {
        answers.add(await(sent.get(i), deadline));
      } catch (RedisNoScriptException e) {
        answers.add(await(
            c.commands().eval(script.text(), ScriptOutputType.VALUE, call.keys(), call.args()),
            deadline));
      }
    }
    return answers;
  }

  /** With a Cluster, a key's hash slot: a script's keys must all lie in one. */
  @Override
  public int partitionOf(String key) {
    return cluster ? SlotHash.getSlot(key) : 0;
  }

  private static byte[] await(RedisFuture<byte[]> f, long deadline) {
    try {
      return f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RedisNoScriptException noScript) {
        throw noScript;
      }
      throw new SharedStoreException("Redis refused a call: " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      // The call may still reach Redis and book what onFailure decides instead: the limit then
      // errs on the strict side.
      f.cancel(false);
      throw new SharedStoreException("Redis did not answer in time", e);
    } catch (java.util.concurrent.CancellationException e) {
      throw new SharedStoreException("the call to Redis was cancelled", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SharedStoreException("interrupted while waiting for Redis", e);
    }
  }

  private Connected connection() {
    Connected c = connected;
    if (c != null) {
      return c;
    }
    synchronized (connecting) {
      if (connected == null) {
        connected = connect();
      }
      return connected;
    }
  }

  private Connected connect() {
    RedisURI target = RedisURI.create(uri);
    target.setTimeout(timeout);
    ClientOptions options = clientOptions();
    try {
      if (cluster) {
        RedisClusterClient client = RedisClusterClient.create(resources, target);
        client.setOptions(ClusterClientOptions.builder(options).build());
        return connectOrShutDown(() -> client.shutdown(Duration.ZERO, Duration.ZERO), () -> {
          StatefulRedisClusterConnection<String, byte[]> conn = client.connect(CODEC);
          return new Connected(client::shutdown, conn, conn.async());
        });
      }
      RedisClient client = RedisClient.create(resources, target);
      client.setOptions(options);
      return connectOrShutDown(() -> client.shutdown(Duration.ZERO, Duration.ZERO), () -> {
        StatefulRedisConnection<String, byte[]> conn = client.connect(CODEC);
        return new Connected(client::shutdown, conn, conn.async());
      });
    } catch (RuntimeException e) {
      throw new SharedStoreException(
          "cannot connect to Redis (" + describe(uri) + "): " + e.getMessage(), e);
    }
  }

  /** A client that fails to connect is shut down at once: each probe makes a new one. */
  private static Connected connectOrShutDown(Runnable shutdown, Supplier<Connected> connect) {
    try {
      return connect.get();
    } catch (RuntimeException e) {
      shutdown.run();
      throw e;
    }
  }

  private ClientOptions clientOptions() {
    // A master that goes silent without closing the connection (a partition, a frozen host) must
    // be left in seconds, so that the next connection asks Sentinel for the new one: keepalive
    // probes and a TCP user timeout end such a connection (Lettuce then reconnects).
    SocketOptions socket = SocketOptions.builder()
        .connectTimeout(timeout)
        .keepAlive(SocketOptions.KeepAliveOptions.builder().enable()
            .idle(Duration.ofSeconds(5)).interval(Duration.ofSeconds(1)).count(3).build())
        .tcpUserTimeout(SocketOptions.TcpUserTimeoutOptions.builder().enable()
            .tcpUserTimeout(Duration.ofSeconds(5)).build())
        .build();
    // Commands fail at once while disconnected (the breaker then decides), and at most this many
    // wait for answers: bounded memory whatever Redis does.
    return ClientOptions.builder()
        .socketOptions(socket)
        .timeoutOptions(TimeoutOptions.enabled(timeout))
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .requestQueueSize(65_536)
        .build();
  }

  /** Where {@code uri} leads, without its password: for logs. */
  static String describe(String uri) {
    RedisURI u = RedisURI.create(uri);
    return u.getSentinelMasterId() != null
        ? "Sentinel master '" + u.getSentinelMasterId() + "'"
        : u.getHost() + ":" + u.getPort();
  }

  @Override
  public void close() {
    Connected c = connected;
    if (c != null) {
      c.connection().close();
      try {
        c.client().close();
      } catch (Exception e) {
        // Shutting down; nothing to do about it.
      }
    }
    resources.shutdown(0, 0, TimeUnit.MILLISECONDS);
  }
}
