package io.sluice.benchmarks.syslog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A syslog load generator for loopback: realistic RFC 5424 messages (about 200 bytes; a few hosts
 * and applications, rotating content), built once as bytes before any sending so that one core
 * can push about 300k datagrams/s.
 *
 * <ul>
 *   <li>UDP: one thread, {@code senders} sockets (one per "host", bound to 127.0.0.11, .12, …, each
 *       connected to the target), one message per datagram, round robin over the sockets, paced
 *       at a given rate in bursts of {@value #UDP_BURST} (the schedule is absolute, so a late burst
 *       is caught up), or unpaced (rate 0).
 *   <li>TCP: {@code connections} threads, each writing a pre-built buffer of whole frames
 *       (LF-terminated, or RFC 6587 octet-counted) over and over, as fast as the receiver takes
 *       them, for a duration. Frames never straddle the stop: the count sent is exact.
 * </ul>
 *
 * <p>Standalone: {@code java -cp benchmarks.jar io.sluice.benchmarks.syslog.SyslogLoad udp PORT
 * RATE COUNT [SENDERS]} or {@code ... tcp PORT lf|octet CONNECTIONS SECONDS}. {@link
 * SourceBenchmark} calls it in-process.
 */
public final class SyslogLoad {

  /** Datagrams sent back to back between two looks at the clock. */
  public static final int UDP_BURST = 32;
  /** Distinct messages; each is sent again after this many. */
  public static final int DISTINCT = 4096;

  private SyslogLoad() {}

  /** How TCP frames are delimited. */
  public enum TcpFraming {
    /** RFC 6587 non-transparent framing: the message, then LF. */
    LF,
    /** RFC 6587 octet counting: the message's length in decimal, a space, the message. */
    OCTET
  }

  /** What a UDP run did: datagrams sent, send errors (ICMP-reported), and for how long. */
  public record UdpResult(long sent, long errors, long nanos, long requestedRate) {
    public double rate() {
      return nanos == 0 ? 0 : sent * 1e9 / nanos;
    }
  }

  /** What a TCP run did: frames and bytes written over all connections, and for how long. */
  public record TcpResult(long frames, long bytes, long nanos, int connections) {
    public double rate() {
      return nanos == 0 ? 0 : frames * 1e9 / nanos;
    }
  }

  // ---------------------------------------------------------------- messages

  private static final String[][] HOSTS = {
    {"web-01.dc1.example.net", "nginx"},
    {"fw-edge-02.dc1.example.net", "filterlog"},
    {"db-03.dc2.example.net", "postgres"},
    {"auth-04.dc2.example.net", "sshd"},
    {"web-05.dc1.example.net", "nginx"},
    {"k8s-node-06.dc3.example.net", "kubelet"},
    {"fw-edge-07.dc3.example.net", "filterlog"},
    {"auth-08.dc1.example.net", "sshd"},
  };
  private static final String[] PATHS = {"/api/v1/items", "/login", "/static/app.js",
    "/api/v2/orders", "/healthz", "/api/v1/users/search"};
  private static final String[] USERS = {"alice", "bob", "svc-backup", "root", "deploy", "carol"};

  /** The host name of sender {@code i} (messages from socket i carry it). */
  public static String host(int i) {
    return HOSTS[i % HOSTS.length][0];
  }

