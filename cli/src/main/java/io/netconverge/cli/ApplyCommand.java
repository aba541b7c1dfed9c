package io.netconverge.cli;

import io.netconverge.core.engine.Mode;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    mixinStandardHelpOptions = true,
    name = "apply",
    description = "Converge the host to the file: read, diff, apply, verify; restore on failure.")
final class ApplyCommand implements Callable<Integer> {

  @Spec CommandLine.Model.CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "FILE",
      description = "A HostState file, or an Inventory of hosts.")
  Path file;

  @Mixin TargetOptions target = new TargetOptions();

  @Mixin ReportOptions report = new ReportOptions();

  @Mixin FleetOptions fleet = new FleetOptions();

  @Mixin TrustOptions trust = new TrustOptions();

  @Mixin NamesOptions names = new NamesOptions();

  @Mixin LoggingOptions logging = new LoggingOptions();

  @Option(
      names = "--sandbox",
      description =
          "Converge a throw-away network namespace with the interfaces the file names, show a"
              + " second plan with zero changes, then remove it. Touches nothing else.")
  boolean sandbox;

  @Option(
      names = "--persist",
      description =
          "After a successful apply, save FILE as /etc/netconverge/host.yaml (mode 0600) and enable"
              + " netconverge.service, which applies it again at boot. With --confirm-timeout,"
              + " only once the apply is confirmed (a revert drops it). A HostState for this"
              + " machine only: not with an inventory, --netns or --sandbox.")
  boolean persist;

  @Override
  public Integer call() {
    if (sandbox && target.netns != null) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--sandbox and --netns cannot be used together");
    }
    PersistedState persisted =
        persist ? PersistedState.prepare(spec.commandLine(), file, sandbox, target.netns) : null;
    // With a confirm timeout a reboot must not bring back a state nobody confirmed: the file is
    // saved by the confirm, on the target, and dropped by a revert.
    boolean atConfirm = persisted != null && trust.confirmTimeout != null;
    if (atConfirm) {
      trust.persistOnConfirm = persisted;
    }
    Converge converge =
        new Converge(spec.commandLine().getOut(), spec.commandLine().getErr(), report, names);
    int code = converge.run(Mode.APPLY, file, target, fleet, sandbox, trust);
    if (persisted == null) {
      return code;
    }
    return atConfirm
        ? persisted.finishOnConfirm(
            code, converge.lastReport(), converge.persistedAs(), spec.commandLine().getErr())
        : persisted.finish(code, spec.commandLine().getErr());
  }
}
