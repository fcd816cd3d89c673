package io.sluice.sink.write;

import java.io.IOException;

/**
 * Turns a batch of documents into a file's bytes: one line per document, then whatever closes a
 * batch (nothing for plain NDJSON, a gzip member's trailer for gzip), so that the file's length
 * after each {@link #endBatch} is a point it can be truncated back to and still be read whole.
 */
interface BatchEncoder {

  /** Adds {@code document} and a line end to the batch under way. */
  void append(byte[] document) throws IOException;

  /** Closes the batch and hands all of it to the file channel. */
  void endBatch() throws IOException;

  /** Forgets the batch under way; the caller truncates the file back. */
  void discardBatch();

  /** Frees what the encoder holds outside the heap. */
  void release();

  static BatchEncoder of(Compression compression, ChannelOutput out) {
    return compression == Compression.GZIP ? new GzipBatches(out) : new PlainLines(out);
  }
}
