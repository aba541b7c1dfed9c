package io.netconverge.cli;

import io.netconverge.Netconverge;
import io.netconverge.core.spec.InvalidSpecException;
import io.netconverge.hoststate.HostState;
import io.netconverge.inventory.Inventory;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "validate",
    description = "Check a file without touching any host. Exits 65 when invalid.")
final class ValidateCommand implements Callable<Integer> {

  @Spec CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FILE", description = "A HostState or Inventory file.")
  Path file;

  @Override
  public Integer call() {
    try {
      if (Netconverge.kindOf(file).equals("Inventory")) {
        Inventory inventory = Netconverge.loadInventory(file);
        spec.commandLine()
            .getOut()
            .println(file + ": valid (" + inventory.hosts().size() + " hosts)");
        return ExitCodes.OK;
      }
      HostState state = Netconverge.load(file);
      spec.commandLine()
          .getOut()
          .println(file + ": valid (" + state.declared().size() + " resource kinds)");
      return ExitCodes.OK;
    } catch (InvalidSpecException e) {
      spec.commandLine().getErr().println(e.getMessage());
      return ExitCodes.INVALID_FILE;
    }
  }
}
