package io.netconverge.testkit;

import io.netconverge.container.ContainerTest;
import io.netconverge.core.engine.Change;
import io.netconverge.core.engine.HostReport;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What converging a host state file in a {@link NetconvergeContainer} did: the apply, the plan run
 * right after it, which must find nothing to change, and the traffic probes, when asked for.
 *
 * @param apply the first converge
 * @param replan the plan after it; null when it did not run because the apply failed
 * @param probes one ping of each declared gateway out of its interface; empty when not asked for
 */
public record Convergence(HostReport apply, HostReport replan, List<ContainerTest.Step> probes) {

  public Convergence {
    probes = List.copyOf(probes);
  }

  /** Without probes. */
  public Convergence(HostReport apply, HostReport replan) {
    this(apply, replan, List.of());
  }

  /**
   * Whether the apply converged, the plan after it found nothing to change, and every probe
   * answered.
   */
  public boolean stable() {
    boolean applied =
        apply.status() == HostReport.Status.OK || apply.status() == HostReport.Status.CHANGED;
    return applied
        && replan != null
        && replan.status() == HostReport.Status.OK
        && replan.pending().isEmpty()
        && probes.stream().allMatch(p -> p.outcome() == ContainerTest.Outcome.PASSED);
  }

  /**
   * Fails the calling test unless the apply converged, a second plan has zero changes and every
   * probe answered; the message names what failed or what would still change.
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
    if (replan == null) {
      why.append("\n  no second plan: the apply failed");
    } else {
      if (replan.error() != null) {
        why.append("\n  second plan ").append(replan.status()).append(": ").append(replan.error());
      }
      if (!replan.pending().isEmpty()) {
        why.append("\n  the second plan still has changes: ")
            .append(
                replan.pending().stream().map(Change::toString).collect(Collectors.joining("; ")));
      }
    }
    for (ContainerTest.Step p : probes) {
      if (p.outcome() != ContainerTest.Outcome.PASSED) {
        why.append("\n  ").append(p.name()).append(" ").append(p.outcome()).append(": ");
        why.append(p.detail());
      }
    }
    throw new AssertionError(why.toString());
  }
}
