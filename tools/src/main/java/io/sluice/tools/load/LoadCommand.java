package io.sluice.tools.load;

import io.sluice.tools.RunLayout;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sluice load}: sends a pattern of syslog or HEC traffic to an agent and records what it sent
 * in a run directory ({@link RunLayout}) for {@code sluice report}. This class only reads and checks
 * the command line into a {@link Plan}; {@link LoadRun} carries it out.
 */
@Command(name = "load", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Send a pattern of syslog (UDP, TCP, TLS) or HEC traffic and record what was",
        "sent in a run directory (for sluice report).",
        "",
        "TARGET: udp://HOST:PORT  tcp://HOST:PORT  tls://HOST:PORT",
        "        hec://HOST:PORT/services/collector/event (or .../raw)  hecs://... (TLS)",
        "PATTERN (quoted or not):",
        "  steady RATE                              RATE events/s",
        "  burst BASE xFACTOR DUR then DUR silence  BASE*FACTOR/s for DUR, none; repeat",
        "  ramp FROM TO OVER                        FROM to TO events/s linearly, then TO",
        "  replay FILE                              each second's count: a number a line,",
        "                                           or a run's seconds.csv ('sent')",
        "Durations: 500ms, 2s, 1.5s, 1m, 1h. Rates: whole events a second.",
        "N senders share the pattern round-robin (event k goes to sender k mod N):",
        "each sends RATE/N, together exactly the pattern.",
        ""},
    footer = {"", "Example: sluice load udp://127.0.0.1:5140 burst 1000 x10 2s then 30s silence --duration 2m"
        + " --senders 4 --metrics http://127.0.0.1:9464/metrics"})
