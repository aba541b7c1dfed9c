package io.netconverge.cli;

import io.netconverge.core.engine.Target;
import io.netconverge.core.exec.ExecException;
import io.netconverge.core.spec.SpecLoader;
import io.netconverge.hoststate.HostState;
import io.netconverge.hoststate.HostStateSpec;
import io.netconverge.wan.Watcher;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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
          + " until SIGTERM or Ctrl-C (exit 0).",
      "The file is read again when it is saved (checked every 2 s) or on SIGHUP; a version that"
          + " is not valid is reported and the last valid one is kept."
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
    // An edited file is taken when it is saved (or on SIGHUP, systemctl reload): a watch that
    // kept the version it started with would undo every apply of the new one.
    FileVersion seen = new FileVersion(file);
    Runnable reload = () -> reload(watcher, seen, err);
    sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> reload.run());
    ScheduledExecutorService edits =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "file");
              t.setDaemon(true);
              return t;
            });
    edits.scheduleWithFixedDelay(
        () -> {
          if (seen.changed()) {
            reload.run();
          }
        },
        FileVersion.EVERY.toMillis(),
        FileVersion.EVERY.toMillis(),
        TimeUnit.MILLISECONDS);
    try {
      watcher.run();
    } catch (ExecException e) {
      err.println("converge: cannot watch " + where.name() + ": " + e.getMessage());
      return ExitCodes.FAILED;
    } finally {
      edits.shutdownNow();
    }
    return ExitCodes.OK;
  }

  /** Loads the file again; an invalid version is said and the watch keeps the last valid one. */
  private synchronized void reload(Watcher watcher, FileVersion seen, PrintWriter err) {
    seen.remember();
    WanFile.Result result = WanFile.load(file, "watch", err);
    if (result instanceof WanFile.Usable usable) {
      watcher.reload(usable.loaded().spec(), usable.loaded().source());
    } else {
      err.println(
          "converge: watch keeps converging the last valid version of "
              + file
              + " until it is valid again");
      err.flush();
    }
  }

  /** The file's modification time and size, to notice a save without reading it. */
  static final class FileVersion {
    static final java.time.Duration EVERY = java.time.Duration.ofSeconds(2);

    private final Path file;
    private String last;

    FileVersion(Path file) {
      this.file = file;
      this.last = now();
    }

    private String now() {
      try {
        return java.nio.file.Files.getLastModifiedTime(file).toMillis()
            + "/"
            + java.nio.file.Files.size(file);
      } catch (java.io.IOException e) {
        return "absent";
      }
    }

    synchronized boolean changed() {
      return !now().equals(last);
    }

    synchronized void remember() {
      last = now();
    }
  }
}
