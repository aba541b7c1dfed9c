package io.netconverge;

import io.netconverge.core.engine.HostReport;
import io.netconverge.core.engine.HostReport.Status;
import io.netconverge.core.engine.Mode;
import java.util.List;

/**
 * What a fleet run did: one report per host, in the order the hosts were given (whatever order they
 * finished in).
 */
public record FleetReport(Mode mode, List<HostReport> hosts) {

  public FleetReport {
    hosts = List.copyOf(hosts);
  }

  public boolean any(Status status) {
    return hosts.stream().anyMatch(h -> h.status() == status);
  }

  /**
   * The status that stands for the fleet, the most urgent first: FAILED when any host failed (or
   * could not be reached), else CANCELLED, else INVALID when a host's tools rejected its
   * declaration, else LOCKED, else CHANGED when any host changed (or would), else OK. A failure
   * outranks a lock, so that "try again later" never hides a host that needs a look.
   */
  public Status status() {
    for (Status s :
        List.of(Status.FAILED, Status.CANCELLED, Status.INVALID, Status.LOCKED, Status.CHANGED)) {
      if (any(s)) {
        return s;
      }
    }
    return Status.OK;
  }
}
