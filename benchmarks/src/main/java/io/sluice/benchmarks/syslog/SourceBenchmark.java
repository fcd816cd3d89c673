package io.sluice.benchmarks.syslog;

import io.sluice.benchmarks.syslog.SyslogLoad.TcpFraming;
import io.sluice.benchmarks.syslog.SyslogLoad.TcpResult;
import io.sluice.benchmarks.syslog.SyslogLoad.UdpResult;
import io.sluice.it.harness.FlumeAgent;
import io.sluice.it.harness.Ports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sluice's syslog sources against Flume's built-in ones, in one run, with the same sender ({@link
 * SyslogLoad}), the same channel (Flume's {@code MemoryChannel}, capacity 1,000,000,
 * transactionCapacity 10,000) and the same sink (Flume's {@code null} sink, batchSize 1000). Each
 * source runs alone in a real agent of its own (the integration tests' {@code FlumeAgent}: {@code
 * conf-examples/bin/flume-agent} in its own JVM, the same JVM options for all), one after the
 * other; what it delivered is the channel's {@code EventPutSuccessCount} over JMX.
 *
 * <ul>
 *   <li>UDP ({@code syslogudp} vs {@code io.sluice.source.SyslogUdpSource}): the rate is stepped up
 *       ({@code --udp-rates}, {@code max} = as fast as the sender goes), {@code --udp-seconds} of
 *       traffic per step; a step passes when every datagram sent was delivered. Kernel drops on
 *       the source's port (/proc/net/udp) and the receive buffers (ss) are recorded.
 *   <li>TCP ({@code multiport_syslogtcp}, {@code syslogtcp} vs {@code
 *       io.sluice.source.SyslogTcpSource} with LF framing and with octet counting): 1 and 2
 *       connections ({@code --tcp-connections}) writing as fast as the source reads for {@code
 *       --tcp-seconds}; the rate is the events sent over the time until all of them were
 *       delivered. Flume's sources cannot read octet counting, so Sluice's octet case has no Flume
 *       counterpart.
 * </ul>
 *
 * <p>Results: one JSON file ({@code --out}), rewritten after each source so that a cut run keeps
 * what it measured; the agents' logs are copied next to it ({@code --logs}). {@code
 * benchmarks/run-syslog.sh} runs it and summarizes with {@code benchmarks/summarize-syslog.py}.
 */
public final class SourceBenchmark {

  /** A source under test: how to configure it, and the traffic it takes. */
  record Subject(String id, String label, boolean udp, boolean sluice, TcpFraming framing,
      String type, String portKey, Map<String, String> keys) {}

  static final Map<String, Subject> SUBJECTS = new LinkedHashMap<>();

  static {
    add(new Subject("flume-udp", "Flume SyslogUDPSource (syslogudp)", true, false, null,
        "syslogudp", "port", Map.of()));
    add(new Subject("sluice-udp", "Sluice SyslogUdpSource", true, true, null,
        "io.sluice.source.SyslogUdpSource", "port", Map.of("batchSize", "1000")));
    add(new Subject("flume-multiport", "Flume MultiportSyslogTCPSource (multiport_syslogtcp), LF",
        false, false, TcpFraming.LF, "multiport_syslogtcp", "ports",
        Map.of("batchSize", "1000", "readBufferBytes", "65536")));
    add(new Subject("flume-syslogtcp", "Flume SyslogTcpSource (syslogtcp, deprecated), LF", false,
        false, TcpFraming.LF, "syslogtcp", "port", Map.of()));
    add(new Subject("sluice-tcp-lf", "Sluice SyslogTcpSource, framing lf", false, true,
        TcpFraming.LF, "io.sluice.source.SyslogTcpSource", "port", sluiceTcp("lf")));
    add(new Subject("sluice-tcp-octet", "Sluice SyslogTcpSource, framing octet", false, true,
        TcpFraming.OCTET, "io.sluice.source.SyslogTcpSource", "port", sluiceTcp("octet")));
    // As users have them: nothing set but where to listen (batchSize 100 for both, multiport's
    // readBufferBytes 1024, Sluice's connection limits on; the benchmark's senders are within them).
    add(new Subject("flume-multiport-defaults", "Flume MultiportSyslogTCPSource, LF, default settings",
        false, false, TcpFraming.LF, "multiport_syslogtcp", "ports", Map.of()));
    add(new Subject("sluice-tcp-defaults", "Sluice SyslogTcpSource, LF, default settings", false,
        true, TcpFraming.LF, "io.sluice.source.SyslogTcpSource", "port", Map.of()));
  }

