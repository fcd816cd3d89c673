package io.sluice.it.harness;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a real program (util-linux {@code logger}, {@code openssl}, {@code keytool}) to completion:
 * given stdin, a time limit, its output (stdout and stderr merged) and exit status collected.
 */
public final class Command {

  /** What a finished (or timed-out and killed) program left. */
  public record Result(List<String> command, long pid, int exitCode, boolean timedOut, String output) {
    public boolean ok() {
      return exitCode == 0 && !timedOut;
    }

    /** Fails the calling test unless the program exited with 0. */
    public Result requireOk() {
      if (!ok()) {
        throw new AssertionError(describe());
      }
      return this;
    }

    public String describe() {
      return String.join(" ", command) + (timedOut ? " timed out" : " exited " + exitCode)
          + "\n--- output ---\n" + output;
    }
  }

  private Command() {}

  public static Result run(List<String> command) {
    return run(command, null, Duration.ofSeconds(30));
  }

  /**
   * Runs {@code command} with {@code stdin} (UTF-8; null for none) and waits at most {@code
   * timeout}; a program still running then is killed (with its children) and reported as timed out.
   */
  public static Result run(List<String> command, String stdin, Duration timeout) {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
    }
    CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
    try (OutputStream in = p.getOutputStream()) {
      if (stdin != null) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      // the program exited without reading its input: its status says why
    }
    boolean done;
    try {
      done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!done) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
      }
      String text = output.get(5, TimeUnit.SECONDS);
      return new Result(List.copyOf(command), p.pid(), done ? p.exitValue() : -1, !done, text);
    } catch (Exception e) {
      p.destroyForcibly();
      throw new IllegalStateException("running " + String.join(" ", command) + ": " + e, e);
    }
  }

  private static String readAll(InputStream in) {
    try {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(output unreadable: " + e + ")";
    }
  }

  /**
   * The path of an executable: on {@code PATH}, or in the sbin directories an unprivileged user's
   * PATH often lacks; fails the test with the Debian package to install when it is nowhere.
   */
  public static String require(String executable, String debianPackages) {
    List<Path> candidates = new ArrayList<>();
    String path = System.getenv().getOrDefault("PATH", "");
    for (String d : path.split(":")) {
      if (!d.isEmpty()) {
        candidates.add(Path.of(d, executable));
      }
    }
    for (String d : List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin")) {
      candidates.add(Path.of(d, executable));
    }
    for (Path c : candidates) {
      if (Files.isRegularFile(c) && Files.isExecutable(c)) {
        return c.toString();
      }
    }
    throw new AssertionError("'" + executable + "' is not installed, and this end-to-end test needs it"
        + " as a real sender. ./test.sh installs it (./test-setup); by hand: apt-get install -y "
        + debianPackages);
  }
}
