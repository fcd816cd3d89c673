package io.sluice.source.delivery;

import io.sluice.core.Headers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flume.Context;
import org.apache.flume.Event;
import org.apache.flume.interceptor.Interceptor;

/**
 * Decides events by their body, as the token-bucket interceptor would by their limits: a body
 * starting with {@code batched} or {@code throttled} gets that {@code sluice.disposition}, any
 * other {@code processed}; a body starting with {@code boom} makes it throw. Counts every event it
 * is asked to decide, per {@code name}, so tests can see whether a batch was decided twice.
 */
public final class TaggingInterceptor implements Interceptor {

  static final Map<String, AtomicInteger> DECIDED = new ConcurrentHashMap<>();

  private final AtomicInteger decided;

  private TaggingInterceptor(String name) {
    this.decided = DECIDED.computeIfAbsent(name, k -> new AtomicInteger());
  }

  static int decided(String name) {
    AtomicInteger n = DECIDED.get(name);
    return n == null ? 0 : n.get();
  }

  /** The processor properties of a chain holding this interceptor under {@code name}. */
  public static Map<String, String> chain(String name) {
    return Map.of("interceptors", "t", "interceptors.t.type", Builder.class.getName(),
        "interceptors.t.name", name);
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
    for (Event e : events) {
      decided.incrementAndGet();
      String body = new String(e.getBody(), StandardCharsets.UTF_8);
      if (body.startsWith("boom")) {
        throw new IllegalStateException("test: cannot decide " + body);
      }
      String d = body.startsWith("batched") ? "batched" : body.startsWith("throttled") ? "throttled" : "processed";
      e.getHeaders().put(Headers.DISPOSITION, d);
      if (d.equals("batched")) {
        e.getHeaders().put(Headers.RELEASE_AT, Long.toString(System.currentTimeMillis() + 1000));
      }
    }
    return events;
  }

  @Override
  public void close() {}

  public static final class Builder implements Interceptor.Builder {
    private String name;

    @Override
    public void configure(Context ctx) {
      name = ctx.getString("name", "default");
    }

    @Override
    public Interceptor build() {
      return new TaggingInterceptor(name);
    }
  }
}