  private static Map<String, String> sluiceTcp(String framing) {
    // The edge limits are not what is measured: let the benchmark's own connections through.
    return Map.of("framing", framing, "batchSize", "1000", "connectionRatePerIp", "none",
        "maxConnectionsPerIp", "1000");
  }

  private static void add(Subject s) {
    SUBJECTS.put(s.id(), s);
  }

  /**
   * The channel and sink every agent has, the same for all sources. {@code keep-alive = 30}: a
   * take waits up to that long for an event, so the null sink never returns BACKOFF during a run;
   * with the default (3 s) it would, after any idle gap of 3 s (agent start, between sources), and
   * Flume's SinkRunner then sleeps 1 to 5 s whatever the load, letting the channel fill by the
   * source's rate times that (a million events in a second of fast TCP; more than the agents'
   * 512 MiB heap holds). It changes nothing else here: puts wait on it only when the channel is
   * full, and it never is.
   */
  public static final String CHANNEL_AND_SINK = """
      a1.channels = c1
      a1.sinks = k1
      a1.channels.c1.type = memory
      a1.channels.c1.capacity = 1000000
      a1.channels.c1.transactionCapacity = 10000
      a1.channels.c1.keep-alive = 30
      a1.sinks.k1.type = null
      a1.sinks.k1.batchSize = 1000
      a1.sinks.k1.channel = c1
      """;

  private static final String CHANNEL = "org.apache.flume.channel:type=c1";
  private static final String SOURCE = "org.apache.flume.source:type=r1";
  private static final String SLUICE = "org.apache.flume.sluice:name=source.r1.";

  // ---------------------------------------------------------------- options

  static final class Options {
    Path out = Paths.get("syslog.json");
    Path logs;
    List<String> subjects = new ArrayList<>(SUBJECTS.keySet());
    List<Long> udpRates = List.of(5_000L, 10_000L, 25_000L, 50_000L, 100_000L, 150_000L, 200_000L,
        250_000L, 0L);
    double udpSeconds = 3;
    int udpSenders = 4;
    List<Integer> tcpConnections = List.of(1, 2);
    double tcpSeconds = 10;
    double warmupSeconds = 5;

    static Options parse(String[] args) {
      Options o = new Options();
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        String v = i + 1 < args.length ? args[i + 1] : null;
        switch (a) {
          case "--out" -> o.out = Paths.get(v);
          case "--logs" -> o.logs = Paths.get(v);
          case "--subjects" -> o.subjects = Arrays.asList(v.split(","));
          case "--udp-rates" -> o.udpRates = Arrays.stream(v.split(","))
              .map(r -> r.equalsIgnoreCase("max") ? 0L : parseRate(r)).toList();
          case "--udp-seconds" -> o.udpSeconds = Double.parseDouble(v);
          case "--udp-senders" -> o.udpSenders = Integer.parseInt(v);
          case "--tcp-connections" -> o.tcpConnections = Arrays.stream(v.split(","))
              .map(Integer::parseInt).toList();
          case "--tcp-seconds" -> o.tcpSeconds = Double.parseDouble(v);
          case "--warmup-seconds" -> o.warmupSeconds = Double.parseDouble(v);
          case "-h", "--help" -> {
            usage();
            System.exit(0);
          }
          default -> {
            System.err.println("unknown option " + a);
            usage();
            System.exit(2);
          }
        }
        i++;
      }
      for (String s : o.subjects) {
        if (!SUBJECTS.containsKey(s)) {
          System.err.println("unknown subject " + s + "; known: " + SUBJECTS.keySet());
          System.exit(2);
        }
      }
      return o;
    }

