package io.sluice.source.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TlsRecordCursorTest {

  private static byte[] record(int type, int bodyLength) {
    byte[] r = new byte[5 + bodyLength];
    r[0] = (byte) type;
    r[1] = 3;
    r[2] = 3;
    r[3] = (byte) (bodyLength >> 8);
    r[4] = (byte) bodyLength;
    for (int i = 5; i < r.length; i++) {
      r[i] = (byte) HANDSHAKE_LOOKALIKE; // body bytes that look like headers must not be taken for one
    }
    return r;
  }

  private static final int HANDSHAKE_LOOKALIKE = 22;

  /** The content types of the records started, read in pieces of {@code piece} bytes. */
  private static List<Integer> typesStarted(byte[] stream, int piece) {
    TlsRecordCursor cursor = new TlsRecordCursor();
    List<Integer> types = new ArrayList<>();
    for (int from = 0; from < stream.length; from += piece) {
      ByteBuf buf = Unpooled.wrappedBuffer(stream, from, Math.min(piece, stream.length - from));
      int i = buf.readerIndex();
      while (i < buf.writerIndex()) {
        boolean starts = cursor.betweenRecords();
        i = cursor.advance(buf, i, buf.writerIndex());
        if (starts) {
          types.add(cursor.type());
        }
      }
    }
    return types;
  }

  private static byte[] concat(byte[]... parts) {
    ByteBuf all = Unpooled.wrappedBuffer(parts);
    byte[] out = new byte[all.readableBytes()];
    all.readBytes(out);
    return out;
  }

  @Test
  void findsEveryRecordWhereverTheStreamIsCut() {
    byte[] stream = concat(record(23, 300), record(21, 2), record(23, 0), record(22, 40), record(23, 17000));
    for (int piece = 1; piece <= stream.length; piece = piece < 16 ? piece + 1 : piece * 2) {
      assertEquals(List.of(23, 21, 23, 22, 23), typesStarted(stream, piece), "pieces of " + piece);
    }
  }

  @Test
  void stopsAtTheEndOfEachRecord() {
    ByteBuf buf = Unpooled.wrappedBuffer(concat(record(23, 10), record(22, 4)));
    TlsRecordCursor cursor = new TlsRecordCursor();
    assertEquals(15, cursor.advance(buf, 0, buf.writerIndex()));
    assertEquals(true, cursor.betweenRecords());
    assertEquals(24, cursor.advance(buf, 15, buf.writerIndex()));
    assertEquals(22, cursor.type());
  }
}
