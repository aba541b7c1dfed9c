package io.netconverge.trust;

import io.netconverge.core.engine.ConvergeEvent;
import io.netconverge.core.engine.Failure;
import io.netconverge.core.engine.HostReport;
import io.netconverge.core.engine.Mode;
import io.netconverge.core.engine.Progress;
import io.netconverge.core.engine.Safeguard;
import io.netconverge.core.engine.Target;
import io.netconverge.core.exec.ExecException;
import io.netconverge.core.exec.Executor;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * One host's apply with a {@link Reverter} armed on the target before the first change: unless
 * confirmed within the timeout, the target puts back the state read before apply by itself. With
 * {@code whenHealthy}, the apply confirms by itself once a command through a new connection to the
 * host still runs and the {@link ConfirmCheck} given passes (for a dualWan profile: every tracked
 * WAN's probe), all well before the reverter's time; else it stays pending until {@link
 * Reverter#confirm} (the {@code converge confirm} command).
 *
 * <p>With {@code persist}, the applied file is saved for boot only once the apply stands: at the
 * confirm (it waits in the reverter's folder until then, and a revert drops it), or at once when
 * the apply found nothing to change.
 *
 * @param timeout how long the reverter waits for a confirm
 * @param whenHealthy confirm by itself when a new connection works after apply and the check passes
 * @param persist the file to save for boot once the apply stands
 */
public record ConfirmOrRevert(
    Duration timeout, boolean whenHealthy, Optional<PendingPersist> persist) {

  public ConfirmOrRevert {
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(persist, "persist");
    if (timeout.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("the confirm timeout must be at least 1s, not " + timeout);
    }
  }

  public ConfirmOrRevert(Duration timeout, boolean whenHealthy) {
    this(timeout, whenHealthy, Optional.empty());
  }

  /** The reverter this policy arms. */
  public Reverter reverter() {
    return new Reverter(timeout, persist);
  }

  /**
   * How long before the reverter's time the checks must be done: room for the confirm itself and
   * for the clocks of controller and target to differ a little.
   */
  Duration margin() {
    Duration quarter = timeout.dividedBy(4);
    return quarter.compareTo(Duration.ofSeconds(2)) > 0 ? quarter : Duration.ofSeconds(2);
  }

  /**
   * Runs {@code apply} with the reverter as its safeguard, then (when healthy, if asked) confirms.
   *
   * @param fresh how to reach the host through a new connection, for the health check
   * @param apply the apply itself, given the safeguard to arm before the first change and the
   *     listener to tell; its {@link ConvergeEvent.HostFinished} is held back and told once the
   *     confirm is done, with the report that stands
   */
  public HostReport apply(
      Target target,
      Executor fresh,
      Progress progress,
      BiFunction<Safeguard, Progress, HostReport> apply) {
    return apply(target, fresh, ConfirmCheck.NONE, progress, apply);
  }

  /**
   * Like {@link #apply(Target, Executor, Progress, BiFunction)}, with {@code check} to pass before
   * confirming by itself.
   */
  public HostReport apply(
      Target target,
      Executor fresh,
      ConfirmCheck check,
      Progress progress,
      BiFunction<Safeguard, Progress, HostReport> apply) {
    return apply(target, fresh, check, progress, apply, Clock.systemUTC());
  }

  HostReport apply(
      Target target,
      Executor fresh,
      Progress progress,
      BiFunction<Safeguard, Progress, HostReport> apply,
      Clock clock) {
    return apply(target, fresh, ConfirmCheck.NONE, progress, apply, clock);
  }

  HostReport apply(
      Target target,
      Executor fresh,
      ConfirmCheck check,
      Progress progress,
      BiFunction<Safeguard, Progress, HostReport> apply,
      Clock clock) {
    Instant deadline = clock.instant().plus(timeout).truncatedTo(ChronoUnit.SECONDS);
    Progress held =
        e -> {
          if (!(e instanceof ConvergeEvent.HostFinished)) {
            progress.on(e);
          }
        };
    Reverter reverter = reverter();
    HostReport applied = apply.apply(reverter, held);
    HostReport report =
        confirmed(target, fresh, check, progress, applied, reverter.restoresAt().orElse(deadline));
    progress.on(new ConvergeEvent.HostFinished(report.host(), report));
    return report;
  }

  private HostReport confirmed(
      Target target,
      Executor fresh,
      ConfirmCheck check,
      Progress progress,
      HostReport report,
      Instant deadline) {
    String host = target.name();
    if (report.status() == HostReport.Status.OK) {
      return persistedNow(target, progress, report);
    }
    if (report.status() != HostReport.Status.CHANGED) {
      return report;
    }
    if (!whenHealthy) {
      progress.on(new ConvergeEvent.AwaitingConfirm(host, deadline));
      return report.awaitingConfirm(deadline);
    }
    progress.on(new ConvergeEvent.CheckingConnection(host));
    Optional<String> problem =
        Health.problem(fresh).map(p -> "a new connection failed (" + p + ")");
    if (problem.isEmpty()) {
      problem = check.problem(target, deadline.minus(margin()), progress);
    }
    if (problem.isPresent()) {
      return notConfirmed(
          report,
          "applied, but "
              + problem.get()
              + ": not confirmed, the reverter restores the state read before apply at about "
              + deadline,
          deadline);
    }
    Reverter.ConfirmResult confirmed;
    try {
      confirmed = Reverter.confirm(target.executor());
      if (confirmed.confirmation() != Reverter.Confirmation.CONFIRMED) {
        return notConfirmed(
            report,
            "applied, but the reverter was gone before the confirm ("
                + confirmed.confirmation().name().toLowerCase(Locale.ROOT)
                + "): the state read before apply is back or coming back",
            deadline);
      }
    } catch (ExecException e) {
      return notConfirmed(
          report,
          "applied, but the confirm failed ("
              + e.getMessage()
              + "): the reverter restores the state read before apply at about "
              + deadline,
          deadline);
    }
    progress.on(new ConvergeEvent.Confirmed(host));
    if (persist.isPresent()) {
      return persisted(
          host, progress, report, confirmed.persisted(), "applied and confirmed (it stays), but ");
    }
    return report;
  }

  /** Nothing was changed, so nothing was armed: the file is the host's state, save it now. */
  private HostReport persistedNow(Target target, Progress progress, HostReport report) {
    if (persist.isEmpty()) {
      return report;
    }
    Optional<Reverter.Persisted> done;
    try {
      done = Optional.of(Reverter.persistNow(target.executor(), persist.get()));
    } catch (ExecException e) {
      done = Optional.of(new Reverter.Persisted(Optional.empty(), Optional.of(e.getMessage())));
    }
    return persisted(target.name(), progress, report, done, "nothing to change, but ");
  }

  private static HostReport persisted(
      String host,
      Progress progress,
      HostReport report,
      Optional<Reverter.Persisted> persisted,
      String failedPrefix) {
    if (persisted.isPresent() && persisted.get().ok()) {
      progress.on(new ConvergeEvent.Persisted(host, persisted.get().savedAs().orElseThrow()));
      return report;
    }
    String why =
        persisted
            .map(Reverter.Persisted::describe)
            .orElse("the file to persist was not found with the reverter; not saved for boot");
    return HostReport.failed(
        report.host(), Mode.APPLY, report.changes(), Failure.of(failedPrefix + why));
  }

  /** Applied but not confirmed: the target's reverter puts the snapshot back, unverified here. */
  private static HostReport notConfirmed(HostReport applied, String message, Instant at) {
    return HostReport.failed(
        applied.host(),
        Mode.APPLY,
        applied.changes(),
        Failure.of(message),
        HostReport.Restoration.pending(List.of(), "", at));
  }
}
