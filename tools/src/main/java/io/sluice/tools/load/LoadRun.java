package io.sluice.tools.load;

import io.sluice.tools.RunLayout;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * Carries out a {@link Plan}: one thread per sender pacing its share of the pattern, the progress
 * line, the metrics sampler and ack pollers; after the senders, the drain (acks and metrics of the
 * last events); then the run directory's last files. {@link #stop} (Ctrl-C) ends the sending early
 * and the run directory is still completed.
 */
final class LoadRun {

  /** What a run came to. */
  record Summary(long sent, long errors, long pushback, long acked, long metricsSamples, long metricsFailures) {}

  private final Plan plan;
  private final Clock clock;
  private final PrintStream err;
  private final boolean terminal;
  // Read by the stop hook's thread while the main thread adds to it.
  private final List<Pacer> pacers = new java.util.concurrent.CopyOnWriteArrayList<>();
  private volatile boolean stopped;

  LoadRun(Plan plan, Clock clock, PrintStream err, boolean terminal) {
    this.plan = plan;
    this.clock = clock;
    this.err = err;
    this.terminal = terminal;
  }

  Summary execute() throws IOException, InterruptedException {
    Files.createDirectories(plan.runDir());
    if (Files.exists(RunLayout.file(plan.runDir(), RunLayout.RUN))) {
      throw new IllegalArgumentException("--run-dir " + plan.runDir() + " already holds a run");
    }
    long startMillis = clock.epochMillis();
    Map<String, String> props = properties(startMillis);
    RunProperties.write(plan.runDir(), props);
    List<AckPoller> pollers = new ArrayList<>();
    List<Thread> pollerThreads = new ArrayList<>();
    Recorder recorder = new Recorder(plan.runDir(), startMillis, plan.acks());
    try {
      List<EventSender> senders = new ArrayList<>();
      for (int i = 0; i < plan.senders(); i++) {
        senders.add(sender(i, recorder, pollers));
      }
      MetricsSampler sampler = plan.metrics() == null ? null
          : new MetricsSampler(plan.metrics(), plan.metricsIntervalNanos(), plan.runDir(), clock);
      if (sampler != null && !sampler.sample()) {
        // A sample before the first event: what the agent counts from here on is this run's. A
        // run whose metrics cannot be read could not be accounted for: say so before sending.
        throw new IllegalArgumentException("--metrics " + plan.metrics() + " cannot be read");
      }
      Thread samplerThread = sampler == null ? null : start("sluice-metrics", sampler, true);
      for (AckPoller p : pollers) {
        pollerThreads.add(start("sluice-acks-" + pollerThreads.size(), p, true));
      }
      AtomicReference<Throwable> failure = new AtomicReference<>();
      List<Thread> senderThreads = new ArrayList<>();
      for (int i = 0; i < plan.senders(); i++) {
        EventSender s = senders.get(i);
        Pacer pacer = new Pacer(clock, new Share(plan.pattern(), i, plan.senders()), plan.durationNanos(), s);
        pacers.add(pacer);
      }
      Progress progress = new Progress(recorder, this::behind, plan.acks(), clock, err, terminal);
      for (int i = 0; i < plan.senders(); i++) {
        Pacer pacer = pacers.get(i);
        EventSender s = senders.get(i);
        senderThreads.add(start("sluice-sender-" + i, () -> {
          try {
            pacer.run();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } catch (RuntimeException e) {
            failure.compareAndSet(null, e);
            stop(); // one sender failing ends the run: its share of the pattern would be missing
          } finally {
            s.close();
          }
        }, false));
      }
      if (stopped) {
        pacers.forEach(Pacer::stop);
      }
      Thread progressThread = start("sluice-progress", progress, true);
      // A receiver that stops reading blocks a sender's write with no end: past the duration and
      // the pacer's grace, its socket is closed, which ends the write (that chunk: error).
      long deadline = System.nanoTime() + plan.durationNanos() + Pacer.GRACE + WATCHDOG_SLACK;
      for (int i = 0; i < senderThreads.size(); i++) {
        Thread t = senderThreads.get(i);
        t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
        if (t.isAlive()) {
          err.println("sluice load: sender " + i + " is blocked (the receiver does not read): closing it");
          pacers.get(i).stop();
          senders.get(i).abort();
          t.join();
        }
      }
      long endMillis = clock.epochMillis();
      drain(sampler, pollers);
      if (sampler != null) {
        sampler.stop();
        samplerThread.interrupt();
        samplerThread.join();
      }
      stopPollers(pollers, pollerThreads);
      progress.stop();
      progressThread.interrupt();
      progressThread.join();
      recorder.finish((int) ((plan.durationNanos() + 999_999_999L) / 1_000_000_000L));
      props.put("endEpochMillis", Long.toString(endMillis));
      RunProperties.write(plan.runDir(), props);
      if (failure.get() != null) { // after the files: what was sent until then is recorded
        throw new IOException("a sender failed: " + failure.get().getMessage(), failure.get());
      }
      return new Summary(recorder.sent(), recorder.errors(), recorder.pushback(), recorder.acked(),
          sampler == null ? 0 : sampler.samples(), sampler == null ? 0 : sampler.failures());
    } finally {
      stopPollers(pollers, pollerThreads);
      recorder.close();
    }
  }

