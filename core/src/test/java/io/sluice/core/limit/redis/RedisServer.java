package io.sluice.core.limit.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A real {@code redis-server} on a free loopback port, for tests: started from PATH (Debian's
 * {@code redis-server}, which {@code ./test-setup} installs), without persistence, and always
 * stopped (also when the JVM exits early).
 */
public final class RedisServer implements AutoCloseable {

  private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(
        () -> LIVE.forEach(Process::destroyForcibly), "redis-reaper"));
  }

  private final int port;
  private final List<String> extraArgs;
  private Process process;

  private RedisServer(int port, List<String> extraArgs) {
    this.port = port;
    this.extraArgs = extraArgs;
  }

  /** Starts a server on a free port. */
  public static RedisServer start() {
    return start(List.of());
  }

  /**
   * Starts a server on a free port with more arguments (a password, a TLS port); {@link
   * #command} still reaches it on the plain port, where a password only answers NOAUTH.
   */
  public static RedisServer start(List<String> extraArgs) {
    for (int attempt = 0; ; attempt++) {
      RedisServer s = new RedisServer(freePort(), extraArgs);
      try {
        s.launch();
        return s;
      } catch (IllegalStateException e) {
        if (attempt == 4) {
          throw e;
        }
      }
    }
  }

  /** Where {@code redis-server} is; fails naming the package when it is not installed. */
  public static String executable() {
    for (String dir : (System.getenv("PATH") + ":/usr/bin:/usr/sbin:/bin:/sbin").split(":")) {
      Path p = Path.of(dir.isEmpty() ? "." : dir, "redis-server");
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    throw new IllegalStateException("redis-server is not installed: run ./test-setup, or"
        + " apt-get install -y redis-server");
  }

  private void launch() {
    try {
      List<String> command = new java.util.ArrayList<>(List.of(executable(), "--port",
          Integer.toString(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
          "--daemonize", "no", "--protected-mode", "no", "--loglevel", "warning"));
      command.addAll(extraArgs);
      process = new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot run redis-server", e);
    }
    LIVE.add(process);
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        LIVE.remove(process);
        throw new IllegalStateException("redis-server exited at start (port " + port + " taken?)");
      }
      String pong = command("PING");
      if ("+PONG".equals(pong) || (pong != null && pong.startsWith("-NOAUTH"))) {
        return;
      }
      pause(20);
    }
    kill();
    throw new IllegalStateException("redis-server did not answer PING within 10 s");
  }

  public int port() {
    return port;
  }

  public String uri() {
    return "redis://127.0.0.1:" + port;
  }

  public boolean isRunning() {
    return process != null && process.isAlive();
  }

  /**
   * Stops the server's process (SIGSTOP) without closing anything: connections stay open and
   * commands wait unanswered, as with a Redis stalled by a slow command or a busy host, until
   * {@link #resume}.
   */
  public void freeze() {
    signal("-STOP");
  }

  /** Lets a {@link #freeze frozen} server run again (SIGCONT); it answers what waited. */
  public void resume() {
    signal("-CONT");
  }

  private void signal(String sig) {
    try {
      Process kill = new ProcessBuilder("kill", sig, Long.toString(process.pid())).inheritIO().start();
      if (kill.waitFor() != 0) {
        throw new IllegalStateException("kill " + sig + " " + process.pid() + " failed");
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run kill", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Kills the server at once (as a crash would), keeping its port for {@link #restart}. */
  public void kill() {
    if (process != null) {
      process.destroyForcibly();
      try {
        process.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      LIVE.remove(process);
    }
  }

  /** Starts it again on the same port, empty. */
  public void restart() {
    kill();
    launch();
  }

  /**
   * Sends one inline command and returns the first line of the reply ({@code +OK}, {@code :1},
   * {@code $5} ...), or null when the server cannot be reached.
   */
  public String command(String inline) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      out.write((inline + "\r\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = s.getInputStream();
      StringBuilder line = new StringBuilder();
      int c;
      while ((c = in.read()) != -1 && c != '\r') {
        line.append((char) c);
      }
      return line.toString();
    } catch (IOException e) {
      return null;
    }
  }

  @Override
  public void close() {
    kill();
  }

  /** A loopback port free when asked. */
  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
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
