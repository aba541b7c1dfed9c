package io.netconverge.core.engine;

import io.netconverge.core.engine.ConvergeEvent.Applying;
import io.netconverge.core.engine.ConvergeEvent.HostFinished;
import io.netconverge.core.engine.ConvergeEvent.HostStarted;
import io.netconverge.core.engine.ConvergeEvent.Locking;
import io.netconverge.core.engine.ConvergeEvent.Reading;
import io.netconverge.core.engine.ConvergeEvent.Restoring;
import io.netconverge.core.engine.ConvergeEvent.Verifying;
import io.netconverge.core.engine.Declared.Planned;
import io.netconverge.core.engine.HostReport.Restoration;
import io.netconverge.core.engine.HostReport.RestoreOutcome;
import io.netconverge.core.exec.Command;
import io.netconverge.core.exec.ExecException;
import io.netconverge.core.exec.ExecResult;
import io.netconverge.core.exec.Executor;
import io.netconverge.core.spec.SpecProblem;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Converges one host: read → canonical → diff (plan stops here) → lock → read under the lock (the
 * snapshot) → canonical → diff → run each module's commands → read again and verify nothing is left
 * to change → report. The commands run are exactly those of the plan the diff made. When a command
 * fails, or the verification finds the host still differs, every module touched so far runs the
 * commands of its restore plan (last first), and the host is read again to check that it is the
 * snapshot. The runner holds no global state and never exits the process: its result is a value.
 *
 * <p>What it does is told as {@link ConvergeEvent}s. A cancelled run (a library caller's cancel,
 * Ctrl-C, SIGTERM: one path, the {@code cancelled} supplier) stops before its next step and before
 * every command that changes the host, never inside one: before the lock, before reading a module,
 * before the next command; once anything was changed, the modules touched so far are restored like
 * after a failure, and the report is CANCELLED with that restore's outcome. A {@link Safeguard} is
 * armed after the snapshot is read and before the first command, and disarmed when the runner
 * restored the snapshot itself (verified) or the apply succeeded.
 */
public final class Runner {
  private static final Logger LOG = LoggerFactory.getLogger(Runner.class);

  private final Progress progress;
  private final BooleanSupplier cancelled;

  /**
   * @param cancelled asked before every step and before every command that changes the host; once
   *     it says true, the run stops there (and restores what it changed)
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

  /** A read (or canonicalization) failed: the module at work, for the failure record. */
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

  public HostReport plan(Target target, List<Declared<?, ?>> declared) {
    progress.on(new HostStarted(target.name(), Mode.PLAN));
    return finished(planUnreported(target, declared));
  }

  public HostReport apply(Target target, List<Declared<?, ?>> declared) {
    return apply(target, declared, Safeguard.NONE);
  }

  /**
   * Applies with {@code safeguard} armed on the target after the snapshot is read and before the
   * first change; it is disarmed once the runner restored the snapshot itself (verified). After a
   * successful apply it stays armed: confirming is the caller's business.
   */
  public HostReport apply(Target target, List<Declared<?, ?>> declared, Safeguard safeguard) {
    progress.on(new HostStarted(target.name(), Mode.APPLY));
    return finished(applyUnreported(target, declared, safeguard));
  }

  private HostReport finished(HostReport report) {
    progress.on(new HostFinished(report.host(), report));
    return report;
  }

  private HostReport planUnreported(Target target, List<Declared<?, ?>> declared) {
    String host = target.name();
    try {
      List<Planned<?, ?>> planned = planAll(host, target.executor(), declared);
      return HostReport.of(
          host,
          Mode.PLAN,
          inSync(planned) ? HostReport.Status.OK : HostReport.Status.CHANGED,
          changesOf(planned));
    } catch (ReadFailed e) {
      return readFailure(host, Mode.PLAN, e);
    } catch (Cancelled e) {
      return cancelled(host, Mode.PLAN, List.of(), e);
    }
  }

