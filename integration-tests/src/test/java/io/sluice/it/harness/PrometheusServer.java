package io.sluice.it.harness;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real Prometheus server (Debian's {@code prometheus}) on a free loopback port, scraping the
 * targets of its configuration every second, with its data in a directory of the test. Stopped
 * (killed) on close.
 */
public final class PrometheusServer implements AutoCloseable {

  private final int port;
  private final Process process;
  private final Path log;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private PrometheusServer(int port, Process process, Path log) {
    this.port = port;
    this.process = process;
    this.log = log;
  }

  /**
   * Starts Prometheus scraping {@code target} (host:port of a /metrics) as job {@code sluice}
   * every second, evaluating {@code ruleFiles} every second, and waits until it is ready.
   */
  public static PrometheusServer start(Path dir, String target, List<Path> ruleFiles) {
    try {
      Files.createDirectories(dir);
      StringBuilder rules = new StringBuilder();
      for (Path r : ruleFiles) {
        rules.append("  - ").append(r.toAbsolutePath()).append('\n');
      }
      Path config = Files.writeString(dir.resolve("prometheus.yml"), """
          global:
            scrape_interval: 1s
            evaluation_interval: 1s
          rule_files:
          %s
          scrape_configs:
            - job_name: sluice
              static_configs:
                - targets: ['%s']
          """.formatted(rules.toString().stripTrailing(), target));
      int port = Ports.free();
      Path log = dir.resolve("prometheus.log");
      Process p = new ProcessBuilder(Command.require("prometheus", "prometheus"),
          "--config.file=" + config,
          "--storage.tsdb.path=" + dir.resolve("data"),
          "--web.listen-address=127.0.0.1:" + port,
          "--web.enable-lifecycle")
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
      PrometheusServer server = new PrometheusServer(port, p, log);
      server.awaitReady(Duration.ofSeconds(60));
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void awaitReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError("prometheus exited: " + log());
      }
      try {
        if (http.send(HttpRequest.newBuilder(uri("/-/ready")).build(), BodyHandlers.discarding())
            .statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      pause(200);
    }
    close();
    throw new AssertionError("prometheus not ready within " + timeout + ": " + log());
  }

  private URI uri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + port + pathAndQuery);
  }

  /** GET of an API path, its JSON answer (whatever its status: errors are JSON too). */
  public JsonObject get(String pathAndQuery) {
    try {
      String body = http.send(HttpRequest.newBuilder(uri(pathAndQuery))
          .timeout(Duration.ofSeconds(20)).build(), BodyHandlers.ofString()).body();
      return JsonParser.parseString(body).getAsJsonObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** An instant query's whole answer ({@code status}, {@code data} or {@code error}). */
  public JsonObject query(String promql) {
    return get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
  }

  /** The value of a query that yields one series, or NaN when it yields none. */
  public double value(String promql) {
    JsonObject answer = query(promql);
    if (!"success".equals(answer.get("status").getAsString())) {
      throw new AssertionError(promql + ": " + answer);
    }
    JsonArray result = answer.getAsJsonObject("data").getAsJsonArray("result");
    if (result.isEmpty()) {
      return Double.NaN;
    }
    if (result.size() > 1) {
      throw new AssertionError(promql + " yields " + result.size() + " series: " + result);
    }
    JsonElement v = result.get(0).getAsJsonObject().getAsJsonArray("value").get(1);
    return Double.parseDouble(v.getAsString());
  }

  public String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  private static void pause(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    process.destroyForcibly();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
