package io.sluice.benchmarks.sink;

import io.sluice.sink.ValidatingSink;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.flume.Context;
import org.apache.flume.Event;
import org.apache.flume.Sink;
import org.apache.flume.Transaction;
import org.apache.flume.channel.MemoryChannel;
import org.apache.flume.conf.Configurables;
import org.apache.flume.event.EventBuilder;
import org.apache.flume.sink.AbstractSink;
import org.apache.flume.sink.RollingFileSink;

/**
 * ValidatingSink (file writer, the shipped syslog schema, validating every event) against Flume's
 * {@code file_roll} sink with its {@code header_and_text} serializer (headers and body, validating
 * nothing), in one JVM, taking turns: each drains the same pre-filled MemoryChannel, at its default
 * settings, after a warm-up. Events/s over the drain, and the JVM's CPU time per event (the sink
 * works on the calling thread; the JVM's CPU includes the collector's).
 *
 * <p>A third subject, the floor ({@link BareSink}), takes the same events and writes for each a
 * prepared line as long as ValidatingSink's average document: what any sink that writes those
 * bytes must spend, with no mapping, no validation and no JSON.
 *
 * <p>Usage: {@code SinkDrain SCHEMA WORK_DIR [events] [rounds]}. The channel has {@code keep-alive
 * 0}, so that the drain ends at the first empty take instead of waiting out the keep-alive.
 */
public final class SinkDrain {

  /** The floor: {@link BareSink}, the take and the write of as many bytes as ValidatingSink writes. */
  private static final String BARE = "floor";

  private static final List<String> SUBJECTS = List.of("file_roll", "ValidatingSink", BARE);

  private record Result(String subject, int round, long events, double seconds, double cpuSeconds, long bytes) {
    double perSecond() {
      return events / seconds;
    }

    double cpuMicrosPerEvent() {
      return cpuSeconds * 1e6 / events;
    }
  }

  public static void main(String[] args) throws Exception {
    Path schema = Paths.get(args[0]).toAbsolutePath();
    Path work = Paths.get(args[1]).toAbsolutePath();
    int events = args.length > 2 ? Integer.parseInt(args[2]) : 500_000;
    int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
    List<Event> batch = events(events);
    List<Result> results = new ArrayList<>();
    int lineBytes = 0;
    for (String subject : SUBJECTS) { // warm-up, not counted
      Result r = drain(subject, schema, work, batch.subList(0, Math.min(events, 200_000)), 0, lineBytes);
      if (subject.equals("ValidatingSink")) {
        lineBytes = (int) (r.bytes() / r.events()); // the floor writes as many bytes an event
      }
    }
    for (int round = 1; round <= rounds; round++) {
      for (String subject : SUBJECTS) {
        Result r = drain(subject, schema, work, batch, round, lineBytes);
        results.add(r);
        System.out.printf(Locale.ROOT, "round %d  %-15s %,d events in %.2f s: %,.0f events/s, %.2f µs CPU/event%n",
            round, subject, r.events(), r.seconds(), r.perSecond(), r.cpuMicrosPerEvent());
      }
    }
    System.out.println();
    List<Double> ratios = new ArrayList<>();
    for (int round = 1; round <= rounds; round++) {
      final int n = round;
      Result f = results.stream().filter(r -> r.round() == n && r.subject().equals("file_roll")).findFirst().orElseThrow();
      Result v = results.stream().filter(r -> r.round() == n && r.subject().equals("ValidatingSink")).findFirst().orElseThrow();
      Result b = results.stream().filter(r -> r.round() == n && r.subject().equals(BARE)).findFirst().orElseThrow();
      ratios.add(v.perSecond() / f.perSecond());
      System.out.printf(Locale.ROOT, "round %d  ValidatingSink / file_roll: %.2fx events/s; CPU/event %.2f vs %.2f µs;"
          + " floor / file_roll %.2fx (%.2f µs)%n", round, v.perSecond() / f.perSecond(), v.cpuMicrosPerEvent(),
          f.cpuMicrosPerEvent(), b.perSecond() / f.perSecond(), b.cpuMicrosPerEvent());
    }
    ratios.sort(Comparator.naturalOrder());
    System.out.printf(Locale.ROOT, "median ratio %.2fx (%.2f–%.2f)%n", ratios.get(ratios.size() / 2),
        ratios.get(0), ratios.get(ratios.size() - 1));
  }

