package io.netconverge.core.engine;

import io.netconverge.core.exec.ExecException;
import io.netconverge.core.exec.Executor;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Converges one host: read → diff → (plan stops here) → lock → read under the lock (the snapshot) →
 * apply module by module → read again and verify nothing is left to change → report. When a step of
 * apply fails, or the verification finds the host still differs, the modules applied so far are
 * restored to the snapshot, in reverse order. The runner holds no global state and never exits the
 * process: its result is a value.
 */
public final class Runner {

  private final Progress progress;

  public Runner(Progress progress) {
    this.progress = progress;
  }

  public Runner() {
    this(Progress.NONE);
  }

  public HostReport plan(Target target, List<Declared<?>> declared) {
    progress.step(target.name(), "reading");
    try {
      List<Declared.Live<?>> live = readAll(target.executor(), declared);
      List<Change> changes = changesOf(live);
      boolean inSync = live.stream().allMatch(Declared.Live::inSync);
      return new HostReport(
          target.name(),
          Mode.PLAN,
          inSync ? HostReport.Status.OK : HostReport.Status.CHANGED,
          changes,
          null,
          false);
    } catch (DeclarationRejectedException e) {
      return HostReport.invalid(target.name(), Mode.PLAN, e);
    } catch (ExecException e) {
      return HostReport.failed(target.name(), Mode.PLAN, List.of(), e.getMessage(), false);
    }
  }

  public HostReport apply(Target target, List<Declared<?>> declared) {
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

  private HostReport applyLocked(Target target, List<Declared<?>> declared) {
    String host = target.name();
    Executor executor = target.executor();
    progress.step(host, "reading");
    List<Declared.Live<?>> snapshot;
    try {
      snapshot = readAll(executor, declared);
    } catch (DeclarationRejectedException e) {
      return HostReport.invalid(host, Mode.APPLY, e);
    } catch (ExecException e) {
      return HostReport.failed(host, Mode.APPLY, List.of(), e.getMessage(), false);
    }
    List<Change> changes = changesOf(snapshot);
    if (snapshot.stream().allMatch(Declared.Live::inSync)) {
      return new HostReport(host, Mode.APPLY, HostReport.Status.OK, changes, null, false);
    }

    int applied = 0;
    String failure = null;
    try {
      for (Declared.Live<?> live : snapshot) {
        if (!live.inSync()) {
          progress.step(host, "applying " + live.declared().module().kind());
        }
        applied++;
        live.apply(executor);
      }
      progress.step(host, "verifying");
      List<Declared.Live<?>> after = readAll(executor, declared);
      List<Change> left = changesOf(after).stream().filter(Change::changes).toList();
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
    String restoreError = restore(host, executor, snapshot.subList(0, applied));
    String error = restoreError == null ? failure : failure + "; restore failed: " + restoreError;
    return HostReport.failed(host, Mode.APPLY, changes, error, restoreError == null);
  }

  /** Puts the snapshot back, last module first; returns what failed, or null. */
  private String restore(String host, Executor executor, List<Declared.Live<?>> touched) {
    progress.step(host, "restoring the snapshot");
    List<String> errors = new ArrayList<>();
    for (int i = touched.size() - 1; i >= 0; i--) {
      Declared<?> previous = touched.get(i).asDeclared();
      try {
        previous.read(executor).apply(executor);
      } catch (ExecException | RuntimeException e) {
        errors.add(e.getMessage());
      }
    }
    return errors.isEmpty() ? null : String.join("; ", errors);
  }

  private static List<Declared.Live<?>> readAll(Executor executor, List<Declared<?>> declared)
      throws ExecException {
    List<Declared.Live<?>> live = new ArrayList<>(declared.size());
    for (Declared<?> d : declared) {
      live.add(d.read(executor));
    }
    return live;
  }

  private static List<Change> changesOf(List<Declared.Live<?>> live) {
    return live.stream().flatMap(l -> l.changes().stream()).toList();
  }
}