  private HostReport applyUnreported(
      Target target, List<Declared<?, ?>> declared, Safeguard safeguard) {
    String host = target.name();
    if (cancelled.getAsBoolean()) {
      return cancelled(host, Mode.APPLY, List.of(), new Cancelled("locking"));
    }
    progress.on(new Locking(host));
    try (HostLock lock = target.lock()) {
      return applyLocked(target, declared, safeguard);
    } catch (LockHeldException e) {
      return new HostReport(
          host,
          Mode.APPLY,
          HostReport.Status.LOCKED,
          List.of(),
          Optional.of(Failure.of(e.getMessage())),
          false,
          Restoration.NOT_NEEDED);
    } catch (ExecException e) {
      return HostReport.failed(host, Mode.APPLY, List.of(), Failure.of(null, e));
    }
  }

  private HostReport applyLocked(
      Target target, List<Declared<?, ?>> declared, Safeguard safeguard) {
    String host = target.name();
    Executor executor = target.executor();
    List<Planned<?, ?>> snapshot;
    try {
      snapshot = planAll(host, executor, declared);
    } catch (ReadFailed e) {
      return readFailure(host, Mode.APPLY, e);
    } catch (Cancelled e) {
      return cancelled(host, Mode.APPLY, List.of(), e);
    }
    List<Change> changes = changesOf(snapshot);
    if (inSync(snapshot)) {
      return HostReport.of(host, Mode.APPLY, HostReport.Status.OK, changes);
    }

    if (cancelled.getAsBoolean()) {
      return cancelled(host, Mode.APPLY, changes, new Cancelled("changing anything"));
    }
    try {
      if (safeguard != Safeguard.NONE) {
        safeguard.arm(
            executor, restoreCommands(snapshot.stream().filter(p -> !p.inSync()).toList()));
      }
    } catch (ExecException | RuntimeException e) {
      Failure cannotArm =
          e instanceof ExecException exec
              ? Failure.of(null, exec)
              : Failure.of(null, new ExecException(e.toString()));
      // The safeguard's script says why it refused on its stderr (an earlier apply awaiting its
      // confirm); the script itself is in the failure's command, not in the sentence.
      ExecResult said = e instanceof ExecException exec ? exec.result() : null;
      String message =
          said != null && said.exitCode() == Safeguard.REFUSED && !said.stderr().isBlank()
              ? "nothing was changed: " + said.stderr().strip()
              : "cannot arm the reverter, nothing was changed: "
                  + (said != null && !said.stderr().isBlank()
                      ? said.stderr().strip()
                      : cannotArm.message());
      return HostReport.failed(host, Mode.APPLY, changes, cannotArm.withMessage(message));
    }

    List<Planned<?, ?>> touched = new ArrayList<>();
    Failure failure;
    boolean wasCancelled = false;
    String module = null;
    List<SpecProblem> rejected = List.of();
    Planned<?, ?> applying = null;
    try {
      for (Planned<?, ?> planned : snapshot) {
        if (planned.inSync()) {
          continue;
        }
        module = planned.kind();
        applying = planned;
        stopIfCancelled("applying " + module);
        progress.on(new Applying(host, module));
        touched.add(planned);
        boolean first = true;
        for (Command command : planned.commands()) {
          if (!first) {
            stopIfCancelled("the next command of " + module);
          }
          first = false;
          executor.check(command);
        }
      }
      module = null;
      applying = null;
      stopIfCancelled("verifying");
      progress.on(new Verifying(host));
      List<Change> left = new ArrayList<>();
      for (Planned<?, ?> planned : snapshot) {
        module = planned.kind();
        left.addAll(verify(executor, planned).stream().filter(Change::changes).toList());
      }
      module = null;
      // A signal while verifying was told "the state read before apply is restored": keep it.
      stopIfCancelled("ending the apply");
      if (left.isEmpty()) {
        return HostReport.of(host, Mode.APPLY, HostReport.Status.CHANGED, changes);
      }
      failure =
          Failure.of(
              "applied, but the host still differs: "
                  + left.stream()
                      .map(c -> c.resource().render())
                      .collect(Collectors.joining(", ")));
    } catch (Cancelled e) {
      wasCancelled = true;
      failure = Failure.of(e.getMessage());
    } catch (ExecException e) {
      failure = Failure.of(module, e);
      if (applying != null) {
        rejected = rejectedBy(applying, e);
      }
      if (!rejected.isEmpty()) {
        // The file's mistake, found by the target only now: said at its lines, like any other,
        // each with the tool's words; what ran and how it ended follows once. The command, its
        // exit code and stderr stay in the record.
        failure =
            failure.withMessage(
                new DeclarationRejectedException(rejected).getMessage() + "\n(" + e.ran() + ")");
      }
    } catch (RuntimeException e) {
      // A bug in a module must not leave the host half-applied: restore, then report it.
      failure = Failure.of(module, new ExecException("internal error while applying: " + e));
    }
    Restoration restoration = restore(host, executor, touched);
    if (restoration.outcome() == RestoreOutcome.INCOMPLETE) {
      // The safeguard stays armed: when the controller lost the host, it still puts it back.
      String message = failure.message() + "; restore incomplete: " + restoration.difference();
      Optional<java.time.Instant> at = safeguard.restoresAt();
      if (at.isPresent()) {
        restoration =
            Restoration.pending(restoration.modules(), restoration.difference(), at.get());
        message +=
            "; could not verify the restore from here: the reverter on the target restores the"
                + " state read before apply at about "
                + at.get();
      }
      failure = failure.withMessage(message);
    } else {
      try {
        safeguard.disarm(executor);
      } catch (ExecException | RuntimeException e) {
        failure =
            failure.withMessage(
                failure.message()
                    + "; the reverter could not be disarmed (it will restore again): "
                    + e.getMessage());
        rejected = List.of();
      }
    }
    if (!rejected.isEmpty() && restoration.outcome() == RestoreOutcome.RESTORED) {
      // Nothing is left changed: an invalid file (65), as if the rejection came before the apply.
      return HostReport.invalid(host, Mode.APPLY, changes, failure, restoration);
    }
    return HostReport.ended(
        wasCancelled ? HostReport.Status.CANCELLED : HostReport.Status.FAILED,
        host,
        Mode.APPLY,
        changes,
        failure,
        restoration);
  }

