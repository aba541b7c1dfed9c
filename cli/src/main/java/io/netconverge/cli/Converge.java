package io.netconverge.cli;

import io.netconverge.Converger;
import io.netconverge.FleetHost;
import io.netconverge.Netconverge;
import io.netconverge.core.engine.ConvergeEvent;
import io.netconverge.core.engine.HostReport;
import io.netconverge.core.engine.Mode;
import io.netconverge.core.engine.Progress;
import io.netconverge.core.engine.Target;
import io.netconverge.core.exec.ExecException;
import io.netconverge.core.exec.LocalExecutor;
import io.netconverge.core.sandbox.Sandbox;
import io.netconverge.core.spec.InvalidSpecException;
import io.netconverge.core.spec.SpecLoader;
import io.netconverge.core.spec.SpecProblem;
import io.netconverge.hoststate.HostState;
import io.netconverge.hoststate.HostStateSpec;
import io.netconverge.wan.LiveReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * What plan and apply share: load, pick the target, run, print, map the outcome to an exit code.
 */
final class Converge {

  private final PrintWriter out;
  private final PrintWriter err;
  private final ReportOptions report;
  private final NamesOptions names;
  private HostReport lastReport;
  private volatile String persistedAs;

  Converge(PrintWriter out, PrintWriter err, ReportOptions report, NamesOptions names) {
    this.out = out;
    this.err = err;
    this.report = report;
    this.names = names;
  }

  /** The report of the last single-host run; null before one, or for an inventory or sandbox. */
  HostReport lastReport() {
    return lastReport;
  }

  /** Where the last run saved the file for boot (at a confirm, or as nothing changed); or null. */
  String persistedAs() {
    return persistedAs;
  }

  static String command(Mode mode) {
    return mode.name().toLowerCase(Locale.ROOT);
  }

  private Converger.Builder converger() {
    Converger.Builder builder = Converger.builder();
    Progress printer =
        report.output == OutputFormat.text ? new ProgressPrinter(err) : Progress.NONE;
    builder.progress(
        event -> {
          if (event instanceof ConvergeEvent.Persisted p) {
            persistedAs = p.file();
          }
          printer.on(event);
        });
    return names.applyTo(builder);
  }

  int run(Mode mode, Path file, TargetOptions where, FleetOptions fleet, boolean sandbox) {
    return run(mode, file, where, fleet, sandbox, new TrustOptions());
  }

  int run(
      Mode mode,
      Path file,
      TargetOptions where,
      FleetOptions fleet,
      boolean sandbox,
      TrustOptions trust) {
    // The file is read once: its kind picks the way, a host state is bound from the same reading.
    SpecLoader loader = Netconverge.loader();
    SpecLoader.Document document;
    String kind;
    String text;
    try {
      text = SpecLoader.read(file);
      document = loader.document(text, file.toString());
      kind = document.kind();
    } catch (InvalidSpecException e) {
      return ReportWriter.invalidFile(out, err, report.output, command(mode), file, e);
    }
    if (kind.equals("Inventory")) {
      if (where.netns != null) {
        return usage("--netns cannot be used with an inventory: its hosts say where they are");
      }
      if (sandbox) {
        return usage("--sandbox takes a HostState file, not an inventory");
      }
      String problem = trust.problem(true);
      if (problem != null) {
        return usage(problem);
      }
      return new FleetRun(out, err, report, names).run(mode, file, fleet, trust);
    }
    String problem = trust.problem(false);
    if (problem != null) {
      return usage(problem);
    }
    if (sandbox && trust.confirmTimeout != null) {
      return usage("--confirm-timeout protects a real host; a sandbox is thrown away anyway");
    }
    if (fleet.given()) {
      return usage("--limit and --forks select hosts of an inventory; " + file + " is a HostState");
    }
    if (sandbox) {
      return inSandbox(mode, file);
    }
    String noNames = names.localProblem();
    if (noNames != null) {
      return usage(noNames);
    }
    Path namesDir = names.namesDir != null ? names.namesDir : HostState.defaultNamesDir();
    HostState state;
    try {
      SpecLoader.Loaded<HostStateSpec> loaded = loader.bindDocument(document, HostStateSpec.class);
      state = HostState.fromLoaded(loaded, namesDir);
    } catch (InvalidSpecException e) {
      return ReportWriter.invalidFile(out, err, report.output, command(mode), file, e);
    }
    if (where.netns != null && !namespaceScope(mode, file, state)) {
      return ExitCodes.INVALID_FILE;
    }
    Target target = where.target();
    LiveReport result;
    if (mode == Mode.APPLY) {
      // Until the report is out: a signal after the apply ended must not cut it off (exit 143).
      try (Interruption interruption = Interruption.install(err)) {
        result = run(mode, state, target, trust, text, interruption);
        return report(mode, file, result);
      }
    }
    result = run(mode, state, target, trust, text, () -> false);
    return report(mode, file, result);
  }

