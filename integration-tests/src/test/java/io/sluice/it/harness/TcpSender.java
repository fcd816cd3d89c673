package io.sluice.it.harness;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A plain TCP connection to 127.0.0.1:port from a chosen loopback address (all of 127/8 is
 * loopback on Linux, so each address is a distinct sender for per-address limits).
 */
public final class TcpSender implements AutoCloseable {

  private final Socket socket;
  private final OutputStream out;
  private final InputStream in;

  private TcpSender(Socket socket) throws IOException {
    this.socket = socket;
    this.out = socket.getOutputStream();
    this.in = socket.getInputStream();
  }

  /** Connects from {@code fromAddress} (an ephemeral port) to 127.0.0.1:{@code port}. */
  public static TcpSender open(String fromAddress, int port) {
    Socket s = new Socket();
    try {
      s.setTcpNoDelay(true);
      s.bind(new InetSocketAddress(InetAddress.getByName(fromAddress), 0));
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
      return new TcpSender(s);
    } catch (IOException e) {
      try {
        s.close();
      } catch (IOException ignored) {
        // nothing more to release
      }
      throw new UncheckedIOException("connect from " + fromAddress + " to port " + port, e);
    }
  }

  /** An RFC 6587 octet-counted frame: the UTF-8 length of {@code message}, a space, the message. */
  public static String octet(String message) {
    return message.getBytes(StandardCharsets.UTF_8).length + " " + message;
  }

  /** Writes {@code text} as UTF-8 and flushes it to the socket. */
  public void send(String text) {
    send(text.getBytes(StandardCharsets.UTF_8));
  }

  public void send(byte[] bytes) {
    try {
      out.write(bytes);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes without throwing; false if the connection is gone (closed or reset by the peer). */
  public boolean trySend(byte[] bytes) {
    try {
      out.write(bytes);
      out.flush();
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * True if the peer has closed (or reset) the connection: a read within {@code waitMillis} sees the
   * end of the stream or an error. Data the peer sent, if any, is consumed.
   */
  public boolean closedByPeer(int waitMillis) {
    try {
      socket.setSoTimeout(Math.max(1, waitMillis));
      byte[] buf = new byte[4096];
      while (true) {
        int n = in.read(buf);
        if (n < 0) {
          return true;
        }
      }
    } catch (SocketTimeoutException stillOpen) {
      return false;
    } catch (SocketException reset) {
      return true;
    } catch (IOException e) {
      return true;
    }
  }

  public int localPort() {
    return socket.getLocalPort();
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }
}
