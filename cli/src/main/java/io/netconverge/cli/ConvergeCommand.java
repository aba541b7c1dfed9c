package io.netconverge.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(
    name = "converge",
    mixinStandardHelpOptions = true,
    versionProvider = ConvergeCommand.Version.class,
    description = "Makes a Linux host's policy-routing state what a file declares, idempotently.",
    subcommands = {
      PlanCommand.class,
      ApplyCommand.class,
      ValidateCommand.class,
      FactsCommand.class,
      WatchCommand.class,
      StatusCommand.class,
      CommandLine.HelpCommand.class
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:converged, or nothing to do (every host of an inventory)",
      "1:a failure (state restored); with an inventory: any host failed or was unreachable",
      "2:plan found changes (on any host, none failed or locked)",
      "3:apply converged what it could; some WAN's parts are pending (down, missing, no gateway)",
      "64:usage error",
      "65:invalid file (nothing was touched)",
      "75:another converge holds the host's lock (any host, none failed)"
    })
public final class ConvergeCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
  }

  /** Runs the command with the given streams; returns the exit code (the process does not exit). */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cli = new CommandLine(new ConvergeCommand());
    cli.setOut(out);
    cli.setErr(err);
    cli.setParameterExceptionHandler(
        (ex, argv) -> {
          ex.getCommandLine().getErr().println("converge: " + ex.getMessage());
          ex.getCommandLine().usage(ex.getCommandLine().getErr());
          return ExitCodes.USAGE;
        });
    cli.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          commandLine.getErr().println("converge: internal error: " + ex);
          ex.printStackTrace(commandLine.getErr());
          return ExitCodes.FAILED;
        });
    return cli.execute(args);
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = ConvergeCommand.class.getPackage().getImplementationVersion();
      return new String[] {"converge " + (v == null ? "(development build)" : v)};
    }
  }
}
