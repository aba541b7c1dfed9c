package io.netconverge.cli;

import io.netconverge.Netconverge;
import io.netconverge.core.engine.HostReport;
import io.netconverge.core.engine.Mode;
import io.netconverge.core.engine.Progress;
import io.netconverge.core.engine.Target;
import io.netconverge.core.spec.InvalidSpecException;
import io.netconverge.inventory.Inventory;
import io.netconverge.inventory.InventoryHost;
import io.netconverge.trust.Health;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Converges the hosts of an inventory, {@code --forks} at a time. Each host's result is printed as
 * soon as that host is done, then a recap of every host in inventory order. A host that fails,
 * cannot be reached or is locked is reported as such; the others go on.
 */
final class FleetRun {

  private final PrintWriter out;
  private final PrintWriter err;
  private final ReportOptions report;

  FleetRun(PrintWriter out, PrintWriter err, ReportOptions report) {
    this.out = out;
    this.err = err;
    this.report = report;
  }

  int run(Mode mode, Path file, FleetOptions fleet) {
    return run(mode, file, fleet, new TrustOptions());
  }

  int run(Mode mode, Path file, FleetOptions fleet, TrustOptions trust) {
    Inventory inventory;
    try {
      inventory = Netconverge.loadInventory(file);
    } catch (InvalidSpecException e) {
      err.println(e.getMessage());
      err.println("converge: " + file + " is not valid; nothing was run");
      return ExitCodes.INVALID_FILE;
    }
    if (fleet.forksOrDefault() < 1) {
      err.println("converge: --forks must be at least 1");
      return ExitCodes.USAGE;
    }
    List<InventoryHost> hosts;
    try {
      hosts = fleet.limit == null ? inventory.hosts() : inventory.select(fleet.limit);
    } catch (IllegalArgumentException e) {
      err.println("converge: --limit: " + e.getMessage());
      return ExitCodes.USAGE;
    }
    List<HostReport> reports;
    if (mode == Mode.APPLY) {
      try (Interruption interruption = Interruption.install(err)) {
        reports = rollout(hosts, fleet.forksOrDefault(), trust, interruption);
      }
    } else {
      reports = converge(mode, hosts, fleet.forksOrDefault(), () -> false, trust);
    }
    if (report.output == OutputFormat.json) {
      ReportWriter.json(out, mode.name().toLowerCase(Locale.ROOT), file.toString(), reports);
    } else {
      out.println();
      ReportWriter.recap(out, reports);
    }
    out.flush();
    return exitCode(mode, reports);
  }

  /**
   * Applies {@code --serial} hosts at a time (all at once without it), each batch done (and, with
   * --confirm-timeout, confirmed when healthy) before the next; stops when more than {@code
   * --max-fail-percent} of a batch failed, or on a signal, and reports the rest as not run.
   */
  private List<HostReport> rollout(
      List<InventoryHost> hosts, int forks, TrustOptions trust, Interruption interruption) {
    int size = trust.serial == null ? Math.max(1, hosts.size()) : trust.serial;
    List<HostReport> reports = new ArrayList<>();
    String stop = null;
    for (int from = 0; from < hosts.size(); from += size) {
      List<InventoryHost> batch = hosts.subList(from, Math.min(hosts.size(), from + size));
      if (stop == null && interruption.cancelled()) {
        stop = "interrupted";
      }
      if (stop != null) {
        for (InventoryHost h : batch) {
          reports.add(HostReport.failed(h.name(), Mode.APPLY, List.of(), NOT_RUN + stop, false));
        }
        continue;
      }
      List<HostReport> done = converge(Mode.APPLY, batch, forks, interruption, trust);
      reports.addAll(done);
      long failed = done.stream().filter(FleetRun::failed).count();
      if (trust.serial != null
          && failed * 100 > (long) trust.maxFailPercentOrDefault() * batch.size()) {
        stop =
            "the rollout stopped after "
                + failed
                + " of "
                + batch.size()
                + " hosts of a batch failed (more than "
                + trust.maxFailPercentOrDefault()
                + "%)";
      }
    }
    return reports;
  }

