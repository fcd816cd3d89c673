package io.sluice.source.delivery;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flume.Context;
import org.apache.flume.Event;
import org.apache.flume.interceptor.Interceptor;

/**
 * Throws for the first {@code failures} batches it is given (1 unless told), then passes them
 * unchanged: a transient fault, as an interceptor whose backend blinked has.
 */
public final class FailingInterceptor implements Interceptor {

  private final AtomicInteger left;

  private FailingInterceptor(int failures) {
    this.left = new AtomicInteger(failures);
  }

  /** The processor properties of a chain holding this interceptor, failing {@code failures} times. */
  public static Map<String, String> chain(int failures) {
    return Map.of("interceptors", "f", "interceptors.f.type", Builder.class.getName(),
        "interceptors.f.failures", Integer.toString(failures));
  }

  @Override
  public void initialize() {}

  @Override
  public Event intercept(Event event) {
    List<Event> out = intercept(new ArrayList<>(List.of(event)));
    return out.isEmpty() ? null : out.get(0);
  }

  @Override
  public List<Event> intercept(List<Event> events) {
    if (left.getAndDecrement() > 0) {
      throw new IllegalStateException("test: backend unavailable");
    }
    return events;
  }

  @Override
  public void close() {}

  public static final class Builder implements Interceptor.Builder {
    private int failures;

    @Override
    public void configure(Context ctx) {
      failures = ctx.getInteger("failures", 1);
    }

    @Override
    public Interceptor build() {
      return new FailingInterceptor(failures);
    }
  }
}
