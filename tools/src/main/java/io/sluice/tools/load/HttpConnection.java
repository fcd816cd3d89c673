package io.sluice.tools.load;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A minimal HTTP/1.1 client over one kept-alive connection from a chosen source address. The JDK's
 * HttpClient cannot bind a local address before Java 19, and per-IP limits must see each sender
 * apart, hence this. POST only, bodies of a known length; answers with a length, chunked or up to
 * the close. Not thread-safe: one per sender (and one per ack poller).
 */
final class HttpConnection implements AutoCloseable {

  /** An answer: status, headers (names in lower case), body. */
  record Response(int status, Map<String, String> headers, byte[] body) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private static final int TIMEOUT_MILLIS = 30_000;

  private final String host;
  private final int port;
  private final InetAddress source; // null: the system chooses
  private final Tls tls; // null: plain HTTP
  private Socket socket;
  private OutputStream out;
  private InputStream in;

  HttpConnection(Target target, InetAddress source, Tls tls) {
    this.host = target.host();
    this.port = target.port();
    this.source = source;
    this.tls = tls;
  }

  /**
   * POSTs a body. A kept-alive connection the server closed meanwhile fails before any answer: then
   * the request goes once more on a new connection (it cannot have been handled). A timeout or a
   * failure once the answer began is not retried: the request may have been handled.
   */
  Response post(String path, Map<String, String> headers, byte[] body) throws IOException {
    boolean reused = socket != null;
    try {
      return exchange(path, headers, body);
    } catch (IOException e) {
      close();
      if (!reused || e instanceof AnsweredException || e instanceof SocketTimeoutException) {
        throw e;
      }
      return exchange(path, headers, body);
    }
  }

  private Response exchange(String path, Map<String, String> headers, byte[] body) throws IOException {
    if (socket == null) {
      connect();
    }
    StringBuilder h = new StringBuilder(256).append("POST ").append(path).append(" HTTP/1.1\r\n")
        .append("Host: ").append(host).append(':').append(port).append("\r\n")
        .append("Content-Length: ").append(body.length).append("\r\n");
    headers.forEach((k, v) -> h.append(k).append(": ").append(v).append("\r\n"));
    out.write(h.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
    out.write(body);
    out.flush();
    Response r = read();
    if ("close".equalsIgnoreCase(r.header("connection"))) {
      close();
    }
    return r;
  }

  private void connect() throws IOException {
    Socket s = new Socket();
    try {
      if (source != null) {
        s.bind(new InetSocketAddress(source, 0));
      }
      s.connect(new InetSocketAddress(host, port), 5000);
      s.setSoTimeout(TIMEOUT_MILLIS);
      s.setTcpNoDelay(true);
      socket = tls == null ? s : tls.wrap(s, host, port);
      out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
      in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
    } catch (IOException e) {
      s.close();
      socket = null;
      throw e;
    }
  }

  private Response read() throws IOException {
    String status = line(true);
    String[] parts = status.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
      throw new AnsweredException("not an HTTP answer: " + status);
    }
    int code;
    try {
      code = Integer.parseInt(parts[1]);
    } catch (NumberFormatException e) {
      throw new AnsweredException("not an HTTP status: " + status);
    }
    Map<String, String> headers = new HashMap<>();
    for (String l = line(false); !l.isEmpty(); l = line(false)) {
      int colon = l.indexOf(':');
      if (colon > 0) {
        headers.put(l.substring(0, colon).strip().toLowerCase(Locale.ROOT), l.substring(colon + 1).strip());
      }
    }
    byte[] body;
    String length = headers.get("content-length");
    if (code / 100 == 1 || code == 204 || code == 304) {
      body = new byte[0];
    } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      body = chunked();
    } else if (length != null) {
      body = in.readNBytes(Integer.parseInt(length));
    } else {
      body = in.readAllBytes();
      headers.put("connection", "close");
    }
    return new Response(code, headers, body);
  }

  private byte[] chunked() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (;;) {
      String size = line(false);
      int semi = size.indexOf(';');
      int n = Integer.parseInt((semi < 0 ? size : size.substring(0, semi)).strip(), 16);
      if (n == 0) {
        while (!line(false).isEmpty()) {
          // trailers: none expected, skipped
        }
        return b.toByteArray();
      }
      b.write(in.readNBytes(n));
      line(false);
    }
  }

  /** A line up to CRLF; at the very start of an answer, an end of stream is a stale connection. */
  private String line(boolean first) throws IOException {
    StringBuilder b = new StringBuilder(64);
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) {
        if (first && b.length() == 0) {
          throw new EOFException("connection closed before an answer");
        }
        throw new AnsweredException("connection closed in the middle of an answer");
      }
      if (c != '\r') {
        b.append((char) c);
      }
    }
    return b.toString();
  }

  @Override
  public void close() {
    try {
      if (socket != null) {
        socket.close();
      }
    } catch (IOException ignored) {
      // nothing to do about a close that fails
    }
    socket = null;
    out = null;
    in = null;
  }

  /** A failure once the server had begun to answer: the request must not be sent again. */
  static final class AnsweredException extends IOException {
    AnsweredException(String message) {
      super(message);
    }
  }
}