  /** How long past the duration and the pacer's grace a blocked sender is waited for. */
  private static final long WATCHDOG_SLACK = 2_000_000_000L;

  /** Ends the sending now; the drain and the files follow as usual. */
  void stop() {
    stopped = true;
    pacers.forEach(Pacer::stop);
  }

  private long behind() {
    long b = 0;
    for (Pacer p : pacers) {
      b += p.behind();
    }
    return b;
  }

  private EventSender sender(int i, Recorder recorder, List<AckPoller> pollers) throws IOException {
    Target t = plan.target();
    InetAddress source = plan.sources().get(i);
    switch (t.kind()) {
      case UDP -> {
        try {
          return new UdpSender(t, source, clock, lines(i), recorder, i);
        } catch (IOException e) {
          throw new IllegalArgumentException("sender " + i + " cannot use source address " + source + ": " + e.getMessage(), e);
        }
      }
      case TCP, TLS -> {
        return new TcpSender(t, source, plan.tls(), plan.framing(), clock, lines(i), recorder, i);
      }
      default -> {
        String channel = UUID.randomUUID().toString();
        AckPoller acks = null;
        if (plan.acks()) {
          acks = new AckPoller(t, source, plan.tls(), plan.hec(), channel, clock, recorder, i);
          pollers.add(acks);
        }
        HecBodies bodies = new HecBodies(t.raw(), plan.hec().gzip(), plan.runId(), i, plan.size());
        return new HecSender(t, source, plan.tls(), plan.hec(), channel, clock, bodies, recorder, i, acks);
      }
    }
  }

  private SyslogLines lines(int sender) {
    return new SyslogLines(plan.hostname(), plan.runId(), sender, plan.size());
  }

  /** Until the drain is over, or sooner when nothing is left to learn (no metrics, every ack in). */
  private void drain(MetricsSampler sampler, List<AckPoller> pollers) throws InterruptedException {
    if (sampler == null && pollers.isEmpty()) {
      return;
    }
    long deadline = clock.nanoTime() + plan.drainNanos();
    while (clock.nanoTime() < deadline && !(sampler == null && pollers.stream().allMatch(AckPoller::settled))) {
      clock.sleepUntil(Math.min(deadline, clock.nanoTime() + 100_000_000L));
    }
  }

  private static void stopPollers(List<AckPoller> pollers, List<Thread> threads) throws InterruptedException {
    pollers.forEach(AckPoller::stop);
    for (Thread t : threads) {
      t.interrupt();
      t.join();
    }
    threads.clear();
    pollers.forEach(AckPoller::close);
  }

  private static Thread start(String name, Runnable r, boolean daemon) {
    Thread t = new Thread(r, name);
    t.setDaemon(daemon);
    t.start();
    return t;
  }

  private Map<String, String> properties(long startMillis) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("runId", plan.runId());
    p.put("target", plan.target().toString());
    p.put("pattern", plan.patternText());
    p.put("senders", Integer.toString(plan.senders()));
    p.put("startEpochMillis", Long.toString(startMillis));
    p.put("metricsUrl", plan.metrics() == null ? null : plan.metrics().toString());
    p.put("durationMillis", Long.toString(plan.durationNanos() / 1_000_000L));
    p.put("size", Integer.toString(plan.size()));
    p.put("sources", plan.sources().stream().map(a -> a == null ? "any" : a.getHostAddress())
        .collect(Collectors.joining(",")));
    switch (plan.target().kind()) {
      case TCP, TLS -> p.put("framing", plan.framing().name().toLowerCase(java.util.Locale.ROOT));
      case HEC, HECS -> {
        p.put("batch", Integer.toString(plan.hec().batch()));
        p.put("gzip", Boolean.toString(plan.hec().gzip()));
        p.put("ack", Boolean.toString(plan.hec().ack()));
      }
      default -> { }
    }
    return p;
  }
}
