package io.netconverge.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(
    name = "converge",
    mixinStandardHelpOptions = true,
    versionProvider = ConvergeCommand.Version.class,
    description = "Makes a Linux host's policy-routing state what a file declares, idempotently.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:converged, or nothing to do (every host of an inventory)",
      "1:a failure (state restored); with an inventory: any host failed or was unreachable",
      "2:plan found changes (on any host, none failed or locked)",
      "3:apply converged what it could; some WAN's parts are pending (down, missing, no gateway)",
      "4:a failure, and the state read before apply is NOT known to be restored (restore"
          + " incomplete, or left to the reverter on the host); outranks 1 in an inventory",
      "64:usage error",
      "65:invalid file (nothing was touched)",
      "75:another converge holds the host's lock (any host, none failed)"
    })
public class ConvergeCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Mixin LoggingOptions logging = new LoggingOptions();

  /**
   * The subcommands by name, in the order the help lists them. picocli builds a command's model by
   * reflection when the command is added, which costs more than a no-op plan's work; so a run whose
   * first argument names a subcommand gets only that one (its parsing, help and errors are the
   * same), and anything else (no argument, an option first, {@code help}, a typo) gets them all.
   */
  static final Map<String, Supplier<Object>> SUBCOMMANDS = subcommands();

  private static Map<String, Supplier<Object>> subcommands() {
    Map<String, Supplier<Object>> all = new LinkedHashMap<>();
    all.put("plan", PlanCommand::new);
    all.put("apply", ApplyCommand::new);
    all.put("confirm", ConfirmCommand::new);
    all.put("validate", ValidateCommand::new);
    all.put("facts", FactsCommand::new);
    all.put("watch", WatchCommand::new);
    all.put("status", StatusCommand::new);
    all.put("test", TestCommand::new);
    all.put("help", CommandLine.HelpCommand::new);
    return all;
  }

  /**
   * The whole model, every subcommand declared, for the build-time tools that take a class: the man
   * pages (picocli's ManPageGenerator) and the shell completion (AutoComplete). The command run
   * adds its subcommands itself (see {@link #SUBCOMMANDS}); this class inherits everything else.
   */
  @Command(
      subcommands = {
        PlanCommand.class,
        ApplyCommand.class,
        ConfirmCommand.class,
        ValidateCommand.class,
        FactsCommand.class,
        WatchCommand.class,
        StatusCommand.class,
        TestCommand.class,
        CommandLine.HelpCommand.class
      })
  public static final class Documented extends ConvergeCommand {}

  /** The command line for these arguments: see {@link #SUBCOMMANDS}. */
  static CommandLine commandLine(String... args) {
    CommandLine cli = new CommandLine(new ConvergeCommand());
    Supplier<Object> only = args.length == 0 ? null : SUBCOMMANDS.get(args[0]);
    if (only != null && !args[0].equals("help")) {
      cli.addSubcommand(args[0], only.get());
    } else {
      SUBCOMMANDS.forEach((name, command) -> cli.addSubcommand(name, command.get()));
    }
    return cli;
  }

  public static void main(String[] args) {
    System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
  }

  /** Runs the command with the given streams; returns the exit code (the process does not exit). */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cli = commandLine(args);
    cli.setOut(out);
    cli.setErr(err);
    cli.setParameterExceptionHandler(
        (ex, argv) -> {
          // The reason, the synopsis and where the rest is: the reason must not scroll away
          // behind the whole help.
          CommandLine where = ex.getCommandLine();
          where.getErr().println("converge: " + ex.getMessage());
          if (!where.getSubcommands().isEmpty()) {
            // No or no known subcommand: the list of them is what helps.
            where.usage(where.getErr());
            return ExitCodes.USAGE;
          }
          where.getErr().print("Usage: " + where.getHelp().synopsis(0));
          where.getErr().println("Try '" + where.getCommandSpec().qualifiedName() + " --help'.");
          return ExitCodes.USAGE;
        });
    cli.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          if (ex instanceof CommandRefusedException refused) {
            commandLine.getErr().println("converge: " + refused.getMessage());
            return refused.exitCode();
          }
          // Whatever went wrong, the user gets a sentence and an exit code, not a stack trace
          // (NC_DEBUG=1 shows it, for a bug report).
          commandLine.getErr().println("converge: internal error: " + sentence(ex));
          if (System.getenv("NC_DEBUG") != null) {
            ex.printStackTrace(commandLine.getErr());
          }
          return ExitCodes.FAILED;
        });
    return cli.execute(args);
  }

  /** One line: the exception's own message where it has one, else what kind of failure it is. */
  static String sentence(Throwable ex) {
    String message = ex.getMessage();
    String what =
        message == null || message.isBlank()
            ? ex.getClass().getSimpleName()
            : message.strip().replaceAll("\\s*\\n\\s*", "; ");
    if (ex instanceof OutOfMemoryError) {
      what = "out of memory (" + what + ")";
    }
    return what + " (run with NC_DEBUG=1 for details, and please report it)";
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"converge " + BuildVersion.get()};
    }
  }
}
