package io.sluice.source.hec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;
import java.util.regex.Pattern;
import org.apache.flume.Event;

/**
 * Splunk's HEC protocol up to the hand-over to the channels: routes, methods, authentication,
 * channels, content encoding, bodies; every answer Splunk would give before that, in Splunk's order
 * of checks (route, auth, disabled token, channel, encoding, size, body, index), after the
 * source's own {@code preAuthLimit} per client address. What it cannot
 * answer alone it returns as a {@link Deliver} for the source to attempt. Thread-safe; never
 * throws for any request.
 */
final class HecProtocol {

  /**
   * An answer now, events to deliver and what to answer once they are, or a request to hold until
   * {@code preAuthLimit} has answered ({@link #screen}, then {@link #afterPreAuth}).
   */
  sealed interface Decision permits Now, Deliver, PreAuth {}

  record Now(Answer answer) implements Decision {}

  /** A request that goes on only once its client's address passes {@code preAuthLimit}. */
  record PreAuth(HecRequest request) implements Decision {}

  /**
   * Events to hand to the channels. Once accepted, the answer is success, or for a partial body
   * the refusal of its first bad event (those before it are accepted, as Splunk does).
   */
  record Deliver(List<Event> events, RequestBody body, HecToken token, String channel, long ackId,
      long heldBytes) implements Decision {

    /** The same, holding {@code n} bytes of the source's body budget until it is answered. */
    Deliver holding(long n) {
      return new Deliver(events, body, token, channel, ackId, n);
    }

    Answer acceptedAnswer() {
      if (!body.isWhole()) {
        return Answer.atEvent(body.refusal(), body.refusedAt());
      }
      return ackId < 0 ? Answer.of(HecReply.SUCCESS) : Answer.acknowledged(ackId);
    }

    boolean acknowledged() {
      return ackId >= 0;
    }
  }

  /** How long a client should wait before sending again to a stopping source (a restart). */
  static final long DRAINING_RETRY_SECONDS = 5;

  /** The most ids one {@code /ack} query may ask about. */
  static final int MAX_ACK_QUERY = 100_000;

  /** Where a request goes; {@code label} names it in metrics. */
  enum Endpoint {
    EVENT("event"), RAW("raw"), ACK("ack"), HEALTH("health"), OTHER("other");

    final String label;

    Endpoint(String label) {
      this.label = label;
    }
  }

  /** The endpoint of a request's URI ({@link Endpoint#OTHER} for any path HEC does not have). */
  static Endpoint endpointOf(String uri) {
    Endpoint e = route(new QueryString(uri).path());
    return e == null ? Endpoint.OTHER : e;
  }

  private static final Pattern GUID =
      Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  private volatile HecTokens tokens; // replaced whole when tokensFile changes
  private final EnvelopeReader envelopes;
  private final RawLines raw;
  private final int maxInflatedBytes;
  private final PreAuthLimit preAuth; // null: none
  private final BooleanSupplier queuesFull;
  private final HecAcks acks; // null: no token acknowledges
  private final BodyBudget budget;
  private volatile boolean draining;
  private final AtomicInteger deciding = new AtomicInteger(); // requests between the check of draining and their ack

  /**
   * @param preAuth requests per client address before authentication; null for none
   * @param queuesFull whether a channel of the source is over {@code health.fillThreshold}
   * @param acks the source's acknowledgements; null when no token has {@code useAck}
   * @param budget what the source's bodies may hold at once; inflated ones count too
   */
  HecProtocol(HecTokens tokens, BodyLimits limits, PreAuthLimit preAuth, BooleanSupplier queuesFull,
      HecAcks acks, BodyBudget budget) {
    this.acks = acks;
    this.budget = budget;
    this.tokens = tokens;
    this.envelopes = new EnvelopeReader(limits);
    this.raw = new RawLines(limits);
    this.maxInflatedBytes = limits.maxInflatedBytes();
    this.preAuth = preAuth;
    this.queuesFull = queuesFull;
  }

  /** Gives back what a delivered request held of the body budget, once it is answered. */
  void answered(Deliver d) {
    if (d.heldBytes() > 0) {
      budget.give(d.heldBytes());
    }
  }

  /** From the next request on, these tokens (tokensFile changed). */
  void tokens(HecTokens replacement) {
    tokens = replacement;
  }

