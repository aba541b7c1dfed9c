package io.netconverge;

import io.netconverge.core.engine.Change;
import io.netconverge.core.engine.HostReport;
import io.netconverge.core.engine.ResourceId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One apply made of two runs of the runner on the same host: the state that brings WAN interfaces
 * up, then the state made for the WANs as they are once up ({@link Converger}).
 */
final class ApplySteps {

  private ApplySteps() {}

  /**
   * The report of the two steps as one apply: every change either made (a resource changed by both
   * is listed twice, once per step), and each resource that neither changed once. When the second
   * step did not succeed, its status and failure, and the first step's changes stand: the second
   * step's restore put the host back as the first step left it, not as it was before.
   */
  static HostReport joined(HostReport first, HostReport second) {
    Set<ResourceId> changed = new HashSet<>();
    List<Change> changes = new ArrayList<>();
    for (HostReport step : List.of(first, second)) {
      for (Change c : step.changes()) {
        if (c.changes()) {
          changes.add(c);
          changed.add(c.resource());
        }
      }
    }
    Set<ResourceId> listed = new HashSet<>(changed);
    for (HostReport step : List.of(second, first)) {
      for (Change c : step.changes()) {
        if (!c.changes() && listed.add(c.resource())) {
          changes.add(c);
        }
      }
    }
    boolean succeeded =
        second.status() == HostReport.Status.OK || second.status() == HostReport.Status.CHANGED;
    if (succeeded) {
      HostReport.Status status =
          changed.isEmpty() ? HostReport.Status.OK : HostReport.Status.CHANGED;
      return HostReport.of(second.host(), second.mode(), status, changes);
    }
    long before = first.changes().stream().filter(Change::changes).count();
    if (before == 0) {
      return new HostReport(
          second.host(),
          second.mode(),
          second.status(),
          changes,
          second.failure(),
          second.restored(),
          second.restoration());
    }
    // Not INVALID (exit 65 says nothing was touched) nor "restored": the first step stands.
    HostReport.Status status =
        second.status() == HostReport.Status.INVALID ? HostReport.Status.FAILED : second.status();
    return new HostReport(
        second.host(),
        second.mode(),
        status,
        changes,
        second
            .failure()
            .map(
                f ->
                    f.withMessage(
                        f.message()
                            + "; the first step of this apply, which brought up its WAN"
                            + " interfaces ("
                            + before
                            + (before == 1 ? " change" : " changes")
                            + "), stands")),
        false,
        second.restoration());
  }
}
