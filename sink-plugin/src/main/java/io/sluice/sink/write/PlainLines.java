package io.sluice.sink.write;

import java.io.IOException;

/** NDJSON as it is: each document, then {@code '\n'}. */
final class PlainLines implements BatchEncoder {

  private final ChannelOutput out;

  PlainLines(ChannelOutput out) {
    this.out = out;
  }

  @Override
  public void append(byte[] document) throws IOException {
    out.write(document, 0, document.length);
    out.write((byte) '\n');
  }

  @Override
  public void endBatch() throws IOException {
    out.flush();
  }

  @Override
  public void discardBatch() {
    out.discard();
  }

  @Override
  public void release() {}
}
