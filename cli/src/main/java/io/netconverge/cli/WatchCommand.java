package io.netconverge.cli;

import io.netconverge.core.engine.Target;
import io.netconverge.core.exec.ExecException;
import io.netconverge.core.spec.SpecLoader;
import io.netconverge.hoststate.HostState;
import io.netconverge.hoststate.HostStateSpec;
import io.netconverge.wan.Watcher;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "watch",
    mixinStandardHelpOptions = true,
    description = {
      "Keep the host converged while its WANs come and go.",
      "Converges now, then again on every link, address or route change of a WAN interface (ip"
          + " monitor) and whenever health tracking (track:) finds a WAN down or back up. Runs"
          + " until SIGTERM or Ctrl-C (exit 0)."
    })
final class WatchCommand implements Callable<Integer> {

  @Spec CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FILE", description = "A HostState file with dualWan.")
  Path file;

  @Mixin TargetOptions target = new TargetOptions();

  @Mixin NamesOptions names = new NamesOptions();

  @Mixin LoggingOptions logging = new LoggingOptions();

  @Override
  @SuppressWarnings("sunapi")
  public Integer call() {
    // A service's journal shows every converge and transition (info), unless -v asked for more.
    LoggingOptions.atLeast("info");
    var err = spec.commandLine().getErr();
    SpecLoader.Loaded<HostStateSpec> loaded;
    WanFile.Result result = WanFile.load(file, "watch", err);
    if (result instanceof WanFile.Refused refused) {
      return refused.exitCode();
    }
    loaded = ((WanFile.Usable) result).loaded();
    Target where = target.target();
    Watcher watcher =
        new Watcher(
            loaded.spec(),
            loaded.source(),
            names.dirOr(HostState.defaultNamesDir()),
            where,
            file.toString(),
            Watcher.Options.DEFAULT);
    // A service manager stops us with SIGTERM: finish the converge in progress, then exit 0.
    sun.misc.SignalHandler stop = signal -> watcher.stop();
    sun.misc.Signal.handle(new sun.misc.Signal("TERM"), stop);
    sun.misc.Signal.handle(new sun.misc.Signal("INT"), stop);
    try {
      watcher.run();
    } catch (ExecException e) {
      err.println("converge: cannot watch " + where.name() + ": " + e.getMessage());
      return ExitCodes.FAILED;
    }
    return ExitCodes.OK;
  }
}
