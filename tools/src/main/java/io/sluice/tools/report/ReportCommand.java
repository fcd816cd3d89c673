package io.sluice.tools.report;

import io.sluice.tools.RunLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sluice report}: accounts for every event of a run — what was sent, what the agent counted,
 * what the sink wrote — and writes a self-contained HTML report with its charts. Only wiring: each
 * step is a class of its own.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
    description = {
        "Account for every event of a run: each one sent ok is written once, dead-lettered once,"
            + " or accounted for by the agent's throttled and dropped counts.",
        "Writes report.html (self-contained) and its PNG charts, prints the verdict.",
        "Exit code: 0 PASS, 1 FAIL (unexplained loss, duplicates, mangled ids), 2 bad input."})
public final class ReportCommand implements Callable<Integer> {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "RUN_DIR",
      description = "The run directory sluice load wrote (run.properties, sent.csv, metrics/...).")
  Path runDir;

  @Option(names = "--events", required = true, paramLabel = "DIR",
      description = "Where the ValidatingSink wrote events (read recursively, .inprogress and"
          + " .gz included).")
  Path events;

  @Option(names = "--dead-letter", paramLabel = "DIR",
      description = "Where the ValidatingSink wrote dead letters.")
  Path deadLetter;

  @Option(names = "--out", paramLabel = "DIR",
      description = "Where to write report.html and the charts (default: RUN_DIR/report).")
  Path out;

  @Option(names = "--limit", paramLabel = "RATE",
      description = "The per-sender limit (events/s), drawn on the admitted-rate chart.")
  Double limit;

  @Override
  public Integer call() {
    try {
      Verdict v = report();
      spec.commandLine().getOut().println(v.line());
      spec.commandLine().getOut().flush();
      return v.pass() ? 0 : 1;
    } catch (BadInputException e) {
      spec.commandLine().getErr().println("sluice report: " + e.getMessage());
      return 2;
    } catch (UncheckedIOException e) {
      spec.commandLine().getErr().println("sluice report: " + e.getMessage() + ": "
          + e.getCause().getMessage());
      return 2;
    }
  }

  private Verdict report() {
    RunInfo run = RunInfo.read(runDir);
    if (!Files.isDirectory(events)) {
      throw new BadInputException("--events: not a directory: " + events);
    }
    if (deadLetter != null && !Files.isDirectory(deadLetter)) {
      throw new BadInputException("--dead-letter: not a directory: " + deadLetter);
    }
    long start = run.startMillis();
    SentLog sent = SentLog.read(runDir, start);
    SinkTally tally = new SinkTally(run.runId(), sent);
    Latency received = new Latency();
    AdmittedRate admitted = new AdmittedRate(start);
    SinkScan scan = new SinkScan(tally, received, admitted);
    scan.scan(events, deadLetter);
    Latency acked = new Latency();
    boolean hasAcks = RunFiles.acks(runDir, start, acked);
    MetricSeries metrics = MetricSeries.read(runDir.resolve(RunLayout.METRICS));
    AgentCounts agent = AgentCounts.of(metrics);
    LossAccount account = LossAccount.of(tally, agent);
    Verdict verdict = Verdict.of(account);

    List<Charts.Png> charts = List.of(
        Charts.throughput(RunFiles.seconds(runDir), metrics, start),
        Charts.depth(metrics, start),
        Charts.latency(received, hasAcks ? acked : null),
        Charts.admitted(admitted, limit));
    List<String> notes = notes(run, metrics, agent, account, received, scan);
    String html = HtmlReport.render(new HtmlReport.Content(run, verdict, account, received,
        hasAcks ? acked : null, charts, notes, scan.files(), scan.lines()));
    Path dir = out != null ? out : runDir.resolve("report");
    try {
      Files.createDirectories(dir);
      for (Charts.Png p : charts) {
        Files.write(dir.resolve(p.file()), p.bytes());
      }
      Files.writeString(dir.resolve("report.html"), html, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the report into " + dir, e);
    }
    spec.commandLine().getErr().println("report: " + dir.resolve("report.html"));
    return verdict;
  }

  /** What a reader should know to trust the numbers. */
  private static List<String> notes(RunInfo run, MetricSeries metrics, AgentCounts agent,
      LossAccount a, Latency received, SinkScan scan) {
    List<String> n = new ArrayList<>(scan.warnings());
    if (agent.samples() == 0) {
      n.add("No metrics samples (metrics/*.prom): no missing event can be explained by"
          + " throttling or drops.");
    } else if (agent.lastMillis() < run.endMillis()) {
      n.add("The last metrics sample was taken " + (run.endMillis() - agent.lastMillis())
          + " ms before the run ended: the agent's counts may fall short.");
    } else if (agent.firstMillis() > run.startMillis()) {
      n.add("The first metrics sample was taken " + (agent.firstMillis() - run.startMillis())
          + " ms after the run started: counts before it are not seen.");
    }
    if (metrics.malformedLines() > 0) {
      n.add(metrics.malformedLines() + " lines of the metrics samples did not parse (skipped).");
    }
    if (agent.rejected() > 0) {
      n.add("The agent refused batches (throttled = reject): each refusal counts one throttled"
          + " event, and the refused events go back to their sender.");
    }
    if (a.foundNotOk() > 0) {
      n.add(a.foundNotOk() + " events the sender recorded as error or pushback were found in the"
          + " sink: sent after all.");
    }
    if (received.negative() > 0) {
      n.add(received.negative() + " events were received before they were sent: the clocks of"
          + " the sender and the agent differ (latencies taken as 0).");
    }
    if (a.mergedLines() > 0) {
      n.add(a.mergedLines() + " sink lines held more than one event of this run.");
    }
    return n;
  }
}
