package io.sluice.tools.load;

import io.sluice.tools.RunLayout;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * With {@code --metrics URL}: GETs the agent's Prometheus exposition every interval, from the start
 * of the run to the end of its drain, and saves each answer as {@code metrics/<epochMillis>.prom}
 * (the moment the request went). A sample that fails is skipped and counted: the agent may be busy
 * or restarting, and the run goes on.
 */
final class MetricsSampler implements Runnable {

  private final URI url;
  private final long intervalNanos;
  private final Path dir;
  private final Clock clock;
  private final HttpClient client;
  private volatile boolean stopped;
  private volatile long samples;
  private volatile long failures;

  MetricsSampler(URI url, long intervalNanos, Path runDir, Clock clock) throws IOException {
    this.url = url;
    this.intervalNanos = intervalNanos;
    this.dir = Files.createDirectories(runDir.resolve(RunLayout.METRICS));
    this.clock = clock;
    this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(2)).build();
  }

  /** Takes one sample now; returns whether it was saved. */
  boolean sample() throws InterruptedException {
    long at = clock.epochMillis();
    try {
      HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(5)).GET().build(),
          HttpResponse.BodyHandlers.ofByteArray());
      if (r.statusCode() != 200) {
        failures++;
        return false;
      }
      Files.write(dir.resolve(at + ".prom"), r.body());
      samples++;
      return true;
    } catch (IOException e) {
      failures++;
      return false;
    }
  }

  @Override
  public void run() {
    try {
      // The first sample is taken before the senders start (LoadRun): the next one interval later.
      for (long next = clock.nanoTime() + intervalNanos; !stopped; next += intervalNanos) {
        clock.sleepUntil(next);
        if (!stopped) {
          sample();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  void stop() {
    stopped = true;
  }

  long samples() {
    return samples;
  }

  long failures() {
    return failures;
  }
}
