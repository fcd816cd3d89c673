package io.sluice.source.hec;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import io.sluice.core.metrics.SluiceMetrics;

/**
 * An HEC source's request counts, beside the event counts of its SourceMetrics: {@code
 * source.<name>.requests} and, by why they were refused, {@code requests.rejected.auth} (401, 403),
 * {@code .invalid} (400), {@code .busy} (503), {@code .throttled} (429), {@code .tooLarge} (413),
 * {@code .other} (404, 405, 415, 500), {@code .timeout} (408: not read whole within {@code
 * requestTimeout}); and {@code .preAuth}, those of the throttled that {@code preAuthLimit} refused
 * before any token was looked at.
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

  HecMetrics(String sourceName) {
    String p = "source." + sourceName + ".requests";
    MetricRegistry r = SluiceMetrics.registry();
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

  /** A request not read whole within {@code requestTimeout}: answered 408, its connection closed. */
  void timedOut() {
    requests.inc();
    timedOut.inc();
  }

  /** Counts a request by the status it was answered with. */
  void answered(int status) {
    requests.inc();
    switch (status) {
      case 200 -> { }
      case 401, 403 -> auth.inc();
      case 400 -> invalid.inc();
      case 503 -> busy.inc();
      case 429 -> throttled.inc();
      case 413 -> tooLarge.inc();
      default -> other.inc();
    }
  }
}
