package io.netconverge.cli;

import io.netconverge.Netconverge;
import io.netconverge.core.engine.HostReport;
import io.netconverge.core.engine.Mode;
import io.netconverge.core.engine.Progress;
import io.netconverge.core.engine.Safeguard;
import io.netconverge.core.engine.Target;
import io.netconverge.core.exec.ExecException;
import io.netconverge.core.exec.Executor;
import io.netconverge.hoststate.HostState;
import io.netconverge.trust.Health;
import io.netconverge.trust.Reverter;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/** One host's apply with the reverter armed (when asked) and, when healthy, confirmed. */
final class TrustedApply {

  private TrustedApply() {}

  /**
   * @param fresh how to reach the host through a new connection, for the health check
   * @param confirmWhenHealthy confirm by itself when a command through {@code fresh} runs
   */
  static HostReport apply(
      HostState state,
      Target target,
      Executor fresh,
      Progress progress,
      BooleanSupplier cancelled,
      TrustOptions trust,
      boolean confirmWhenHealthy) {
    if (trust.confirmTimeout == null) {
      return Netconverge.apply(state, target, progress, cancelled, Safeguard.NONE);
    }
    Instant deadline = Instant.now().plus(trust.confirmTimeout).truncatedTo(ChronoUnit.SECONDS);
    HostReport report =
        Netconverge.apply(state, target, progress, cancelled, new Reverter(trust.confirmTimeout));
    if (report.status() != HostReport.Status.CHANGED) {
      return report;
    }
    String host = target.name();
    if (!confirmWhenHealthy) {
      progress.step(
          host,
          "NOT CONFIRMED: the reverter restores the state read before apply at about "
              + deadline
              + " unless `converge confirm` runs before");
      return report;
    }
    progress.step(host, "checking a new connection");
    Optional<String> problem = Health.problem(fresh);
    if (problem.isPresent()) {
      return HostReport.failed(
          host,
          Mode.APPLY,
          report.changes(),
          "applied, but a new connection failed ("
              + problem.get()
              + "): not confirmed, the reverter restores the state read before apply at about "
              + deadline,
          false);
    }
    try {
      Reverter.ConfirmResult confirmed = Reverter.confirm(target.executor());
      if (confirmed.confirmation() != Reverter.Confirmation.CONFIRMED) {
        return HostReport.failed(
            host,
            Mode.APPLY,
            report.changes(),
            "applied, but the reverter was gone before the confirm ("
                + confirmed.confirmation().name().toLowerCase(java.util.Locale.ROOT)
                + "): the state read before apply is back or coming back",
            false);
      }
    } catch (ExecException e) {
      return HostReport.failed(
          host,
          Mode.APPLY,
          report.changes(),
          "applied, but the confirm failed ("
              + e.getMessage()
              + "): the reverter restores the state read before apply at about "
              + deadline,
          false);
    }
    progress.step(host, "confirmed: a new connection works");
    return report;
  }
}
