package io.sluice.source.delivery;

import io.sluice.core.Disposition;
import io.sluice.core.Headers;
import io.sluice.core.pipeline.DeferredRoom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flume.Channel;
import org.apache.flume.ChannelSelector;
import org.apache.flume.Event;
import org.apache.flume.event.EventBuilder;
import org.apache.flume.interceptor.Interceptor;

/**
 * What a source checks at start: that the channels its {@code batched} events go to can hold as
 * many deferred events as its interceptor may grant. Otherwise those events are refused by the
 * channel although they were within their limits, and the sender is pushed back for nothing.
 */
final class DeferredRoomCheck {

  private DeferredRoomCheck() {}

  /**
   * The channels the selector sends a {@code batched} event to: all of them, unless it routes on
   * {@code sluice.disposition} (as the README's quarantine does), when only those mapped to it.
   */
  static List<Channel> channelsOfBatchedEvents(ChannelSelector selector) {
    Event probe = EventBuilder.withBody(new byte[0],
        Map.of(Headers.DISPOSITION, Disposition.BATCHED.value()));
    List<Channel> out = new ArrayList<>(selector.getRequiredChannels(probe));
    for (Channel c : selector.getOptionalChannels(probe)) {
      if (!out.contains(c)) {
        out.add(c);
      }
    }
    return out;
  }

  /**
   * Where an interceptor may grant more deferred room than a channel has: those events would be
   * refused by the channel although they were within their limits.
   */
  static List<String> shortfalls(List<Interceptor> interceptors, List<Channel> channels) {
    long granted = 0;
    for (Interceptor i : interceptors) {
      if (i instanceof DeferredRoom d) {
        granted = Math.max(granted, d.deferredRoom());
      }
    }
    List<String> out = new ArrayList<>();
    for (Channel c : channels) {
      if (granted > 0 && c instanceof DeferredRoom d && d.deferredRoom() < granted) {
        out.add("its interceptor may defer up to " + granted + " events (defer.maxEvents) but channel "
            + c.getName() + " holds at most " + d.deferredRoom() + " (deferred.capacity): when it"
            + " fills, batches are refused although their events are within their limits; raise"
            + " deferred.capacity or lower defer.maxEvents");
      }
    }
    return out;
  }
}
