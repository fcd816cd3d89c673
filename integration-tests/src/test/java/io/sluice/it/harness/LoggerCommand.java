package io.sluice.it.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * util-linux {@code logger} as a remote sender ({@code -n 127.0.0.1 -P port}): RFC 5424 by
 * default, {@code --rfc3164}, UDP ({@code -d}) or TCP ({@code -T}, optionally {@code
 * --octet-count}). With {@code -i} the PROCID it sends is its own pid, which {@link
 * Command.Result#pid()} reports.
 */
public final class LoggerCommand {

  private LoggerCommand() {}

  /** Runs {@code logger -n 127.0.0.1 -P port ARGS...}, feeding {@code stdin} (or null); must exit 0. */
  public static Command.Result send(int port, String stdin, String... args) {
    String exe = Command.require("logger", "bsdutils");
    List<String> cmd = new ArrayList<>(List.of(exe, "-n", "127.0.0.1", "-P", Integer.toString(port)));
    cmd.addAll(List.of(args));
    return Command.run(cmd, stdin, Duration.ofSeconds(20)).requireOk();
  }

  /** The host name logger puts in RFC 5424 messages: gethostname(2), as the kernel reports it. */
  public static String hostname() {
    try {
      return Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The host name in logger's RFC 3164 messages: up to the first dot. */
  public static String shortHostname() {
    String h = hostname();
    int dot = h.indexOf('.');
    return dot < 0 ? h : h.substring(0, dot);
  }
}
