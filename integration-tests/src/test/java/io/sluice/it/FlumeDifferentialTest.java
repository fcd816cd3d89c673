package io.sluice.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.sluice.it.differential.Corpus;
import io.sluice.it.differential.Differential;
import io.sluice.it.differential.Entry;
import io.sluice.it.differential.FlumeDifference;
import io.sluice.it.differential.Transport;
import io.sluice.it.harness.FlumeAgent;
import io.sluice.it.harness.Ports;
import io.sluice.it.harness.SinkEvents;
import io.sluice.it.harness.SinkFiles.Written;
import io.sluice.it.harness.TcpSender;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Sluice's syslog sources against the Flume sources they replace, on one corpus of real-world
 * messages ({@link Corpus}): over UDP, Flume's {@code syslogudp} and Sluice's {@code
 * SyslogUdpSource}; over TCP, {@code multiport_syslogtcp} and {@code SyslogTcpSource}; all four in
 * one real agent, each into a channel and {@code file_roll} sink of its own, with their default
 * settings, in a JVM whose zone is UTC (as is Sluice's {@code rfc3164.timezone}) and whose charset
 * is UTF-8 ({@code syslogudp} decodes with the platform's).
 *
 * <p>For every message, every header Flume sets and the body must be what Sluice's event and the
 * message's named differences ({@link FlumeDifference}, listed by name in README.md) make of them;
 * any other difference fails, with both events shown.
 */
class FlumeDifferentialTest {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Path README =
      Paths.get(System.getProperty("sluice.repo", "..")).resolve("README.md").normalize();

  @Test
  void sluiceMakesFlumesEventsButForTheNamedDifferences() throws Exception {
    List<Entry> corpus = Corpus.at(ZonedDateTime.now()).entries();
    Path dir = FlumeAgent.cleanDir(FlumeAgent.workDir("FlumeDifferentialTest"));
    Map<Side, Integer> ports = new EnumMap<>(Side.class);
    for (Side s : Side.values()) {
      ports.put(s, Ports.free());
    }
    int heartbeatPort = Ports.free();

    try (FlumeAgent agent = FlumeAgent.start("a1", dir, config(dir, ports, heartbeatPort),
        Map.of("JAVA_OPTS", "-Xmx256m -XX:+ExitOnOutOfMemoryError -Duser.timezone=UTC -Dfile.encoding=UTF-8"));
        Heartbeat hb = new Heartbeat(heartbeatPort)) {
      Function<Side, List<Written>> events = side -> side.read(dir.resolve(side.name()), heartbeatPort);

      // UDP: every datagram to both sources, in corpus order, from one socket, at a modest rate.
      long udpFrom = System.currentTimeMillis();
      List<Entry> udp = corpus.stream().filter(e -> e.sentOver(Transport.UDP)).toList();
      sendDatagrams(udp, ports.get(Side.FLUME_UDP), ports.get(Side.SLUICE_UDP));

      // TCP: one connection to each source for the messages that can share one.
      long tcpFrom = System.currentTimeMillis();
      List<Entry> shared =
          corpus.stream().filter(e -> e.sentOver(Transport.TCP) && !e.ownConnection()).toList();
      List<Entry> alone =
          corpus.stream().filter(e -> e.sentOver(Transport.TCP) && e.ownConnection()).toList();
      List<Entry> tcp = new ArrayList<>(shared); // in the order sent
      tcp.addAll(alone);
      List<TcpSender> connections = new ArrayList<>();
      try {
        TcpSender toFlume = open(connections, ports.get(Side.FLUME_TCP));
        TcpSender toSluice = open(connections, ports.get(Side.SLUICE_TCP));
        for (Entry e : shared) {
          toFlume.send(e.tcpWire());
          toSluice.send(e.tcpWire());
        }
        awaitCount(agent, events, Side.FLUME_UDP, udp.size());
        awaitCount(agent, events, Side.SLUICE_UDP, udp.size());
        int flumeTcp = shared.stream().mapToInt(Entry::flumeTcpEvents).sum();
        awaitCount(agent, events, Side.FLUME_TCP, flumeTcp);
        awaitCount(agent, events, Side.SLUICE_TCP, shared.size());

        // Messages that would harm their neighbours in Flume: one connection each, one at a time.
        int sluiceTcp = shared.size();
        for (Entry e : alone) {
          long failed = agent.counter(Side.FLUME_TCP.mbean(), "GenericProcessingFail");
          open(connections, ports.get(Side.FLUME_TCP)).send(e.tcpWire());
          open(connections, ports.get(Side.SLUICE_TCP)).send(e.tcpWire());
          if (e.flumeTcpEvents() == 0) {
            agent.await(WAIT, "multiport_syslogtcp to fail on " + e,
                () -> agent.counter(Side.FLUME_TCP.mbean(), "GenericProcessingFail") > failed);
          }
          flumeTcp += e.flumeTcpEvents();
          awaitCount(agent, events, Side.FLUME_TCP, flumeTcp);
          awaitCount(agent, events, Side.SLUICE_TCP, ++sluiceTcp);
        }
      } finally {
        connections.forEach(TcpSender::close);
      }
      long seenBy = System.currentTimeMillis();
      for (Side s : Side.values()) {
        SinkEvents.awaitDrained(agent, s.channel(), s.sink(), Duration.ofSeconds(20));
      }

      Differential.Verdict udpVerdict = Differential.compare(Transport.UDP, udp,
          events.apply(Side.FLUME_UDP), events.apply(Side.SLUICE_UDP), udpFrom, seenBy);
      Differential.Verdict tcpVerdict = Differential.compare(Transport.TCP, tcp,
          events.apply(Side.FLUME_TCP), events.apply(Side.SLUICE_TCP), tcpFrom, seenBy);
      System.out.println(Differential.coverageTable(corpus, udpVerdict, tcpVerdict));

      List<String> failures = new ArrayList<>();
      failures.addAll(udpVerdict.failures());
      failures.addAll(tcpVerdict.failures());
      for (FlumeDifference d : FlumeDifference.values()) {
        if (udpVerdict.covered(d) + tcpVerdict.covered(d) == 0) {
          failures.add(d + " shows in no corpus entry: a named difference must be shown by one");
        }
      }
      if (!failures.isEmpty()) {
        fail(failures.size() + " problem(s): differences between Flume's and Sluice's events that are not"
            + " named, or named ones that do not show:\n\n"
            + String.join("\n", failures));
      }
    }
  }

  /** README's list of differences names each one the test asserts, and no other. */
  @Test
  void readmeListsTheNamedDifferences() throws IOException {
    String readme = Files.readString(README, StandardCharsets.UTF_8);
    String heading = "**Where they differ from Flume's syslog sources";
    int from = readme.indexOf(heading);
    assertTrue(from >= 0, "README has no paragraph " + heading);
    int to = readme.indexOf("\n#", from);
    String section = readme.substring(from, to < 0 ? readme.length() : to);
    List<String> named = new ArrayList<>();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("`([A-Z][A-Z0-9_]{2,})`").matcher(section);
    while (m.find()) {
      named.add(m.group(1));
    }
    List<String> expected = java.util.Arrays.stream(FlumeDifference.values()).map(Enum::name).toList();
    assertEquals(expected, named, "README's named differences, in order, against FlumeDifference");
  }

  private static TcpSender open(List<TcpSender> connections, int port) {
    TcpSender s = TcpSender.open("127.0.0.1", port);
    connections.add(s);
    return s;
  }

  private static void sendDatagrams(List<Entry> entries, int flumePort, int sluicePort) throws IOException {
    InetAddress lo = InetAddress.getLoopbackAddress();
    try (DatagramSocket socket = new DatagramSocket(0, lo)) {
      for (Entry e : entries) {
        byte[] d = e.datagram();
        socket.send(new DatagramPacket(d, d.length, lo, flumePort));
        socket.send(new DatagramPacket(d, d.length, lo, sluicePort));
        LockSupport.parkNanos(Duration.ofMillis(2).toNanos()); // some 500 datagrams a second
      }
    }
  }

  private static void awaitCount(FlumeAgent agent, Function<Side, List<Written>> events, Side side, int count) {
    agent.await(WAIT, count + " events from " + side,
        () -> events.apply(side).size() >= count);
  }

  /** The four sources, each with its channel, sink and output directory. */
  enum Side {
    FLUME_UDP("org.apache.flume.source.SyslogUDPSource", true),
    FLUME_TCP("org.apache.flume.source.MultiportSyslogTCPSource", true),
    SLUICE_UDP("io.sluice.source.SyslogUdpSource", false),
    SLUICE_TCP("io.sluice.source.SyslogTcpSource", false);

    final String type;
    final boolean flume;

    Side(String type, boolean flume) {
      this.type = type;
      this.flume = flume;
    }

    String source() {
      return name().toLowerCase().replace("_", "");
    }

    String channel() {
      return "c" + source();
    }

    String sink() {
      return "k" + source();
    }

    String mbean() {
      return "org.apache.flume.source:type=" + source();
    }

    /** What the sink wrote, heartbeats left out, in the order it wrote them. */
    List<Written> read(Path out, int heartbeatPort) {
      List<Written> all = flume ? SinkEvents.readLines(out) : SinkEvents.read(out);
      String hb = Integer.toString(heartbeatPort);
      return all.stream().filter(w -> !hb.equals(w.header("localPort"))).toList();
    }
  }

  private static String config(Path dir, Map<Side, Integer> ports, int heartbeatPort) {
    StringBuilder c = new StringBuilder();
    StringBuilder channels = new StringBuilder();
    StringBuilder sources = new StringBuilder("hb");
    StringBuilder sinks = new StringBuilder();
    for (Side s : Side.values()) {
      sources.append(' ').append(s.source());
      channels.append(channels.length() > 0 ? " " : "").append(s.channel());
      sinks.append(sinks.length() > 0 ? " " : "").append(s.sink());
      String src = "a1.sources." + s.source();
      c.append(src).append(".type = ").append(s.type).append('\n')
          .append(src).append(".host = 127.0.0.1\n")
          .append(src).append(s == Side.FLUME_TCP ? ".ports = " : ".port = ").append(ports.get(s)).append('\n')
          .append(src).append(".channels = ").append(s.channel()).append('\n');
      if (!s.flume) {
        c.append(src).append(".rfc3164.timezone = UTC\n");
      }
      c.append("a1.channels.").append(s.channel()).append(".type = memory\n")
          .append("a1.channels.").append(s.channel()).append(".capacity = 10000\n")
          .append("a1.channels.").append(s.channel()).append(".transactionCapacity = 1000\n");
      Path out = FlumeAgent.cleanDir(dir.resolve(s.name()));
      String k = "a1.sinks." + s.sink();
      c.append(k).append(".type = file_roll\n")
          .append(k).append(".channel = ").append(s.channel()).append('\n')
          .append(k).append(".sink.directory = ").append(out).append('\n')
          .append(k).append(".sink.rollInterval = 0\n")
          .append(k).append(".sink.serializer = header_and_text\n")
          .append(k).append(".sink.batchSize = 1\n");
    }
    // Heartbeat: keeps each sink from backing off for up to 5 s (see SyslogPipeline).
    c.append("a1.sources.hb.type = io.sluice.source.SyslogUdpSource\n")
        .append("a1.sources.hb.host = 127.0.0.1\n")
        .append("a1.sources.hb.port = ").append(heartbeatPort).append('\n')
        .append("a1.sources.hb.readers = 1\n")
        .append("a1.sources.hb.channels = ").append(channels).append('\n');
    return "a1.sources = " + sources + "\n"
        + "a1.channels = " + channels + "\n"
        + "a1.sinks = " + sinks + "\n"
        + c;
  }

  /** Four datagrams a second to the heartbeat source, from this JVM, until closed. */
  private static final class Heartbeat implements AutoCloseable {
    private final Thread thread;

    Heartbeat(int port) {
      thread = new Thread(() -> {
        byte[] hb = "<15>1 - heartbeat sluice-it - - - heartbeat".getBytes(StandardCharsets.US_ASCII);
        try (DatagramSocket s = new DatagramSocket()) {
          DatagramPacket p = new DatagramPacket(hb, hb.length, InetAddress.getLoopbackAddress(), port);
          while (!Thread.currentThread().isInterrupted()) {
            s.send(p);
            Thread.sleep(250);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } catch (IOException e) {
          System.err.println("heartbeat stopped: " + e);
        }
      }, "differential-heartbeat");
      thread.setDaemon(true);
      thread.start();
    }

    @Override
    public void close() {
      thread.interrupt();
    }
  }
}
