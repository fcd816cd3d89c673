package io.sluice.tools.tune;

import io.sluice.tools.load.Durations;
import io.sluice.tools.load.LoadCommand;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sluice tune}: a ramp of steady steps, each run by {@code sluice load} with the agent's
 * metrics sampled, until the pipeline falls behind (it handles under 95% of what was offered, a
 * channel fills, or the source drops); the last step it kept up with is its sustainable rate, and
 * the interceptor's settings follow from it ({@link Tuning}).
 */
@Command(name = "tune", mixinStandardHelpOptions = true,
    description = {"Measure the events/s a running pipeline sustains, with a ramp of steady steps,",
        "and propose the TokenBucketInterceptor's settings: refill at 85% of it, a burst of 4 s",
        "of peak, deferred room for what drains while events wait."})
public final class TuneCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "TARGET",
      description = "Where to send, as for sluice load (udp://, tcp://, hec://...).")
  String target;

  @Option(names = "--metrics", required = true, paramLabel = "URL",
      description = "The agent's Prometheus /metrics (PrometheusMonitor).")
  String metrics;

  @Option(names = "--from", defaultValue = "500", paramLabel = "RATE",
      description = "First step's rate, events/s (default ${DEFAULT-VALUE}).")
  long from;

  @Option(names = "--max", defaultValue = "64000", paramLabel = "RATE",
      description = "Highest rate tried (default ${DEFAULT-VALUE}).")
  long max;

  @Option(names = "--factor", defaultValue = "2", paramLabel = "X",
      description = "Each step's rate is the last one's times this (default ${DEFAULT-VALUE}).")
  double factor;

  @Option(names = "--step", defaultValue = "5s", paramLabel = "DUR",
      description = "How long each step sends (default ${DEFAULT-VALUE}).")
  String step;

  @Option(names = "--senders", defaultValue = "1", paramLabel = "N",
      description = "Senders of each step (127.0.0.x on loopback), and the keys the limit is"
          + " shared among (default ${DEFAULT-VALUE}).")
  int senders;

  @Option(names = "--peak", defaultValue = "0", paramLabel = "RATE",
      description = "The peak rate the burst must absorb, events/s (default: the sustainable rate).")
  double peak;

  @Option(names = "--max-delay", defaultValue = "2", paramLabel = "SECONDS",
      description = "defer.maxDelay to propose, in seconds (default ${DEFAULT-VALUE}).")
  double maxDelay;

  @Option(names = "--prefix", defaultValue = "a1.sources.r1.interceptors.gov.", paramLabel = "KEY",
      description = "Prefix of the proposed keys (default ${DEFAULT-VALUE}).")
  String prefix;

  @Option(names = "--run-dir", paramLabel = "DIR",
      description = "Where the steps' run directories go (default: runs/tune-<time>).")
  Path runDir;

  @Option(names = "--load-option", paramLabel = "OPT", split = " ",
      description = "More options for each step's sluice load (e.g. --token, --framing).")
  List<String> loadOptions = new ArrayList<>();

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (from < 1 || max < from || !(factor > 1) || senders < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "need 1 <= --from <= --max, --factor > 1 and --senders >= 1");
    }
    Path dir = runDir != null ? runDir
        : Path.of("runs", "tune-" + LocalDateTime.now().withNano(0).toString().replace(':', '-'));
    Files.createDirectories(dir);
    double seconds;
    try {
      seconds = Durations.parseNanos(step) / 1e9;
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--step: " + e.getMessage());
    }
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter out = spec.commandLine().getOut();

    List<Step> ramp = new ArrayList<>();
    for (long rate = from; rate <= max; rate = Math.max(rate + 1, Math.round(rate * factor))) {
      Path stepDir = dir.resolve(String.format(Locale.ROOT, "step-%02d-%d", ramp.size() + 1, rate));
      List<String> args = new ArrayList<>(List.of(target, "steady", Long.toString(rate),
          "--duration", step, "--senders", Integer.toString(senders), "--metrics", metrics,
          "--metrics-interval", "500ms", "--drain", "2s", "--run-dir", stepDir.toString()));
      args.addAll(loadOptions);
      CommandLine load = new CommandLine(new LoadCommand());
      load.setOut(new PrintWriter(PrintWriter.nullWriter()));
      int code = load.execute(args.toArray(new String[0]));
      if (code != 0) {
        err.printf("sluice tune: sluice load of step %d/s failed (exit %d)%n", rate, code);
        return 2;
      }
      if (!StepMeasure.hasMetrics(stepDir)) {
        err.printf("sluice tune: no metrics were read from %s during the step at %d/s%n", metrics, rate);
        return 2;
      }
      Step s = StepMeasure.of(stepDir, seconds);
      ramp.add(s);
      err.printf(Locale.ROOT, "step %,d/s: offered %,.0f/s, handled %,.0f/s, channel fill %.0f%% -> %.0f%%,"
              + " dropped %d: %s%n", rate, s.offered(), s.written(), 100 * s.fillStart(),
          100 * s.fillEnd(), s.dropped(), s.keptUp() ? "kept up" : "fell behind");
      err.flush();
      if (!s.keptUp()) {
        break;
      }
    }
    double sustainable = Tuning.sustainable(ramp);
    if (Double.isNaN(sustainable)) {
      err.printf("sluice tune: the pipeline fell behind already at %d/s; try a lower --from%n", from);
      return 1;
    }
    boolean reachedMax = ramp.get(ramp.size() - 1).keptUp();
    Tuning.Advice advice = Tuning.advise(sustainable, Math.max(peak, sustainable), senders, maxDelay);
    if (reachedMax) {
      out.printf("# the pipeline kept up with every step up to --max: %,.0f/s is a lower bound%n",
          sustainable);
    }
    out.print(advice.properties(prefix));
    out.flush();
    return 0;
  }
}
