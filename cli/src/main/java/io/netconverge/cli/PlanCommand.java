package io.netconverge.cli;

import io.netconverge.core.engine.Mode;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    mixinStandardHelpOptions = true,
    name = "plan",
    description = "Show what apply would change; change nothing. Exits 2 when there are changes.")
final class PlanCommand implements Callable<Integer> {

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "FILE",
      description = "A HostState file, or an Inventory of hosts.")
  Path file;

  @Mixin TargetOptions target = new TargetOptions();

  @Mixin ReportOptions report = new ReportOptions();

  @Mixin FleetOptions fleet = new FleetOptions();

  @Mixin NamesOptions names = new NamesOptions();

  @Mixin LoggingOptions logging = new LoggingOptions();

  @Override
  public Integer call() {
    return new Converge(spec.commandLine().getOut(), spec.commandLine().getErr(), report, names)
        .run(Mode.PLAN, file, target, fleet, false);
  }
}
