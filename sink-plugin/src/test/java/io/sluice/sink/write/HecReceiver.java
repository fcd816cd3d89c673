package io.sluice.sink.write;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import javax.net.ssl.SSLContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A test HEC on 127.0.0.1 (JDK's HttpServer, a real socket): records every request (headers, the
 * body gunzipped) and answers as scripted. {@code /services/collector/ack} answers the ack
 * protocol; any other path is an event endpoint. Unscripted event requests get {@code
 * {"text":"Success","code":0}}, with an {@code ackId} (0, 1, …) when {@link #acks} is on.
 */
public final class HecReceiver implements AutoCloseable {

  /** A request as received. */
  public record Received(String path, Map<String, List<String>> headers, byte[] body) {

    /** The first value of a header, by its name in any case, or null. */
    public String header(String name) {
      List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
      return v == null || v.isEmpty() ? null : v.get(0);
    }

    public String text() {
      return new String(body, UTF_8);
    }

    /** The envelopes of an event request, parsed (they are concatenated objects). */
    public List<JsonNode> envelopes() {
      List<JsonNode> out = new ArrayList<>();
      try (var it = JSON.readerFor(JsonNode.class).readValues(body)) {
        while (it.hasNext()) {
          out.add((JsonNode) it.next());
        }
      }
      return out;
    }
  }

  /** A scripted answer; {@code dropped}: the connection is closed without one. */
  public record Answer(int status, String body, Map<String, String> headers, boolean dropped) {

    public static Answer of(int status, String body) {
      return new Answer(status, body, Map.of(), false);
    }

    public static Answer of(int status, String body, String header, String value) {
      return new Answer(status, body, Map.of(header, value), false);
    }

    public static Answer drop() {
      return new Answer(0, "", Map.of(), true);
    }
  }

  static final JsonMapper JSON = JsonMapper.builder().build();
  public static final String SUCCESS = "{\"text\":\"Success\",\"code\":0}";
  public static final String BUSY = "{\"text\":\"Server is busy\",\"code\":9}";

  private final SSLContext tls;
  private HttpServer server;
  private int port;

  private final List<Received> events = new ArrayList<>();
  private final List<Received> polls = new ArrayList<>();
  private final Deque<Answer> eventScript = new ArrayDeque<>();
  private final Deque<Answer> pollScript = new ArrayDeque<>();
  private boolean acks;
  private long nextAckId;
  private int trueAfterPolls = 1;
  private final Set<Long> neverTrue = new HashSet<>();
  private final Map<Long, Integer> pollsOf = new HashMap<>();
  private final Set<Long> reported = new HashSet<>();

  public HecReceiver() throws IOException {
    this(null);
  }

  /** With {@code tls}, an HTTPS receiver. */
  public HecReceiver(SSLContext tls) throws IOException {
    this.tls = tls;
    start(0);
  }

  public int port() {
    return port;
  }

  public String url() {
    return (tls == null ? "http" : "https") + "://127.0.0.1:" + port;
  }

  /** Stops listening: connections are refused until {@link #restart}. */
  public synchronized void stop() {
    server.stop(0);
  }

  /** Listens again, on the same port. */
  public synchronized void restart() throws IOException {
    start(port);
  }

  @Override
  public void close() {
    stop();
  }

  private void start(int onPort) throws IOException {
    InetSocketAddress at = new InetSocketAddress(InetAddress.getLoopbackAddress(), onPort);
    if (tls != null) {
      HttpsServer s = HttpsServer.create(at, 0);
      s.setHttpsConfigurator(new HttpsConfigurator(tls));
      server = s;
    } else {
      server = HttpServer.create(at, 0);
    }
    server.createContext("/", this::handle);
    server.start();
    port = server.getAddress().getPort();
  }

  /** Acks on: replies carry ackIds, and each reads true on the {@code afterPolls}-th poll for it. */
  public synchronized HecReceiver acks(int afterPolls) {
    acks = true;
    trueAfterPolls = afterPolls;
    return this;
  }

  /** This ackId never reads true (its request is "lost"). */
  public synchronized HecReceiver neverTrue(long ackId) {
    neverTrue.add(ackId);
    return this;
  }

  /** The next event requests get these answers, in order; then success again. */
  public synchronized HecReceiver answerEvents(Answer... answers) {
    eventScript.addAll(List.of(answers));
    return this;
  }

  /** The next ack polls get these answers instead of the ack map. */
  public synchronized HecReceiver answerPolls(Answer... answers) {
    pollScript.addAll(List.of(answers));
    return this;
  }

  public synchronized List<Received> events() {
    return List.copyOf(events);
  }

  public synchronized List<Received> polls() {
    return List.copyOf(polls);
  }

  /** Every envelope received, over all event requests, in order. */
  public synchronized List<JsonNode> envelopes() {
    List<JsonNode> all = new ArrayList<>();
    events.forEach(r -> all.addAll(r.envelopes()));
    return all;
  }

  private void handle(HttpExchange x) throws IOException {
    byte[] raw;
    try (InputStream in = x.getRequestBody()) {
      raw = in.readAllBytes();
    }
    Map<String, List<String>> headers = new HashMap<>();
    x.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
    byte[] body = "gzip".equals(first(headers, "content-encoding")) ? gunzip(raw) : raw;
    Received r = new Received(x.getRequestURI().getPath(), headers, body);
    Answer answer;
    synchronized (this) {
      if (r.path().equals(HecWriterSettings.ACK_PATH)) {
        polls.add(r);
        answer = pollScript.isEmpty() ? Answer.of(200, ackMap(r)) : pollScript.poll();
      } else {
        events.add(r);
        answer = eventScript.isEmpty() ? Answer.of(200, acks
            ? "{\"text\":\"Success\",\"code\":0,\"ackId\":" + nextAckId++ + "}" : SUCCESS)
            : eventScript.poll();
      }
    }
    if (answer.dropped()) {
      // An exception out of the handler makes HttpServer close the connection unanswered.
      throw new IOException("dropped as scripted");
    }
    byte[] out = answer.body().getBytes(UTF_8);
    answer.headers().forEach((k, v) -> x.getResponseHeaders().add(k, v));
    x.getResponseHeaders().add("Content-Type", "application/json");
    x.sendResponseHeaders(answer.status(), out.length == 0 ? -1 : out.length);
    try (var os = x.getResponseBody()) {
      os.write(out);
    }
  }

  /** Splunk's ack map: true once, when its turn has come; false before, and after it was read. */
  private String ackMap(Received r) {
    StringBuilder b = new StringBuilder("{\"acks\":{");
    String sep = "";
    for (JsonNode id : JSON.readTree(r.body()).get("acks")) {
      long ackId = id.longValue();
      int n = pollsOf.merge(ackId, 1, Integer::sum);
      boolean done = !neverTrue.contains(ackId) && n >= trueAfterPolls && reported.add(ackId);
      b.append(sep).append('"').append(ackId).append("\":").append(done);
      sep = ",";
    }
    return b.append("}}").toString();
  }

  private static String first(Map<String, List<String>> headers, String name) {
    List<String> v = headers.get(name);
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  private static byte[] gunzip(byte[] raw) {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