  static final String NOT_RUN = "not run: ";

  private static boolean failed(HostReport r) {
    return r.status() == HostReport.Status.FAILED
        || r.status() == HostReport.Status.LOCKED
        || r.status() == HostReport.Status.INVALID;
  }

  /** Every host's report, in the order of {@code hosts}. */
  private List<HostReport> converge(
      Mode mode,
      List<InventoryHost> hosts,
      int forks,
      java.util.function.BooleanSupplier cancelled,
      TrustOptions trust) {
    Progress progress =
        report.output == OutputFormat.text
            ? (host, step) -> err.println("[" + host + "] " + step)
            : Progress.NONE;
    AtomicInteger thread = new AtomicInteger();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.max(1, Math.min(forks, hosts.size())),
            r -> {
              Thread t = new Thread(r, "converge-" + thread.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    try {
      ExecutorCompletionService<HostReport> done = new ExecutorCompletionService<>(pool);
      for (InventoryHost host : hosts) {
        done.submit(() -> convergeOne(mode, host, progress, cancelled, trust));
      }
      Map<String, HostReport> byHost = new HashMap<>();
      for (int i = 0; i < hosts.size(); i++) {
        HostReport r = take(done);
        byHost.put(r.host(), r);
        if (report.output == OutputFormat.text) {
          ReportWriter.text(out, r, report.diff);
          out.flush();
        }
      }
      List<HostReport> ordered = new ArrayList<>();
      hosts.forEach(h -> ordered.add(byHost.get(h.name())));
      return ordered;
    } finally {
      pool.shutdownNow();
    }
  }

  private static HostReport convergeOne(
      Mode mode,
      InventoryHost host,
      Progress progress,
      java.util.function.BooleanSupplier cancelled,
      TrustOptions trust) {
    try {
      if (mode == Mode.PLAN) {
        return Netconverge.plan(host.state(), host.target(), progress);
      }
      Target target = host.target();
      return TrustedApply.apply(
          host.state(),
          target,
          Health.freshExecutor(host.connection(), target.executor()),
          progress,
          cancelled,
          trust,
          trust.confirmWhenHealthy || trust.serial != null);
    } catch (RuntimeException e) {
      // One host's bug must not take the others' results with it; it is reported as a failure.
      return HostReport.failed(host.name(), mode, List.of(), "internal error: " + e, false);
    }
  }

  private static HostReport take(ExecutorCompletionService<HostReport> done) {
    try {
      Future<HostReport> next = done.take();
      return next.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while hosts were converging", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("a host's converge ended unexpectedly", e.getCause());
    }
  }

  /**
   * One exit code for the fleet, the most urgent first: 1 when any host failed (or could not be
   * reached), else 65 when a host's tools rejected its declaration (nothing was touched there),
   * else 75 when any host was locked by another converge, else (plan) 2 when any host has changes,
   * else 0. A failure outranks a lock, so that "try again later" never hides a host that needs a
   * look.
   */
  static int exitCode(Mode mode, List<HostReport> reports) {
    if (reports.stream().anyMatch(r -> r.status() == HostReport.Status.FAILED)) {
      return ExitCodes.FAILED;
    }
    if (reports.stream().anyMatch(r -> r.status() == HostReport.Status.INVALID)) {
      return ExitCodes.INVALID_FILE;
    }
    if (reports.stream().anyMatch(r -> r.status() == HostReport.Status.LOCKED)) {
      return ExitCodes.LOCKED;
    }
    if (mode == Mode.PLAN
        && reports.stream().anyMatch(r -> r.status() == HostReport.Status.CHANGED)) {
      return ExitCodes.CHANGES_PENDING;
    }
    return ExitCodes.OK;
  }
}
