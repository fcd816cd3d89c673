package io.sluice.tools.load;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** How syslog over TCP delimits messages (RFC 6587). */
enum Framing {
  /** Non-transparent framing: each message ends with LF. */
  LF {
    @Override
    void write(OutputStream out, byte[] message) throws IOException {
      out.write(message);
      out.write('\n');
    }
  },
  /** Octet counting: {@code LENGTH SP MESSAGE}. */
  OCTET {
    @Override
    void write(OutputStream out, byte[] message) throws IOException {
      out.write((message.length + " ").getBytes(StandardCharsets.US_ASCII));
      out.write(message);
    }
  };

  abstract void write(OutputStream out, byte[] message) throws IOException;
}
