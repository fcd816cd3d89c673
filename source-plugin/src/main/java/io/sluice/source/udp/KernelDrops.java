package io.sluice.source.udp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Datagrams the kernel dropped on this port's sockets because their receive buffers were full: the
 * loss no handler sees. Linux reports it per socket in the last column of {@code /proc/net/udp}
 * and {@code /proc/net/udp6}; elsewhere it reads 0.
 */
final class KernelDrops {

  private static final Path[] TABLES = {Path.of("/proc/net/udp"), Path.of("/proc/net/udp6")};

  private final String portHex;

  KernelDrops(int port) {
    this.portHex = String.format(":%04X", port);
  }

  long total() {
    long sum = 0;
    for (Path table : TABLES) {
      List<String> lines;
      try {
        lines = Files.readAllLines(table);
      } catch (IOException | RuntimeException e) {
        continue; // not Linux, or no IPv6
      }
      for (int i = 1; i < lines.size(); i++) {
        sum += dropsOf(lines.get(i).trim().split("\\s+"));
      }
    }
    return sum;
  }

  /** The drops of one table row whose local address (field 1) has our port, else 0. */
  private long dropsOf(String[] fields) {
    if (fields.length < 13 || !fields[1].endsWith(portHex)) {
      return 0;
    }
    try {
      return Long.parseLong(fields[fields.length - 1]);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
