package io.sluice.it.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Posts events to Flume's built-in HTTP source (JSONHandler: a JSON array of headers and body). */
public final class HttpEvents {

  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final URI uri;

  public HttpEvents(int port) {
    this.uri = URI.create("http://127.0.0.1:" + port + "/");
  }

  /** Posts one batch; returns the HTTP status (200 accepted, 503 channel full or throttled). */
  public int post(List<Map<String, String>> headers, List<String> bodies) {
    StringBuilder json = new StringBuilder("[");
    for (int i = 0; i < bodies.size(); i++) {
      if (i > 0) {
        json.append(',');
      }
      json.append("{\"headers\":{");
      int j = 0;
      for (Map.Entry<String, String> h : headers.get(i).entrySet()) {
        json.append(j++ > 0 ? "," : "").append(quote(h.getKey())).append(':').append(quote(h.getValue()));
      }
      json.append("},\"body\":").append(quote(bodies.get(i))).append('}');
    }
    json.append(']');
    HttpRequest req = HttpRequest.newBuilder(uri)
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json.toString()))
        .build();
    try {
      return client.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
