package io.netconverge.core.engine;

import io.netconverge.core.engine.ConvergeEvent.Applying;
import io.netconverge.core.engine.ConvergeEvent.HostFinished;
import io.netconverge.core.engine.ConvergeEvent.HostStarted;
import io.netconverge.core.engine.ConvergeEvent.Locking;
import io.netconverge.core.engine.ConvergeEvent.Reading;
import io.netconverge.core.engine.ConvergeEvent.Restoring;
import io.netconverge.core.engine.ConvergeEvent.Verifying;
import io.netconverge.core.exec.ExecException;
import io.netconverge.core.exec.Executor;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * Converges one host: read → diff → (plan stops here) → lock → read under the lock (the snapshot) →
 * apply module by module → read again and verify nothing is left to change → report. When a step of
 * apply fails, or the verification finds the host still differs, the modules applied so far are
 * restored to the snapshot, in reverse order. The runner holds no global state and never exits the
 * process: its result is a value.
 *
 * <p>A cancelled run stops before its next step (a command already running is never cut short):
 * before the lock, before reading a module, or before applying the next module, in which case the
 * modules applied so far are restored like after a failure.
 */
public final class Runner {

  private final Progress progress;
  private final BooleanSupplier cancelled;

  /**
   * @param cancelled asked before every step; once it says true, the run stops there
   */
  public Runner(Progress progress, BooleanSupplier cancelled) {
    this.progress = progress;
    this.cancelled = cancelled;
  }

  public Runner(Progress progress) {
    this(progress, () -> false);
  }

  public Runner() {
    this(Progress.NONE);
  }

  /** Thrown between steps once the run is cancelled; never leaves the runner. */
  private static final class Cancelled extends Exception {
    private static final long serialVersionUID = 1L;

    Cancelled(String before) {
      super("cancelled before " + before);
    }
  }

  /** Where a read failed: the module at work, for the failure record. */
  private static final class ReadFailed extends Exception {
    private static final long serialVersionUID = 1L;
    final String module;
    final transient ExecException cause;

    ReadFailed(String module, ExecException cause) {
      super(cause);
      this.module = module;
      this.cause = cause;
    }
  }

  public HostReport plan(Target target, List<Declared<?>> declared) {
    progress.on(new HostStarted(target.name(), Mode.PLAN));
    return finished(planUnreported(target, declared));
  }

  public HostReport apply(Target target, List<Declared<?>> declared) {
    progress.on(new HostStarted(target.name(), Mode.APPLY));
    return finished(applyUnreported(target, declared));
  }

  private HostReport finished(HostReport report) {
    progress.on(new HostFinished(report.host(), report));
    return report;
  }

  private HostReport planUnreported(Target target, List<Declared<?>> declared) {
    String host = target.name();
    try {
      List<Declared.Live<?>> live = readAll(host, target.executor(), declared);
      List<Change> changes = changesOf(live);
      boolean inSync = live.stream().allMatch(Declared.Live::inSync);
      return HostReport.of(
          host, Mode.PLAN, inSync ? HostReport.Status.OK : HostReport.Status.CHANGED, changes);
    } catch (ReadFailed e) {
      return readFailure(host, Mode.PLAN, e);
    } catch (Cancelled e) {
      return cancelled(host, Mode.PLAN, List.of(), e, false);
    }
  }

  private HostReport applyUnreported(Target target, List<Declared<?>> declared) {
    String host = target.name();
    if (cancelled.getAsBoolean()) {
      return cancelled(host, Mode.APPLY, List.of(), new Cancelled("locking"), false);
    }
    progress.on(new Locking(host));
    try (HostLock lock = target.lock()) {
      return applyLocked(target, declared);
    } catch (LockHeldException e) {
      return new HostReport(
          host,
          Mode.APPLY,
          HostReport.Status.LOCKED,
          List.of(),
          Optional.of(Failure.of(e.getMessage())),
          false);
    } catch (ExecException e) {
      return HostReport.failed(host, Mode.APPLY, List.of(), Failure.of(null, e), false);
    }
  }

