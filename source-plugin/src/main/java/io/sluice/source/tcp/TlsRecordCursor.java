package io.sluice.source.tcp;

import io.netty.buffer.ByteBuf;

/**
 * Follows the boundaries of TLS records in a byte stream that arrives cut anywhere. A record is a
 * five-byte header — content type, legacy version (two bytes), body length (two bytes) — and then
 * that many bytes of body (RFC 5246 §6.2.1, RFC 8446 §5.1). The header is in clear in every
 * version, also once the session is encrypted. Only headers are read; no bytes are kept.
 */
final class TlsRecordCursor {

  static final int HEADER_BYTES = 5;
  /** Content type of handshake records. */
  static final int HANDSHAKE = 22;

  private int headerRead; // bytes of the current record's header read so far, 0 between records
  private int type = -1; // the current (or just ended) record's content type
  private int bodyLeft; // while headerRead == HEADER_BYTES: body bytes still to come

  /**
   * Moves over {@code buf}'s bytes from {@code index} towards {@code end}, stopping early where the
   * current record ends, and returns where it stopped. A call therefore starts at most one record:
   * its content type is {@link #type()} when the call returns.
   */
  int advance(ByteBuf buf, int index, int end) {
    while (index < end) {
      if (headerRead < HEADER_BYTES) {
        int b = buf.getUnsignedByte(index++);
        switch (headerRead++) {
          case 0 -> type = b;
          case 3 -> bodyLeft = b << 8;
          case 4 -> {
            bodyLeft |= b;
            if (bodyLeft == 0) {
              headerRead = 0;
              return index;
            }
          }
          default -> { } // the legacy version: not needed
        }
      } else {
        int n = Math.min(bodyLeft, end - index);
        index += n;
        bodyLeft -= n;
        if (bodyLeft == 0) {
          headerRead = 0;
          return index;
        }
      }
    }
    return index;
  }

  /** True between records: the last record read has ended and the next has not begun. */
  boolean betweenRecords() {
    return headerRead == 0;
  }

  /** Content type of the record being read, or of the one just ended; -1 before any. */
  int type() {
    return type;
  }
}
