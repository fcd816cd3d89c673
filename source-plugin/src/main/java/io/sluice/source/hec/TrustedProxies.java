package io.sluice.source.hec;

import io.netty.util.NetUtil;
import io.sluice.core.config.ConfigValues;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code trustedProxies}: the addresses (or CIDR ranges) of the load balancers in front of the
 * source. A request from one of them is taken to come from the address its {@code X-Forwarded-For}
 * names: the right-most address there that is not itself a trusted proxy (each proxy appends the
 * address it was reached from, so only the part the trusted ones wrote can be believed). A request
 * from anywhere else comes from its peer, whatever it claims: a sender must not be able to pick the
 * address that keys its limits. Only address literals are read, never names (no DNS). Thread-safe.
 */
public final class TrustedProxies {

  private static final TrustedProxies NONE = new TrustedProxies(List.of());
  private static final Pattern LITERAL = Pattern.compile("[0-9A-Fa-f:.]+");

  private record Range(byte[] network, int bits) {
    boolean contains(byte[] a) {
      if (a.length != network.length) {
        return false;
      }
      int full = bits / 8;
      for (int i = 0; i < full; i++) {
        if (a[i] != network[i]) {
          return false;
        }
      }
      int rest = bits % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xFF << (8 - rest)) & 0xFF;
      return (a[full] & mask) == (network[full] & mask);
    }
  }

  private final List<Range> ranges;

  private TrustedProxies(List<Range> ranges) {
    this.ranges = List.copyOf(ranges);
  }

  /** {@code none}, or addresses and CIDR ranges separated by spaces or commas. */
  public static TrustedProxies parse(String key, String text) {
    String t = text == null ? "" : text.trim();
    if (t.isEmpty() || t.equalsIgnoreCase("none")) {
      return NONE;
    }
    List<Range> ranges = new ArrayList<>();
    for (String part : t.split("[\\s,]+")) {
      int slash = part.indexOf('/');
      byte[] address = literal(slash < 0 ? part : part.substring(0, slash));
      int bits;
      try {
        bits = slash < 0 ? (address == null ? -1 : address.length * 8) : Integer.parseInt(part.substring(slash + 1));
      } catch (NumberFormatException e) {
        bits = -1;
      }
      if (address == null || bits < 0 || bits > address.length * 8) {
        throw ConfigValues.invalid(key, text, "none, or IP addresses and CIDR ranges such as 10.0.0.0/8 or"
            + " 2001:db8::/32 (" + part + " is not one)");
      }
      ranges.add(new Range(address, bits));
    }
    return new TrustedProxies(ranges);
  }

  /** The client's address: the peer's, or for a trusted peer what its X-Forwarded-For says. */
  public String clientOf(String peer, String forwardedFor) {
    if (ranges.isEmpty() || forwardedFor == null || !trusted(literal(peer))) {
      return peer;
    }
    String[] hops = forwardedFor.split(",");
    String client = peer;
    for (int i = hops.length - 1; i >= 0; i--) {
      String hop = hops[i].trim();
      byte[] a = literal(hop);
      if (a == null) {
        return client; // not an address: nothing further left can be believed
      }
      client = hop;
      if (!trusted(a)) {
        return hop;
      }
    }
    return client; // every hop a trusted proxy: the left-most
  }

  private boolean trusted(byte[] address) {
    if (address == null) {
      return false;
    }
    for (Range r : ranges) {
      if (r.contains(address)) {
        return true;
      }
    }
    return false;
  }

  /** The bytes of an IPv4 or IPv6 literal, or null for anything else (never a DNS lookup). */
  static byte[] literal(String s) {
    if (s == null || s.isEmpty() || !LITERAL.matcher(s).matches()) {
      return null;
    }
    if (s.indexOf(':') < 0) {
      String[] parts = s.split("\\.", -1);
      if (parts.length != 4) {
        return null;
      }
      byte[] a = new byte[4];
      for (int i = 0; i < 4; i++) {
        if (parts[i].isEmpty() || parts[i].length() > 3 || !parts[i].chars().allMatch(Character::isDigit)) {
          return null;
        }
        int v = Integer.parseInt(parts[i]);
        if (v > 255) {
          return null;
        }
        a[i] = (byte) v;
      }
      return a;
    }
    // Netty's parser, not InetAddress.getByName: that looks up as a name whatever does not start
    // like a literal (".:"), from the I/O thread.
    byte[] a = NetUtil.createByteArrayFromIpAddressString(s);
    return a == null ? null : unmapped(a);
  }

  /** An IPv4-mapped IPv6 address ({@code ::ffff:10.0.0.1}) as its IPv4 address, as Java reads it. */
  private static byte[] unmapped(byte[] a) {
    if (a.length != 16 || a[10] != (byte) 0xFF || a[11] != (byte) 0xFF) {
      return a;
    }
    for (int i = 0; i < 10; i++) {
      if (a[i] != 0) {
        return a;
      }
    }
    return Arrays.copyOfRange(a, 12, 16);
  }
}