  private HostReport applyLocked(Target target, List<Declared<?>> declared) {
    String host = target.name();
    Executor executor = target.executor();
    List<Declared.Live<?>> snapshot;
    try {
      snapshot = readAll(host, executor, declared);
    } catch (ReadFailed e) {
      return readFailure(host, Mode.APPLY, e);
    } catch (Cancelled e) {
      return cancelled(host, Mode.APPLY, List.of(), e, false);
    }
    List<Change> changes = changesOf(snapshot);
    if (snapshot.stream().allMatch(Declared.Live::inSync)) {
      return HostReport.of(host, Mode.APPLY, HostReport.Status.OK, changes);
    }

    int applied = 0;
    Failure failure;
    Cancelled cancel = null;
    String module = null;
    try {
      for (Declared.Live<?> live : snapshot) {
        module = live.declared().module().kind();
        if (!live.inSync()) {
          stopIfCancelled("applying " + module);
          progress.on(new Applying(host, module));
        }
        applied++;
        live.apply(executor);
      }
      module = null;
      stopIfCancelled("verifying");
      progress.on(new Verifying(host));
      List<Declared.Live<?>> after = readAll(host, executor, declared, false);
      List<Change> left = changesOf(after).stream().filter(Change::changes).toList();
      if (left.isEmpty()) {
        return HostReport.of(host, Mode.APPLY, HostReport.Status.CHANGED, changes);
      }
      failure =
          Failure.of(
              "applied, but the host still differs: "
                  + left.stream().map(Change::resource).collect(Collectors.joining(", ")));
    } catch (Cancelled e) {
      cancel = e;
      failure = Failure.of(e.getMessage());
    } catch (ReadFailed e) {
      failure = Failure.of(e.module, e.cause);
    } catch (ExecException e) {
      failure = Failure.of(module, e);
    } catch (RuntimeException e) {
      // A bug in a module must not leave the host half-applied: restore, then report it.
      failure = Failure.of(module, new ExecException("internal error while applying: " + e));
    }
    String restoreError = restore(host, executor, snapshot.subList(0, applied));
    if (restoreError != null) {
      failure = failure.withMessage(failure.message() + "; restore failed: " + restoreError);
    }
    if (cancel != null) {
      return new HostReport(
          host,
          Mode.APPLY,
          HostReport.Status.CANCELLED,
          changes,
          Optional.of(failure),
          restoreError == null);
    }
    return HostReport.failed(host, Mode.APPLY, changes, failure, restoreError == null);
  }

  private static HostReport readFailure(String host, Mode mode, ReadFailed e) {
    if (e.cause instanceof DeclarationRejectedException rejected) {
      return HostReport.invalid(host, mode, e.module, rejected);
    }
    return HostReport.failed(host, mode, List.of(), Failure.of(e.module, e.cause), false);
  }

  private static HostReport cancelled(
      String host, Mode mode, List<Change> changes, Cancelled e, boolean restored) {
    return new HostReport(
        host,
        mode,
        HostReport.Status.CANCELLED,
        changes,
        Optional.of(Failure.of(e.getMessage())),
        restored);
  }

  private void stopIfCancelled(String step) throws Cancelled {
    if (cancelled.getAsBoolean()) {
      throw new Cancelled(step);
    }
  }

  /** Puts the snapshot back, last module first; returns what failed, or null. */
  private String restore(String host, Executor executor, List<Declared.Live<?>> touched) {
    progress.on(new Restoring(host));
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

  private List<Declared.Live<?>> readAll(String host, Executor executor, List<Declared<?>> declared)
      throws ReadFailed, Cancelled {
    return readAll(host, executor, declared, true);
  }

  private List<Declared.Live<?>> readAll(
      String host, Executor executor, List<Declared<?>> declared, boolean report)
      throws ReadFailed, Cancelled {
    List<Declared.Live<?>> live = new ArrayList<>(declared.size());
    for (Declared<?> d : declared) {
      String module = d.module().kind();
      if (report) {
        stopIfCancelled("reading " + module);
        progress.on(new Reading(host, module));
      }
      try {
        live.add(d.read(executor));
      } catch (ExecException e) {
        throw new ReadFailed(module, e);
      } catch (RuntimeException e) {
        // A parser's bug is this host's failure, not the caller's exception.
        throw new ReadFailed(
            module, new ExecException("internal error while reading " + module + ": " + e));
      }
    }
    return live;
  }

  private static List<Change> changesOf(List<Declared.Live<?>> live) {
    return live.stream().flatMap(l -> l.changes().stream()).toList();
  }
}
