package io.netconverge.core.engine;

import io.netconverge.core.engine.Declared.Planned;
import io.netconverge.core.engine.HostReport.Restoration;
import io.netconverge.core.engine.HostReport.RestoreOutcome;
import io.netconverge.core.exec.Command;
import io.netconverge.core.exec.ExecException;
import io.netconverge.core.exec.Executor;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Converges one host: read → canonical → diff (plan stops here) → lock → read under the lock (the
 * snapshot) → canonical → diff → run each module's commands → read again and verify nothing is left
 * to change → report. The commands run are exactly those of the plan the diff made. When a command
 * fails, or the verification finds the host still differs, every module touched so far runs the
 * commands of its restore plan (last first), and the host is read again to check that it is the
 * snapshot. The runner holds no global state and never exits the process: its result is a value.
 */
public final class Runner {

  private final Progress progress;

  public Runner(Progress progress) {
    this.progress = progress;
  }

  public Runner() {
    this(Progress.NONE);
  }

  public HostReport plan(Target target, List<Declared<?, ?>> declared) {
    progress.step(target.name(), "reading");
    try {
      List<Planned<?, ?>> planned = planAll(target.executor(), declared);
      return new HostReport(
          target.name(),
          Mode.PLAN,
          inSync(planned) ? HostReport.Status.OK : HostReport.Status.CHANGED,
          changesOf(planned),
          null,
          false);
    } catch (DeclarationRejectedException e) {
      return HostReport.invalid(target.name(), Mode.PLAN, e);
    } catch (ExecException e) {
      return HostReport.failed(target.name(), Mode.PLAN, List.of(), e.getMessage(), false);
    } catch (RuntimeException e) {
      return HostReport.failed(
          target.name(), Mode.PLAN, List.of(), "internal error while planning: " + e, false);
    }
  }

  public HostReport apply(Target target, List<Declared<?, ?>> declared) {
    String host = target.name();
    progress.step(host, "locking");
    try (HostLock lock = target.lock()) {
      return applyLocked(target, declared);
    } catch (LockHeldException e) {
      return new HostReport(
          host, Mode.APPLY, HostReport.Status.LOCKED, List.of(), e.getMessage(), false);
    } catch (ExecException e) {
      return HostReport.failed(host, Mode.APPLY, List.of(), e.getMessage(), false);
    }
  }

  private HostReport applyLocked(Target target, List<Declared<?, ?>> declared) {
    String host = target.name();
    Executor executor = target.executor();
    progress.step(host, "reading");
    List<Planned<?, ?>> snapshot;
    try {
      snapshot = planAll(executor, declared);
    } catch (DeclarationRejectedException e) {
      return HostReport.invalid(host, Mode.APPLY, e);
    } catch (ExecException e) {
      return HostReport.failed(host, Mode.APPLY, List.of(), e.getMessage(), false);
    } catch (RuntimeException e) {
      return HostReport.failed(
          host, Mode.APPLY, List.of(), "internal error while planning: " + e, false);
    }
    List<Change> changes = changesOf(snapshot);
    if (inSync(snapshot)) {
      return new HostReport(host, Mode.APPLY, HostReport.Status.OK, changes, null, false);
    }

    List<Planned<?, ?>> touched = new ArrayList<>();
    String failure;
    try {
      for (Planned<?, ?> planned : snapshot) {
        if (planned.inSync()) {
          continue;
        }
        progress.step(host, "applying " + planned.kind());
        touched.add(planned);
        for (Command command : planned.commands()) {
          executor.check(command);
        }
      }
      progress.step(host, "verifying");
      List<Change> left = new ArrayList<>();
      for (Planned<?, ?> planned : snapshot) {
        left.addAll(verify(executor, planned).stream().filter(Change::changes).toList());
      }
      if (left.isEmpty()) {
        return new HostReport(host, Mode.APPLY, HostReport.Status.CHANGED, changes, null, false);
      }
      failure =
          "applied, but the host still differs: "
              + left.stream().map(Change::resource).collect(Collectors.joining(", "));
    } catch (ExecException e) {
      failure = e.getMessage();
    } catch (RuntimeException e) {
      // A bug in a module must not leave the host half-applied: restore, then report it.
      failure = "internal error while applying: " + e;
    }
    Restoration restoration = restore(host, executor, touched);
    String error =
        restoration.outcome() == RestoreOutcome.RESTORED
            ? failure
            : failure + "; restore incomplete: " + restoration.difference();
    return HostReport.failed(host, Mode.APPLY, changes, error, restoration);
  }

  private static <S, P> List<Change> verify(Executor executor, Planned<S, P> planned)
      throws ExecException {
    return planned.declared().replan(executor, planned.canonical()).changes();
  }

  /**
   * Runs each touched module's restore commands, last module first, then reads every one of them
   * again and compares it with the snapshot.
   */
  private Restoration restore(String host, Executor executor, List<Planned<?, ?>> touched) {
    if (touched.isEmpty()) {
      return Restoration.NOT_NEEDED;
    }
    progress.step(host, "restoring the snapshot");
    List<String> problems = new ArrayList<>();
    for (int i = touched.size() - 1; i >= 0; i--) {
      Planned<?, ?> planned = touched.get(i);
      try {
        for (Command command : planned.restoreCommands()) {
          executor.check(command);
        }
      } catch (ExecException | RuntimeException e) {
        problems.add(planned.kind() + ": " + e.getMessage());
      }
    }
    List<String> different = new ArrayList<>();
    for (Planned<?, ?> planned : touched) {
      try {
        if (!planned.restoredOn(executor)) {
          different.add(planned.kind());
          problems.add(planned.kind() + " differs from the state read before apply");
        }
      } catch (ExecException | RuntimeException e) {
        different.add(planned.kind());
        problems.add(planned.kind() + ": cannot read it again: " + e.getMessage());
      }
    }
    if (problems.isEmpty()) {
      return new Restoration(
          RestoreOutcome.RESTORED, touched.stream().map(Planned::kind).toList(), "");
    }
    if (different.isEmpty()) {
      // A restore command failed, yet the host reads as the snapshot: it is back.
      return new Restoration(
          RestoreOutcome.RESTORED, touched.stream().map(Planned::kind).toList(), "");
    }
    return new Restoration(RestoreOutcome.INCOMPLETE, different, String.join("; ", problems));
  }

  private static List<Planned<?, ?>> planAll(Executor executor, List<Declared<?, ?>> declared)
      throws ExecException {
    List<Planned<?, ?>> planned = new ArrayList<>(declared.size());
    for (Declared<?, ?> d : declared) {
      planned.add(d.plan(executor));
    }
    return planned;
  }

  private static boolean inSync(List<Planned<?, ?>> planned) {
    return planned.stream().allMatch(Planned::inSync);
  }

  private static List<Change> changesOf(List<Planned<?, ?>> planned) {
    return planned.stream().flatMap(p -> p.changes().stream()).toList();
  }
}