  private int report(Mode mode, Path file, LiveReport result) {
    lastReport = result.report();
    printLive(mode, file, result);
    explainInvalid(file, result.report());
    return exitCode(mode, result.report());
  }

  /**
   * Whether the host state may be converged into a network namespace: no sysctl of the whole
   * machine. Otherwise says which, at their lines.
   */
  private boolean namespaceScope(Mode mode, Path file, HostState state) {
    try {
      List<SpecProblem> problems =
          state.namespaceTargetProblems(SpecLoader.read(file), file.toString(), "");
      if (problems.isEmpty()) {
        return true;
      }
      problems.forEach(err::println);
      if (report.output == OutputFormat.json) {
        ReportWriter.print(out, ReportWriter.invalidDocument(command(mode), file, problems));
      }
    } catch (InvalidSpecException e) {
      err.println(e.getMessage());
    }
    err.println(
        "converge: "
            + file
            + " is not valid for a network namespace target; nothing was run (try the file"
            + " without those keys, or converge it on the host itself)");
    return false;
  }

  /**
   * Converges through the library's {@link Converger}, as a fleet of one: a dualWan profile is made
   * for the host's WANs as they are, with the health the running {@code converge watch} of this
   * host found, if any. An apply stops before its next command once {@code cancelled} says so (a
   * signal), and arms a reverter on the target first when {@code --confirm-timeout} asks for one.
   */
  private LiveReport run(
      Mode mode,
      HostState state,
      Target target,
      TrustOptions trust,
      String text,
      BooleanSupplier cancelled) {
    Converger.Builder builder = converger();
    if (mode == Mode.APPLY) {
      trust.applyTo(builder, text);
    }
    try (Converger converger = builder.build()) {
      return converger.runOne(mode, new FleetHost(target, state), cancelled);
    }
  }

  private static com.fasterxml.jackson.databind.node.ObjectNode document(
      Mode mode, Path file, LiveReport result) {
    return ReportWriter.document(
        mode.name().toLowerCase(Locale.ROOT),
        file.toString(),
        List.of(result.report()),
        java.util.Map.of(result.report().host(), result.wans()));
  }

  private void printLive(Mode mode, Path file, LiveReport result) {
    HostReport host = result.report();
    if (report.output == OutputFormat.json) {
      ReportWriter.print(out, document(mode, file, result));
      return;
    }
    ReportWriter.text(out, host, report.diff);
    ReportWriter.recap(out, List.of(host));
  }

  private int usage(String message) {
    err.println("converge: " + message);
    return ExitCodes.USAGE;
  }

  private int inSandbox(Mode mode, Path file) {
    if (this.names.namesDir != null) {
      return usage("--sandbox writes names into a throw-away folder of its own; drop --names-dir");
    }
    // The sandbox shares this machine's /etc: names go to a throw-away iproute2 folder instead.
    Path names = null;
    HostState state;
    try {
      names = Files.createTempDirectory("netconverge-sandbox-iproute2");
      // Ctrl-C skips the finally below; the JVM deletes these on exit, last registered first.
      names.toFile().deleteOnExit();
      for (String folder : List.of("rt_tables.d", "rt_protos.d")) {
        Path dir = Files.createDirectory(names.resolve(folder));
        dir.toFile().deleteOnExit();
        dir.resolve("netconverge.conf").toFile().deleteOnExit();
      }
      state = Netconverge.load(file, names);
    } catch (InvalidSpecException e) {
      if (names != null) {
        deleteTree(names);
      }
      return ReportWriter.invalidFile(out, err, report.output, command(mode), file, e);
    } catch (IOException e) {
      err.println("converge: cannot prepare the sandbox: " + e.getMessage());
      return ExitCodes.FAILED;
    }
    if (!namespaceScope(mode, file, state)) {
      deleteTree(names);
      return ExitCodes.INVALID_FILE;
    }
    try {
      return inSandbox(mode, file, state, names);
    } finally {
      deleteTree(names);
    }
  }

