package io.sluice.core.limit.redis;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A master, one replica and three Sentinels on free loopback ports, for tests that fail a shared
 * store over: {@link #killMaster()} crashes the master, the Sentinels promote the replica.
 *
 * <p>{@link #start} returns once the replica is in sync and every Sentinel knows the master, the
 * replica and the two other Sentinels: before that, a failover could not happen (a Sentinel that
 * knows of no replica has nothing to promote; one that knows of no peers cannot reach a quorum).
 * Every process is stopped and the files removed on {@link #close()}, also when the JVM exits
 * early.
 */
public final class RedisSentinelGroup implements AutoCloseable {

  private static final Set<RedisSentinelGroup> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(
        () -> LIVE.forEach(RedisSentinelGroup::close), "redis-sentinel-reaper"));
  }

  private final String name;
  private final Path dir;
  private final int masterPort;
  private final int replicaPort;
  private final int[] sentinelPorts;
  /** Read by the shutdown hook too, maybe while {@link #start} still adds to it. */
  private final List<Process> processes = new CopyOnWriteArrayList<>();
  private Process master;

  private RedisSentinelGroup(String name, Path dir, int[] ports) {
    this.name = name;
    this.dir = dir;
    this.masterPort = ports[0];
    this.replicaPort = ports[1];
    this.sentinelPorts = new int[] {ports[2], ports[3], ports[4]};
  }

  /** Starts a group whose master Sentinel knows as {@code name}; up to a few attempts. */
  public static RedisSentinelGroup start(String name) {
    return startOnFreePorts(() -> {
      RedisSentinelGroup g = new RedisSentinelGroup(name,
          Files.createTempDirectory("sluice-sentinel"), freePorts(5));
      LIVE.add(g);
      return g;
    }, RedisSentinelGroup::launch, RedisSentinelGroup::close);
  }

  /** Makes a group of processes on free ports (may fail on its files). */
  interface Maker<G> {
    G make() throws IOException;
  }

  /**
   * Makes a group and launches it. A port taken between {@link #freePorts} and the launch is worth
   * another try, on new ports, up to three in all; any other failure is not. A group that fails is
   * closed.
   */
  static <G> G startOnFreePorts(Maker<G> make, Consumer<G> launch, Consumer<G> close) {
    for (int attempt = 0; ; attempt++) {
      G g;
      try {
        g = make.make();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      try {
        launch.accept(g);
        return g;
      } catch (RuntimeException | Error e) {
        close.accept(g);
        if (attempt == 2 || !(e instanceof PortTaken)) {
          throw e;
        }
      }
    }
  }

  private void launch() {
    master = server("master", masterPort);
    server("replica", replicaPort, "--replicaof", "127.0.0.1", Integer.toString(masterPort));
    await(Duration.ofSeconds(20), "the replica in sync with the master",
        () -> info(masterPort, "replication").contains("connected_slaves:1")
            && info(replicaPort, "replication").contains("master_link_status:up"));
    for (int port : sentinelPorts) {
      sentinel(port);
    }
    // Sentinels find each other through the master's hello channel, every 2 s.
    String known = "status=ok,address=127.0.0.1:" + masterPort + ",slaves=1,sentinels=3";
    await(Duration.ofSeconds(30), "the three Sentinels knowing the master, replica and each other",
        () -> {
          for (int port : sentinelPorts) {
            if (!info(port, "sentinel").contains(known) || !replicaLinkedFor(port)) {
              return false;
            }
          }
          return true;
        });
  }

  /** Whether Sentinel on {@code port} sees the replica as a healthy one, fit to be promoted. */
  private boolean replicaLinkedFor(int port) {
    if (!(call(port, "SENTINEL REPLICAS " + name) instanceof List<?> replicas)
        || replicas.size() != 1) {
      return false;
    }
    List<?> fields = (List<?>) replicas.get(0);
    return "slave".equals(field(fields, "flags"))
        && "ok".equals(field(fields, "master-link-status"));
  }

  private Process server(String role, int port, String... more) {
    Path home = dir.resolve(role);
    List<String> cmd = new ArrayList<>(List.of(RedisServer.executable(),
        "--port", Integer.toString(port), "--bind", "127.0.0.1", "--dir", mkdirs(home).toString(),
        "--save", "", "--appendonly", "no", "--daemonize", "no", "--protected-mode", "no",
        "--loglevel", "notice", "--logfile", "",
        // A master otherwise waits 5 s for more replicas before it starts a (diskless) full sync.
        "--repl-diskless-sync-delay", "0"));
    cmd.addAll(List.of(more));
    return run(role, port, cmd);
  }

  private void sentinel(int port) {
    // Sentinel rewrites its configuration file (its id, what it learns): one file each.
    Path conf = dir.resolve("sentinel-" + port + ".conf");
    String text = String.join("\n",
        "port " + port,
        "bind 127.0.0.1",
        "daemonize no",
        "logfile \"\"",
        "dir " + mkdirs(dir.resolve("sentinel-" + port)),
        "sentinel monitor " + name + " 127.0.0.1 " + masterPort + " 2",
        "sentinel down-after-milliseconds " + name + " 1000",
        "sentinel failover-timeout " + name + " 5000",
        "");
    try {
      Files.writeString(conf, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // redis-server in Sentinel mode is what redis-sentinel runs (Debian links one to the other).
    run("sentinel-" + port, port, List.of(RedisServer.executable(), conf.toString(), "--sentinel"));
  }

  private Process run(String role, int port, List<String> cmd) {
    Process p;
    try {
      p = new ProcessBuilder(cmd)
          .redirectErrorStream(true)
          .redirectOutput(dir.resolve(role + ".log").toFile())
          .start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + cmd.get(0), e);
    }
    processes.add(p);
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!"PONG".equals(call(port, "PING"))) {
      if (!p.isAlive()) {
        throw new PortTaken(role + " exited at start (port " + port + " taken?): " + log(role));
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(role + " did not answer PING within 10 s: " + log(role));
      }
      pause(20);
    }
    return p;
  }

  /**
   * {@code redis-sentinel://} with the three Sentinels, database 0, and the master's name:
   * Lettuce's form.
   */
  public String uri() {
    StringBuilder s = new StringBuilder("redis-sentinel://");
    for (int i = 0; i < sentinelPorts.length; i++) {
      s.append(i == 0 ? "" : ",").append("127.0.0.1:").append(sentinelPorts[i]);
    }
    return s.append("/0#").append(name).toString();
  }

  /** Scripts (EVAL and EVALSHA) the promoted replica has run: to tell whose answers a client got. */
  public long replicaScriptCalls() {
    long n = 0;
    for (String l : info(replicaPort, "commandstats").split("\r?\n")) {
      if (l.startsWith("cmdstat_evalsha:") || l.startsWith("cmdstat_eval:")) {
        String calls = l.substring(l.indexOf("calls=") + 6);
        n += Long.parseLong(calls.substring(0, calls.indexOf(',')));
      }
    }
    return n;
  }

  public int masterPort() {
    return masterPort;
  }

  public int replicaPort() {
    return replicaPort;
  }

  /** Kills the master at once, as a crash would: no shutdown, no last word to the replica. */
  public void killMaster() {
    master.destroyForcibly();
    try {
      master.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /**
   * Waits until the replica has every write the master had made when called: what a failover
   * then cannot lose. (Replication is asynchronous: writes after this may be lost with the master.)
   */
  public void awaitReplicated(Duration timeout) {
    long made = offset(masterPort, "master_repl_offset");
    await(timeout, "the replica at the master's replication offset " + made,
        () -> offset(replicaPort, "slave_repl_offset") >= made);
  }

  private static long offset(int port, String name) {
    Object v = field(infoLines(port), name);
    return v == null ? -1 : Long.parseLong((String) v);
  }

  /**
   * Waits until every Sentinel names the replica as the master: a client may ask any of them, so
   * the failover is done for it only once they all agree (the others learn it from the leader's
   * hello messages, a few seconds after the promotion).
   */
  public void awaitFailover(Duration timeout) {
    List<String> promoted = List.of("127.0.0.1", Integer.toString(replicaPort));
    await(timeout, "every Sentinel naming the replica 127.0.0.1:" + replicaPort + " master",
        () -> {
          for (int port : sentinelPorts) {
            if (!promoted.equals(call(port, "SENTINEL GET-MASTER-ADDR-BY-NAME " + name))) {
              return false;
            }
          }
          return "master".equals(field(infoLines(replicaPort), "role"));
        });
  }

  @Override
  public void close() {
    for (Process p : processes) {
      p.destroyForcibly();
    }
    for (Process p : processes) {
      try {
        p.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    LIVE.remove(this);
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // Already gone, or a temp dir the system will clean: not worth failing a test for.
    }
  }

  // --- talking to the servers -------------------------------------------------------------

  /**
   * Sends one inline command and reads the whole reply: a simple or bulk string as a String, an
   * error as a String starting with "-", an integer as a Long, an array as a List; null when the
   * server cannot be reached (or for a null reply).
   */
  static Object call(int port, String inline) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      s.setSoTimeout(5000);
      s.getOutputStream().write((inline + "\r\n").getBytes(StandardCharsets.UTF_8));
      s.getOutputStream().flush();
      return read(new BufferedInputStream(s.getInputStream()));
    } catch (IOException e) {
      return null;
    }
  }

  private static Object read(InputStream in) throws IOException {
    int type = in.read();
    String line = line(in);
    switch (type) {
      case '+':
        return line;
      case '-':
        return "-" + line;
      case ':':
        return Long.parseLong(line);
      case '$': {
        int n = Integer.parseInt(line);
        if (n < 0) {
          return null;
        }
        String bulk = new String(in.readNBytes(n), StandardCharsets.UTF_8);
        line(in);
        return bulk;
      }
      case '*': {
        int n = Integer.parseInt(line);
        if (n < 0) {
          return null;
        }
        List<Object> items = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          items.add(read(in));
        }
        return items;
      }
      default:
        throw new IOException("not a RESP2 reply: " + (char) type + line);
    }
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder b = new StringBuilder();
    for (int c; (c = in.read()) != '\n'; ) {
      if (c == -1) {
        throw new IOException("connection closed mid-reply");
      }
      if (c != '\r') {
        b.append((char) c);
      }
    }
    return b.toString();
  }

  /** The text of {@code INFO section}, or "" when unreachable. */
  private static String info(int port, String section) {
    return call(port, "INFO " + section) instanceof String s ? s : "";
  }

  /** {@code INFO replication} as alternating names and values, for {@link #field}. */
  private static List<String> infoLines(int port) {
    List<String> pairs = new ArrayList<>();
    for (String l : info(port, "replication").split("\r?\n")) {
      int colon = l.indexOf(':');
      if (colon > 0) {
        pairs.add(l.substring(0, colon));
        pairs.add(l.substring(colon + 1));
      }
    }
    return pairs;
  }

  /** The value after {@code name} in a flat name/value list (as SENTINEL REPLICAS answers). */
  private static Object field(List<?> pairs, String name) {
    for (int i = 0; i + 1 < pairs.size(); i += 2) {
      if (name.equals(pairs.get(i))) {
        return pairs.get(i + 1);
      }
    }
    return null;
  }

  private String log(String role) {
    try {
      String all = Files.readString(dir.resolve(role + ".log"));
      return all.substring(Math.max(0, all.length() - 2000));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  private void await(Duration timeout, String what, BooleanSupplier done) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("gave up after " + timeout.toSeconds() + " s waiting for "
            + what + "; sentinel log: " + log("sentinel-" + sentinelPorts[0]));
      }
      pause(100);
    }
  }

  // --- helpers ----------------------------------------------------------------------------

  /** Started and failed at once: most likely its port was taken after {@link #freePorts}. */
  static final class PortTaken extends IllegalStateException {
    PortTaken(String message) {
      super(message);
    }
  }

  /** Distinct free ports: all held open together, so that no two are the same. */
  static int[] freePorts(int n) {
    List<ServerSocket> held = new ArrayList<>();
    try {
      int[] ports = new int[n];
      for (int i = 0; i < n; i++) {
        ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        held.add(s);
        ports[i] = s.getLocalPort();
      }
      return ports;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      for (ServerSocket s : held) {
        try {
          s.close();
        } catch (IOException e) {
          // Closing a listening socket we own; nothing to do about it.
        }
      }
    }
  }

  private static Path mkdirs(Path p) {
    try {
      return Files.createDirectories(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void pause(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
