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
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * One host's apply with a {@link Reverter} armed on the target before the first change: unless
 * confirmed within the timeout, the target puts back the state read before apply by itself. With
 * {@code whenHealthy}, the apply confirms by itself once a command through a new connection to the
 * host still runs; else it stays pending until {@link Reverter#confirm} (the {@code converge
 * confirm} command).
 *
 * @param timeout how long the reverter waits for a confirm
 * @param whenHealthy confirm by itself when a new connection works after apply
 */
public record ConfirmOrRevert(Duration timeout, boolean whenHealthy) {

  public ConfirmOrRevert {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("the confirm timeout must be at least 1s, not " + timeout);
    }
  }

  /** The reverter this policy arms. */
  public Reverter reverter() {
    return new Reverter(timeout);
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
    return apply(target, fresh, progress, apply, Clock.systemUTC());
  }

  HostReport apply(
      Target target,
      Executor fresh,
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
    HostReport report = confirmed(target, fresh, progress, apply.apply(reverter(), held), deadline);
    progress.on(new ConvergeEvent.HostFinished(report.host(), report));
    return report;
  }

  private HostReport confirmed(
      Target target, Executor fresh, Progress progress, HostReport report, Instant deadline) {
    if (report.status() != HostReport.Status.CHANGED) {
      return report;
    }
    String host = target.name();
    if (!whenHealthy) {
      progress.on(new ConvergeEvent.AwaitingConfirm(host, deadline));
      return report;
    }
    progress.on(new ConvergeEvent.CheckingConnection(host));
    Optional<String> problem = Health.problem(fresh);
    if (problem.isPresent()) {
      return notConfirmed(
          report,
          "applied, but a new connection failed ("
              + problem.get()
              + "): not confirmed, the reverter restores the state read before apply at about "
              + deadline);
    }
    try {
      Reverter.ConfirmResult confirmed = Reverter.confirm(target.executor());
      if (confirmed.confirmation() != Reverter.Confirmation.CONFIRMED) {
        return notConfirmed(
            report,
            "applied, but the reverter was gone before the confirm ("
                + confirmed.confirmation().name().toLowerCase(Locale.ROOT)
                + "): the state read before apply is back or coming back");
      }
    } catch (ExecException e) {
      return notConfirmed(
          report,
          "applied, but the confirm failed ("
              + e.getMessage()
              + "): the reverter restores the state read before apply at about "
              + deadline);
    }
    progress.on(new ConvergeEvent.Confirmed(host));
    return report;
  }

  private static HostReport notConfirmed(HostReport applied, String message) {
    return HostReport.failed(applied.host(), Mode.APPLY, applied.changes(), Failure.of(message));
  }
}