  /**
   * {@code n} distinct RFC 5424 messages (no trailer), for host {@code hostIndex} (or every host
   * in turn when negative), about 180–230 bytes each, timestamps a millisecond apart from {@code
   * base}.
   */
  public static byte[][] messages(int n, int hostIndex, Instant base, long seed) {
    DateTimeFormatter ts = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSXXX", Locale.ROOT)
        .withZone(ZoneOffset.UTC);
    SplittableRandom rnd = new SplittableRandom(seed);
    byte[][] out = new byte[n][];
    for (int i = 0; i < n; i++) {
      int h = hostIndex >= 0 ? hostIndex % HOSTS.length : i % HOSTS.length;
      String host = HOSTS[h][0];
      String app = HOSTS[h][1];
      String time = ts.format(base.plusMillis(i));
      int pid = 1000 + rnd.nextInt(30000);
      String ip = "10." + rnd.nextInt(256) + "." + rnd.nextInt(256) + "." + (1 + rnd.nextInt(254));
      String msg;
      switch (app) {
        case "nginx" -> msg = String.format(Locale.ROOT,
            "<134>1 %s %s nginx %d ACCESS [meta@32473 seq=\"%d\" site=\"dc1\"] %s - - \"GET %s/%d"
                + " HTTP/1.1\" %d %d \"-\" \"Mozilla/5.0 (X11; Linux x86_64)\" rt=0.%03d",
            time, host, pid, i, ip, PATHS[rnd.nextInt(PATHS.length)], rnd.nextInt(100000),
            rnd.nextInt(10) == 0 ? 404 : 200, 200 + rnd.nextInt(50000), rnd.nextInt(1000));
        case "filterlog" -> msg = String.format(Locale.ROOT,
            "<158>1 %s %s filterlog %d FW [meta@32473 seq=\"%d\"] 5,,,1000000103,vtnet0,match,%s,in,4,"
                + "0x0,,64,%d,0,DF,6,tcp,60,%s,192.0.2.%d,%d,%d,0,S,%d,,64240",
            time, host, pid, i, rnd.nextInt(4) == 0 ? "block" : "pass", rnd.nextInt(65536), ip,
            1 + rnd.nextInt(254), 1024 + rnd.nextInt(60000), rnd.nextInt(2) == 0 ? 443 : 22,
            rnd.nextInt(Integer.MAX_VALUE));
        case "postgres" -> msg = String.format(Locale.ROOT,
            "<131>1 %s %s postgres %d - [meta@32473 seq=\"%d\"] [%d-1] user=app,db=orders,client=%s"
                + " LOG:  duration: %d.%03d ms  statement: SELECT id, total FROM orders WHERE id=%d",
            time, host, pid, i, rnd.nextInt(100000), ip, rnd.nextInt(900), rnd.nextInt(1000),
            rnd.nextInt(10000000));
        case "sshd" -> msg = String.format(Locale.ROOT,
            "<38>1 %s %s sshd %d - [meta@32473 seq=\"%d\"] %s password for %s from %s port %d ssh2;"
                + " session %08x, attempt %d of 6",
            time, host, pid, i, rnd.nextInt(3) == 0 ? "Failed" : "Accepted",
            USERS[rnd.nextInt(USERS.length)], ip, 1024 + rnd.nextInt(60000), rnd.nextInt(), 1 + rnd.nextInt(6));
        default -> msg = String.format(Locale.ROOT,
            "<30>1 %s %s kubelet %d - [meta@32473 seq=\"%d\"] I1123 pod_workers.go:%d] \"SyncPod\""
                + " pod=\"shop/cart-%05x\" podUID=%08x-%04x duration=%dms status=running",
            time, host, pid, i, 100 + rnd.nextInt(900), rnd.nextInt(0xfffff), rnd.nextInt(),
            rnd.nextInt(0xffff), rnd.nextInt(500));
      }
      out[i] = msg.getBytes(StandardCharsets.US_ASCII);
    }
    return out;
  }

  /** The mean length of {@code msgs}, in bytes. */
  public static double meanLength(byte[][] msgs) {
    long sum = 0;
    for (byte[] m : msgs) {
      sum += m.length;
    }
    return msgs.length == 0 ? 0 : (double) sum / msgs.length;
  }

  /** Frames {@code msgs} for TCP into one buffer of whole frames (every message once). */
  public static byte[] frames(byte[][] msgs, TcpFraming framing) {
    int size = 0;
    for (byte[] m : msgs) {
      size += m.length + (framing == TcpFraming.LF ? 1 : Integer.toString(m.length).length() + 1);
    }
    ByteBuffer b = ByteBuffer.allocate(size);
    for (byte[] m : msgs) {
      if (framing == TcpFraming.OCTET) {
        b.put(Integer.toString(m.length).getBytes(StandardCharsets.US_ASCII)).put((byte) ' ');
      }
      b.put(m);
      if (framing == TcpFraming.LF) {
        b.put((byte) '\n');
      }
    }
    return b.array();
  }