  /**
   * From now on, takes no events: the source is stopping (see {@link HecServer#drain}). Returns
   * once no request is still being decided, so that every ack given out is known to the ledger
   * before the source asks whether the clients have collected them all.
   */
  void drain() {
    draining = true;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (deciding.get() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  Decision decide(HecRequest r) {
    deciding.incrementAndGet();
    try {
      return decideNow(r, false);
    } finally {
      deciding.decrementAndGet();
    }
  }

  /**
   * Asks {@code preAuthLimit} about {@code p}'s client: {@code then} gets the seconds it must wait
   * (0: it may go on), at once or, with the limit in Redis, later on another thread.
   */
  void screen(PreAuth p, LongConsumer then) {
    preAuth.check(p.request().clientIp(), then);
  }

  /** What comes of {@code p} once {@code preAuthLimit} said to wait {@code waitSeconds}. */
  Decision afterPreAuth(PreAuth p, long waitSeconds) {
    deciding.incrementAndGet();
    try {
      // before the token is looked at
      return waitSeconds > 0 ? new Now(Answer.busy(429, waitSeconds)) : decideNow(p.request(), true);
    } finally {
      deciding.decrementAndGet();
    }
  }

  private Decision decideNow(HecRequest r, boolean preAuthPassed) {
    QueryString q = new QueryString(r.uri());
    Endpoint endpoint = route(q.path());
    if (endpoint == null) {
      return new Now(Answer.notFound());
    }
    if (endpoint == Endpoint.HEALTH) {
      if (!r.method().equals("GET") && !r.method().equals("HEAD")) {
        return new Now(Answer.methodNotAllowed("GET"));
      }
      if (preAuth != null && !preAuthPassed && presentsToken(r, q)) {
        return new PreAuth(r); // its answer says whether the token is known: limited as any lookup
      }
      return new Now(Answer.of(health(r, q)));
    }
    if (!r.method().equals("POST")) {
      return new Now(Answer.methodNotAllowed("POST"));
    }
    if (draining && endpoint != Endpoint.ACK) {
      return new Now(Answer.busy(503, DRAINING_RETRY_SECONDS));
    }
    if (preAuth != null && !preAuthPassed) {
      return new PreAuth(r);
    }

    HecToken token;
    String fromQuery = q.get("token");
    if (fromQuery != null) { // Splunk: the query string's token first, known or not
      token = tokens.find(fromQuery);
      if (token == null) {
        return new Now(Answer.of(HecReply.INVALID_TOKEN));
      }
      if (!token.allowQueryStringAuth()) {
        return new Now(Answer.of(HecReply.QUERY_AUTH_DISABLED));
      }
    } else {
      if (r.authorization() == null || r.authorization().isBlank()) {
        return new Now(Answer.of(HecReply.TOKEN_REQUIRED));
      }
      String secret = secret(r.authorization());
      if (secret == null) {
        return new Now(Answer.of(HecReply.INVALID_AUTHORIZATION));
      }
      token = tokens.find(secret);
      if (token == null) {
        return new Now(Answer.of(HecReply.INVALID_TOKEN));
      }
    }
    if (token.disabled()) {
      return new Now(Answer.of(HecReply.TOKEN_DISABLED));
    }

    String channel = blankToNull(r.channelHeader());
    if (channel == null) {
      channel = q.get("channel");
    }
    if (channel != null && !GUID.matcher(channel).matches()) {
      return new Now(Answer.of(HecReply.INVALID_CHANNEL));
    }
    if (channel == null && token.useAck()) {
      return new Now(Answer.of(HecReply.CHANNEL_MISSING));
    }
    if (endpoint == Endpoint.ACK && !token.useAck()) {
      return new Now(Answer.of(HecReply.ACK_DISABLED));
    }
    if (channel != null) {
      channel = channel.toLowerCase(Locale.ROOT); // Splunk's channels are case-insensitive
    }

    byte[] body = r.body();
    String encoding = blankToNull(r.contentEncoding());
    if (encoding == null || encoding.equalsIgnoreCase("identity")) {
      return decideBody(r, q, endpoint, token, channel, body);
    }
    if (!encoding.equalsIgnoreCase("gzip")) {
      return new Now(Answer.unsupportedEncoding());
    }
    try {
      body = Gunzip.inflate(body, maxInflatedBytes, budget);
    } catch (Gunzip.TooLarge e) {
      return new Now(Answer.tooLarge());
    } catch (Gunzip.NoRoom e) {
      return new Now(Answer.busy(503, 1)); // the source holds as many bodies as it may
    } catch (IOException e) {
      return new Now(Answer.atEvent(HecReply.INVALID_DATA_FORMAT, 0)); // not gzip, or cut short
    }
    // Gunzip took twice the inflated length: the body while it is parsed, and its events' copies
    // of it until the request is answered.
    long held = 2L * body.length;
    Decision d;
    try {
      d = decideBody(r, q, endpoint, token, channel, body);
    } catch (RuntimeException e) {
      budget.give(held);
      throw e;
    }
    if (d instanceof Deliver deliver) {
      return deliver.holding(held);
    }
    budget.give(held);
    return d;
  }

  /** The rest, once the body is inflated: {@code /ack}'s query, or the events. */
  private Decision decideBody(HecRequest r, QueryString q, Endpoint endpoint, HecToken token,
      String channel, byte[] body) {
    if (blank(body)) {
      return new Now(Answer.of(HecReply.NO_DATA));
    }
    if (endpoint == Endpoint.ACK) {
      long[] ids = AckQuery.read(body, MAX_ACK_QUERY);
      if (ids == null) {
        return new Now(Answer.of(HecReply.INVALID_DATA_FORMAT));
      }
      return new Now(Answer.ok(AckQuery.answer(ids, acks.query(channel, ids))));
    }

    Metadata defaults = Metadata.of(q, token, r.clientIp());
    RequestBody read;
    if (endpoint == Endpoint.RAW) {
      String time = q.get("time");
      if (time != null) {
        long t = HecTime.parse(time);
        if (t == HecTime.INVALID) {
          return new Now(Answer.atEvent(HecReply.INVALID_DATA_FORMAT, 0));
        }
        defaults = defaults.withTime(t);
      }
      if (defaults.index() != null && !token.allows(defaults.index())) {
        return new Now(Answer.of(HecReply.INCORRECT_INDEX));
      }
      read = raw.read(body, defaults);
    } else {
      read = envelopes.read(body, defaults, token);
    }
    if (read.events().isEmpty()) {
      return new Now(read.isWhole() ? Answer.of(HecReply.NO_DATA) : Answer.atEvent(read.refusal(), 0));
    }
    long ackId = -1;
    if (token.useAck() && read.isWhole()) { // a partial body's answer is its refusal: no ackId
      ackId = acks.open(channel, r.receivedAtMillis());
      if (ackId < 0) {
        return new Now(ackId == AckLedger.OTHER_SOURCE ? Answer.of(HecReply.INVALID_CHANNEL) : Answer.busy(503, 1));
      }
    }
    List<Event> events = HecEvents.of(read.events(), token, channel, ackId, r.clientIp(),
        Long.toString(r.receivedAtMillis()));
    return new Deliver(events, read, token, channel, ackId, 0);
  }

  /**
   * {@code /health}: a token is not needed, but one that is given must be known (21) and enabled
   * (22), as Splunk's REST reference says; then 18 while a channel is too full, 19 while the acks
   * are at their limit of channels (a client with a new channel would be refused), 20 for both.
   */
  private HecReply health(HecRequest r, QueryString q) {
    String given = q.get("token");
    if (given == null && r.authorization() != null && !r.authorization().isBlank()) {
      given = secret(r.authorization());
      if (given == null) {
        return HecReply.HEALTH_INVALID_TOKEN;
      }
    }
    if (given != null) {
      HecToken token = tokens.find(given);
      if (token == null) {
        return HecReply.HEALTH_INVALID_TOKEN;
      }
      if (token.disabled()) {
        return HecReply.HEALTH_TOKEN_DISABLED;
      }
    }
    boolean queues = queuesFull.getAsBoolean();
    boolean ackFull = acks != null && acks.atChannelLimit();
    return queues && ackFull ? HecReply.UNHEALTHY_BOTH : queues ? HecReply.UNHEALTHY_QUEUES_FULL
        : ackFull ? HecReply.UNHEALTHY_ACK : HecReply.HEALTHY;
  }

  /** Whether {@code r} gives a token, which {@code /health} then looks up. */
  private static boolean presentsToken(HecRequest r, QueryString q) {
    return q.get("token") != null || (r.authorization() != null && !r.authorization().isBlank());
  }

  private static Endpoint route(String path) {
    String p = path.endsWith("/") && path.length() > 1 ? path.substring(0, path.length() - 1) : path;
    return switch (p) {
      case "/services/collector", "/services/collector/event", "/services/collector/event/1.0" -> Endpoint.EVENT;
      case "/services/collector/raw", "/services/collector/raw/1.0" -> Endpoint.RAW;
      case "/services/collector/ack" -> Endpoint.ACK;
      case "/services/collector/health", "/services/collector/health/1.0" -> Endpoint.HEALTH;
      default -> null;
    };
  }

  /** The token of {@code Splunk <token>} or of HTTP Basic (its password); null when neither. */
  private static String secret(String authorization) {
    String a = authorization.trim();
    int space = a.indexOf(' ');
    if (space < 0) {
      return null;
    }
    String scheme = a.substring(0, space);
    String rest = a.substring(space + 1).trim();
    if (rest.isEmpty()) {
      return null;
    }
    if (scheme.equalsIgnoreCase("Splunk")) {
      return rest;
    }
    if (scheme.equalsIgnoreCase("Basic")) {
      try {
        String userPass = new String(Base64.getDecoder().decode(rest), StandardCharsets.UTF_8);
        int colon = userPass.indexOf(':');
        return colon < 0 || colon == userPass.length() - 1 ? null : userPass.substring(colon + 1);
      } catch (IllegalArgumentException e) {
        return null;
      }
    }
    return null;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }

  private static boolean blank(byte[] b) {
    for (byte x : b) {
      if (x != ' ' && x != '\t' && x != '\n' && x != '\r') {
        return false;
      }
    }
    return true;
  }
}
