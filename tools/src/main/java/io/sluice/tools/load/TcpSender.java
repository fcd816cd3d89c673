package io.sluice.tools.load;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * Syslog over TCP or TLS: this sender's own connection (from its source address), messages framed
 * by LF or octet counting, written through a buffer flushed once per chunk. A write the receiver
 * holds up blocks, and the sender slows: pushback is never counted for TCP. A connection that fails
 * marks the events of that chunk {@code error} (some of them may have arrived) and is opened again
 * for the next chunk.
 */
final class TcpSender implements EventSender {

  private final Target target;
  private final InetAddress source;
  private final Tls tls; // null: plain TCP
  private final Framing framing;
  private final Clock clock;
  private final SyslogLines lines;
  private final Recorder recorder;
  private final int sender;
  private volatile Socket socket; // volatile: abort() reads it from the watchdog
  private OutputStream out;

  TcpSender(Target target, InetAddress source, Tls tls, Framing framing, Clock clock, SyslogLines lines,
      Recorder recorder, int sender) {
    this.target = target;
    this.source = source;
    this.tls = tls;
    this.framing = framing;
    this.clock = clock;
    this.lines = lines;
    this.recorder = recorder;
    this.sender = sender;
  }

  @Override
  public void send(long firstSeq, int count) {
    long now = clock.epochMillis(); // one timestamp for the chunk: it goes in one write
    try {
      if (out == null) {
        connect();
      }
      for (long seq = firstSeq; seq < firstSeq + count; seq++) {
        framing.write(out, lines.line(seq, now));
      }
      out.flush();
      recorder.sent(sender, firstSeq, count, now, Outcome.OK);
    } catch (IOException e) {
      disconnect();
      recorder.sent(sender, firstSeq, count, now, Outcome.ERROR);
    }
  }

  private void connect() throws IOException {
    Socket s = new Socket();
    try {
      if (source != null) {
        s.bind(new InetSocketAddress(source, 0));
      }
      s.connect(new InetSocketAddress(target.host(), target.port()), 5000);
      s.setTcpNoDelay(true);
      socket = tls == null ? s : tls.wrap(s, target.host(), target.port());
      out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
    } catch (IOException e) {
      s.close();
      throw e;
    }
  }

  @Override
  public void abort() {
    Socket s = socket; // only closed here: the sending thread clears the fields when its write fails
    if (s != null) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing to unblock: nothing more to learn
      }
    }
  }

  private void disconnect() {
    try {
      if (socket != null) {
        socket.close();
      }
    } catch (IOException ignored) {
      // closing a failed connection: nothing more to learn
    }
    socket = null;
    out = null;
  }

  @Override
  public int chunk() {
    return 256;
  }

  @Override
  public void close() {
    if (out != null) {
      try {
        out.flush();
      } catch (IOException ignored) {
        // the run is over: a last flush that fails changes nothing recorded
      }
    }
    disconnect();
  }

}
