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

  private final int maxEvents;
  private final boolean gzip;
  private final ByteArrayOutputStream scratch = new ByteArrayOutputStream(1024);
  private List<byte[]> open = new ArrayList<>();
  /** Envelopes added since the last clear: the place in the batch of the next one. */
  private int added;
  private final List<HecRequest> sealed = new ArrayList<>();

  HecBatch(int maxEvents, boolean gzip) {
    if (maxEvents < 1) {
      throw new IllegalArgumentException("maxEvents < 1: " + maxEvents);
    }
    this.maxEvents = maxEvents;
    this.gzip = gzip;
  }

  void add(byte[] document, Map<String, String> headers) throws IOException {
    scratch.reset();
    HecEnvelope.write(scratch, document, headers);
    open.add(scratch.toByteArray());
    added++;
    if (open.size() == maxEvents) {
      seal();
    }
  }

  /** The batch's requests, in order, a list the writer may add to; seals the last one. */
  List<HecRequest> requests() throws IOException {
    if (!open.isEmpty()) {
      seal();
    }
    return sealed;
  }

  /** Forgets everything added. */
  void clear() {
    sealed.clear();
    open = new ArrayList<>();
    added = 0;
  }

  private void seal() throws IOException {
    sealed.add(request(open, added - open.size(), gzip));
    open = new ArrayList<>();
  }

  /**
   * A request of these envelopes, one a line (Splunk allows whitespace between them); {@code
   * first} is the place of the first in the batch.
   */
  static HecRequest request(List<byte[]> envelopes, int first, boolean gzip) throws IOException {
    int size = 0;
    for (byte[] e : envelopes) {
      size += e.length + 1;
    }
    ByteArrayOutputStream raw = new ByteArrayOutputStream(size);
    for (byte[] e : envelopes) {
      raw.write(e);
      raw.write('\n');
    }
    return new HecRequest(gzip ? gzip(raw) : raw.toByteArray(), envelopes, first);
  }

  static byte[] gzip(ByteArrayOutputStream raw) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(raw.size() / 4 + 64);
    try (GZIPOutputStream z = new GZIPOutputStream(out, 8192)) {
      raw.writeTo(z);
    }
    return out.toByteArray();
  }
}