  /** Events as Sluice's syslog sources make them: an RFC 5424 message and its 16 headers. */
  private static List<Event> events(int n) {
    List<Event> out = new ArrayList<>(n);
    String[] hosts = {"web1", "web2", "db1", "fw-edge-02", "mail"};
    String[] apps = {"sshd", "nginx", "postgres", "kernel", "postfix"};
    long t0 = 1_764_000_000_000L;
    for (int i = 0; i < n; i++) {
      Map<String, String> h = new HashMap<>();
      h.put("Facility", "4");
      h.put("Severity", Integer.toString(i % 8));
      h.put("priority", Integer.toString(32 + i % 8));
      h.put("version", "1");
      h.put("timestamp", Long.toString(t0 + i));
      h.put("host", hosts[i % hosts.length]);
      h.put("appName", apps[i % apps.length]);
      h.put("procId", Integer.toString(1000 + i % 5000));
      h.put("msgId", "ID" + (i % 50));
      h.put("syslog.format", "rfc5424");
      h.put("syslog.framing", "lf");
      h.put("sluice.eventId", UUID.randomUUID().toString());
      h.put("sluice.receivedAt", Long.toString(t0 + i + 3));
      h.put("sluice.disposition", "processed");
      h.put("clientIp", "127.0.0." + (11 + i % 8));
      h.put("localPort", "5140");
      String body = "Accepted publickey for user" + (i % 97) + " from 192.0.2." + (i % 250)
          + " port " + (40000 + i % 20000) + " ssh2: ED25519 SHA256:k3Xf0pQ2mR8vN1sT6yW4zA9bC7dE5gH";
      out.add(EventBuilder.withBody(body, StandardCharsets.UTF_8, h));
    }
    return out;
  }

  private static Result drain(String subject, Path schema, Path work, List<Event> events, int round,
      int lineBytes) throws IOException {
    MemoryChannel channel = new MemoryChannel();
    channel.setName("c1");
    Configurables.configure(channel, new Context(Map.of("capacity", Integer.toString(events.size()),
        "transactionCapacity", "1000", "keep-alive", "0", "byteCapacity", Long.toString(8L << 30))));
    channel.start();
    for (int from = 0; from < events.size(); from += 1000) {
      Transaction tx = channel.getTransaction();
      tx.begin();
      for (Event e : events.subList(from, Math.min(events.size(), from + 1000))) {
        channel.put(e);
      }
      tx.commit();
      tx.close();
    }
    Path dir = work.resolve(subject + "-" + round);
    clean(dir);
    Files.createDirectories(dir);
    AbstractSink sink;
    Map<String, String> conf = new HashMap<>();
    if (subject.equals(BARE)) {
      sink = new BareSink(dir.resolve("out"), lineBytes);
      Files.createDirectories(dir.resolve("out"));
    } else if (subject.equals("file_roll")) {
      sink = new RollingFileSink();
      conf.put("sink.directory", dir.resolve("out").toString());
      conf.put("sink.serializer", "header_and_text");
      Files.createDirectories(dir.resolve("out"));
    } else {
      sink = new ValidatingSink();
      conf.put("schema", schema.toString());
      conf.put("file.directory", dir.resolve("out").toString());
      conf.put("deadLetter.directory", dir.resolve("dead").toString());
    }
    sink.setName("k1");
    sink.setChannel(channel);
    Configurables.configure(sink, new Context(conf));
    sink.start();
    System.gc();
    long cpu0 = processCpuNanos();
    long t0 = System.nanoTime();
    try {
      while (sink.process() == Sink.Status.READY) {
        // drain: both return BACKOFF once a take finds the channel empty
      }
    } catch (Exception e) {
      throw new IllegalStateException(subject + " failed", e);
    }
    long t1 = System.nanoTime();
    long cpu1 = processCpuNanos();
    sink.stop();
    Transaction tx = channel.getTransaction();
    tx.begin();
    Event left = channel.take();
    tx.commit();
    tx.close();
    channel.stop();
    if (left != null) {
      throw new IllegalStateException(subject + " left events in the channel");
    }
    long bytes = size(dir.resolve("out"));
    clean(dir);
    return new Result(subject, round, events.size(), (t1 - t0) / 1e9, (cpu1 - cpu0) / 1e9, bytes);
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static long size(Path dir) throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      long total = 0;
      for (Path p : all.filter(Files::isRegularFile).toList()) {
        total += Files.size(p);
      }
      return total;
    }
  }

  private static void clean(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
