package io.sluice.source;

import io.sluice.core.RetryLaterException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flume.Context;
import org.apache.flume.Event;
import org.apache.flume.interceptor.Interceptor;

/**
 * Stands in for the token-bucket interceptor's {@code reject} mode: refuses the first {@code
 * rejections} batches with a {@link RetryLaterException}, and any batch of more than {@code
 * maxBatch} events (as a limit whose burst is smaller than the batch does), and passes the rest.
 */
public final class RejectingInterceptor implements Interceptor {

  static final AtomicInteger REFUSED = new AtomicInteger();

  private final AtomicInteger left;
  private final long retryAfterMillis;
  private final int maxBatch;

  private RejectingInterceptor(int rejections, long retryAfterMillis, int maxBatch) {
    this.left = new AtomicInteger(rejections);
    this.retryAfterMillis = retryAfterMillis;
    this.maxBatch = maxBatch;
  }

  @Override
  public void initialize() {}

  @Override
  public Event intercept(Event event) {
    return event;
  }

  @Override
  public List<Event> intercept(List<Event> events) {
    if (left.getAndDecrement() > 0 || events.size() > maxBatch) {
      REFUSED.incrementAndGet();
      throw new RetryLaterException("test: over the limit", retryAfterMillis);
    }
    return events;
  }

  @Override
  public void close() {}

  public static final class Builder implements Interceptor.Builder {
    private int rejections;
    private long retryAfterMillis;
    private int maxBatch;

    @Override
    public void configure(Context ctx) {
      rejections = ctx.getInteger("rejections", 3);
      retryAfterMillis = ctx.getLong("retryAfterMillis", 100L);
      maxBatch = ctx.getInteger("maxBatch", Integer.MAX_VALUE);
    }

    @Override
    public Interceptor build() {
      return new RejectingInterceptor(rejections, retryAfterMillis, maxBatch);
    }
  }
}
