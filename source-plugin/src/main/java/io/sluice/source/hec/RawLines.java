package io.sluice.source.hec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Breaks a {@code /raw} body into events by line, as Splunk's default {@code LINE_BREAKER
 * ([\r\n]+)} does: a line ends at LF, CR or CRLF, and empty lines are no events. Every event takes
 * the request's metadata. Bounded as {@link EnvelopeReader} is.
 */
final class RawLines {

  private final BodyLimits limits;

  RawLines(BodyLimits limits) {
    this.limits = limits;
  }

  RequestBody read(byte[] body, Metadata d) {
    List<HecEvent> events = new ArrayList<>();
    int start = 0;
    for (int i = 0; i <= body.length; i++) {
      if (i < body.length && body[i] != '\n' && body[i] != '\r') {
        continue;
      }
      if (i > start) {
        if (events.size() >= limits.maxEvents() || i - start > limits.maxEventBytes()) {
          return RequestBody.partial(events, HecReply.INVALID_DATA_FORMAT);
        }
        events.add(new HecEvent(Arrays.copyOfRange(body, start, i), false, d.timeMillis(), d.host(),
            d.source(), d.sourcetype(), d.index(), null));
      }
      start = i + 1;
    }
    return RequestBody.whole(events);
  }
}
