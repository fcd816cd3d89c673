package io.sluice.tools.load;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * Where to send: {@code udp://HOST:PORT}, {@code tcp://HOST:PORT}, {@code tls://HOST:PORT}, or HEC
 * as {@code hec://HOST:PORT/services/collector/event} (or {@code .../raw}; plain HTTP) and
 * {@code hecs://...} (HTTPS); {@code http://} and {@code https://} are read as hec and hecs.
 */
record Target(Kind kind, String host, int port, String path) {

  enum Kind {
    UDP, TCP, TLS, HEC, HECS;

    boolean hec() {
      return this == HEC || this == HECS;
    }

    boolean tls() {
      return this == TLS || this == HECS;
    }
  }

  static final String EVENT = "/services/collector/event";
  static final String RAW = "/services/collector/raw";
  static final String ACK = "/services/collector/ack";

  static Target parse(String text) {
    URI uri;
    try {
      uri = new URI(text.strip());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("target '" + text + "' is not a URL: " + e.getMessage());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    Kind kind = switch (scheme) {
      case "udp" -> Kind.UDP;
      case "tcp" -> Kind.TCP;
      case "tls" -> Kind.TLS;
      case "hec", "http" -> Kind.HEC;
      case "hecs", "https" -> Kind.HECS;
      default -> throw new IllegalArgumentException("target '" + text + "': expected udp://, tcp://, tls://,"
          + " hec:// (http://) or hecs:// (https://) followed by HOST:PORT");
    };
    if (uri.getHost() == null || uri.getPort() < 0) {
      throw new IllegalArgumentException("target '" + text + "' needs a host and a port, e.g. "
          + scheme + "://127.0.0.1:" + (kind.hec() ? "8088" : "5140"));
    }
    String path = uri.getPath() == null || uri.getPath().isEmpty() ? "" : uri.getPath();
    if (kind.hec()) {
      if (path.isEmpty() || path.equals("/") || path.equals("/services/collector")) {
        path = EVENT;
      }
      if (!path.equals(EVENT) && !path.equals(RAW)) {
        throw new IllegalArgumentException("target '" + text + "': the HEC path must be " + EVENT + " or " + RAW);
      }
    } else if (!path.isEmpty() && !path.equals("/")) {
      throw new IllegalArgumentException("target '" + text + "': a syslog target has no path");
    }
    String host = uri.getHost();
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1); // URI keeps an IPv6 address's brackets
    }
    return new Target(kind, host, uri.getPort(), path);
  }

  boolean raw() {
    return RAW.equals(path);
  }

  /** Whether the target is on this machine's loopback (so 127.0.0.x source addresses reach it). */
  /** An IPv4 loopback address (127.0.0.0/8): senders may bind to 127.0.0.x to reach it. */
  boolean loopback() {
    try {
      InetAddress a = InetAddress.getByName(host);
      return a.isLoopbackAddress() && a instanceof java.net.Inet4Address;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** As run.properties records it. */
  @Override
  public String toString() {
    return kind.name().toLowerCase(Locale.ROOT) + "://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + path;
  }
}
