package io.sluice.source;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * {@code openssl s_client} as an interactive sender: lines typed on its stdin are sent, and, as a
 * user at a terminal would, a line {@code R} asks to renegotiate (TLS 1.2) and {@code k} sends a
 * KeyUpdate (TLS 1.3). Its stdin stays open until {@link #endInput()}, so it ends on its own only
 * when the server closes the connection. The server's certificate is not checked.
 */
final class OpensslClient implements AutoCloseable {

  private final Process process;
  private final OutputStream stdin;
  private final StringBuffer output = new StringBuffer();

  private OpensslClient(Process process) {
    this.process = process;
    this.stdin = process.getOutputStream();
    Thread reader = new Thread(() -> copy(process.getInputStream()), "s_client-output");
    reader.setDaemon(true);
    reader.start();
  }

  /** Connects with {@code protocolFlag} ({@code -tls1_2}, {@code -tls1_3}) and waits for the handshake. */
  static OpensslClient connect(int port, String protocolFlag) throws Exception {
    Process p = new ProcessBuilder(openssl(), "s_client", "-connect", "127.0.0.1:" + port,
        "-servername", "localhost", protocolFlag)
        .redirectErrorStream(true)
        .start();
    OpensslClient c = new OpensslClient(p);
    if (!c.awaitOutput("Verify return code", 10_000)) {
      c.close();
      throw new AssertionError("s_client " + protocolFlag + " did not complete a handshake:\n" + c.output());
    }
    return c;
  }

  private static String openssl() {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
      Path p = Path.of(dir, "openssl");
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    throw new AssertionError("'openssl' is not installed, and this test needs it as a real TLS client."
        + " Install it: apt-get install -y openssl");
  }

  /** Types a line. */
  void type(String line) throws IOException {
    stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    stdin.flush();
  }

  /** Closes its stdin: s_client then closes the connection (close_notify) and exits. */
  void endInput() throws IOException {
    stdin.close();
  }

  boolean awaitOutput(String text, long millis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (!output.toString().contains(text)) {
      if (System.nanoTime() > deadline || !process.isAlive() && !output.toString().contains(text)) {
        return output.toString().contains(text);
      }
      Thread.sleep(10);
    }
    return true;
  }

  /** Waits for s_client to end; true if it did. */
  boolean awaitExit(long millis) throws InterruptedException {
    return process.waitFor(millis, TimeUnit.MILLISECONDS);
  }

  String output() {
    return output.toString();
  }

  private void copy(InputStream in) {
    byte[] buf = new byte[4096];
    try {
      for (int n; (n = in.read(buf)) > 0; ) {
        output.append(new String(buf, 0, n, StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      output.append("(output unreadable: ").append(e).append(')');
    }
  }

  @Override
  public void close() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
