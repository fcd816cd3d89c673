package io.sluice.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.it.harness.Command;
import io.sluice.it.harness.FlumeAgent;
import io.sluice.it.harness.Ports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The launcher's monitoring in real agents: Prometheus's metrics ({@code
 * io.sluice.metrics.PrometheusMonitor}), Flume's JSON metrics (served by it through {@code
 * io.sluice.metrics.HttpMonitor}) and remote JMX listen on loopback unless {@code SLUICE_BIND} says
 * otherwise, and the launcher never opens its unauthenticated JMX beyond loopback.
 */
class MonitoringEndToEndTest {

  private static final Path REPO = Paths.get(System.getProperty("sluice.repo", "..")).normalize();

  private static String config() {
    return """
        a1.sources = r1
        a1.channels = c1
        a1.sinks = k1
        a1.sources.r1.type = io.sluice.source.SyslogUdpSource
        a1.sources.r1.host = 127.0.0.1
        a1.sources.r1.port = %d
        a1.sources.r1.channels = c1
        a1.channels.c1.type = memory
        a1.sinks.k1.type = null
        a1.sinks.k1.channel = c1
        """.formatted(Ports.free());
  }

  /** An address of this machine other than loopback, if it has one. */
  private static Optional<InetAddress> nonLoopbackAddress() throws IOException {
    return NetworkInterface.networkInterfaces()
        .filter(i -> {
          try {
            return i.isUp() && !i.isLoopback();
          } catch (IOException e) {
            return false;
          }
        })
        .flatMap(NetworkInterface::inetAddresses)
        .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress())
        .findFirst();
  }

  private static boolean accepts(InetAddress address, int port) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(address, port), 2000);
      return true;
    } catch (ConnectException refused) {
      return false;
    }
  }

  private static String metrics(InetAddress address, int port) {
    try {
      URI uri = URI.create("http://" + address.getHostAddress() + ":" + port + "/metrics");
      return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
          .build(), BodyHandlers.ofString()).body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** What the kernel says the port's listening sockets are bound to, and that nothing else reaches them. */
  private static void assertListensOnLoopbackOnly(String what, int port) throws IOException {
    List<InetAddress> bound = ListeningSockets.on(port);
    assertFalse(bound.isEmpty(), what + ": nothing listens on port " + port);
    assertTrue(bound.stream().allMatch(InetAddress::isLoopbackAddress),
        what + " on port " + port + " is bound to " + bound + ", not loopback only");
    Optional<InetAddress> other = nonLoopbackAddress();
    if (other.isPresent()) {
      assertFalse(accepts(other.get(), port), what + " accepted a connection on " + other.get());
    }
  }

  @Test
  void theLaunchersMetricsAndJmxAnswerOnLoopbackAndNowhereElse() throws Exception {
    try (FlumeAgent agent = FlumeAgent.start("a1", FlumeAgent.workDir("monitoring-loopback"), config())) {
      String json = agent.metricsJson(); // over 127.0.0.1, as JMX already was to see the agent start
      assertTrue(json.contains("\"SOURCE.r1\"") && json.contains("\"CHANNEL.c1\""), json);
      assertTrue(json.contains("\"EventReceivedCount\""), json);

      assertListensOnLoopbackOnly("HTTP monitoring", agent.httpPort());
      assertListensOnLoopbackOnly("Prometheus monitoring", agent.prometheusPort());
      assertListensOnLoopbackOnly("remote JMX", agent.jmxPort());
      assertTrue(agent.log().contains("HttpMonitor: HTTP monitoring: Flume's JSON metrics at http://127.0.0.1:"
          + agent.httpPort() + "/metrics"), "Flume's JSON is served by Sluice's HttpMonitor");
      assertTrue(agent.log().contains("PrometheusMonitor: Prometheus monitoring: http://127.0.0.1:"
          + agent.prometheusPort() + "/metrics"), "the launcher's monitor is PrometheusMonitor");
    }
  }

  @Test
  void sluiceBindOpensTheHttpMetricsToOtherAddressesWithJmxOff() throws Exception {
    try (FlumeAgent agent = FlumeAgent.launch("a1", FlumeAgent.workDir("monitoring-wildcard"), config(),
        Map.of("SLUICE_BIND", "0.0.0.0", "SLUICE_JMX_PORT", "none"))) {
      InetAddress loopback = InetAddress.getByName("127.0.0.1");
      agent.await(Duration.ofSeconds(90), "the HTTP monitoring to list the source", () -> {
        try {
          return metrics(loopback, agent.httpPort()).contains("\"SOURCE.r1\"");
        } catch (UncheckedIOException notYet) {
          return false;
        }
      });
      List<InetAddress> bound = ListeningSockets.on(agent.httpPort());
      assertTrue(!bound.isEmpty() && bound.stream().allMatch(InetAddress::isAnyLocalAddress), bound::toString);
      Optional<InetAddress> other = nonLoopbackAddress();
      if (other.isPresent()) {
        assertTrue(metrics(other.get(), agent.httpPort()).contains("\"SOURCE.r1\""));
      }
    }
  }

  @Test
  void theLauncherRefusesToOpenItsUnauthenticatedJmxBeyondLoopback() throws Exception {
    Path dir = FlumeAgent.cleanDir(FlumeAgent.workDir("monitoring-refused"));
    Path conf = Files.writeString(dir.resolve("agent.properties"), config());
    List<String> cmd = new ArrayList<>(List.of("env", "SLUICE_BIND=0.0.0.0", "SLUICE_JMX_PORT=" + Ports.free(),
        REPO.resolve("conf-examples/bin/flume-agent").toString(), conf.toString(), "a1"));
    Command.Result r = Command.run(cmd, null, Duration.ofSeconds(30));
    assertEquals(2, r.exitCode(), r::describe);
    assertTrue(r.output().contains("SLUICE_JMX_PORT=none"), r::describe);
  }
}
