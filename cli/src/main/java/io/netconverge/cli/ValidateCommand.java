package io.netconverge.cli;

import io.netconverge.Netconverge;
import io.netconverge.Validation;
import io.netconverge.core.spec.InvalidSpecException;
import io.netconverge.hoststate.HostState;
import io.netconverge.inventory.Inventory;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    mixinStandardHelpOptions = true,
    name = "validate",
    description = {
      "Check a file without touching any host. Exits 65 when invalid.",
      "A host state file is also checked with this machine's tools: sysctl names against"
          + " /proc/sys, nft definitions and iptables rules by nft and iptables in a throw-away"
          + " network namespace (as root). It says what was and was not checked."
    })
final class ValidateCommand implements Callable<Integer> {

  @Spec CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FILE", description = "A HostState or Inventory file.")
  Path file;

  @Mixin NamesOptions names = new NamesOptions();

  @Mixin LoggingOptions logging = new LoggingOptions();

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      if (Netconverge.kindOf(file).equals("Inventory")) {
        Inventory inventory =
            names.namesDir == null
                ? Netconverge.loadInventory(file)
                : Netconverge.loadInventory(file, names.namesDir);
        out.println(file + ": valid (" + inventory.hosts().size() + " hosts)");
        out.println(
            "  not checked: the hosts' sysctls, nft and iptables by their own tools (run plan)");
        return ExitCodes.OK;
      }
      Validation.Result result =
          Validation.here()
              .check(file, names.namesDir == null ? HostState.defaultNamesDir() : names.namesDir);
      if (!result.valid()) {
        // Sorted by line and cut at a readable length, like the file's own problems.
        err.println(new InvalidSpecException(result.problems()).getMessage());
        explain(err, result);
        return ExitCodes.INVALID_FILE;
      }
      out.println(file + ": valid");
      explain(out, result);
      return ExitCodes.OK;
    } catch (InvalidSpecException e) {
      err.println(e.getMessage());
      return ExitCodes.INVALID_FILE;
    }
  }

  private static void explain(PrintWriter to, Validation.Result result) {
    result.checked().forEach(c -> to.println("  checked: " + c));
    result.notChecked().forEach(c -> to.println("  not checked: " + c));
  }
}
