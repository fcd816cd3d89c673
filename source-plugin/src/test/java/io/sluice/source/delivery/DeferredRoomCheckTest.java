package io.sluice.source.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.core.pipeline.DeferredRoom;
import java.util.List;
import java.util.Map;
import org.apache.flume.Channel;
import org.apache.flume.Event;
import org.apache.flume.interceptor.Interceptor;
import org.junit.jupiter.api.Test;

/** The warning a source gives at start when its interceptor may defer more than a channel holds. */
class DeferredRoomCheckTest {

  /** An interceptor that may defer {@code room} events, as TokenBucketInterceptor says it may. */
  private record Deferring(long room) implements Interceptor, DeferredRoom {
    @Override
    public long deferredRoom() {
      return room;
    }

    @Override
    public void initialize() {}

    @Override
    public Event intercept(Event event) {
      return event;
    }

    @Override
    public List<Event> intercept(List<Event> events) {
      return events;
    }

    @Override
    public void close() {}
  }

  /** A channel with a deferred lane of {@code room} events, as DisruptorChannel says it has. */
  private static final class Holding extends TestChannel implements DeferredRoom {
    private final long room;

    Holding(long room) {
      super(10);
      this.room = room;
    }

    @Override
    public long deferredRoom() {
      return room;
    }
  }

  @Test
  void aChannelWithLessDeferredRoomThanTheInterceptorGrantsIsNamed() {
    Channel small = new Holding(1000);
    Channel big = new Holding(200_000);
    List<String> warnings = DeferredRoomCheck.shortfalls(List.of(new Deferring(100_000)),
        List.of(small, big, new TestChannel(10)));
    assertEquals(1, warnings.size());
    assertTrue(warnings.get(0).contains(small.getName()) && warnings.get(0).contains("100000")
        && warnings.get(0).contains("1000 (deferred.capacity)"), warnings.get(0));
  }

  @Test
  void nothingIsSaidWithoutADeferringInterceptor() {
    assertEquals(List.of(), DeferredRoomCheck.shortfalls(List.of(), List.of(new Holding(0))));
    assertEquals(List.of(), DeferredRoomCheck.shortfalls(List.of(new Deferring(0)), List.of(new Holding(0))));
  }

  @Test
  void onlyTheChannelsThatBatchedEventsAreRoutedToAreChecked() {
    TestChannel main = new TestChannel(10);
    TestChannel quarantine = new TestChannel(10);
    var routed = Pipelines.multiplexing("sluice.disposition", Map.of("batched", main.getName(),
        "throttled", quarantine.getName()), main, Map.of(), main, quarantine).getSelector();
    assertEquals(List.of(main), DeferredRoomCheck.channelsOfBatchedEvents(routed));
    var all = Pipelines.replicating(Map.of(), main, quarantine).getSelector();
    assertEquals(List.of(main, quarantine), DeferredRoomCheck.channelsOfBatchedEvents(all));
  }
}
