package io.sluice.benchmarks.hec;

import io.sluice.benchmarks.syslog.HostStats;
import io.sluice.benchmarks.syslog.SourceBenchmark;
import io.sluice.it.harness.FlumeAgent;
import io.sluice.it.harness.Ports;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongUnaryOperator;

/**
 * Sluice's HecSource against Flume's HTTPSource (its default JSONHandler), in one run: each in a
 * real agent of its own, one after the other, at their default settings, into the same channel
 * (MemoryChannel, capacity 1,000,000, transactionCapacity 10,000) drained by Flume's null sink.
 * Four clients on keep-alive connections each send a request, read its answer, and send the next,
 * as fast as the source answers, with the same events in each source's format: with 100 events
 * a request (events/s) and with one (requests/s). The clients are plain sockets writing prepared
 * bytes, so they cost little beside the agent; the agent's own CPU time per event is measured too
 * (/proc, {@link HostStats}), so the result does not depend on how clients and agent share the cores.
 *
 * <p>Usage: {@code HecBenchmark [seconds] [warmupSeconds]}, with {@code -Dhec.batches=100,1} and
 * {@code -Dhec.subjects=FLUME_HTTP,SLUICE_HEC} to run fewer cases ({@code BARE}, the default's third,
 * is {@link BareResponder}: the floor, what these clients reach against a server that only
 * answers); {@code benchmarks/run-hec.sh} runs it.
 */
public final class HecBenchmark {

  static final String TOKEN = "0a9c2b6e-1d2f-4a5b-8c7d-6e5f4a3b2c1d";
  /** {@code -Dhec.channel=disruptor}: both sources into a DisruptorChannel instead (same capacities). */
  static final boolean DISRUPTOR = System.getProperty("hec.channel", "memory").equals("disruptor");
  static final int CLIENTS = 4;

  /** The syslog benchmark's channel and sink, and where the source listens. */
  static final String CHANNEL_AND_SINK = SourceBenchmark.CHANNEL_AND_SINK + """
      a1.sources = r1
      a1.sources.r1.channels = c1
      a1.sources.r1.bind = 127.0.0.1
      """;

  /** A source under test: its configuration and its request for a batch of events. */
  enum Subject {
    FLUME_HTTP("Flume HTTPSource (JSONHandler)", "a1.sources.r1.type = http\n", "/") {
      @Override
      String body(List<String[]> events) {
        StringBuilder b = new StringBuilder("[");
        for (String[] e : events) {
          b.append(b.length() > 1 ? "," : "").append("{\"headers\":{\"host\":\"").append(e[0])
              .append("\",\"sourcetype\":\"").append(e[1]).append("\"},\"body\":\"").append(e[2]).append("\"}");
        }
        return b.append(']').toString();
      }
    },
    SLUICE_HEC("Sluice HecSource", "a1.sources.r1.type = io.sluice.source.HecSource\n"
        + "a1.sources.r1.tokens = bench\na1.sources.r1.tokens.bench.value = " + TOKEN + "\n",
        "/services/collector/event") {
      @Override
      String body(List<String[]> events) {
        StringBuilder b = new StringBuilder();
        for (String[] e : events) {
          b.append("{\"event\":\"").append(e[2]).append("\",\"host\":\"").append(e[0])
              .append("\",\"sourcetype\":\"").append(e[1]).append("\"}\n");
        }
        return b.toString();
      }
    },
    /** Not a source: {@link BareResponder}, the floor (answers HEC's requests, does nothing else). */
    BARE("bare responder (the floor)", "", "/services/collector/event") {
      @Override
      String body(List<String[]> events) {
        return SLUICE_HEC.body(events);
      }
    };

    final String label;
    final String keys;
    final String path;

    Subject(String label, String keys, String path) {
      this.label = label;
      this.keys = keys;
      this.path = path;
    }

    abstract String body(List<String[]> events);

    byte[] request(int port, List<String[]> events) {
      byte[] body = body(events).getBytes(StandardCharsets.UTF_8);
      String head = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
          + "\r\nAuthorization: Splunk " + TOKEN + "\r\nContent-Type: application/json\r\nContent-Length: "
          + body.length + "\r\n\r\n";
      byte[] head8 = head.getBytes(StandardCharsets.US_ASCII);
      byte[] all = new byte[head8.length + body.length];
      System.arraycopy(head8, 0, all, 0, head8.length);
      System.arraycopy(body, 0, all, head8.length, body.length);
      return all;
    }
  }

