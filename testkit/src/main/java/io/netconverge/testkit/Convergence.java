package io.netconverge.testkit;

import io.netconverge.core.engine.Change;
import io.netconverge.core.engine.HostReport;
import java.util.stream.Collectors;

/**
 * What converging a host state file in a {@link NetconvergeContainer} did: the apply, and the plan
 * run right after it, which must find nothing to change.
 *
 * @param apply the first converge
 * @param replan the plan after it
 */
public record Convergence(HostReport apply, HostReport replan) {

  /** Whether the apply converged and the plan after it found nothing to change. */
  public boolean stable() {
    boolean applied =
        apply.status() == HostReport.Status.OK || apply.status() == HostReport.Status.CHANGED;
    return applied && replan.status() == HostReport.Status.OK && replan.pending().isEmpty();
  }

  /**
   * Fails the calling test unless the apply converged and a second plan has zero changes; the
   * message names what failed or what would still change.
   */
  public Convergence assertStable() {
    if (stable()) {
      return this;
    }
    StringBuilder why = new StringBuilder("the host state did not converge stably:");
    if (apply.error() != null) {
      why.append("\n  apply ").append(apply.status()).append(": ").append(apply.error());
    } else if (apply.status() != HostReport.Status.OK
        && apply.status() != HostReport.Status.CHANGED) {
      why.append("\n  apply ").append(apply.status());
    }
    if (replan.error() != null) {
      why.append("\n  second plan ").append(replan.status()).append(": ").append(replan.error());
    }
    if (!replan.pending().isEmpty()) {
      why.append("\n  the second plan still has changes: ")
          .append(
              replan.pending().stream().map(Change::toString).collect(Collectors.joining("; ")));
    }
    throw new AssertionError(why.toString());
  }
}
