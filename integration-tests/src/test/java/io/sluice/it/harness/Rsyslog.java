package io.sluice.it.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A real rsyslog daemon, run the way an unprivileged user can run one: in the foreground ({@code
 * -n}), with its own configuration file ({@code -f}), pid file ({@code -i}) and work directory, on
 * loopback ports. It takes messages on an {@code imudp} input (fed with {@code logger}) and forwards
 * them with whatever {@code omfwd} actions the test configures.
 *
 * <p>Stopped by {@link #close()}, or by a JVM shutdown hook if the run is cut short.
 */
public final class Rsyslog implements AutoCloseable {

  /** The Debian packages that provide rsyslogd and its OpenSSL network stream driver. */
  public static final String PACKAGES = "rsyslog rsyslog-openssl";

  private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(
        () -> LIVE.forEach(Process::destroyForcibly), "rsyslog-reaper"));
  }

  private final Path dir;
  private final Path log;
  private final Process process;

  private Rsyslog(Path dir, Path log, Process process) {
    this.dir = dir;
    this.log = log;
    this.process = process;
  }

  /** Fails the test, naming the packages to install, unless rsyslogd is installed. */
  public static String executable() {
    return Command.require("rsyslogd", PACKAGES);
  }

  /**
   * Validates {@code config} ({@code rsyslogd -N1}), starts rsyslogd with it, and waits until it
   * listens on the UDP port {@code udpInputPort} (its imudp input).
   *
   * <p>{@code config} may use {@code ${WORK}} for the work directory, which this creates.
   */
  public static Rsyslog start(Path dir, String config, int udpInputPort) {
    String exe = executable();
    try {
      Files.createDirectories(dir.resolve("work"));
      Path conf = dir.resolve("rsyslog.conf");
      Files.writeString(conf, config.replace("${WORK}", dir.resolve("work").toString()));
      Command.Result check = Command.run(List.of(exe, "-N1", "-f", conf.toString()), null,
          Duration.ofSeconds(30));
      if (!check.ok()) {
        throw new AssertionError("rsyslog rejects the test's configuration " + conf + "\n" + check.describe());
      }
      Path log = dir.resolve("rsyslogd.log");
      Path pid = dir.resolve("rsyslogd.pid");
      Files.deleteIfExists(pid);
      ProcessBuilder pb = new ProcessBuilder(exe, "-n", "-f", conf.toString(), "-i", pid.toString())
          .directory(dir.toFile())
          .redirectErrorStream(true)
          .redirectOutput(log.toFile());
      Process p = pb.start();
      LIVE.add(p);
      Rsyslog r = new Rsyslog(dir, log, p);
      r.awaitUdpBound(udpInputPort, Duration.ofSeconds(20));
      return r;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void awaitUdpBound(int port, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (!process.isAlive()) {
        throw new AssertionError("rsyslogd exited (" + process.exitValue() + ") at start\n" + log());
      }
      if (udpPortTaken(port)) {
        return;
      }
      if (System.nanoTime() > deadline) {
        close();
        throw new AssertionError("rsyslogd did not bind UDP 127.0.0.1:" + port + " within " + timeout
            + "\n" + log());
      }
      sleep(50);
    }
  }

  /** What {@link #relay} sent: each logger run, and the wall-clock window they ran in. */
  public record Relayed(List<Command.Result> loggers, long fromMillis, long toMillis) {}

  /**
   * Starts rsyslog with {@code config}, feeds its UDP input three messages with {@code logger}
   * ({@code loggerArgs} gives message {@code i}'s arguments, 1 to 3), and waits until the agent has
   * {@code expected} events whose body starts with {@code nonce}; rsyslog's log is added to a
   * failure, and rsyslog is stopped either way.
   */
  public static Relayed relay(Path dir, String config, int udpInputPort, SyslogPipeline agent,
      String nonce, int expected, String what, IntFunction<String[]> loggerArgs) {
    List<Command.Result> loggers = new ArrayList<>();
    try (Rsyslog rs = start(dir, config, udpInputPort)) {
      long from = System.currentTimeMillis();
      for (int i = 1; i <= 3; i++) {
        loggers.add(LoggerCommand.send(udpInputPort, null, loggerArgs.apply(i)));
      }
      long to = System.currentTimeMillis();
      try {
        agent.await(expected, "events " + nonce + " (" + what + ")", w -> w.body().contains(nonce));
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + "\n--- rsyslogd log ---\n" + rs.log(), e);
      }
      return new Relayed(loggers, from, to);
    }
  }

  private static boolean udpPortTaken(int port) {
    try (DatagramSocket s = new DatagramSocket(null)) {
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      return false;
    } catch (SocketException taken) {
      return true;
    }
  }

  public String log() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no rsyslogd log: " + e + ")";
    }
  }

  public Path dir() {
    return dir;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** SIGTERM (rsyslog flushes its queues and exits), then SIGKILL after 10 s. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    LIVE.remove(process);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
