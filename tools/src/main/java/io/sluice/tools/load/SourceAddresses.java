package io.sluice.tools.load;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The source address of each sender, so that per-IP limits see the senders apart: those given with
 * {@code --bind} (one per sender), else, for a loopback target, 127.0.0.(i+1) for sender i (Linux
 * routes all of 127/8 to the loopback interface; macOS only has 127.0.0.1 unless aliases are added),
 * else none (null: the system chooses, and the senders share this machine's address).
 */
final class SourceAddresses {

  private SourceAddresses() {}

  static List<InetAddress> of(Target target, int senders, List<String> bind) {
    List<InetAddress> out = new ArrayList<>(senders);
    if (bind != null && !bind.isEmpty()) {
      if (bind.size() != senders) {
        throw new IllegalArgumentException("--bind gives " + bind.size() + " addresses for " + senders
            + " senders: give one for each (--senders " + bind.size() + ")");
      }
      for (String a : bind) {
        try {
          out.add(InetAddress.getByName(a.strip()));
        } catch (UnknownHostException e) {
          throw new IllegalArgumentException("--bind: '" + a + "' is not an address");
        }
      }
      return out;
    }
    boolean loopback = target.loopback();
    if (loopback && senders > 254) {
      throw new IllegalArgumentException("at most 254 senders on loopback (127.0.0.1 to 127.0.0.254)");
    }
    for (int i = 0; i < senders; i++) {
      out.add(loopback ? loopbackAddress(i) : null);
    }
    return out;
  }

  static InetAddress loopbackAddress(int sender) {
    try {
      return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) (sender + 1)});
    } catch (UnknownHostException e) {
      throw new AssertionError(e); // four bytes are always an address
    }
  }
}
