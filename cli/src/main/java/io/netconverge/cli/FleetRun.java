package io.netconverge.cli;

import io.netconverge.Converger;
import io.netconverge.FleetHost;
import io.netconverge.FleetReport;
import io.netconverge.core.engine.ConvergeEvent;
import io.netconverge.core.engine.HostReport;
import io.netconverge.core.engine.Mode;
import io.netconverge.core.engine.Progress;
import io.netconverge.core.spec.InvalidSpecException;
import io.netconverge.inventory.Inventory;
import io.netconverge.inventory.InventoryHost;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Converges the hosts of an inventory through the library's fleet run, {@code --forks} at a time
 * ({@code --serial}: batch after batch, with the library's stop rule). Each host's result is
 * printed as soon as that host is done, then a recap of every host in inventory order. A host that
 * fails, cannot be reached or is locked is reported as such; the others go on. SIGINT and SIGTERM
 * during an apply cancel the fleet run through the same check as the library's cancel.
 */
final class FleetRun {

  static final String NOT_RUN = FleetReport.NOT_RUN;

  private final PrintWriter out;
  private final PrintWriter err;
  private final ReportOptions report;
  private final NamesOptions names;

  FleetRun(PrintWriter out, PrintWriter err, ReportOptions report, NamesOptions names) {
    this.out = out;
    this.err = err;
    this.report = report;
    this.names = names;
  }

  int run(Mode mode, Path file, FleetOptions fleet) {
    return run(mode, file, fleet, new TrustOptions());
  }

  int run(Mode mode, Path file, FleetOptions fleet, TrustOptions trust) {
    if (fleet.forksOrDefault() < 1) {
      err.println("converge: --forks must be at least 1");
      return ExitCodes.USAGE;
    }
    Converger.Builder builder = names.applyTo(Converger.builder()).forks(fleet.forksOrDefault());
    if (report.output == OutputFormat.text) {
      builder.progress(textProgress());
    }
    if (mode == Mode.APPLY) {
      trust.applyTo(builder);
    }
    try (Converger converger = builder.build()) {
      Inventory inventory;
      try {
        inventory = converger.loadInventory(file);
      } catch (InvalidSpecException e) {
        return ReportWriter.invalidFile(out, err, report.output, Converge.command(mode), file, e);
      }
      List<InventoryHost> hosts;
      try {
        hosts = fleet.limit == null ? inventory.hosts() : inventory.select(fleet.limit);
      } catch (IllegalArgumentException e) {
        err.println("converge: --limit: " + e.getMessage());
        return ExitCodes.USAGE;
      }
      List<FleetHost> fleetHosts = hosts.stream().map(FleetHost::of).toList();
      FleetReport result;
      if (mode == Mode.APPLY) {
        try (Interruption interruption = Interruption.install(err)) {
          result = converger.run(mode, fleetHosts, interruption);
        }
      } else {
        result = converger.run(mode, fleetHosts);
      }
      if (report.output == OutputFormat.json) {
        com.fasterxml.jackson.databind.node.ObjectNode document =
            ReportWriter.document(
                mode.name().toLowerCase(Locale.ROOT),
                file.toString(),
                result.hosts(),
                result.wans());
        if (mode == Mode.APPLY && trust.serial != null) {
          rollout(document, result);
        }
        ReportWriter.print(out, document);
      } else {
        out.println();
        ReportWriter.recap(out, result.hosts());
        result.stopped().ifPresent(why -> out.println(why));
      }
      out.flush();
      for (HostReport r : result.hosts()) {
        if (r.status() == HostReport.Status.INVALID) {
          err.println(r.error());
        }
      }
      return exitCode(mode, result.hosts());
    }
  }

  /**
   * A rolling apply's JSON also says which batches ran ({@code hosts}, {@code failed}) and why the
   * rollout stopped ({@code stopped}: null when every batch ran).
   */
  static void rollout(com.fasterxml.jackson.databind.node.ObjectNode document, FleetReport result) {
    com.fasterxml.jackson.databind.node.ObjectNode rollout = document.putObject("rollout");
    com.fasterxml.jackson.databind.node.ArrayNode batches = rollout.putArray("batches");
    for (FleetReport.Batch b : result.batches()) {
      com.fasterxml.jackson.databind.node.ObjectNode batch = batches.addObject();
      b.hosts().forEach(batch.putArray("hosts")::add);
      batch.put("failed", b.failed());
    }
    rollout.put("stopped", result.stopped().orElse(null));
  }

  /** Steps on stderr, and each host's report on stdout as soon as that host is done. */
  private Progress textProgress() {
    ProgressPrinter steps = new ProgressPrinter(err);
    return event -> {
      steps.on(event);
      if (event instanceof ConvergeEvent.HostFinished finished) {
        synchronized (out) {
          ReportWriter.text(out, finished.report(), report.diff);
          out.flush();
        }
      }
    };
  }

  /**
   * One exit code for the fleet, the most urgent first: 4 when a host failed and the state read
   * before apply is not known to be back there, else 1 when any host failed (or could not be
   * reached, or was cancelled), else 65 when a host's tools rejected its declaration (nothing was
   * touched there), else 75 when any host was locked by another converge, else (apply) 3 when a
   * host converged all it could but left parts of a WAN pending (down, missing, no gateway yet),
   * else (plan) 2 when any host has changes, else 0. A failure outranks a lock, so that "try again
   * later" never hides a host that needs a look; a lock outranks pending parts, since a locked host
   * was not converged at all.
   */
  static int exitCode(Mode mode, List<HostReport> reports) {
    if (reports.stream().anyMatch(HostReport::restoreUnverified)) {
      return ExitCodes.NOT_RESTORED;
    }
    FleetReport fleet = new FleetReport(mode, reports);
    HostReport.Status worst = fleet.status();
    return switch (worst) {
      case FAILED, CANCELLED -> ExitCodes.FAILED;
      case INVALID -> ExitCodes.INVALID_FILE;
      case LOCKED -> ExitCodes.LOCKED;
      case CHANGED, OK -> {
        if (mode == Mode.APPLY && fleet.degraded()) {
          yield ExitCodes.APPLIED_PENDING;
        }
        yield worst == HostReport.Status.CHANGED && mode == Mode.PLAN
            ? ExitCodes.CHANGES_PENDING
            : ExitCodes.OK;
      }
    };
  }
}
