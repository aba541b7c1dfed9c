package io.netconverge.wan;

import io.netconverge.core.engine.HostReport;
import io.netconverge.core.engine.PendingPart;
import java.util.List;

/**
 * A converge of a host with WANs: the runner's report and every WAN as the converge found it.
 *
 * @param report what the runner did
 * @param wans the WANs, with their pending parts; empty without a dualWan profile
 */
public record LiveReport(HostReport report, List<WanStatus> wans) {

  public LiveReport {
    wans = List.copyOf(wans);
  }

  public List<PendingPart> pending() {
    return wans.stream().flatMap(w -> w.pending().stream()).toList();
  }

  /**
   * Whether the host converged as far as it can while some WAN is not there: applied (or nothing to
   * do) and something pending. The command's exit code 3.
   */
  public boolean degraded() {
    boolean converged =
        report.status() == HostReport.Status.OK || report.status() == HostReport.Status.CHANGED;
    return converged && !pending().isEmpty();
  }
}
