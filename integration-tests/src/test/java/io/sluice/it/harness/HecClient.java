package io.sluice.it.harness;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An HEC client with indexer acknowledgements, as a Splunk forwarder is one: its own channel, the
 * ackId of each accepted request, and {@code /ack} queries.
 */
public final class HecClient {

  private static final Pattern ACK_ID = Pattern.compile("\"ackId\":(\\d+)");
  private static final Pattern CONTENT_LENGTH = Pattern.compile("(?i)content-length: *(\\d+)");

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private final String token;
  private final String channel;

  public HecClient(int port, String token, String channel) {
    this.base = "http://127.0.0.1:" + port;
    this.token = token;
    this.channel = channel;
  }

  /** An answer: the HTTP status and the body. */
  public record Reply(int status, String body) {
    /** The ackId of an accepted request. */
    public long ackId() {
      Matcher m = ACK_ID.matcher(body);
      if (status != 200 || !m.find()) {
        throw new AssertionError("no ackId in " + status + " " + body);
      }
      return Long.parseLong(m.group(1));
    }
  }

  public Reply post(String path, String body) {
    HttpRequest req = HttpRequest.newBuilder(URI.create(base + path))
        .header("Authorization", "Splunk " + token)
        .header("X-Splunk-Request-Channel", channel)
        .timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    try {
      HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
      return new Reply(r.statusCode(), r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Whether {@code ackId} is acknowledged (true is reported once). */
  public boolean acked(long ackId) {
    Reply r = post("/services/collector/ack", "{\"acks\":[" + ackId + "]}");
    if (r.status() != 200) {
      throw new AssertionError("/ack answered " + r.status() + " " + r.body());
    }
    if (r.body().equals("{\"acks\":{\"" + ackId + "\":true}}")) {
      return true;
    }
    if (r.body().equals("{\"acks\":{\"" + ackId + "\":false}}")) {
      return false;
    }
    throw new AssertionError("/ack answered " + r.body());
  }

  /**
   * Reads one HTTP/1.1 answer with a Content-Length body from a raw connection (a test that
   * writes requests itself, pipelined or as a flood); returns its status line.
   */
  public static String readAnswer(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed after: " + head);
      }
      head.append((char) b);
    }
    Matcher m = CONTENT_LENGTH.matcher(head);
    in.readNBytes(m.find() ? Integer.parseInt(m.group(1)) : 0);
    return head.substring(0, head.indexOf("\r\n"));
  }
}
