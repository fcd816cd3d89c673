package io.sluice.source.hec;

import java.util.List;

/**
 * What a request's body came to: the events read, in order, up to the first that could not be
 * (Splunk's partial batch: those before it are accepted), and then why, with its 0-based number.
 *
 * @param refusal null when every event was read
 * @param refusedAt the number of the first event not read (the {@code invalid-event-number})
 */
record RequestBody(List<HecEvent> events, HecReply refusal, int refusedAt) {

  static RequestBody whole(List<HecEvent> events) {
    return new RequestBody(List.copyOf(events), null, -1);
  }

  static RequestBody partial(List<HecEvent> events, HecReply why) {
    return new RequestBody(List.copyOf(events), why, events.size());
  }

  boolean isWhole() {
    return refusal == null;
  }
}
