package io.sluice.interceptor;

import com.codahale.metrics.Counter;
import io.sluice.core.Disposition;
import io.sluice.core.EventIds;
import io.sluice.core.Headers;
import io.sluice.core.RetryLaterException;
import io.sluice.core.limit.Decision;
import io.sluice.core.limit.Limiter;
import io.sluice.core.limit.ThrottleReason;
import io.sluice.core.limit.redis.RedisSettings;
import io.sluice.core.offenders.TopOffenders;
import io.sluice.core.offenders.TopOffendersGauge;
import io.sluice.core.pipeline.DeferredRoom;
import io.sluice.core.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flume.Context;
import org.apache.flume.Event;
import org.apache.flume.interceptor.Interceptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flume adapter of the governor ({@link Limiter}: this agent's own, or one shared through Redis):
 * keys each event, asks for the batch's decisions (one round trip when shared), and tags the event
 * with {@code sluice.disposition} (and {@code sluice.releaseAt}, {@code sluice.limitKey}).
 * Throttled events are dropped, kept, or make the whole batch fail with a {@link
 * RetryLaterException}, in which case everything the batch had reserved is given back.
 *
 * <p>Runs on the source's threads inside {@code processEventBatch}; it never blocks. As a {@link
 * DeferredRoom} it tells a source how many events it may hold deferred, so the source can warn
 * when a channel behind it has less room for them.
 */
public final class TokenBucketInterceptor implements Interceptor, DeferredRoom {

  private static final Logger LOG = LoggerFactory.getLogger(TokenBucketInterceptor.class);
  private static final ThrottleReason[] REASONS = ThrottleReason.values();

  private final TokenBucketSettings settings;
  private final Clock clock;
  private final KeyExtractor keys;
  private final Limiter governor;
  private final TopOffenders offenders;
  private final Counter keysTruncated = new Counter();
  private TokenBucketCounter counter;

  TokenBucketInterceptor(TokenBucketSettings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
    this.keys =
        new KeyExtractor(
            settings.keyHeaders,
            settings.defaultKey,
            new KeyTruncation(settings.maxKeyLength),
            keysTruncated);
    this.governor = RedisSettings.limiter(settings.shared, settings.governor, clock);
    this.offenders =
        new TopOffenders(
            settings.topOffendersSize, settings.topOffendersInterval.toNanos(), clock.nanoTime());
  }

  @Override
  public void initialize() {
    counter = new TokenBucketCounter(settings.metricsName, governor, offenders, keysTruncated);
    counter.start();
    LOG.info(
        "TokenBucketInterceptor '{}': key {} (cut beyond {} characters), throttled = {}, {}, {}",
        settings.metricsName,
        String.join(",", settings.keyHeaders),
        settings.maxKeyLength,
        settings.throttled.name().toLowerCase(java.util.Locale.ROOT),
        settings.governor,
        settings.shared == null ? "store = local" : settings.shared);
    String heap = settings.heapWarning(Runtime.getRuntime().maxMemory());
    if (heap != null) {
      LOG.warn("TokenBucketInterceptor '{}': {}", settings.metricsName, heap);
    }
  }

  @Override
  public Event intercept(Event event) {
    List<Event> out = intercept(new ArrayList<>(List.of(event)));
    return out.isEmpty() ? null : out.get(0);
  }

  @Override
  public List<Event> intercept(List<Event> events) {
    int n = events.size();
    String[] keyOf = new String[n];
    String[] tierOf = new String[n];
    boolean[] lowOf = new boolean[n];
    for (int i = 0; i < n; i++) {
      Map<String, String> h = events.get(i).getHeaders();
      h.putIfAbsent(Headers.EVENT_ID, EventIds.next());
      tierOf[i] = settings.tierHeader == null ? null : h.get(settings.tierHeader);
      String priority = h.get(settings.shedHeader);
      lowOf[i] = priority != null && settings.shedValues.contains(priority);
      keyOf[i] = keys.keyOf(h);
    }
    boolean reject = settings.throttled == ThrottledAction.REJECT;
    Decision[] decisions = new Decision[n];
    governor.decideAll(n, keyOf, tierOf, lowOf, reject, decisions);
    Batch batch = new Batch(n, reject);
    Decision trigger = null;
    for (int i = 0; i < n; i++) {
      Event event = events.get(i);
      Map<String, String> h = event.getHeaders();
      Decision d = decisions[i];
      h.put(Headers.DISPOSITION, d.disposition().value());
      h.put(Headers.LIMIT_KEY, d.limitKey());
      switch (d.disposition()) {
        case PROCESSED:
          h.remove(Headers.RELEASE_AT);
          batch.granted(d, event);
          break;
        case BATCHED:
          h.put(Headers.RELEASE_AT, Long.toString(d.releaseAtMillis()));
          batch.granted(d, event);
          break;
        default:
          h.remove(Headers.RELEASE_AT);
          if (reject) {
            trigger = trigger == null ? d : trigger;
          } else {
            batch.throttled(d, event, settings.throttled == ThrottledAction.KEEP);
          }
      }
    }
    if (trigger != null) {
      throw reject(batch, trigger, n);
    }
    finish(batch);
    return batch.out;
  }