  private void deleteTree(Path dir) {
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      err.println("warning: could not remove " + dir + ": " + e.getMessage());
    }
  }

  private int inSandbox(Mode mode, Path file, HostState state, Path names) {
    // SIGINT/SIGTERM cancel the run like an apply's: the namespace is removed on the way out and
    // the exit is 1 (CANCELLED), not the JVM's 143 with a race of cleanups.
    try (Interruption interruption = Interruption.install(err)) {
      return inSandbox(mode, file, state, interruption);
    }
  }

  private int inSandbox(Mode mode, Path file, HostState state, BooleanSupplier cancelled) {
    Sandbox box;
    try {
      box = Sandbox.create(new LocalExecutor(), state.interfaces());
    } catch (ExecException e) {
      err.println("converge: cannot build the sandbox: " + e.getMessage());
      return ExitCodes.FAILED;
    }
    try {
      err.println(
          "sandbox: network namespace "
              + box.namespace()
              + " with "
              + (state.interfaces().isEmpty()
                  ? "no interfaces"
                  : "interfaces "
                      + String.join(
                          ", ", state.interfaces().stream().map(i -> i.name()).toList())));
      Target target = box.target();
      TrustOptions none = new TrustOptions();
      LiveReport first = run(mode, state, target, none, null, cancelled);
      int code = exitCode(mode, first.report());
      if (report.output == OutputFormat.json) {
        // One document: the run, and after a clean apply the second plan that proves it idempotent.
        com.fasterxml.jackson.databind.node.ObjectNode doc = document(mode, file, first);
        if (mode == Mode.APPLY && code == ExitCodes.OK) {
          LiveReport second = run(Mode.PLAN, state, target, none, null, cancelled);
          doc.set("secondPlan", document(Mode.PLAN, file, second));
          if (second.report().status() != HostReport.Status.OK) {
            code = ExitCodes.FAILED;
          }
        }
        ReportWriter.print(out, doc);
        explainInvalid(file, first.report());
        return code;
      }
      printLive(mode, file, first);
      explainInvalid(file, first.report());
      if (mode == Mode.APPLY && code == ExitCodes.OK) {
        LiveReport second = run(Mode.PLAN, state, target, none, null, cancelled);
        out.println();
        out.println("second plan, to show the run is idempotent:");
        printLive(Mode.PLAN, file, second);
        if (second.report().status() != HostReport.Status.OK) {
          code = ExitCodes.FAILED;
        }
      }
      return code;
    } finally {
      box.close();
      err.println("sandbox: removed " + box.namespace());
    }
  }

  /** A declaration the target's tools rejected is an invalid file, said where the user looks. */
  private void explainInvalid(Path file, HostReport result) {
    if (result.status() == HostReport.Status.INVALID) {
      err.println(result.error());
      err.println(
          "converge: "
              + file
              + " is not valid; "
              + (result.restored()
                  ? "what the apply changed was restored"
                  : "nothing was changed"));
    }
  }

  /** The exit code of one host; an apply that left parts pending is 3 (see {@code degraded()}). */
  static int exitCode(Mode mode, HostReport result) {
    if (result.restoreUnverified()) {
      return ExitCodes.NOT_RESTORED;
    }
    if (mode == Mode.APPLY && result.degraded()) {
      return ExitCodes.APPLIED_PENDING;
    }
    return switch (result.status()) {
      case OK -> ExitCodes.OK;
      case CHANGED -> mode == Mode.PLAN ? ExitCodes.CHANGES_PENDING : ExitCodes.OK;
      case FAILED -> ExitCodes.FAILED;
      case LOCKED -> ExitCodes.LOCKED;
      case INVALID -> ExitCodes.INVALID_FILE;
      case CANCELLED -> ExitCodes.FAILED;
    };
  }
}
