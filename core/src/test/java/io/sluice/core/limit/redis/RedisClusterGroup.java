package io.sluice.core.limit.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * A Redis Cluster of three masters (no replicas) on free loopback ports, for tests of {@code
 * redis.cluster = true}: made with {@code redis-cli --cluster create}, ready once every node says
 * {@code cluster_state:ok}. Stopped, and its files removed, on {@link #close()} or when the JVM
 * exits.
 *
 * <p>Each node's cluster bus gets a free port of its own ({@code --cluster-port}): the default,
 * the client port + 10000, is out of range for half of the ephemeral ports a free port comes from,
 * and may be some other socket's.
 */
public final class RedisClusterGroup implements AutoCloseable {

  private static final Set<RedisClusterGroup> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(
        () -> LIVE.forEach(RedisClusterGroup::close), "redis-cluster-reaper"));
  }

  private final Path dir;
  private final int[] ports;
  private final int[] busPorts;
  private final List<Process> nodes = new ArrayList<>();

  private RedisClusterGroup(Path dir, int[] free) {
    this.dir = dir;
    this.ports = Arrays.copyOfRange(free, 0, 3);
    this.busPorts = Arrays.copyOfRange(free, 3, 6);
  }

  /** Starts a cluster; up to a few attempts, as a port may be taken before a node binds it. */
  public static RedisClusterGroup start() {
    return RedisSentinelGroup.startOnFreePorts(() -> {
      RedisClusterGroup g = new RedisClusterGroup(Files.createTempDirectory("sluice-cluster"),
          RedisSentinelGroup.freePorts(6));
      LIVE.add(g);
      return g;
    }, RedisClusterGroup::launch, RedisClusterGroup::close);
  }

  private void launch() {
    List<Process> started = new ArrayList<>();
    for (int i = 0; i < ports.length; i++) {
      started.add(run(List.of(RedisServer.executable(), "--port", Integer.toString(ports[i]),
          "--bind", "127.0.0.1", "--cluster-enabled", "yes",
          "--cluster-port", Integer.toString(busPorts[i]),
          "--cluster-config-file", "nodes-" + ports[i] + ".conf", "--save", "",
          "--appendonly", "no", "--protected-mode", "no", "--loglevel", "warning"),
          "node-" + ports[i] + ".log"));
    }
    for (int i = 0; i < ports.length; i++) {
      int port = ports[i];
      Process node = started.get(i);
      await(() -> {
        if (!node.isAlive()) {
          throw new RedisSentinelGroup.PortTaken("node " + port + " exited at start (port taken?): "
              + log("node-" + port + ".log"));
        }
        return "PONG".equals(RedisSentinelGroup.call(port, "PING"));
      }, "node " + port);
    }
    List<String> create = new ArrayList<>(List.of(cli(), "--cluster", "create"));
    for (int port : ports) {
      create.add("127.0.0.1:" + port);
    }
    create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
    try {
      Process p = run(create, "create.log");
      if (p.waitFor() != 0) {
        throw new IllegalStateException("redis-cli --cluster create failed: " + log("create.log"));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    for (int port : ports) {
      await(() -> String.valueOf(RedisSentinelGroup.call(port, "CLUSTER INFO"))
          .contains("cluster_state:ok"), "the cluster to be ok on " + port);
    }
  }

  /** A node's URI: Lettuce finds the others from it. */
  public String uri() {
    return "redis://127.0.0.1:" + ports[0];
  }

  /** How many keys each node holds. */
  public List<Long> keysPerNode() {
    List<Long> counts = new ArrayList<>();
    for (int port : ports) {
      counts.add((Long) RedisSentinelGroup.call(port, "DBSIZE"));
    }
    return counts;
  }

  @Override
  public void close() {
    for (Process p : nodes) {
      p.destroyForcibly();
    }
    for (Process p : nodes) {
      try {
        p.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    LIVE.remove(this);
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // A temporary directory left behind; nothing else depends on it.
    }
  }

  private static String cli() {
    Path server = Path.of(RedisServer.executable());
    Path cli = server.resolveSibling("redis-cli");
    if (!Files.isExecutable(cli)) {
      throw new IllegalStateException("redis-cli is not beside " + server
          + ": install redis-tools (apt-get install -y redis-server brings it)");
    }
    return cli.toString();
  }

  private Process run(List<String> command, String logName) {
    try {
      Process p = new ProcessBuilder(command).directory(dir.toFile())
          .redirectErrorStream(true).redirectOutput(dir.resolve(logName).toFile()).start();
      nodes.add(p);
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + command.get(0), e);
    }
  }

  private String log(String name) {
    try {
      return Files.readString(dir.resolve(name));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  private void await(java.util.function.BooleanSupplier done, String what) {
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("gave up after 20 s waiting for " + what);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
  }
}