  private RetryLaterException reject(Batch batch, Decision trigger, int batchSize) {
    governor.cancelAll(batch.granted);
    // The batch goes back to the sender whole: only its trigger counts as throttled.
    counter.rejected(trigger.reason(), batchSize);
    logTopOffenders(offenders.record(trigger.limitKey(), 1, clock.nanoTime()));
    long retryMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(trigger.retryAfterNanos() + 999_999));
    return new RetryLaterException(
        "throttled: key '" + trigger.limitKey() + "' (" + trigger.reason().label()
            + "); retry after " + retryMillis + " ms",
        retryMillis);
  }

  private void finish(Batch batch) {
    counter.add(batch.nProcessed, batch.nBatched, batch.throttledBy, batch.nDropped);
    long now = clock.nanoTime();
    if (batch.offenders == null) {
      logTopOffenders(offenders.rotateIfDue(now));
      return;
    }
    for (Map.Entry<String, long[]> e : batch.offenders.entrySet()) {
      logTopOffenders(offenders.record(e.getKey(), e.getValue()[0], now));
    }
  }

  /** Logs the top offenders of a window that has just ended, if any. */
  private void logTopOffenders(List<TopOffenders.Offender> finishedWindow) {
    if (finishedWindow != null && !finishedWindow.isEmpty()) {
      LOG.warn(
          "TokenBucketInterceptor '{}': most throttled keys over the last {}: {}",
          settings.metricsName,
          settings.topOffendersInterval,
          TopOffendersGauge.format(finishedWindow));
    }
  }

  /** The most events it holds deferred at once: {@code defer.maxEvents}. */
  @Override
  public long deferredRoom() {
    return settings.governor.maxDeferred();
  }

  @Override
  public void close() {
    if (counter != null) {
      counter.close();
    }
    governor.close();
  }

  TokenBucketCounter counter() {
    return counter;
  }

  /** One batch's outcome, tallied locally so shared counters are touched once per batch. */
  private static final class Batch {
    final List<Event> out;
    final List<Decision> granted;
    final int[] throttledBy = new int[REASONS.length];
    int nProcessed;
    int nBatched;
    int nDropped;
    Map<String, long[]> offenders;

    Batch(int size, boolean cancellable) {
      out = new ArrayList<>(size);
      granted = cancellable ? new ArrayList<>(size) : null;
    }

    void granted(Decision d, Event e) {
      if (granted != null) {
        granted.add(d); // kept only when a later event may have to cancel it
      }
      out.add(e);
      if (d.disposition() == Disposition.PROCESSED) {
        nProcessed++;
      } else {
        nBatched++;
      }
    }

    void throttled(Decision d, Event e, boolean keep) {
      throttledBy[d.reason().ordinal()]++;
      if (offenders == null) {
        offenders = new HashMap<>();
      }
      offenders.computeIfAbsent(d.limitKey(), k -> new long[1])[0]++;
      if (keep) {
        out.add(e);
      } else {
        nDropped++;
      }
    }
  }

  /** Builds the interceptor from its {@code interceptors.<name>.*} properties. */
  public static final class Builder implements Interceptor.Builder {
    private TokenBucketSettings settings;

    @Override
    public void configure(Context context) {
      settings = new TokenBucketSettings(context);
    }

    @Override
    public Interceptor build() {
      if (settings == null) {
        throw new IllegalStateException("TokenBucketInterceptor.Builder: configure() was not called");
      }
      return new TokenBucketInterceptor(settings, Clock.SYSTEM);
    }
  }
}
