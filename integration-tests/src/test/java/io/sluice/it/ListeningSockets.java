package io.sluice.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The local addresses of the TCP sockets listening on a port, as the kernel lists them in {@code
 * /proc/net/tcp} and {@code /proc/net/tcp6}: what a socket is really bound to, whatever addresses
 * the machine has.
 */
final class ListeningSockets {

  private static final String LISTEN = "0A";

  private ListeningSockets() {}

  static List<InetAddress> on(int port) {
    List<InetAddress> out = new ArrayList<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      Path p = Path.of(table);
      if (!Files.exists(p)) {
        continue;
      }
      try {
        // Read once: the table changes as sockets come and go.
        List<String> lines = Files.readAllLines(p);
        for (String line : lines.subList(1, lines.size())) {
          String[] f = line.trim().split("\\s+");
          String[] local = f[1].split(":"); // hex address (32-bit words, each little-endian) : hex port
          if (f[3].equals(LISTEN) && Integer.parseInt(local[1], 16) == port) {
            out.add(address(local[0]));
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out;
  }

  private static InetAddress address(String hex) throws UnknownHostException {
    byte[] b = new byte[hex.length() / 2];
    for (int word = 0; word < b.length / 4; word++) {
      long v = Long.parseLong(hex.substring(word * 8, word * 8 + 8), 16);
      for (int i = 0; i < 4; i++) {
        b[word * 4 + i] = (byte) (v >> (8 * i));
      }
    }
    return InetAddress.getByAddress(b); // an IPv4-mapped IPv6 address comes back as IPv4
  }
}
