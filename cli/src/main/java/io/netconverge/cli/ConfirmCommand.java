package io.netconverge.cli;

import io.netconverge.Netconverge;
import io.netconverge.core.engine.Target;
import io.netconverge.core.exec.ExecException;
import io.netconverge.core.spec.InvalidSpecException;
import io.netconverge.inventory.Inventory;
import io.netconverge.inventory.InventoryHost;
import io.netconverge.trust.Reverter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "confirm",
    mixinStandardHelpOptions = true,
    description =
        "Keep what `apply --confirm-timeout` applied: cancel the pending reverter on each host,"
            + " and save the file for boot when the apply was given --persist. Idempotent; says"
            + " when nothing was pending.")
final class ConfirmCommand implements Callable<Integer> {

  @Spec CommandLine.Model.CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "FILE",
      description = "The HostState file or Inventory that was applied.")
  Path file;

  @Mixin TargetOptions target = new TargetOptions();

  @Mixin FleetOptions fleet = new FleetOptions();

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<Target> targets = new ArrayList<>();
    try {
      if (Netconverge.kindOf(file).equals("Inventory")) {
        if (target.netns != null) {
          err.println("converge: --netns cannot be used with an inventory");
          return ExitCodes.USAGE;
        }
        Inventory inventory = Netconverge.loadInventory(file);
        List<InventoryHost> hosts;
        try {
          hosts = fleet.limit == null ? inventory.hosts() : inventory.select(fleet.limit);
        } catch (IllegalArgumentException e) {
          err.println("converge: --limit: " + e.getMessage());
          return ExitCodes.USAGE;
        }
        hosts.forEach(h -> targets.add(h.target()));
      } else {
        if (fleet.given()) {
          err.println("converge: --limit and --forks select hosts of an inventory");
          return ExitCodes.USAGE;
        }
        targets.add(target.target());
      }
    } catch (InvalidSpecException e) {
      err.println(e.getMessage());
      err.println("converge: " + file + " is not valid; nothing was run");
      return ExitCodes.INVALID_FILE;
    }
    int code = ExitCodes.OK;
    for (Target t : targets) {
      try {
        Reverter.ConfirmResult r = Reverter.confirm(t.executor());
        switch (r.confirmation()) {
          case CONFIRMED -> {
            out.println(t.name() + ": confirmed, the applied state stays");
            if (r.persisted().isPresent()) {
              Reverter.Persisted p = r.persisted().get();
              out.println(t.name() + ": persisted: " + p.describe());
              if (!p.ok()) {
                code = ExitCodes.FAILED;
              }
            }
          }
          case NONE -> {
            String last = r.lastRevertLine();
            if (r.lastRevertFailed()) {
              // The safety net itself failed: the host may be in neither state.
              out.println(
                  t.name()
                      + ": nothing was pending, but the last revert FAILED ("
                      + last
                      + "): the host may be in neither the applied state nor the one before;"
                      + " its log is /run/netconverge/revert-*.log on the host");
              code = ExitCodes.FAILED;
            } else {
              out.println(
                  t.name()
                      + ": nothing was pending"
                      + (last.isEmpty() ? "" : " (last revert: " + last + ")"));
            }
          }
          case REVERTING -> {
            out.println(t.name() + ": too late, the reverter is restoring the snapshot now");
            code = ExitCodes.FAILED;
          }
        }
      } catch (ExecException e) {
        out.println(t.name() + ": cannot confirm: " + e.getMessage());
        code = ExitCodes.FAILED;
      }
    }
    out.flush();
    return code;
  }
}