public final class LoadCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "TARGET", description = "Where to send (see above).")
  String target;

  @Parameters(index = "1..*", arity = "1..*", paramLabel = "PATTERN", description = "The pattern (see above).")
  List<String> pattern;

  @Option(names = "--duration", paramLabel = "DUR", converter = Durations.Converter.class,
      description = "How long to send; required but for replay (which ends with its file, or sooner with this).")
  Long durationNanos;

  @Option(names = "--senders", paramLabel = "N",
      description = "Senders, each with its own socket or connection; to a loopback target sender i sends from"
          + " 127.0.0.(i+1). Default: 1, or one per --bind address.")
  Integer senders;

  @Option(names = "--bind", paramLabel = "ADDR", split = ",",
      description = "The source address of each sender (one per sender; sets --senders).")
  List<String> bind;

  @Option(names = "--size", paramLabel = "BYTES", defaultValue = "200",
      description = "Pad each message (the syslog line, the HEC event text) to this many bytes. Default: ${DEFAULT-VALUE}.")
  int size;

  @Option(names = "--framing", paramLabel = "lf|octet", defaultValue = "lf",
      description = "Syslog over TCP/TLS: LF-terminated or octet-counted (RFC 6587). Default: ${DEFAULT-VALUE}.")
  String framing;

  @Option(names = "--ca", paramLabel = "PEM", description = "TLS/HTTPS: trust the certificates of this PEM file.")
  Path ca;

  @Option(names = "--insecure", description = "TLS/HTTPS: trust any certificate, check no host name.")
  boolean insecure;

  @Option(names = "--token", paramLabel = "TOKEN", description = "HEC: the token (Authorization: Splunk TOKEN).")
  String token;

  @Option(names = "--batch", paramLabel = "N", defaultValue = "100",
      description = "HEC: events per request. Default: ${DEFAULT-VALUE}.")
  int batch;

  @Option(names = "--gzip", description = "HEC: gzip the request bodies.")
  boolean gzip;

  @Option(names = "--ack", description = "HEC: poll /services/collector/ack for each request's ackId; writes acks.csv.")
  boolean ack;

  @Option(names = "--retries", paramLabel = "N", defaultValue = "3",
      description = "HEC: times a request answered 429/503 is sent again after its Retry-After, before its"
          + " events count as pushback. Default: ${DEFAULT-VALUE}.")
  int retries;

  @Option(names = "--run-dir", paramLabel = "DIR",
      description = "Where to record the run. Default: runs/<yyyyMMdd-HHmmss>-<runId>.")
  Path runDir;

  @Option(names = "--metrics", paramLabel = "URL",
      description = "The agent's Prometheus endpoint, e.g. http://127.0.0.1:9464/metrics: sampled into metrics/.")
  String metrics;

  @Option(names = "--metrics-interval", paramLabel = "DUR", defaultValue = "1s", converter = Durations.Converter.class,
      description = "How often to sample --metrics. Default: ${DEFAULT-VALUE}.")
  long metricsIntervalNanos;

  @Option(names = "--drain", paramLabel = "DUR", defaultValue = "5s", converter = Durations.Converter.class,
      description = "After sending, how long to go on sampling metrics and polling acks. Default: ${DEFAULT-VALUE}.")
  long drainNanos;

  /** How long a stopping run may take to finish its files before the JVM exits anyway. */
  private static final long STOP_WAIT_SECONDS = 30;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Plan plan;
    try {
      plan = plan();
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    LoadRun run = new LoadRun(plan, Clock.system(), System.err, System.console() != null);
    // Ctrl-C or a TERM: stop sending, and hold the exit until the run directory is finished (the
    // JVM halts once its hooks return), within a limit.
    CountDownLatch finished = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      run.stop();
      try {
        finished.await(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "sluice-load-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    LoadRun.Summary s;
    try {
      System.err.println("sluice load: run " + plan.runId() + " to " + plan.target() + ", recording in " + plan.runDir());
      s = run.execute();
    } catch (IllegalArgumentException | IOException e) {
      System.err.println("sluice load: " + e.getMessage());
      return e instanceof IllegalArgumentException ? 2 : 1;
    } finally {
      finished.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException ignored) {
        // already shutting down
      }
    }
    System.err.printf("sluice load: sent %d (errors %d, pushback %d%s)%s in %s%n", s.sent(), s.errors(), s.pushback(),
        plan.acks() ? ", acked " + s.acked() : "",
        plan.metrics() == null ? "" : ", metrics samples " + s.metricsSamples() + " (failed " + s.metricsFailures() + ")",
        plan.runDir());
    spec.commandLine().getOut().println(plan.runDir());
    spec.commandLine().getOut().flush();
    return 0;
  }

  /** Checks the command line and resolves it. IllegalArgumentException: what is wrong. */
  Plan plan() {
    Target t = Target.parse(target);
    String patternText = String.join(" ", pattern);
    LoadPattern p = Patterns.parse(patternText);
    long duration;
    if (p.endNanos() != Long.MAX_VALUE) {
      duration = durationNanos == null ? p.endNanos() : Math.min(durationNanos, p.endNanos());
    } else if (durationNanos == null) {
      throw new IllegalArgumentException("--duration is required for '" + patternText + "' (e.g. --duration 60s)");
    } else {
      duration = durationNanos;
    }
    if (duration <= 0) {
      throw new IllegalArgumentException("--duration must be more than 0");
    }
    int n = senders != null ? senders : bind != null && !bind.isEmpty() ? bind.size() : 1;
    if (n < 1) {
      throw new IllegalArgumentException("--senders must be at least 1");
    }
    List<InetAddress> sources = SourceAddresses.of(t, n, bind);
    if (size < 0) {
      throw new IllegalArgumentException("--size cannot be negative");
    }
    Framing f = switch (framing.toLowerCase(Locale.ROOT)) {
      case "lf" -> Framing.LF;
      case "octet", "octet-counting" -> Framing.OCTET;
      default -> throw new IllegalArgumentException("--framing must be lf or octet, not '" + framing + "'");
    };
    if (ca != null && insecure) {
      throw new IllegalArgumentException("--ca and --insecure: give one or the other");
    }
    if ((ca != null || insecure) && !t.kind().tls()) {
      throw new IllegalArgumentException("--ca and --insecure are for tls:// and hecs:// targets");
    }
    Tls tls = t.kind().tls() ? Tls.of(ca, insecure) : null;
    HecSettings hec = null;
    if (t.kind().hec()) {
      if (batch < 1 || retries < 0) {
        throw new IllegalArgumentException("--batch must be at least 1 and --retries at least 0");
      }
      hec = new HecSettings(token, batch, gzip, retries, ack);
    } else if (ack || gzip || token != null) {
      throw new IllegalArgumentException("--ack, --gzip and --token are for HEC targets (hec://, hecs://)");
    }
    URI metricsUrl = null;
    if (metrics != null) {
      try {
        metricsUrl = new URI(metrics);
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("--metrics '" + metrics + "' is not a URL");
      }
      if (!"http".equals(metricsUrl.getScheme()) && !"https".equals(metricsUrl.getScheme())) {
        throw new IllegalArgumentException("--metrics must be an http:// or https:// URL");
      }
      if (metricsIntervalNanos <= 0) {
        throw new IllegalArgumentException("--metrics-interval must be more than 0");
      }
    }
    String runId = HexFormat.of().formatHex(randomBytes()); // 8 lowercase hex characters
    Path dir = runDir != null ? runDir : Path.of("runs",
        LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-" + runId);
    return new Plan(t, patternText, p, duration, sources, f, tls, size, hostname(), hec, dir, runId, metricsUrl,
        metricsIntervalNanos, drainNanos);
  }

  private static byte[] randomBytes() {
    byte[] b = new byte[4];
    new SecureRandom().nextBytes(b);
    return b;
  }

  /** This machine's name as an RFC 5424 HOSTNAME: printable ASCII without spaces, else "-". */
  static String hostname() {
    String h;
    try {
      h = InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      return "-";
    }
    return h.isEmpty() || h.length() > 255 || !h.chars().allMatch(c -> c > 32 && c < 127) ? "-" : h;
  }
}
