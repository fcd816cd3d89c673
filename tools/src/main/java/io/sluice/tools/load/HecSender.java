package io.sluice.tools.load;

import java.io.IOException;
import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;

/**
 * HEC: one request per batch on this sender's own kept-alive connection and channel. 200 is
 * {@code ok} (its ackId goes to the {@link AckPoller} with {@code --ack}); 429 or 503 is sent again
 * after its Retry-After, up to the retries, then its events are {@code pushback}; any other answer or
 * a failed connection is {@code error}. An event's time in sent.csv is that of the request that got
 * the last answer.
 */
final class HecSender implements EventSender {

  static final String CHANNEL_HEADER = "X-Splunk-Request-Channel";
  private static final java.util.regex.Pattern ACK_ID = java.util.regex.Pattern.compile("\"ackId\"\\s*:\\s*(\\d+)");

  private final Target target;
  private final HecSettings settings;
  private final Clock clock;
  private final HecBodies bodies;
  private final Recorder recorder;
  private final int sender;
  private final AckPoller acks; // null: no acks
  private final HttpConnection connection;
  private final Map<String, String> headers = new LinkedHashMap<>();

  HecSender(Target target, InetAddress source, Tls tls, HecSettings settings, String channel, Clock clock,
      HecBodies bodies, Recorder recorder, int sender, AckPoller acks) {
    this.target = target;
    this.settings = settings;
    this.clock = clock;
    this.bodies = bodies;
    this.recorder = recorder;
    this.sender = sender;
    this.acks = acks;
    this.connection = new HttpConnection(target, source, tls);
    headers.putAll(commonHeaders(settings, channel));
    headers.put("Content-Type", bodies.contentType());
    if (bodies.gzipped()) {
      headers.put("Content-Encoding", "gzip");
    }
  }

  /** The headers of every request of a sender: its token and its channel. */
  static Map<String, String> commonHeaders(HecSettings settings, String channel) {
    Map<String, String> h = new LinkedHashMap<>();
    if (settings.token() != null) {
      h.put("Authorization", "Splunk " + settings.token());
    }
    h.put(CHANNEL_HEADER, channel); // /raw and acks need one; harmless elsewhere
    return h;
  }

  @Override
  public void send(long firstSeq, int count) throws InterruptedException {
    byte[] body = bodies.body(firstSeq, count, clock.epochMillis());
    for (int attempt = 0; ; attempt++) {
      long at = clock.epochMillis();
      HttpConnection.Response r;
      try {
        r = connection.post(target.path(), headers, body);
      } catch (IOException e) {
        recorder.sent(sender, firstSeq, count, at, Outcome.ERROR);
        return;
      }
      if (r.status() == 200) {
        if (acks != null) {
          Matcher m = ACK_ID.matcher(r.text());
          if (m.find()) {
            acks.expect(Long.parseLong(m.group(1)), firstSeq, count, at);
          }
        }
        recorder.sent(sender, firstSeq, count, at, Outcome.OK);
        return;
      }
      if (r.status() != 429 && r.status() != 503) {
        recorder.sent(sender, firstSeq, count, at, Outcome.ERROR);
        return;
      }
      if (attempt >= settings.retries()) {
        recorder.sent(sender, firstSeq, count, at, Outcome.PUSHBACK);
        return;
      }
      clock.sleepUntil(clock.nanoTime() + retryAfterSeconds(r.header("Retry-After")) * 1_000_000_000L);
    }
  }

  static long retryAfterSeconds(String header) {
    if (header != null) {
      try {
        return Math.max(0, Math.min(HecSettings.MAX_RETRY_AFTER_SECONDS, Long.parseLong(header.strip())));
      } catch (NumberFormatException e) {
        // an HTTP date: not worth parsing for a load generator
      }
    }
    return HecSettings.DEFAULT_RETRY_AFTER_SECONDS;
  }

  @Override
  public int chunk() {
    return settings.batch();
  }

  @Override
  public long lingerNanos() {
    return HecSettings.LINGER_NANOS;
  }

  @Override
  public void close() {
    connection.close();
  }
}
