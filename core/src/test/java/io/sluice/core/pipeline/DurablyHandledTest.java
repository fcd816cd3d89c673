package io.sluice.core.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.flume.Event;
import org.apache.flume.event.EventBuilder;
import org.junit.jupiter.api.Test;

class DurablyHandledTest {

  private static Event event(String body) {
    return EventBuilder.withBody(body, StandardCharsets.UTF_8);
  }

  @Test
  void listenersHearOfHandledEventsUntilTheirRegistrationCloses() {
    assertFalse(DurablyHandled.listening());
    List<String> heard = new ArrayList<>();
    try (DurablyHandled.Registration r = DurablyHandled.listen((sink, events) ->
        events.forEach(e -> heard.add(sink + ":" + new String(e.getBody(), StandardCharsets.UTF_8))))) {
      assertTrue(DurablyHandled.listening());
      DurablyHandled.report("k1", List.of(event("a"), event("b")));
      DurablyHandled.report("k2", List.of());
      DurablyHandled.report("k2", List.of(event("c")));
    }
    assertFalse(DurablyHandled.listening());
    DurablyHandled.report("k1", List.of(event("after")));
    assertEquals(List.of("k1:a", "k1:b", "k2:c"), heard);
  }

  @Test
  void aFailingListenerNeitherStopsTheOthersNorTheSink() {
    List<Integer> sizes = new ArrayList<>();
    try (DurablyHandled.Registration failing = DurablyHandled.listen((sink, events) -> {
          throw new IllegalStateException("broken listener");
        });
        DurablyHandled.Registration counting = DurablyHandled.listen((sink, events) -> sizes.add(events.size()))) {
      DurablyHandled.report("k1", List.of(event("a"), event("b"), event("c")));
    }
    assertEquals(List.of(3), sizes);
  }
}