  // ---------------------------------------------------------------- UDP

  /** The loopback address sender {@code i} binds to: 127.0.0.11, .12, … */
  public static InetAddress senderAddress(int i) {
    try {
      return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) (11 + i)});
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A prepared UDP sender: sockets bound and connected, messages in direct buffers. Reusable for
   * several runs against the same target.
   */
  public static final class Udp implements AutoCloseable {
    private final DatagramChannel[] sockets;
    private final ByteBuffer[][] datagrams; // [socket][message]

    public Udp(InetSocketAddress target, int senders, Instant base) {
      sockets = new DatagramChannel[senders];
      datagrams = new ByteBuffer[senders][];
      try {
        for (int s = 0; s < senders; s++) {
          DatagramChannel ch = DatagramChannel.open();
          sockets[s] = ch;
          ch.setOption(StandardSocketOptions.SO_SNDBUF, 1 << 20);
          ch.bind(new InetSocketAddress(senderAddress(s), 0));
          ch.connect(target);
          byte[][] msgs = messages(DISTINCT / senders, s, base, 42 + s);
          ByteBuffer all = ByteBuffer.allocateDirect(msgs.length * 256 + 65536);
          datagrams[s] = new ByteBuffer[msgs.length];
          for (int i = 0; i < msgs.length; i++) {
            int at = all.position();
            all.put(msgs[i]);
            datagrams[s][i] = all.duplicate().position(at).limit(all.position()).slice();
          }
        }
      } catch (IOException e) {
        close();
        throw new UncheckedIOException(e);
      }
    }

    /** Mean datagram payload, in bytes. */
    public double meanLength() {
      long sum = 0;
      long n = 0;
      for (ByteBuffer[] bs : datagrams) {
        for (ByteBuffer b : bs) {
          sum += b.capacity();
          n++;
        }
      }
      return n == 0 ? 0 : (double) sum / n;
    }

    /**
     * Sends {@code count} datagrams at {@code rate} per second (0: as fast as one thread can), and
     * stops early after {@code maxNanos}.
     */
    public UdpResult send(long count, long rate, long maxNanos) {
      int senders = sockets.length;
      int[] next = new int[senders];
      double nanosPer = rate > 0 ? 1e9 / rate : 0;
      long errors = 0;
      long sent = 0;
      long start = System.nanoTime();
      long deadline = start + maxNanos;
      int s = 0;
      while (sent < count) {
        long now = System.nanoTime();
        if (rate > 0) {
          long due = start + (long) (sent * nanosPer);
          long ahead = due - now;
          if (ahead > 0) {
            LockSupport.parkNanos(ahead);
          }
        }
        if (now - deadline > 0) {
          break;
        }
        long burstEnd = Math.min(count, sent + UDP_BURST);
        for (; sent < burstEnd; sent++) {
          ByteBuffer[] mine = datagrams[s];
          ByteBuffer b = mine[next[s]];
          next[s] = next[s] + 1 == mine.length ? 0 : next[s] + 1;
          b.rewind();
          try {
            sockets[s].write(b);
          } catch (PortUnreachableException e) {
            errors++; // ICMP from an earlier datagram: nobody listening (yet)
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          s = s + 1 == senders ? 0 : s + 1;
        }
      }
      return new UdpResult(sent, errors, System.nanoTime() - start, rate);
    }

    @Override
    public void close() {
      for (DatagramChannel ch : sockets) {
        if (ch != null) {
          try {
            ch.close();
          } catch (IOException ignored) {
            // closing anyway
          }
        }
      }
    }
  }

  // ---------------------------------------------------------------- TCP

  /**
   * Opens {@code connections} connections to {@code target}, each writing {@code frames} (a buffer
   * of whole frames) over and over for {@code nanos}, then closes them (after the last byte is
   * written; the receiver may still be reading).
   */
  public static TcpResult tcp(InetSocketAddress target, int connections, byte[] frames,
      long framesPerBuffer, long nanos) {
    List<SocketChannel> open = new ArrayList<>();
    try {
      for (int c = 0; c < connections; c++) {
        SocketChannel ch = SocketChannel.open();
        open.add(ch);
        ch.bind(new InetSocketAddress(senderAddress(c), 0));
        ch.setOption(StandardSocketOptions.TCP_NODELAY, false);
        ch.connect(target);
      }
    } catch (IOException e) {
      closeAll(open);
      throw new UncheckedIOException("connecting to " + target + ": " + e, e);
    }
    AtomicLong buffers = new AtomicLong();
    CountDownLatch done = new CountDownLatch(connections);
    List<Throwable> failures = new ArrayList<>();
    long start = System.nanoTime();
    long deadline = start + nanos;
    for (SocketChannel ch : open) {
      ByteBuffer buf = ByteBuffer.allocateDirect(frames.length).put(frames);
      Thread t = new Thread(() -> {
        try {
          do { // at least one buffer
            buf.clear();
            while (buf.hasRemaining()) {
              ch.write(buf);
            }
            buffers.incrementAndGet();
          } while (System.nanoTime() - deadline < 0);
          ch.shutdownOutput();
        } catch (IOException | RuntimeException e) {
          synchronized (failures) {
            failures.add(e);
          }
        } finally {
          done.countDown();
        }
      }, "syslog-load-tcp");
      t.setDaemon(true);
      t.start();
    }
    try {
      done.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    long elapsed = System.nanoTime() - start;
    closeAll(open);
    if (!failures.isEmpty()) {
      throw new IllegalStateException("TCP sender failed: " + failures.get(0), failures.get(0));
    }
    long b = buffers.get();
    return new TcpResult(b * framesPerBuffer, b * frames.length, elapsed, connections);
  }

  private static void closeAll(List<SocketChannel> open) {
    for (SocketChannel ch : open) {
      try {
        ch.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }

  // ---------------------------------------------------------------- CLI

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      usage();
      return;
    }
    InetSocketAddress target;
    switch (args[0]) {
      case "udp" -> {
        if (args.length < 4) {
          usage();
          return;
        }
        target = new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(args[1]));
        long rate = Long.parseLong(args[2]);
        long count = Long.parseLong(args[3]);
        int senders = args.length > 4 ? Integer.parseInt(args[4]) : 4;
        try (Udp udp = new Udp(target, senders, Instant.now())) {
          UdpResult r = udp.send(count, rate, Long.MAX_VALUE / 2);
          System.out.printf(Locale.ROOT, "udp: sent %d datagrams (mean %.0f bytes) in %.3f s: %.0f/s"
              + " (asked %s), %d send errors%n", r.sent(), udp.meanLength(), r.nanos() / 1e9, r.rate(),
              rate == 0 ? "unpaced" : rate + "/s", r.errors());
        }
      }
      case "tcp" -> {
        if (args.length < 5) {
          usage();
          return;
        }
        target = new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(args[1]));
        TcpFraming framing = TcpFraming.valueOf(args[2].toUpperCase(Locale.ROOT));
        int connections = Integer.parseInt(args[3]);
        double seconds = Double.parseDouble(args[4]);
        byte[][] msgs = messages(DISTINCT, -1, Instant.now(), 7);
        byte[] frames = frames(msgs, framing);
        TcpResult r = tcp(target, connections, frames, msgs.length, (long) (seconds * 1e9));
        System.out.printf(Locale.ROOT, "tcp: %d frames (%s, mean %.0f bytes), %d bytes over %d"
            + " connection(s) in %.3f s: %.0f frames/s%n", r.frames(), framing, meanLength(msgs),
            r.bytes(), connections, r.nanos() / 1e9, r.rate());
      }
      default -> usage();
    }
  }

  private static void usage() {
    System.err.println("usage: SyslogLoad udp PORT RATE(0 = unpaced) COUNT [SENDERS]\n"
        + "       SyslogLoad tcp PORT lf|octet CONNECTIONS SECONDS\n"
        + "Sends to 127.0.0.1:PORT from 127.0.0.11, .12, ...");
  }
}
