package io.sluice.source.hec;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import io.sluice.core.metrics.SluiceMetrics;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An HEC source's request counts, beside the event counts of its SourceMetrics: {@code
 * source.<name>.requests} and, by why they were refused, {@code requests.rejected.auth} (401, 403),
 * {@code .invalid} (400), {@code .busy} (503), {@code .throttled} (429), {@code .tooLarge} (413),
 * {@code .other} (404, 405, 415, 500), {@code .timeout} (408: not read whole within {@code
 * requestTimeout}); and {@code .preAuth}, those of the throttled that {@code preAuthLimit} refused
 * before any token was looked at.
 *
 * <p>Also by endpoint ({@code requests.endpoint.<event|raw|ack|health|other>}), by HTTP status
 * ({@code requests.status.<status>}) and by Splunk's code in the answer ({@code
 * requests.code.<code>}: authentication failures by reason are codes 1, 2, 3, 4 and 16); and per
 * token, by its configured name ({@code tokens.<name>.events} accepted, {@code
 * tokens.<name>.throttled} requests answered 429 by the token's limit). Labels are never traffic
 * values: endpoints, statuses and codes are a fixed few, token names are configuration.
 */
final class HecMetrics {

  final Counter requests;
  /** Of the throttled (429) requests, those refused by {@code preAuthLimit}, before any token. */
  final Counter preAuth;
  private final Counter auth;
  private final Counter invalid;
  private final Counter busy;
  private final Counter throttled;
  private final Counter tooLarge;
  private final Counter other;
  private final Counter timedOut;
  private final String prefix;
  private final Map<HecProtocol.Endpoint, Counter> byEndpoint = new EnumMap<>(HecProtocol.Endpoint.class);
  private final Counter[] byCode = new Counter[HecReply.values().length];
  private final Map<Integer, Counter> byStatus = new ConcurrentHashMap<>();
  private final Map<String, Counter[]> byToken = new ConcurrentHashMap<>();
  private final Map<HecProtocol.Endpoint, Counter[]> eventsByEndpoint =
      new EnumMap<>(HecProtocol.Endpoint.class);

  HecMetrics(String sourceName) {
    prefix = "source." + sourceName;
    String p = prefix + ".requests";
    MetricRegistry r = SluiceMetrics.registry();
    for (HecProtocol.Endpoint e : HecProtocol.Endpoint.values()) {
      byEndpoint.put(e, r.counter(p + ".endpoint." + e.label));
    }
    for (HecReply c : HecReply.values()) {
      byCode[c.code()] = r.counter(p + ".code." + c.code());
    }
    for (HecProtocol.Endpoint e : List.of(HecProtocol.Endpoint.EVENT, HecProtocol.Endpoint.RAW)) {
      Counter[] byStatus = new Counter[EventStatus.values().length];
      for (EventStatus st : EventStatus.values()) {
        byStatus[st.ordinal()] = r.counter(prefix + ".events." + e.label + "." + st.label);
      }
      eventsByEndpoint.put(e, byStatus);
    }
    requests = r.counter(p);
    auth = r.counter(p + ".rejected.auth");
    invalid = r.counter(p + ".rejected.invalid");
    busy = r.counter(p + ".rejected.busy");
    throttled = r.counter(p + ".rejected.throttled");
    tooLarge = r.counter(p + ".rejected.tooLarge");
    other = r.counter(p + ".rejected.other");
    preAuth = r.counter(p + ".rejected.preAuth");
    timedOut = r.counter(p + ".rejected.timeout");
  }

  /** A request refused before its body was read: the source's bodies hold {@code maxBufferedBytes}. */
  void noRoom() {
    byEndpoint.get(HecProtocol.Endpoint.OTHER).inc(); // not decoded: its body is not read
    answered(503);
  }

  /** A request not read whole within {@code requestTimeout}: answered 408, its connection closed. */
  void timedOut() {
    byEndpoint.get(HecProtocol.Endpoint.OTHER).inc(); // not known: the request line may not be read
    answered(408);
  }

  /** Counts a request by its endpoint and by the answer it had. */
  void answered(HecProtocol.Endpoint endpoint, Answer a) {
    byEndpoint.get(endpoint).inc();
    if (a.code() >= 0 && a.code() < byCode.length) {
      byCode[a.code()].inc();
    }
    answered(a.status());
  }

  /** What came of a request's events: the {@code status} label of {@code sluice_hec_events}. */
  enum EventStatus {
    ACCEPTED("accepted"),
    /** Refused 429 by the governor ({@code throttled = reject}). */
    RATE_LIMITED("rate_limited"),
    /** Refused 503: a channel was full. */
    QUEUE_FULL("queue_full"),
    /** Refused 500: a channel failed. */
    ERROR("error");

    final String label;

    EventStatus(String label) {
      this.label = label;
    }
  }

  /** {@code n} events of a request to {@code endpoint} came to {@code status}. */
  void events(HecProtocol.Endpoint endpoint, EventStatus status, int n) {
    Counter[] byStatus = eventsByEndpoint.get(endpoint);
    if (byStatus != null && n > 0) {
      byStatus[status.ordinal()].inc(n);
    }
  }

  /** {@code n} events of token {@code name} were taken by the channels. */
  void tokenEvents(String name, int n) {
    tokenCounters(name)[0].inc(n);
  }

  /** A request of token {@code name} was refused by its limit (429). */
  void tokenThrottled(String name) {
    tokenCounters(name)[1].inc();
  }

  private Counter[] tokenCounters(String name) {
    return byToken.computeIfAbsent(name, n -> new Counter[] {
        SluiceMetrics.registry().counter(prefix + ".tokens." + n + ".events"),
        SluiceMetrics.registry().counter(prefix + ".tokens." + n + ".throttled")});
  }

  /** Counts a request by the status it was answered with. */
  void answered(int status) {
    requests.inc();
    byStatus.computeIfAbsent(status, s -> SluiceMetrics.registry().counter(prefix + ".requests.status." + s)).inc();
    switch (status) {
      case 200 -> { }
      case 401, 403 -> auth.inc();
      case 400 -> invalid.inc();
      case 503 -> busy.inc();
      case 429 -> throttled.inc();
      case 413 -> tooLarge.inc();
      case 408 -> timedOut.inc();
      default -> other.inc();
    }
  }
}