    private static long parseRate(String r) {
      String t = r.trim().toLowerCase(Locale.ROOT);
      if (t.endsWith("k")) {
        return Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 1000);
      }
      return Long.parseLong(t);
    }

    static void usage() {
      System.err.println("""
          usage: SourceBenchmark [options]
            --out FILE               results (JSON), default syslog.json
            --logs DIR               copy each agent's log there
            --subjects a,b           of %s
            --udp-rates 25k,50k,max  UDP steps, datagrams/s (max: unpaced)
            --udp-seconds S          traffic per UDP step (3)
            --udp-senders N          sender sockets, one per host, 127.0.0.11.. (4)
            --tcp-connections 1,2    TCP cases
            --tcp-seconds S          traffic per TCP case (10)
            --warmup-seconds S       traffic before the first measurement of each agent (5)
          System properties sluice.repo (the source tree) and sluice.work (agents' directories).
          """.formatted(SUBJECTS.keySet()));
    }
  }

  // ---------------------------------------------------------------- main

  public static void main(String[] args) throws Exception {
    // The harness reads these when its class loads: set them first. Agents go under benchmarks'
    // own target directory, so that its stray-agent reaper never touches the integration tests'.
    System.setProperty("sluice.repo", System.getProperty("sluice.repo", "."));
    System.setProperty("sluice.work",
        System.getProperty("sluice.work", "benchmarks/target/syslog-agents"));
    Options o = Options.parse(args);
    new SourceBenchmark(o).run();
  }

  private final Options o;
  private final Map<String, Object> results = new LinkedHashMap<>();

  SourceBenchmark(Options o) {
    this.o = o;
  }

  void run() throws IOException {
    byte[][] sample = SyslogLoad.messages(SyslogLoad.DISTINCT, -1, Instant.now(), 7);
    Map<String, Object> setup = new LinkedHashMap<>();
    setup.put("channelAndSink", CHANNEL_AND_SINK.strip());
    setup.put("agentJavaOpts", "-Xmx512m -XX:+ExitOnOutOfMemoryError (the harness's, for every agent)");
    setup.put("messageMeanBytes", SyslogLoad.meanLength(sample));
    setup.put("messageExample", new String(sample[0], java.nio.charset.StandardCharsets.US_ASCII));
    setup.put("udpRates", o.udpRates);
    setup.put("udpSeconds", o.udpSeconds);
    setup.put("udpSenders", o.udpSenders);
    setup.put("udpBurst", SyslogLoad.UDP_BURST);
    setup.put("tcpConnections", o.tcpConnections);
    setup.put("tcpSeconds", o.tcpSeconds);
    setup.put("warmupSeconds", o.warmupSeconds);
    setup.put("net.core.rmem_max", HostStats.sysctl("net.core.rmem_max"));
    setup.put("net.core.rmem_default", HostStats.sysctl("net.core.rmem_default"));
    setup.put("net.core.netdev_max_backlog", HostStats.sysctl("net.core.netdev_max_backlog"));
    setup.put("cores", Runtime.getRuntime().availableProcessors());
    results.put("setup", setup);
    log("messages: mean %.0f bytes, e.g. %s", SyslogLoad.meanLength(sample),
        new String(sample[0], java.nio.charset.StandardCharsets.US_ASCII));

    if (o.subjects.stream().anyMatch(s -> SUBJECTS.get(s).udp())) {
      results.put("udpSenderMax", calibrateUdp());
      save();
    }
    List<Object> subjects = new ArrayList<>();
    results.put("subjects", subjects);
    for (String id : o.subjects) {
      Subject s = SUBJECTS.get(id);
      Map<String, Object> res = new LinkedHashMap<>();
      subjects.add(res);
      res.put("id", s.id());
      res.put("label", s.label());
      res.put("kind", s.udp() ? "udp" : "tcp");
      try {
        runSubject(s, res);
      } catch (RuntimeException | AssertionError e) {
        log("!! %s failed: %s", s.id(), e);
        res.put("error", String.valueOf(e));
      }
      save();
    }
    save();
    log("results: %s", o.out.toAbsolutePath());
  }

  private void save() throws IOException {
    Path parent = o.out.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path tmp = parent.resolve(o.out.getFileName() + ".tmp");
    Files.writeString(tmp, Json.write(results));
    Files.move(tmp, o.out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** What one sender thread pushes over loopback into a socket nobody reads. */
  private Map<String, Object> calibrateUdp() {
    try (DatagramChannel sinkhole = DatagramChannel.open()) {
      sinkhole.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      InetSocketAddress to = (InetSocketAddress) sinkhole.getLocalAddress();
      try (SyslogLoad.Udp udp = new SyslogLoad.Udp(to, o.udpSenders, Instant.now())) {
        udp.send(Long.MAX_VALUE, 0, (long) 1e9); // warm-up
        HostStats.Cpu c0 = HostStats.cpu(-1);
        UdpResult r = udp.send(Long.MAX_VALUE, 0, (long) (o.udpSeconds * 1e9));
        HostStats.Cpu c1 = HostStats.cpu(-1);
        log("UDP sender alone (into an unread socket): %,.0f datagrams/s (%,d in %.2f s; other"
            + " work %.2f cores)", r.rate(), r.sent(), r.nanos() / 1e9, c0.othersCores(c1));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sent", r.sent());
        m.put("seconds", r.nanos() / 1e9);
        m.put("rate", r.rate());
        m.put("othersCores", c0.othersCores(c1));
        return m;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---------------------------------------------------------------- one source

  private void runSubject(Subject s, Map<String, Object> res) throws IOException {
    int port = Ports.free();
    StringBuilder conf = new StringBuilder();
    conf.append("a1.sources = r1\n");
    conf.append(CHANNEL_AND_SINK);
    conf.append("a1.sources.r1.channels = c1\n");
    conf.append("a1.sources.r1.type = ").append(s.type()).append('\n');
    conf.append("a1.sources.r1.host = 127.0.0.1\n");
    conf.append("a1.sources.r1.").append(s.portKey()).append(" = ").append(port).append('\n');
    s.keys().entrySet().stream().sorted(Map.Entry.comparingByKey())
        .forEach(e -> conf.append("a1.sources.r1.").append(e.getKey()).append(" = ")
            .append(e.getValue()).append('\n'));
    res.put("config", conf.toString().strip());
    log("== %s: starting its agent, port %d", s.label(), port);
    Path dir = FlumeAgent.cleanDir(FlumeAgent.workDir("syslog-" + s.id()));
    long t0 = System.nanoTime();
    try (FlumeAgent agent = FlumeAgent.start("a1", dir, conf.toString())) {
      res.put("agentStartSeconds", (System.nanoTime() - t0) / 1e9);
      long pid = agentPid();
      Probe probe = new Probe(agent, s, port, pid);
      if (s.udp()) {
        runUdp(s, port, probe, res);
      } else {
        runTcp(s, port, probe, res);
      }
      res.put("sourceLog", agent.log().lines()
          .filter(l -> l.contains("listening on") || l.contains("receive buffer")).toList());
      res.put("agentWarnings", agent.log().lines()
          .filter(l -> l.contains(" WARN ") || l.contains(" ERROR ") || l.contains("Exception"))
          .limit(30).toList());
      if (!agent.isAlive()) {
        res.put("error", "agent died; log tail:\n" + agent.logTail(40));
      }
    } finally {
      if (o.logs != null) {
        Files.createDirectories(o.logs);
        Path log = dir.resolve("agent.log");
        if (Files.exists(log)) {
          Files.copy(log, o.logs.resolve(s.id() + ".log"),
              StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  /** The agent JVM: our child running Flume's Application (ProcessHandle.Info cuts long command lines). */
  public static long agentPid() {
    return ProcessHandle.current().children()
        .filter(p -> HostStats.cmdline(p.pid()).contains("org.apache.flume.node.Application"))
        .mapToLong(ProcessHandle::pid).max().orElse(-1);
  }

  // ---------------------------------------------------------------- UDP

  private void runUdp(Subject s, int port, Probe probe, Map<String, Object> res) {
    res.put("receiveBuffers", HostStats.udpReceiveBuffers(port));
    InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    List<Object> steps = new ArrayList<>();
    try (SyslogLoad.Udp udp = new SyslogLoad.Udp(to, o.udpSenders, Instant.now())) {
      // Warm-up: the same for every source, not counted.
      long warmRate = 20_000;
      log("  warm-up: %,d/s for %.0f s (not counted)", warmRate, o.warmupSeconds);
      Map<String, Object> warm = udpStep(udp, probe, warmRate, o.warmupSeconds);
      res.put("warmup", warm);
      for (long rate : o.udpRates) {
        Map<String, Object> step = udpStep(udp, probe, rate, o.udpSeconds);
        steps.add(step);
        if (!probe.agent.isAlive()) {
          break;
        }
      }
    }
    res.put("steps", steps);
    long best = 0;
    long bestAllBelow = 0;
    boolean allPassed = true;
    for (Object o1 : steps) {
      @SuppressWarnings("unchecked")
      Map<String, Object> st = (Map<String, Object>) o1;
      long achieved = Math.round((Double) st.get("sentRate"));
      if ((Boolean) st.get("pass")) {
        best = Math.max(best, achieved);
        if (allPassed) {
          bestAllBelow = Math.max(bestAllBelow, achieved);
        }
      } else {
        allPassed = false;
      }
    }
    res.put("zeroLossMaxRate", best);
    res.put("zeroLossUpToRate", bestAllBelow);
    res.put("maxDeliveredRate", steps.stream()
        .mapToDouble(st -> (Double) ((Map<?, ?>) st).get("deliveredRate")).max().orElse(0));
  }

  private Map<String, Object> udpStep(SyslogLoad.Udp udp, Probe probe, long rate, double seconds) {
    Counters before = probe.counters();
    HostStats.Cpu c0 = probe.cpu();
    probe.watchPeak(true);
    long count = rate > 0 ? Math.round(rate * seconds) : Long.MAX_VALUE;
    // A paced step that the sender cannot keep up with stops at twice its time (the achieved rate says so).
    long maxNanos = (long) ((rate > 0 ? 2 : 1) * seconds * 1e9);
    UdpResult r = udp.send(count, rate, maxNanos);
    HostStats.Cpu c1 = probe.cpu();
    double settle = probe.settle();
    HostStats.Cpu c2 = probe.cpu();
    long peak = probe.watchPeak(false);
    Counters after = probe.counters();
    long delivered = after.put - before.put;
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("rate", rate == 0 ? "max" : rate);
    m.put("sent", r.sent());
    m.put("sendSeconds", r.nanos() / 1e9);
    m.put("sentRate", r.rate());
    m.put("sendErrors", r.errors());
    m.put("delivered", delivered);
    m.put("lost", r.sent() - delivered);
    m.put("pass", delivered == r.sent());
    m.put("deliveredRate", delivered * 1e9 / r.nanos());
    m.put("sourceReceived", after.received - before.received);
    m.put("kernelDrops", after.kernelDrops - before.kernelDrops);
    m.put("softnetDrops", after.softnetDrops - before.softnetDrops);
    if (probe.subject.sluice()) {
      m.put("sluiceDroppedKernel", after.sluiceKernel - before.sluiceKernel);
      m.put("sluiceDroppedChannel", after.sluiceDropped - before.sluiceDropped);
      m.put("sluiceInvalid", after.sluiceInvalid - before.sluiceInvalid);
    }
    putSettling(m, peak, settle, delivered, c0, c1, c2);
    log("  UDP %-7s sent %,9d at %,8.0f/s  delivered %,9d  lost %,8d (kernel %,d)  %s  agent %.2f µs"
        + " CPU/event, other work %.2f cores", rate == 0 ? "max" : rate / 1000 + "k", r.sent(),
        r.rate(), delivered, r.sent() - delivered, after.kernelDrops - before.kernelDrops,
        delivered == r.sent() ? "PASS" : "loss", m.get("agentCpuMicrosPerEvent"), c0.othersCores(c1));
    return m;
  }

  // ---------------------------------------------------------------- TCP

  private void runTcp(Subject s, int port, Probe probe, Map<String, Object> res) {
    InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    byte[][] msgs = SyslogLoad.messages(SyslogLoad.DISTINCT, -1, Instant.now(), 7);
    byte[] frames = SyslogLoad.frames(msgs, s.framing());
    res.put("framing", s.framing().name().toLowerCase(Locale.ROOT));
    int most = o.tcpConnections.stream().mapToInt(Integer::intValue).max().orElse(1);
    log("  warm-up: %d connection(s) for %.0f s (not counted)", most, o.warmupSeconds);
    res.put("warmup", tcpCase(to, probe, most, frames, msgs.length, o.warmupSeconds));
    List<Object> cases = new ArrayList<>();
    for (int c : o.tcpConnections) {
      cases.add(tcpCase(to, probe, c, frames, msgs.length, o.tcpSeconds));
      if (!probe.agent.isAlive()) {
        break;
      }
    }
    res.put("cases", cases);
  }

  private Map<String, Object> tcpCase(InetSocketAddress to, Probe probe, int connections,
      byte[] frames, int framesPerBuffer, double seconds) {
    Counters before = probe.counters();
    HostStats.Cpu c0 = probe.cpu();
    probe.watchPeak(true);
    long start = System.nanoTime();
    TcpResult r = SyslogLoad.tcp(to, connections, frames, framesPerBuffer, (long) (seconds * 1e9));
    long sendEnd = System.nanoTime();
    long putAtSendEnd = probe.put() - before.put;
    HostStats.Cpu c1 = probe.cpu();
    // Until every frame sent is in the channel, or nothing more arrives for 10 s.
    long target = before.put + r.frames();
    long last = -1;
    long lastChange = System.nanoTime();
    long done;
    while (true) {
      long p = probe.put();
      long now = System.nanoTime();
      if (p >= target) {
        done = now;
        break;
      }
      if (p != last) {
        last = p;
        lastChange = now;
      } else if (now - lastChange > 10_000_000_000L || !probe.agent.isAlive()) {
        done = lastChange;
        break;
      }
      sleepMillis(20);
    }
    HostStats.Cpu c2 = probe.cpu();
    double settle = probe.settle();
    long peak = probe.watchPeak(false);
    Counters after = probe.counters();
    long delivered = after.put - before.put;
    double elapsed = (done - start) / 1e9;
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("connections", connections);
    m.put("sent", r.frames());
    m.put("sentBytes", r.bytes());
    m.put("sendSeconds", r.nanos() / 1e9);
    m.put("sentRate", r.rate());
    m.put("delivered", delivered);
    m.put("lost", r.frames() - delivered);
    m.put("secondsToDelivered", elapsed);
    m.put("rate", delivered / elapsed);
    m.put("rateWhileSending", putAtSendEnd * 1e9 / (sendEnd - start));
    m.put("sourceReceived", after.received - before.received);
    if (probe.subject.sluice()) {
      m.put("sluiceDroppedChannel", after.sluiceDropped - before.sluiceDropped);
      m.put("sluiceInvalid", after.sluiceInvalid - before.sluiceInvalid);
      m.put("sluiceIncomplete", after.sluiceIncomplete - before.sluiceIncomplete);
    }
    putSettling(m, peak, settle, delivered, c0, c1, c2);
    log("  TCP %d conn: sent %,10d (%,.0f/s)  delivered %,10d in %.2f s: %,.0f events/s  lost %,d"
        + "  agent %.2f µs CPU/event, other work %.2f cores", connections, r.frames(), r.rate(),
        delivered, elapsed, delivered / elapsed, r.frames() - delivered,
        m.get("agentCpuMicrosPerEvent"), c0.othersCores(c1));
    return m;
  }

  // ---------------------------------------------------------------- counters

  /** One reading of the counters that tell what a source delivered and lost. */
  record Counters(long put, long received, long kernelDrops, long softnetDrops, long sluiceKernel,
      long sluiceDropped, long sluiceInvalid, long sluiceIncomplete) {}

  /** Reads an agent's counters; watches the channel's peak size in the background. */
  static final class Probe {
    final FlumeAgent agent;
    final Subject subject;
    final int port;
    final long pid;
    private final AtomicBoolean watching = new AtomicBoolean();
    private final AtomicLong peak = new AtomicLong();
    private Thread watcher;

    Probe(FlumeAgent agent, Subject subject, int port, long pid) {
      this.agent = agent;
      this.subject = subject;
      this.port = port;
      this.pid = pid;
    }

    long put() {
      return agent.counter(CHANNEL, "EventPutSuccessCount");
    }

    HostStats.Cpu cpu() {
      return HostStats.cpu(pid);
    }

    Counters counters() {
      long sluiceKernel = 0;
      long dropped = 0;
      long invalid = 0;
      long incomplete = 0;
      if (subject.sluice()) {
        if (subject.udp()) {
          sluiceKernel = agent.counter(SLUICE + "dropped.kernel", "Value");
        }
        // The drop reasons each kind of source registers (SourceMetrics.Kind).
        String[] reasons = subject.udp()
            ? new String[] {"full", "rejected", "error", "stopped", "poison"}
            : new String[] {"oversize", "stopped", "poison"};
        for (String why : reasons) {
          dropped += agent.counter(SLUICE + "dropped." + why, "Count");
        }
        invalid = agent.counter(SLUICE + "invalid", "Count");
        incomplete = agent.counter(SLUICE + "incomplete", "Count");
      }
      return new Counters(put(), agent.counter(SOURCE, "EventReceivedCount"),
          subject.udp() ? HostStats.udpDrops(port) : 0, HostStats.softnetDrops(), sluiceKernel,
          dropped, invalid, incomplete);
    }

    /**
     * Waits until the source has delivered all it will (the channel's put count still for 1 s)
     * and the sink has caught up (its take attempts still for 0.5 s: the sink is blocked in a take
     * on an empty channel); returns the seconds waited. The channel's size is no use here:
     * MemoryChannel updates it at commits only, and the sink's last transaction stays open, its
     * batch not full, until the next events or the keep-alive.
     */
    double settle() {
      long start = System.nanoTime();
      long deadline = start + 120_000_000_000L;
      long lastPut = put();
      long lastTake = takeAttempts();
      long putStill = System.nanoTime();
      long takeStill = putStill;
      while (System.nanoTime() < deadline && agent.isAlive()) {
        sleepMillis(100);
        long p = put();
        long t = takeAttempts();
        long now = System.nanoTime();
        if (p != lastPut) {
          lastPut = p;
          putStill = now;
        }
        if (t != lastTake) {
          lastTake = t;
          takeStill = now;
        }
        if (now - putStill >= 1_000_000_000L && now - takeStill >= 500_000_000L) {
          break;
        }
      }
      return (System.nanoTime() - start) / 1e9;
    }

    /** Counted by MemoryChannel as each take begins, not at its commit. */
    long takeAttempts() {
      return agent.counter(CHANNEL, "EventTakeAttemptCount");
    }

    /** Starts (true) or stops (false) sampling the channel's size; returns the peak seen. */
    long watchPeak(boolean on) {
      if (on) {
        peak.set(0);
        watching.set(true);
        watcher = new Thread(() -> {
          while (watching.get()) {
            try {
              peak.accumulateAndGet(agent.counter(CHANNEL, "ChannelSize"), Math::max);
            } catch (RuntimeException agentGone) {
              return;
            }
            sleepMillis(100);
          }
        }, "channel-size-watch");
        watcher.setDaemon(true);
        watcher.start();
        return 0;
      }
      watching.set(false);
      try {
        if (watcher != null) {
          watcher.join(1000);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return peak.get();
    }
  }

  // ---------------------------------------------------------------- helpers

  static void sleepMillis(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  static void log(String format, Object... args) {
    System.out.printf(Locale.ROOT, "%s " + format + "%n", prepend(Instant.now().toString().substring(11, 19), args));
    System.out.flush();
  }

  private static Object[] prepend(Object first, Object[] rest) {
    Object[] all = new Object[rest.length + 1];
    all[0] = first;
    System.arraycopy(rest, 0, all, 1, rest.length);
    return all;
  }

  /**
   * What every case records after its traffic: the channel's peak, the time to settle, and the CPU
   * accounting ({@code c0} at the start, {@code c1} at the end of sending, {@code c2} once settled).
   */
  private static void putSettling(Map<String, Object> m, long peak, double settle, long delivered,
      HostStats.Cpu c0, HostStats.Cpu c1, HostStats.Cpu c2) {
    m.put("peakChannelSize", peak);
    m.put("settleSeconds", settle);
    m.put("agentCpuSeconds", c0.agentCpuSeconds(c2));
    m.put("agentCores", c0.agentCpuSeconds(c2) / c0.seconds(c2));
    m.put("agentCpuMicrosPerEvent", delivered == 0 ? 0 : c0.agentCpuSeconds(c2) * 1e6 / delivered);
    m.put("othersCores", c0.othersCores(c1));
    m.put("irqCores", c0.irqCores(c1));
    m.put("stolenCores", c0.stolenCores(c1));
  }
}