  /** Events of a web access log, about 150 bytes each, JSON-safe as they are. */
  static List<String[]> events(int n, int offset) {
    List<String[]> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int k = offset + i;
      out.add(new String[] {"web" + (k % 16), "access_combined",
          "10.1." + (k % 250) + "." + (k % 200 + 1) + " - - [03/Dec/2026:10:00:00 +0000] GET /api/v1/orders/"
              + (100000 + k) + " HTTP/1.1 200 " + (2000 + k % 5000) + " Mozilla/5.0 (X11; Linux x86_64)"});
    }
    return out;
  }

  public static void main(String[] args) throws Exception {
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 8;
    double warmup = args.length > 1 ? Double.parseDouble(args[1]) : 4;
    Path work = Paths.get(System.getProperty("sluice.work", "target/hec-agents"));
    Files.createDirectories(work);
    List<Integer> batches = List.of(System.getProperty("hec.batches", "100,1").split(",")).stream()
        .map(String::trim).map(Integer::valueOf).toList();
    List<Subject> subjects = List.of(System.getProperty("hec.subjects", "FLUME_HTTP,SLUICE_HEC,BARE").split(","))
        .stream().map(String::trim).map(Subject::valueOf).toList();
    for (int batch : batches) {
      double[] rate = new double[Subject.values().length];
      double[] cpu = new double[rate.length];
      for (Subject s : subjects) {
        Result r = s == Subject.BARE ? runBare(batch, seconds, warmup) : run(s, batch, seconds, warmup, work);
        rate[s.ordinal()] = r.eventsPerSecond();
        cpu[s.ordinal()] = r.cpuMicrosPerEvent();
        System.out.printf(Locale.ROOT, "batch %3d  %-32s %,10.0f events/s  %,9.0f requests/s  agent %.2f µs CPU/event (%.2f cores)%n",
            batch, s.label, r.eventsPerSecond(), r.eventsPerSecond() / batch, r.cpuMicrosPerEvent(), r.agentCores());
      }
      String unit = batch == 1 ? "requests" : "events";
      if (subjects.contains(Subject.FLUME_HTTP) && subjects.contains(Subject.SLUICE_HEC)) {
        System.out.printf(Locale.ROOT, "batch %3d  HecSource / HTTPSource: %.2fx %s/s; CPU/event %.2f vs %.2f µs%n",
            batch, rate[1] / rate[0], unit, cpu[1], cpu[0]);
      }
      if (subjects.contains(Subject.FLUME_HTTP) && subjects.contains(Subject.BARE)) {
        System.out.printf(Locale.ROOT, "batch %3d  floor / HTTPSource: %.2fx %s/s; CPU/event %.2f vs %.2f µs%n",
            batch, rate[2] / rate[0], unit, cpu[2], cpu[0]);
      }
    }
  }

  record Result(double eventsPerSecond, double cpuMicrosPerEvent, double agentCores) {}

  static Result run(Subject s, int batch, double seconds, double warmup, Path work) throws Exception {
    int port = Ports.free();
    Path dir = FlumeAgent.cleanDir(work.resolve(s.name().toLowerCase(Locale.ROOT) + "-" + batch));
    String conf = CHANNEL_AND_SINK + s.keys + "a1.sources.r1.port = " + port + "\n"
        + (DISRUPTOR ? "a1.channels.c1.type = io.sluice.channel.DisruptorChannel\n" : "");
    try (FlumeAgent agent = FlumeAgent.start("a1", dir, conf)) {
      Result r = measure(s, port, batch, seconds, warmup, SourceBenchmark.agentPid(),
          answers -> agent.counter("org.apache.flume.channel:type=c1", "EventPutSuccessCount"));
      if (r.eventsPerSecond() == 0) {
        throw new IllegalStateException(s.label + ": no event delivered; agent log:\n" + agent.logTail(40));
      }
      return r;
    }
  }

  /**
   * The same clients against {@link BareResponder} in a JVM of its own (the agents' heap): answers
   * counted by the clients, CPU time from /proc as for an agent.
   */
  static Result runBare(int batch, double seconds, double warmup) throws Exception {
    int port = Ports.free();
    Process responder = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m", "-cp", System.getProperty("java.class.path"), BareResponder.class.getName(),
        Integer.toString(port)).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    try {
      awaitListening(port);
      return measure(Subject.BARE, port, batch, seconds, warmup, responder.pid(), answers -> answers * batch);
    } finally {
      responder.destroyForcibly().waitFor();
    }
  }

  /**
   * Runs the clients against {@code port} for the warm-up, then measures over {@code seconds} the
   * events delivered ({@code delivered}, given the answers the clients have read so far) and the
   * CPU time of process {@code pid}.
   */
  private static Result measure(Subject s, int port, int batch, double seconds, double warmup, long pid,
      LongUnaryOperator delivered) throws InterruptedException {
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong answered = new AtomicLong();
    List<Thread> clients = new ArrayList<>();
    for (int c = 0; c < CLIENTS; c++) {
      byte[] req = s.request(port, events(batch, c * batch));
      Thread t = new Thread(() -> client(port, req, stop, answered), "client-" + c);
      t.start();
      clients.add(t);
    }
    Thread.sleep((long) (warmup * 1000));
    long n0 = delivered.applyAsLong(answered.get());
    HostStats.Cpu cpu0 = HostStats.cpu(pid);
    Thread.sleep((long) (seconds * 1000));
    long n1 = delivered.applyAsLong(answered.get());
    HostStats.Cpu cpu1 = HostStats.cpu(pid);
    stop.set(true);
    for (Thread t : clients) {
      t.join(10_000);
    }
    double secs = cpu0.seconds(cpu1);
    long events = n1 - n0;
    double cpuSeconds = cpu0.agentCpuSeconds(cpu1);
    return new Result(events / secs, events == 0 ? 0 : cpuSeconds * 1e6 / events, cpuSeconds / secs);
  }

  private static void awaitListening(int port) throws InterruptedException {
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (true) {
      try (Socket probe = new Socket("127.0.0.1", port)) {
        return;
      } catch (IOException notYet) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the bare responder did not listen on " + port);
        }
        Thread.sleep(50);
      }
    }
  }

  /** One keep-alive connection: a request, its whole answer, the next request. */
  static void client(int port, byte[] request, AtomicBoolean stop, AtomicLong answered) {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setTcpNoDelay(true);
      OutputStream out = s.getOutputStream();
      InputStream in = new BufferedInputStream(s.getInputStream(), 65536); // one read per answer, not per byte
      byte[] buf = new byte[65536];
      while (!stop.get()) {
        out.write(request);
        out.flush();
        int status = readAnswer(in, buf);
        if (status != 200) {
          throw new IllegalStateException("answered " + status);
        }
        answered.incrementAndGet();
      }
    } catch (IOException e) {
      if (!stop.get()) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** Reads one HTTP answer (Content-Length or chunked); returns its status. */
  static int readAnswer(InputStream in, byte[] buf) throws IOException {
    String head = readHead(in);
    int status = Integer.parseInt(head.substring(9, 12));
    String lower = head.toLowerCase(Locale.ROOT);
    int cl = lower.indexOf("content-length:");
    if (cl >= 0) {
      int end = lower.indexOf('\r', cl);
      skip(in, Integer.parseInt(lower.substring(cl + 15, end).trim()), buf);
    } else if (lower.contains("transfer-encoding: chunked")) {
      while (true) {
        int size = Integer.parseInt(readLine(in).trim(), 16);
        skip(in, size + 2, buf);
        if (size == 0) {
          break;
        }
      }
    }
    return status;
  }

  private static String readHead(InputStream in) throws IOException {
    StringBuilder b = new StringBuilder();
    while (true) {
      String line = readLine(in);
      if (line.isEmpty()) {
        return b.toString();
      }
      b.append(line).append("\r\n");
    }
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder b = new StringBuilder();
    for (int c; (c = in.read()) >= 0; ) {
      if (c == '\n') {
        int n = b.length();
        return n > 0 && b.charAt(n - 1) == '\r' ? b.substring(0, n - 1) : b.toString();
      }
      b.append((char) c);
    }
    throw new IOException("connection closed");
  }

  private static void skip(InputStream in, int n, byte[] buf) throws IOException {
    while (n > 0) {
      int r = in.read(buf, 0, Math.min(n, buf.length));
      if (r < 0) {
        throw new IOException("connection closed");
      }
      n -= r;
    }
  }
}
