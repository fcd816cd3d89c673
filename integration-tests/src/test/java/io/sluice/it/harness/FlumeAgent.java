package io.sluice.it.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * A real Flume agent in its own JVM, started the way a user starts one: {@code
 * conf-examples/bin/flume-agent CONF NAME}, i.e. {@code org.apache.flume.node.Application} on
 * Flume 1.11.0's runtime classpath with the plugins.d tree unpacked from the dist tarball after it.
 *
 * <p>Every agent is stopped by {@link #close()}, by a JVM shutdown hook if a test run is cut
 * short, and, should even that fail (the test JVM killed), by the next run, which reaps agents
 * listed in the pid file that are still alive.
 */
public final class FlumeAgent implements AutoCloseable {

  private static final Path REPO = Paths.get(System.getProperty("sluice.repo", "..")).normalize();
  private static final Path WORK =
      Paths.get(System.getProperty("sluice.work", "target/agents")).toAbsolutePath().normalize();
  private static final Path PID_FILE = WORK.resolve("agents.pid");
  private static final Set<FlumeAgent> LIVE = ConcurrentHashMap.newKeySet();

  static {
    reapStrays();
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> LIVE.forEach(FlumeAgent::kill), "flume-agent-reaper"));
  }

  private final String name;
  private final Path dir;
  private final Path log;
  private final Properties config;
  private final int jmxPort;
  private final int httpPort;
  private final int prometheusPort;
  private final Process process;
  private JMXConnector connector;

  private FlumeAgent(String name, Path dir, String configText, Map<String, String> environment)
      throws IOException {
    this.name = name;
    this.dir = dir;
    this.log = dir.resolve("agent.log");
    this.config = new Properties();
    config.load(new StringReader(configText));
    this.jmxPort = Ports.free();
    this.httpPort = Ports.free();
    this.prometheusPort = Ports.free();
    Files.createDirectories(dir);
    Path conf = dir.resolve("agent.properties");
    Files.writeString(conf, configText);
    ProcessBuilder pb =
        new ProcessBuilder(
            REPO.resolve("conf-examples/bin/flume-agent").toString(),
            conf.toString(),
            name,
            "--no-reload-conf");
    pb.directory(dir.toFile());
    pb.environment().put("SLUICE_JMX_PORT", Integer.toString(jmxPort));
    pb.environment().put("SLUICE_HTTP_PORT", Integer.toString(httpPort));
    pb.environment().put("SLUICE_PROMETHEUS_PORT", Integer.toString(prometheusPort));
    pb.environment().put("JAVA_OPTS", "-Xmx512m -XX:+ExitOnOutOfMemoryError");
    pb.environment().putAll(environment);
    pb.redirectErrorStream(true);
    pb.redirectOutput(log.toFile());
    this.process = pb.start();
    LIVE.add(this);
    Files.createDirectories(WORK);
    Files.writeString(
        PID_FILE,
        process.pid() + "\n",
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }

  /**
   * Starts an agent from a properties text and waits until every source and channel it declares
   * has registered its counters over JMX and started.
   *
   * @param dir working directory for the agent's configuration, log and any files it writes
   */
  public static FlumeAgent start(String name, Path dir, String configText) {
    return start(name, dir, configText, Map.of());
  }

  /**
   * As {@link #start(String, Path, String)}, with more environment for the launcher (e.g. {@code
   * JAVA_OPTS}), which wins over the harness's own.
   */
  public static FlumeAgent start(String name, Path dir, String configText, Map<String, String> environment) {
    FlumeAgent agent = launch(name, dir, configText, environment);
    try {
      List<String> mbeans = new ArrayList<>();
      for (String s : agent.declared("sources")) {
        mbeans.add("org.apache.flume.source:type=" + s);
      }
      for (String c : agent.declared("channels")) {
        mbeans.add("org.apache.flume.channel:type=" + c);
      }
      agent.awaitStarted(Duration.ofSeconds(90), mbeans);
      return agent;
    } catch (RuntimeException | Error e) {
      agent.close();
      throw e;
    }
  }

  /** Starts an agent without waiting for anything; see {@link #await}. */
  public static FlumeAgent launch(String name, Path dir, String configText) {
    return launch(name, dir, configText, Map.of());
  }

  /**
   * As {@link #launch(String, Path, String)}, with more environment for the launcher (e.g. {@code
   * SLUICE_BIND}), which wins over the harness's own.
   */
  public static FlumeAgent launch(String name, Path dir, String configText, Map<String, String> environment) {
    try {
      return new FlumeAgent(name, dir, configText, environment);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Names listed in {@code <agent>.<kind>}, e.g. the sources. */
  public List<String> declared(String kind) {
    String v = config.getProperty(name + "." + kind, "").trim();
    return v.isEmpty() ? List.of() : List.of(v.split("\\s+"));
  }

  /** Waits until each MBean exists and reports a start time. */
  public void awaitStarted(Duration timeout, List<String> mbeans) {
    await(
        timeout,
        "agent components " + mbeans + " to start",
        () -> {
          for (String mbean : mbeans) {
            try {
              if (((Number) attribute(mbean, "StartTime")).longValue() <= 0) {
                return false;
              }
            } catch (RuntimeException notYet) {
              return false;
            }
          }
          return true;
        });
  }

  /** Polls {@code condition} until true; fails with the agent's log tail on timeout or agent death. */
  public void await(Duration timeout, String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (condition.getAsBoolean()) {
        return;
      }
      if (!process.isAlive()) {
        throw new AssertionError(
            "agent " + name + " exited (" + process.exitValue() + ") while waiting for " + what
                + "\n--- agent log tail ---\n" + logTail(60));
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "timed out after " + timeout + " waiting for " + what
                + "\n--- agent log tail ---\n" + logTail(60));
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what, e);
      }
    }
  }

  /** A remote JMX connection to the agent, opened on first use. */
  public synchronized MBeanServerConnection jmx() {
    try {
      if (connector == null) {
        JMXServiceURL url =
            new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + jmxPort + "/jmxrmi");
        connector = JMXConnectorFactory.connect(url);
      }
      return connector.getMBeanServerConnection();
    } catch (IOException e) {
      connector = null;
      throw new UncheckedIOException("JMX not reachable on port " + jmxPort, e);
    }
  }

  public Object attribute(String objectName, String attribute) {
    try {
      return jmx().getAttribute(new ObjectName(objectName), attribute);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (Exception e) {
      throw new IllegalStateException(objectName + " " + attribute + ": " + e, e);
    }
  }

  public long counter(String objectName, String attribute) {
    return ((Number) attribute(objectName, attribute)).longValue();
  }

  /** The agent's HTTP JSON monitoring (Flume's JSON, from io.sluice.metrics.HttpMonitor), over loopback. */
  public String metricsJson() {
    try {
      var client = java.net.http.HttpClient.newHttpClient();
      var request =
          java.net.http.HttpRequest.newBuilder(
                  java.net.URI.create("http://127.0.0.1:" + httpPort + "/metrics"))
              .timeout(Duration.ofSeconds(10))
              .build();
      return client.send(request, java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public Path dir() {
    return dir;
  }

  /** The port of the agent's HTTP JSON monitoring ({@code SLUICE_HTTP_PORT}). */
  public int httpPort() {
    return httpPort;
  }

  /** The agent's remote JMX port ({@code SLUICE_JMX_PORT}). */
  /** The port of the agent's Prometheus /metrics (PrometheusMonitor, on loopback). */
  public int prometheusPort() {
    return prometheusPort;
  }

  public int jmxPort() {
    return jmxPort;
  }

  public String log() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  public String logTail(int lines) {
    List<String> all = log().lines().toList();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Stops the agent as an operator would (SIGTERM: Flume's shutdown hook stops components). */
  @Override
  public void close() {
    try {
      if (connector != null) {
        connector.close();
      }
    } catch (IOException ignored) {
      // the agent is going away anyway
    }
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        kill();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kill();
    }
    LIVE.remove(this);
  }

  private void kill() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }

  private static void reapStrays() {
    if (!Files.exists(PID_FILE)) {
      return;
    }
    try {
      for (String line : Files.readAllLines(PID_FILE)) {
        if (line.isBlank()) {
          continue;
        }
        ProcessHandle.of(Long.parseLong(line.trim()))
            .filter(p -> p.info().commandLine().orElse("").contains("org.apache.flume.node.Application"))
            .ifPresent(ProcessHandle::destroyForcibly);
      }
      Files.delete(PID_FILE);
    } catch (IOException | NumberFormatException e) {
      System.err.println("could not reap stray agents from " + PID_FILE + ": " + e);
    }
  }

  /** The directory for a test's agent: {@code target/agents/<test>}. */
  public static Path workDir(String test) {
    return WORK.resolve(test);
  }

  /** Deletes and recreates a directory (for sink output between runs). */
  public static Path cleanDir(Path d) {
    try {
      if (Files.exists(d)) {
        try (var walk = Files.walk(d)) {
          walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
      return Files.createDirectories(d);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
