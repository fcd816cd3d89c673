package io.sluice.tools.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.tools.RunLayout;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** sluice load end to end, for real, against a UDP server. */
class LoadCommandTest {

  @Test
  void aSecondOfSteady200OverUdpLeavesACompleteAndConsistentRunDirectory(@TempDir Path tmp) throws Exception {
    Path runDir = tmp.resolve("run");
    try (DatagramSocket server = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      server.setReceiveBufferSize(1 << 20);
      CompletableFuture<Set<String>> received = CompletableFuture.supplyAsync(() -> receive(server));
      int code = new CommandLine(new LoadCommand()).execute("udp://127.0.0.1:" + server.getLocalPort(),
          "steady", "200", "--duration", "1s", "--senders", "2", "--size", "150", "--run-dir", runDir.toString());
      assertEquals(0, code);
      Set<String> ids = received.get();

      Properties run = new Properties();
      try (var r = Files.newBufferedReader(runDir.resolve(RunLayout.RUN))) {
        run.load(r);
      }
      assertTrue(run.getProperty("runId").matches("[0-9a-f]{8}"));
      assertEquals("udp://127.0.0.1:" + server.getLocalPort(), run.getProperty("target"));
      assertEquals("steady 200", run.getProperty("pattern"));
      assertEquals("2", run.getProperty("senders"));
      long start = Long.parseLong(run.getProperty("startEpochMillis"));
      long end = Long.parseLong(run.getProperty("endEpochMillis"));
      assertTrue(end >= start + 1000, "ran its second");

      List<String> sent = Files.readAllLines(runDir.resolve(RunLayout.SENT));
      assertEquals(RunLayout.SENT_HEADER, sent.get(0));
      assertEquals(200, sent.size() - 1, "steady 200 for 1 s");
      List<String> seconds = Files.readAllLines(runDir.resolve(RunLayout.SECONDS));
      assertEquals(RunLayout.SECONDS_HEADER, seconds.get(0));
      long perSeconds = seconds.stream().skip(1).mapToLong(l -> Long.parseLong(l.split(",")[1])).sum();
      assertEquals(sent.size() - 1, perSeconds, "seconds.csv adds up to sent.csv");
      Set<String> recorded = new HashSet<>();
      for (String line : sent.subList(1, sent.size())) {
        String[] f = line.split(",");
        assertEquals("ok", f[3]);
        long at = Long.parseLong(f[2]);
        assertTrue(at >= start && at <= end, line);
        recorded.add(RunLayout.id(run.getProperty("runId"), Integer.parseInt(f[1]), Long.parseLong(f[0])));
      }
      assertEquals(100, sent.stream().filter(l -> l.matches("\\d+,1,.*")).count(), "each sender sent half");
      assertEquals(recorded, ids, "the server received exactly the events recorded");
      assertTrue(!Files.exists(runDir.resolve(RunLayout.ACKS)) && !Files.exists(runDir.resolve(RunLayout.METRICS)));
    }
  }

  @Test
  void badCommandLinesSayWhatIsWrong(@TempDir Path tmp) {
    assertError("--duration is required", "udp://127.0.0.1:5140", "steady", "10");
    assertError("is not a pattern: expected burst", "udp://127.0.0.1:5140", "burst 10 x2 1s then 1s", "--duration", "1s");
    assertError("expected udp://", "ftp://127.0.0.1:5140", "steady", "10", "--duration", "1s");
    assertError("--ack, --gzip and --token are for HEC", "udp://127.0.0.1:5140", "steady 10", "--duration", "1s", "--ack");
    assertError("--bind gives 2 addresses", "udp://127.0.0.1:5140", "steady 10", "--duration", "1s", "--bind",
        "127.0.0.1,127.0.0.2", "--senders", "3");
    assertError("not a duration", "udp://127.0.0.1:5140", "steady 10", "--duration", "10");
  }

  private static void assertError(String expected, String... args) {
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new LoadCommand());
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    assertEquals(2, code, err.toString());
    assertTrue(err.toString().contains(expected), err.toString());
  }

  private static Set<String> receive(DatagramSocket server) {
    Set<String> ids = new HashSet<>();
    java.util.regex.Pattern id = java.util.regex.Pattern.compile(RunLayout.ID_TOKEN + "(\\S+)");
    DatagramPacket p = new DatagramPacket(new byte[4096], 4096);
    try {
      server.setSoTimeout(10_000); // the first waits for the run to start
      for (;;) {
        server.receive(p);
        server.setSoTimeout(1500); // then the run is over once nothing comes for a while
        Matcher m = id.matcher(new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII));
        assertTrue(m.find());
        ids.add(m.group(1));
      }
    } catch (SocketTimeoutException e) {
      return ids;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void aReceiverThatStopsReadingEndsTheRunAfterTheDurationWithErrorsNotAHang(@TempDir Path tmp)
      throws Exception {
    try (java.net.ServerSocket server = new java.net.ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      java.util.List<java.net.Socket> held = new java.util.concurrent.CopyOnWriteArrayList<>();
      Thread acceptor = new Thread(() -> {
        try {
          while (true) {
            java.net.Socket c = server.accept();
            c.setReceiveBufferSize(4096);
            held.add(c); // accepted, never read
          }
        } catch (java.io.IOException closed) {
          // the test is over
        }
      });
      acceptor.setDaemon(true);
      acceptor.start();
      Path run = tmp.resolve("run");
      long t0 = System.nanoTime();
      int code = new CommandLine(new LoadCommand()).execute("tcp://127.0.0.1:" + server.getLocalPort(),
          "steady", "20000", "--duration", "1s", "--size", "1000", "--run-dir", run.toString());
      long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
      assertEquals(0, code);
      assertTrue(seconds < 15, "ended " + seconds + " s after it started");
      java.util.List<String> lines = Files.readAllLines(run.resolve(RunLayout.SENT));
      assertTrue(lines.stream().anyMatch(l -> l.endsWith(",error")), "the blocked chunk is an error");
      assertTrue(Files.isRegularFile(run.resolve(RunLayout.SECONDS)), "seconds.csv written");
      for (java.net.Socket c : held) {
        c.close();
      }
    }
  }

  @Test
  void anIpv6TargetIsNotSentFrom127Addresses() {
    Target t = Target.parse("tcp://[::1]:5999");
    assertEquals("::1", t.host());
    assertEquals("tcp://[::1]:5999", t.toString());
    assertEquals(false, t.loopback(), "not an IPv4 loopback: senders may not bind 127.0.0.x");
  }
}
