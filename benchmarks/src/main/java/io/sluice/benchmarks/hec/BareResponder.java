package io.sluice.benchmarks.hec;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * The floor of the HEC benchmark: an HTTP/1.1 server that does nothing but answer. It reads each
 * request's head and skips its body, then writes HEC's success answer; no JSON, no events, no
 * channel. One blocking thread per connection, the cheapest way to answer a few keep-alive clients
 * that each wait for their answer. What the benchmark's clients reach against it bounds what any
 * source can reach on this machine with these clients: the sockets' and the threads' cost alone.
 *
 * <p>Usage: {@code BareResponder PORT}; runs until killed.
 */
public final class BareResponder {

  private static final byte[] ANSWER = ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
      + "Content-Length: 27\r\n\r\n{\"text\":\"Success\",\"code\":0}").getBytes(StandardCharsets.US_ASCII);

  public static void main(String[] args) throws IOException {
    try (ServerSocket server = new ServerSocket(Integer.parseInt(args[0]), 64, InetAddress.getLoopbackAddress())) {
      System.out.println("listening on " + server.getLocalPort());
      while (true) {
        Socket s = server.accept();
        Thread t = new Thread(() -> serve(s), "conn-" + s.getPort());
        t.setDaemon(true);
        t.start();
      }
    }
  }

  private static void serve(Socket s) {
    try (s) {
      s.setTcpNoDelay(true);
      InputStream in = new BufferedInputStream(s.getInputStream(), 65536);
      OutputStream out = s.getOutputStream();
      byte[] skip = new byte[65536];
      while (true) {
        long length = readHead(in);
        if (length < 0) {
          return;
        }
        while (length > 0) {
          int r = in.read(skip, 0, (int) Math.min(length, skip.length));
          if (r < 0) {
            return;
          }
          length -= r;
        }
        out.write(ANSWER);
        out.flush();
      }
    } catch (IOException e) {
      // the client left
    }
  }

  /** Reads a request's head; returns its Content-Length (0 without one), or -1 at the end of input. */
  private static long readHead(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    long length = 0;
    for (int c; (c = in.read()) >= 0; ) {
      if (c != '\n') {
        line.append((char) c);
        continue;
      }
      int n = line.length() > 0 && line.charAt(line.length() - 1) == '\r' ? line.length() - 1 : line.length();
      if (n == 0) {
        return length;
      }
      if (n > 15 && line.substring(0, 15).equalsIgnoreCase("content-length:")) {
        length = Long.parseLong(line.substring(15, n).trim());
      }
      line.setLength(0);
    }
    return -1;
  }
}
