package io.sluice.core.limit;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** The script's answer: whole numbers sent as little-endian doubles, read in order. */
final class SharedAnswer {

  private final ByteBuffer doubles;

  SharedAnswer(byte[] answer) {
    this.doubles = ByteBuffer.wrap(answer).order(ByteOrder.LITTLE_ENDIAN);
  }

  long next() {
    return (long) doubles.getDouble();
  }

  int nextInt() {
    return (int) doubles.getDouble();
  }
}
