package io.sluice.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import com.google.gson.reflect.TypeToken;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.apache.flume.Context;
import org.apache.flume.instrumentation.SourceCounter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** {@link HttpMonitor} on an ephemeral port, serving what real Flume counters register over JMX. */
class HttpMonitorTest {

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private HttpMonitor monitor;

  @AfterEach
  void stop() {
    if (monitor != null) {
      monitor.stop();
    }
  }

  private HttpMonitor started(Map<String, String> keys) {
    monitor = new HttpMonitor();
    monitor.configure(new Context(keys));
    monitor.start();
    return monitor;
  }

  private HttpResponse<String> request(String method, String path) throws Exception {
    InetSocketAddress a = monitor.address();
    URI uri = URI.create("http://" + a.getAddress().getHostAddress() + ":" + a.getPort() + path);
    return http.send(HttpRequest.newBuilder(uri).method(method, BodyPublishers.noBody())
        .timeout(Duration.ofSeconds(10)).build(), BodyHandlers.ofString());
  }

  /** An address of this machine other than loopback, if it has one. */
  static Optional<InetAddress> nonLoopbackAddress() throws IOException {
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

  @Test
  void servesFlumesCountersAsJsonAtMetrics() throws Exception {
    SourceCounter counter = new SourceCounter("httpMonitorTest");
    counter.start(); // registers org.apache.flume.source:type=httpMonitorTest
    counter.addToEventReceivedCount(7);
    try {
      started(Map.of("port", "0"));
      HttpResponse<String> r = request("GET", "/metrics");
      assertEquals(200, r.statusCode());
      assertEquals("application/json;charset=utf-8", r.headers().firstValue("Content-Type").orElse(""));
      Map<String, Map<String, String>> json = new Gson().fromJson(r.body(),
          new TypeToken<Map<String, Map<String, String>>>() {}.getType());
      assertNotNull(json.get("SOURCE.httpMonitorTest"), r.body());
      assertEquals("7", json.get("SOURCE.httpMonitorTest").get("EventReceivedCount"), r.body());
      assertEquals(200, request("GET", "/METRICS").statusCode(), "matched ignoring case, as Flume's");
    } finally {
      counter.stop();
    }
  }

  @Test
  void refusesTraceAndOptionsAndAnswersOtherPathsWithNotFound() throws Exception {
    started(Map.of("port", "0"));
    assertEquals(403, request("TRACE", "/metrics").statusCode());
    assertEquals(403, request("OPTIONS", "/").statusCode());
    assertEquals(404, request("GET", "/metrics/x").statusCode());
    HttpResponse<String> index = request("GET", "/");
    assertEquals(200, index.statusCode());
    assertTrue(index.body().contains("./metrics"), index.body());
  }

  @Test
  void listensOnLoopbackOnlyUnlessToldOtherwise() throws Exception {
    started(Map.of("port", "0"));
    InetSocketAddress bound = monitor.address();
    assertEquals(InetAddress.getByName("127.0.0.1"), bound.getAddress());
    Optional<InetAddress> other = nonLoopbackAddress();
    if (other.isPresent()) {
      assertEquals(false, accepts(other.get(), bound.getPort()),
          "no connection on " + other.get() + ", an address other than loopback");
    }
  }

  @Test
  void listensOnEveryInterfaceWhenBoundToTheWildcard() throws Exception {
    started(Map.of("port", "0", "bind", "0.0.0.0"));
    assertTrue(monitor.address().getAddress().isAnyLocalAddress());
    Optional<InetAddress> other = nonLoopbackAddress();
    Assumptions.assumeTrue(other.isPresent(), "this machine has no address but loopback");
    assertTrue(accepts(other.get(), monitor.address().getPort()));
  }

  @Test
  void aReloadListensAgainOnThePortJustClosed() throws Exception {
    int port = started(Map.of("port", "0")).address().getPort();
    monitor.stop();
    started(Map.of("port", Integer.toString(port)));
    assertEquals(port, monitor.address().getPort());
    assertEquals(200, request("GET", "/metrics").statusCode());
  }

  @Test
  void aPortInUseLeavesTheAgentRunningWithoutHttpMonitoring() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      started(Map.of("port", Integer.toString(taken.getLocalPort())));
      assertNull(monitor.address(), "not listening; as Flume's, the error is logged, not thrown");
    }
  }

  @Test
  void aMalformedPortIsAConfigurationErrorNamingTheProperty() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new HttpMonitor().configure(new Context(Map.of("port", "http"))));
    assertTrue(e.getMessage().contains("flume.monitoring.port"), e.getMessage());
  }
}
