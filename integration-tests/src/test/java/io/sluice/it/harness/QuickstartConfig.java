package io.sluice.it.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The shipped {@code conf-examples/quickstart.properties} as the README runs it, with only its
 * three ports moved to free ones and its paths into {@code conf-examples/} resolved against the
 * source tree. A line it no longer has fails the test: the tests and the README must follow it.
 */
public record QuickstartConfig(String text, int udp, int tcp, int hec) {

  public static QuickstartConfig onFreePorts(Path repo) {
    int udp = Ports.free();
    int tcp = Ports.free();
    int hec = Ports.free();
    String text;
    try {
      text = Files.readString(repo.resolve("conf-examples/quickstart.properties"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    text = replaced(text, "a1.sources.syslog.port = 5140", "a1.sources.syslog.port = " + udp);
    text = replaced(text, "a1.sources.tcp.port = 5141", "a1.sources.tcp.port = " + tcp);
    text = replaced(text, "a1.sources.hec.port = 8088", "a1.sources.hec.port = " + hec);
    text = replaced(text, "= conf-examples/", "= " + repo.resolve("conf-examples") + "/");
    return new QuickstartConfig(text, udp, tcp, hec);
  }

  private static String replaced(String text, String from, String to) {
    if (!text.contains(from)) {
      throw new AssertionError("quickstart.properties no longer has '" + from
          + "': update the tests and the README");
    }
    return text.replace(from, to);
  }
}
