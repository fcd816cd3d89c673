package io.sluice.sink.write;

/**
 * One request of a batch to HEC's {@code /event} endpoint: its body as sent (gzip-compressed when
 * the writer compresses) and how far its delivery has come, so that a request the far side has
 * accepted is never sent again within the batch, unless its acknowledgement times out.
 */
final class HecRequest {

  final byte[] body;
  final int events;
  /** Its envelopes, uncompressed, so that a part of it can go again on its own. */
  final java.util.List<byte[]> envelopes;
  /** The place of its first envelope among the batch's, so that a refused event can be named. */
  final int first;
  /** Others took its place (its events after a refused one, or its halves): not awaited itself. */
  boolean replaced;

  /** The far side answered 200 with code 0. */
  boolean accepted;
  /** With acknowledgements: the id the far side gave it, and when it was (last) sent. */
  long ackId = -1;
  long acceptedAtNanos;
  /** With acknowledgements: its ackId has read true; without, the same as accepted. */
  boolean delivered;

  HecRequest(byte[] body, java.util.List<byte[]> envelopes, int first) {
    this.body = body;
    this.events = envelopes.size();
    this.envelopes = envelopes;
    this.first = first;
  }

  /** It goes out again (its ack timed out): a new ackId will come with the new acceptance. */
  void resend() {
    accepted = false;
    ackId = -1;
  }
}
