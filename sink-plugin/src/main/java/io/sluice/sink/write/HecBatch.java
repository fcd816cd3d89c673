package io.sluice.sink.write;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * A Flume batch turned into HEC request bodies: envelopes, one per line, at most {@code maxEvents}
 * per request, each body compressed with gzip when asked. A request is sealed (and compressed) as
 * soon as it is full, so that the work is spread over the appends rather than all at commit.
 */
final class HecBatch {

  /** A body buffer grown beyond this by large events is dropped, not kept between batches. */
  private static final int KEPT_BYTES = 1 << 20;

  private final int maxEvents;
  private final boolean gzip;
  private ByteArrayOutputStream open = new ByteArrayOutputStream(16 * 1024);
  private int openEvents;
  private final List<HecRequest> sealed = new ArrayList<>();

  HecBatch(int maxEvents, boolean gzip) {
    if (maxEvents < 1) {
      throw new IllegalArgumentException("maxEvents < 1: " + maxEvents);
    }
    this.maxEvents = maxEvents;
    this.gzip = gzip;
  }

  void add(byte[] document, Map<String, String> headers) throws IOException {
    HecEnvelope.write(open, document, headers);
    // Splunk allows whitespace between envelopes; a line each reads better in a capture.
    open.write('\n');
    if (++openEvents == maxEvents) {
      seal();
    }
  }

  /** The batch's requests, in order; seals the last one. Empty when nothing was added. */
  List<HecRequest> requests() throws IOException {
    if (openEvents > 0) {
      seal();
    }
    return sealed;
  }

  /** Forgets everything added. */
  void clear() {
    sealed.clear();
    reset();
  }

  private void seal() throws IOException {
    byte[] body = gzip ? gzip(open) : open.toByteArray();
    sealed.add(new HecRequest(body, openEvents));
    reset();
  }

  private void reset() {
    openEvents = 0;
    if (open.size() > KEPT_BYTES) {
      open = new ByteArrayOutputStream(16 * 1024);
    } else {
      open.reset();
    }
  }

  static byte[] gzip(ByteArrayOutputStream raw) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(raw.size() / 4 + 64);
    try (GZIPOutputStream z = new GZIPOutputStream(out, 8192)) {
      raw.writeTo(z);
    }
    return out.toByteArray();
  }
}