  private static HostReport readFailure(String host, Mode mode, ReadFailed e) {
    if (e.cause instanceof DeclarationRejectedException rejected) {
      return HostReport.invalid(host, mode, e.module, rejected);
    }
    return HostReport.failed(host, mode, List.of(), Failure.of(e.module, e.cause));
  }

  /** What the module says {@code e} refused of its declaration; a module's bug counts as none. */
  private static List<SpecProblem> rejectedBy(Planned<?, ?> planned, ExecException e) {
    try {
      return planned.rejected(e);
    } catch (RuntimeException bug) {
      return List.of();
    }
  }

  private static HostReport cancelled(String host, Mode mode, List<Change> changes, Cancelled e) {
    return HostReport.ended(
        HostReport.Status.CANCELLED,
        host,
        mode,
        changes,
        Failure.of(e.getMessage()),
        Restoration.NOT_NEEDED);
  }

  private void stopIfCancelled(String step) throws Cancelled {
    if (cancelled.getAsBoolean()) {
      throw new Cancelled(step);
    }
  }

  /** Every module's restore commands, last module first: what the runner runs on a failure. */
  static List<Command> restoreCommands(List<Planned<?, ?>> touched) {
    List<Command> commands = new ArrayList<>();
    for (int i = touched.size() - 1; i >= 0; i--) {
      commands.addAll(touched.get(i).restoreCommands());
    }
    return commands;
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
    progress.on(new Restoring(host));
    List<String> problems = new ArrayList<>();
    for (int i = touched.size() - 1; i >= 0; i--) {
      Planned<?, ?> planned = touched.get(i);
      List<Command> commands;
      try {
        commands = planned.restoreCommands();
      } catch (RuntimeException e) {
        problems.add(planned.kind() + ": " + e.getMessage());
        continue;
      }
      // Every restore command runs, also after one failed: each brings back what it can.
      for (Command command : commands) {
        try {
          executor.check(command);
        } catch (ExecException | RuntimeException e) {
          problems.add(planned.kind() + ": " + e.getMessage());
        }
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
    if (problems.isEmpty() || different.isEmpty()) {
      // Also when a restore command failed, yet the host reads as the snapshot: it is back.
      return new Restoration(
          RestoreOutcome.RESTORED, touched.stream().map(Planned::kind).toList(), "");
    }
    return new Restoration(RestoreOutcome.INCOMPLETE, different, String.join("; ", problems));
  }

  /**
   * Reads and plans every module. The modules read different things, so they are read at once, each
   * on a thread of its own, through the one executor (every executor is safe to share). What is
   * told stays in the declared order whatever finishes first: a {@link Reading} for each module
   * before any read starts, and when reads fail, the failure of the first failing module in that
   * order, once every read has ended.
   */
  private List<Planned<?, ?>> planAll(String host, Executor executor, List<Declared<?, ?>> declared)
      throws ReadFailed, Cancelled {
    if (declared.isEmpty()) {
      return List.of();
    }
    stopIfCancelled("reading " + declared.get(0).module().kind());
    if (declared.size() == 1) {
      progress.on(new Reading(host, declared.get(0).module().kind()));
      return List.of(planOne(declared.get(0), executor));
    }
    for (Declared<?, ?> d : declared) {
      progress.on(new Reading(host, d.module().kind()));
    }
    List<CompletableFuture<Planned<?, ?>>> reads = new ArrayList<>(declared.size());
    for (Declared<?, ?> d : declared) {
      CompletableFuture<Planned<?, ?>> read = new CompletableFuture<>();
      Thread reader =
          new Thread(
              () -> {
                try {
                  read.complete(planOne(d, executor));
                } catch (ReadFailed | RuntimeException | Error e) {
                  read.completeExceptionally(e);
                }
              },
              "netconverge-read-" + d.module().kind());
      reader.setDaemon(true);
      reader.start();
      reads.add(read);
    }
    try {
      CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).handle((v, e) -> v).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Cancelled("the end of reading (interrupted)");
    } catch (ExecutionException e) {
      throw new IllegalStateException("handled futures do not fail", e);
    }
    List<Planned<?, ?>> planned = new ArrayList<>(declared.size());
    for (CompletableFuture<Planned<?, ?>> read : reads) {
      try {
        planned.add(read.join());
      } catch (CompletionException e) {
        if (e.getCause() instanceof ReadFailed failed) {
          throw failed;
        }
        if (e.getCause() instanceof Error error) {
          throw error;
        }
        throw (RuntimeException) e.getCause();
      }
    }
    return planned;
  }

  private static Planned<?, ?> planOne(Declared<?, ?> d, Executor executor) throws ReadFailed {
    String module = d.module().kind();
    long start = System.nanoTime();
    try {
      Planned<?, ?> planned = d.plan(executor);
      LOG.debug("{}: read and compared in {} ms", module, (System.nanoTime() - start) / 1_000_000);
      return planned;
    } catch (ExecException e) {
      throw new ReadFailed(module, e);
    } catch (RuntimeException e) {
      // A parser's bug is this host's failure, not the caller's exception.
      throw new ReadFailed(
          module, new ExecException("internal error while planning " + module + ": " + e));
    }
  }

  private static boolean inSync(List<Planned<?, ?>> planned) {
    return planned.stream().allMatch(Planned::inSync);
  }

  private static List<Change> changesOf(List<Planned<?, ?>> planned) {
    return planned.stream().flatMap(p -> p.changes().stream()).toList();
  }
}
