package io.sluice.tools.load;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;

/**
 * Syslog over UDP: one datagram per event from this sender's own socket (bound to its source
 * address). A send that fails (no route, port unreachable reported by an earlier datagram) counts
 * as {@code error}; what the network drops silently is for the report to find.
 */
final class UdpSender implements EventSender {

  private final Clock clock;
  private final SyslogLines lines;
  private final RunOfEvents run;
  private final DatagramSocket socket;

  UdpSender(Target target, InetAddress source, Clock clock, SyslogLines lines, Recorder recorder, int sender)
      throws SocketException {
    this.clock = clock;
    this.lines = lines;
    this.run = new RunOfEvents(recorder, sender);
    this.socket = new DatagramSocket(new InetSocketAddress(source, 0));
    // connected: the kernel reports an ICMP port unreachable to the next send, which counts it
    socket.connect(new InetSocketAddress(target.host(), target.port()));
  }

  @Override
  public void send(long firstSeq, int count) {
    for (long seq = firstSeq; seq < firstSeq + count; seq++) {
      long now = clock.epochMillis();
      byte[] line = lines.line(seq, now);
      Outcome o = Outcome.OK;
      try {
        socket.send(new DatagramPacket(line, line.length));
      } catch (IOException e) {
        o = Outcome.ERROR;
      }
      run.add(seq, now, o);
    }
    run.flush();
  }

  @Override
  public int chunk() {
    return 1024;
  }

  @Override
  public void close() {
    run.flush();
    socket.close();
  }
}
