package io.sluice.sink.write;

import io.sluice.core.time.Clock;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javax.net.ssl.SSLHandshakeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code writer = hec}: forwards each batch's documents to a Splunk HTTP Event Collector, each as
 * the {@code event} of an envelope whose metadata comes from the event's headers ({@link
 * HecEnvelope}), in requests of at most {@code hec.batchSize} envelopes.
 *
 * <p><b>Delivery.</b> {@link #commit} returns only when every request of the batch is delivered:
 * answered 200 with code 0 or, with {@code hec.useAck}, acknowledged by the indexers. Until then
 * the sink has not committed its take, so nothing is lost if the agent stops. Transient failures
 * (no connection, a timeout, 408, 429, 500, 502, 503, 504) are retried inside commit, waiting as
 * {@link RetryTiming} says, without sending again a request already accepted. A permanent refusal
 * (400, 401, 403, 404, 413, a reply whose code is not 0, a certificate not trusted) throws: the
 * sink rolls the batch back and tries it again later, which sends again the requests of the batch
 * that had been accepted. Delivery is therefore at least once: Splunk may index an event twice,
 * never zero times, except an event the far side itself refuses for good (named in a 400, or too
 * large alone): that one is counted ({@code hec.refused}), dropped and named by {@link
 * #droppedByLastCommit} (the sink does not report it handled), so that one bad event does not hold
 * the sink back forever. An acknowledgement that does not read true within {@code hec.ackTimeout} makes
 * its request go again, as Splunk advises (it cannot tell a pending request from a lost one).
 *
 * <p>An interrupt (the sink stopping) ends any wait or request at once with {@link
 * InterruptedIOException}, the thread's interrupt flag kept.
 *
 * <p>The token is sent in {@code Authorization: Splunk <token>} and never appears in a log line
 * or an exception. Every request carries one channel ({@code X-Splunk-Request-Channel}), a random
 * UUID of this writer, which Splunk needs for acknowledgements and load balancers may use to stay
 * sticky.
 *
 * <p>One thread uses a writer (the sink's runner).
 */
public final class HecWriter implements EventWriter {

  /** How the writer waits between attempts and polls; an interrupt ends the wait. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(long millis) throws InterruptedException;
  }

  private static final Logger LOG = LoggerFactory.getLogger(HecWriter.class);
  private static final long LOG_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  /** Replies are a few dozen bytes; a proxy's error page is cut here rather than held whole. */
  private static final int MAX_REPLY_BYTES = 64 * 1024;
  private static final AtomicInteger THREADS = new AtomicInteger();
  /**
   * Requests sent before their acknowledgements are awaited, within a batch of many (a sink
   * {@code batchSize} far above {@code hec.batchSize}): receivers refuse a channel more pending acks
   * than a bound (Sluice's {@code ack.maxPendingPerChannel}, 1000 by default), and a writer that
   * sent on without polling would wait for room that only its own polls make.
   */
  static final int MAX_UNACKNOWLEDGED = 100;
  /** The first wait before polling acknowledgements. */
  static final long FIRST_POLL_MILLIS = 10;

  private final HecWriterSettings settings;
  private final String sinkName;
  private final HecMetrics metrics;
  private final Clock clock;
  private final Sleeper sleeper;
  private final String channel = UUID.randomUUID().toString();
  private final ExecutorService executor;
  private final HttpClient client;
  private final HecBatch batch;
  private final RetryTiming retryTiming;
  /** The batch's events refused for good so far, by their place in it (see droppedByLastCommit). */
  private final List<Integer> refusedInBatch = new ArrayList<>();
  private List<Integer> droppedByLastCommit = List.of();
  private long lastRetryLog;
  private long lastAckLog;
  private long lastRefusalLog;
  private boolean closed;

  public HecWriter(HecWriterSettings settings, String sinkName, HecMetrics metrics) {
    this(settings, sinkName, metrics, Clock.SYSTEM, Thread::sleep);
  }

  /** With the clock of ack timeouts and the way waits are made (tests need no real waiting). */
  public HecWriter(HecWriterSettings settings, String sinkName, HecMetrics metrics, Clock clock,
      Sleeper sleeper) {
    this.settings = settings;
    this.sinkName = sinkName;
    this.metrics = metrics;
    this.clock = clock;
    this.sleeper = sleeper;
    this.batch = new HecBatch(settings.batchSize(), settings.gzip());
    this.retryTiming = new RetryTiming(settings.maxBackoff());
    this.lastRetryLog = clock.nanoTime() - LOG_EVERY_NANOS;
    this.lastAckLog = lastRetryLog;
    this.lastRefusalLog = lastRetryLog;
    // Our own daemon threads, so that close() can release them (Java 17's client has no close).
    this.executor = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "sluice-hec-" + sinkName + "-" + THREADS.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    HttpClient.Builder b = HttpClient.newBuilder()
        // HEC speaks HTTP/1.1; the client keeps connections alive by default.
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(CONNECT_TIMEOUT)
        .followRedirects(HttpClient.Redirect.NEVER) // a redirect would carry the token elsewhere
        .executor(executor);
    if (settings.sslContext() != null) {
      b.sslContext(settings.sslContext());
    }
    this.client = b.build();
  }

  /** The channel every request carries. */
  public String channel() {
    return channel;
  }

  @Override
  public void append(byte[] document) throws IOException {
    append(document, Map.of());
  }

  @Override
  public void append(byte[] document, Map<String, String> headers) throws IOException {
    if (closed) {
      throw new IOException("the hec writer of sink " + sinkName + " is closed");
    }
    batch.add(document, headers);
  }

  @Override
  public void commit() throws IOException {
    if (closed) {
      throw new IOException("the hec writer of sink " + sinkName + " is closed");
    }
    List<HecRequest> requests = batch.requests();
    // Sending and awaiting alternate until nothing is left to send: a request whose ack timed out
    // is only marked while acks are awaited, and what a refusal of its resend puts in its place
    // (halves, the events after a refused one) must go out, and be awaited, like the rest.
    long pollMillis = firstPollMillis();
    do {
      sendUnsent(requests);
      if (settings.useAck()) {
        pollMillis = awaitAcks(requests, pollMillis);
      }
    } while (requests.stream().anyMatch(HecWriter::unsent));
    droppedByLastCommit = refusedInBatch.stream().sorted().toList();
    refusedInBatch.clear();
    batch.clear();
  }

  /**
   * The documents of the batch last committed that the far side refused for good (named in a 400,
   * or alone too large): dropped, counted in {@code hec.refused}, never delivered.
   */
  @Override
  public List<Integer> droppedByLastCommit() {
    return droppedByLastCommit;
  }

  /** Neither accepted nor replaced: to send (again, after a failed commit or an ack timeout). */
  private static boolean unsent(HecRequest r) {
    return !r.accepted && !r.replaced;
  }

  /**
   * Sends, in order, every request not yet accepted; what a refusal puts in a request's place goes
   * right after it, so it is sent in turn. With acks, awaits them every {@link #MAX_UNACKNOWLEDGED}
   * requests sent: a receiver bounds the acks a channel may have pending (Sluice: 1000).
   */
  private void sendUnsent(List<HecRequest> requests) throws IOException {
    int unacknowledged = 0;
    for (int i = 0; i < requests.size(); i++) {
      HecRequest r = requests.get(i);
      if (!unsent(r)) {
        continue;
      }
      if (settings.useAck() && unacknowledged >= MAX_UNACKNOWLEDGED) {
        // What times out meanwhile sits before i: commit's next round sends it.
        awaitAcks(requests, firstPollMillis());
        unacknowledged = 0;
      }
      requests.addAll(i + 1, send(r));
      unacknowledged++;
    }
  }

  @Override
  public void abort() {
    batch.clear();
    refusedInBatch.clear();
    droppedByLastCommit = List.of();
    metrics.acksPending(0);
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    batch.clear();
    refusedInBatch.clear();
    droppedByLastCommit = List.of();
    metrics.acksPending(0);
    if (client instanceof AutoCloseable c) { // Java 21 and later: frees its selector thread now
      try {
        c.close();
      } catch (Exception e) {
        LOG.debug("Sink {}: closing the HTTP client: {}", sinkName, e.toString());
      }
    }
    executor.shutdownNow(); // on Java 17, the client's own thread ends once it is unreachable
  }

  /**
   * Sends one request until the far side accepts it. Returns the requests that take its place
   * when the far side refused some of it for good (none when it was accepted):
   *
   * <ul>
   *   <li>400 naming an event ({@code invalid-event-number} N): the events before it were
   *       accepted, as HEC's partial batches go; event N is refused, counted and logged, and not
   *       sent again (it would be refused again, and the batch would never pass); the events after
   *       it go again as a request of their own. With acknowledgements, the accepted ones have no
   *       ackId: they count as delivered on the far side's word.
   *   <li>413: the request goes again as two halves; a lone event too large is refused as above.
   * </ul>
   *
   * Other refusals (401, 403, 404, a 400 naming no event, a code other than 0) throw: they are the
   * configuration's or the far side's trouble, and the sink backs off and tries the batch again.
   */
  private List<HecRequest> send(HecRequest r) throws IOException {
    retryTiming.succeeded(); // each request starts from the shortest wait
    while (true) {
      Answer a = post(settings.eventUri(), r.body, settings.gzip());
      metrics.requestSent();
      long retryAfter = 0;
      String why;
      if (a.failure() != null) {
        if (a.failure() instanceof SSLHandshakeException) {
          // Not trusted (or not TLS): no retry will change it; the sink backs off and logs it.
          throw new IOException(scrub("TLS with HEC at " + settings.eventUri() + " failed: "
              + a.failure().getMessage()), a.failure());
        }
        why = a.failure().toString();
      } else {
        HecReplies.Reply reply = HecReplies.reply(a.body());
        if (a.status() == 200 && reply.success()) {
          if (settings.useAck() && reply.ackId() == HecReplies.NO_ACK_ID) {
            throw new IOException("HEC at " + settings.eventUri() + " accepted a request without"
                + " an ackId: the far side does not acknowledge; is useAck set on its token?"
                + " (else set hec.useAck = false)");
          }
          retryTiming.succeeded();
          r.accepted = true;
          r.ackId = reply.ackId();
          r.acceptedAtNanos = clock.nanoTime();
          r.delivered = !settings.useAck();
          return List.of();
        }
        if (a.status() == 400 && reply.invalidEvent() >= 0 && reply.invalidEvent() < r.events) {
          int bad = reply.invalidEvent();
          refusedEvent(r, bad, "HTTP 400, " + reply.describe());
          return replace(r, bad + 1, r.events);
        }
        if (a.status() == 413) {
          if (r.events == 1) {
            refusedEvent(r, 0, "HTTP 413: too large for the far side alone");
            return replace(r);
          }
          int half = r.events / 2;
          return replace(r, 0, half, r.events);
        }
        if (!isTransient(a.status())) {
          throw refused(r, a.status(), reply);
        }
        retryAfter = RetryTiming.retryAfterMillis(a.retryAfter(), clock.currentTimeMillis());
        why = "HTTP " + a.status() + ", " + reply.describe();
      }
      long wait = retryTiming.failed(retryAfter);
      long now = clock.nanoTime();
      if (now - lastRetryLog >= LOG_EVERY_NANOS) {
        lastRetryLog = now;
        LOG.warn("Sink {}: a request of {} events to HEC at {} failed ({}); sending it again in {}"
            + " ms (logged at most once per 10 s)", sinkName, r.events, settings.eventUri(),
            scrub(why), wait);
      }
      metrics.retried();
      sleep(wait);
    }
  }

  /**
   * {@code r} is replaced by requests of its envelopes between consecutive cuts: {@code replace(r,
   * 0, 2, 4)} by [0, 2) and [2, 4); an empty part by none, no cuts by nothing.
   */
  private List<HecRequest> replace(HecRequest r, int... cuts) throws IOException {
    r.replaced = true;
    List<HecRequest> out = new ArrayList<>(cuts.length);
    for (int k = 0; k + 1 < cuts.length; k++) {
      if (cuts[k] < cuts[k + 1]) {
        out.add(HecBatch.request(List.copyOf(r.envelopes.subList(cuts[k], cuts[k + 1])),
            r.first + cuts[k], settings.gzip()));
      }
    }
    return out;
  }

  private void refusedEvent(HecRequest r, int index, String why) {
    metrics.refused();
    refusedInBatch.add(r.first + index);
    long now = clock.nanoTime();
    if (now - lastRefusalLog >= LOG_EVERY_NANOS) {
      lastRefusalLog = now;
      LOG.warn("Sink {}: HEC at {} refused event {} of a request of {} ({}); it is dropped and counted"
          + " in hec.refused, the rest of the batch goes on (logged at most once per 10 s)", sinkName,
          settings.eventUri(), index, r.events, scrub(why));
    }
  }

  /**
   * Polls {@code /ack} until every accepted request reads true, the first time after {@code
   * pollMillis} ({@value #FIRST_POLL_MILLIS} ms in a new wait), then twice as long each time up to
   * {@code hec.ackPollInterval}; returns the wait reached, from which a wait for a request sent
   * again goes on. The quick first polls matter: the sink takes its next batch only after this one
   * is acknowledged, and a receiver that writes at once (a Sluice agent) acknowledges within
   * milliseconds.
   *
   * <p>A request not acknowledged within {@code hec.ackTimeout} of its acceptance is marked to go
   * again and this returns at once, without sending it: the caller sends it, and what may take its
   * place, from the one place where requests are sent.
   */
  private long awaitAcks(List<HecRequest> requests, long pollMillis) throws IOException {
    long timeoutNanos = settings.ackTimeout().toNanos();
    while (true) {
      Map<Long, HecRequest> pending = new LinkedHashMap<>();
      for (HecRequest r : requests) {
        if (r.accepted && !r.delivered && !r.replaced) { // not those of the batch still to send
          pending.put(r.ackId, r);
        }
      }
      metrics.acksPending(pending.size());
      if (pending.isEmpty()) {
        return pollMillis;
      }
      sleep(pollMillis);
      pollMillis = Math.min(2 * pollMillis, settings.ackPollInterval().toMillis());
      for (long id : poll(pending.keySet())) {
        HecRequest r = pending.get(id);
        if (r != null) {
          r.delivered = true;
        }
      }
      if (timedOut(pending.values(), timeoutNanos)) {
        return pollMillis;
      }
    }
  }

  private long firstPollMillis() {
    return Math.min(FIRST_POLL_MILLIS, settings.ackPollInterval().toMillis());
  }

  /** Marks to go again those still not acknowledged within the timeout; whether there were any. */
  private boolean timedOut(Collection<HecRequest> awaited, long timeoutNanos) {
    boolean any = false;
    for (HecRequest r : awaited) {
      if (!r.delivered && clock.nanoTime() - r.acceptedAtNanos >= timeoutNanos) {
        metrics.ackTimedOut();
        LOG.warn("Sink {}: HEC at {} has not acknowledged request {} ({} events) within {} s;"
            + " sending it again, as Splunk advises (its events may be indexed twice)",
            sinkName, settings.eventUri(), r.ackId, r.events, settings.ackTimeout().toSeconds());
        r.resend();
        any = true;
      }
    }
    return any;
  }

  /** The ids that read true; none when the poll fails, which counts as "not yet". */
  private Set<Long> poll(Collection<Long> ackIds) throws InterruptedIOException {
    Answer a = post(settings.ackUri(), HecReplies.ackQuery(ackIds), false);
    String why;
    if (a.failure() != null) {
      why = a.failure().toString();
    } else if (a.status() == 200) {
      try {
        return HecReplies.acknowledged(a.body());
      } catch (IOException e) {
        why = e.getMessage();
      }
    } else {
      why = "HTTP " + a.status() + ", " + HecReplies.reply(a.body()).describe();
    }
    long now = clock.nanoTime();
    if (now - lastAckLog >= LOG_EVERY_NANOS) {
      lastAckLog = now;
      LOG.warn("Sink {}: polling acknowledgements at {} failed ({}); polling again in {} ms"
          + " (logged at most once per 10 s)", sinkName, settings.ackUri(), scrub(why),
          settings.ackPollInterval().toMillis());
    }
    return Set.of();
  }

  /** What one HTTP exchange came to: a status and reply, or the I/O failure that prevented it. */
  private record Answer(int status, byte[] body, String retryAfter, IOException failure) {
    static Answer failed(IOException e) {
      return new Answer(0, new byte[0], null, e);
    }
  }

  /** Posts a body; an I/O failure is returned (the caller decides), an interrupt thrown. */
  private Answer post(URI uri, byte[] body, boolean gzipped) throws InterruptedIOException {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri)
        .timeout(settings.timeout())
        .header("Authorization", "Splunk " + settings.token())
        .header("X-Splunk-Request-Channel", channel)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (gzipped) {
      b.header("Content-Encoding", "gzip");
    }
    CappedBody reply = new CappedBody();
    CompletableFuture<HttpResponse<Void>> f =
        client.sendAsync(b.build(), HttpResponse.BodyHandlers.ofByteArrayConsumer(reply));
    try {
      // The request's own timeout covers the wait for the headers; this one the body too.
      HttpResponse<Void> r = f.get(settings.timeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
      return new Answer(r.statusCode(), reply.bytes(),
          r.headers().firstValue("Retry-After").orElse(null), null);
    } catch (InterruptedException e) {
      f.cancel(true);
      Thread.currentThread().interrupt(); // the sink is stopping: keep the flag for its runner
      throw new InterruptedIOException("interrupted during a request to HEC at " + uri);
    } catch (TimeoutException e) {
      f.cancel(true);
      return Answer.failed(new HttpTimeoutException("no complete reply within "
          + settings.timeout().toMillis() + " ms"));
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      return Answer.failed(cause instanceof IOException io ? io
          : new IOException("the request to HEC failed: " + cause, cause));
    }
  }

  /** Keeps the first {@link #MAX_REPLY_BYTES} of a reply; reads the rest to keep the connection. */
  private static final class CappedBody implements Consumer<Optional<byte[]>> {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);

    @Override
    public void accept(Optional<byte[]> chunk) {
      chunk.ifPresent(c -> bytes.write(c, 0, Math.min(c.length, MAX_REPLY_BYTES - bytes.size())));
    }

    byte[] bytes() {
      return bytes.toByteArray();
    }
  }

  private void sleep(long millis) throws InterruptedIOException {
    try {
      sleeper.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // the sink is stopping: keep the flag for its runner
      throw new InterruptedIOException("interrupted while waiting to send to HEC again");
    }
  }

  /** 408, 429 and the 5xx of an overloaded or restarting collector or of a proxy before it. */
  static boolean isTransient(int status) {
    return status == 408 || status == 429 || status == 500 || status == 502 || status == 503
        || status == 504;
  }

  private IOException refused(HecRequest r, int status, HecReplies.Reply reply) {
    String hint = switch (status) {
      case 401, 403 -> "; check hec.token";
      case 404 -> "; check the path of hec.url";
      case 413 -> "; lower hec.batchSize";
      default -> "";
    };
    return new IOException(scrub("HEC at " + settings.eventUri() + " refused a request of "
        + r.events + " events: HTTP " + status + ", " + reply.describe() + hint));
  }

  /** The token out of anything the far side sent back, should it echo it. */
  private String scrub(String text) {
    return text == null ? null : text.replace(settings.token(), "***");
  }
}
