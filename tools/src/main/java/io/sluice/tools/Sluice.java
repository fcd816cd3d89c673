package io.sluice.tools;

import io.sluice.tools.load.LoadCommand;
import io.sluice.tools.report.ReportCommand;
import io.sluice.tools.tune.TuneCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code sluice}: the operator's tools beside a running agent. {@code load} sends a pattern of
 * traffic and records what it sent in a run directory, {@code report} accounts for every event of a
 * run and plots it, {@code tune} measures what a pipeline sustains and proposes its limits.
 */
@Command(name = "sluice", mixinStandardHelpOptions = true, versionProvider = Sluice.Version.class,
    description = "Load, report and tune a Flume pipeline governed by Sluice.",
    subcommands = {LoadCommand.class, ReportCommand.class, TuneCommand.class})
public final class Sluice implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name a command: load, report or tune");
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new Sluice()).execute(args));
  }

  /** The version of the jar, from its manifest (unknown when run from classes). */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Sluice.class.getPackage().getImplementationVersion();
      return new String[] {"sluice " + (v == null ? "(development build)" : v)};
    }
  }
}
