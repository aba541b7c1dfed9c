package io.netconverge;

import io.netconverge.core.engine.HostReport;
import io.netconverge.core.engine.HostReport.Status;
import io.netconverge.core.engine.Mode;
import io.netconverge.wan.WanStatus;
import java.util.List;
import java.util.Map;

/**
 * What a fleet run did: one report per host, in the order the hosts were given (whatever order they
 * finished in), and the WANs of each host with a dualWan profile as its converge found them.
 *
 * @param mode plan or apply
 * @param hosts one report per host, in the order given
 * @param wans per host name, its WANs (link, gateways, health, pending parts); hosts without a
 *     dualWan profile are not in it
 */
public record FleetReport(Mode mode, List<HostReport> hosts, Map<String, List<WanStatus>> wans) {

  public FleetReport {
    hosts = List.copyOf(hosts);
    wans = Map.copyOf(wans);
  }

  public FleetReport(Mode mode, List<HostReport> hosts) {
    this(mode, hosts, Map.of());
  }

  /** The WANs of {@code host} as its converge found them; empty without a dualWan profile. */
  public List<WanStatus> wans(String host) {
    return wans.getOrDefault(host, List.of());
  }

  /**
   * Whether some host converged as far as it could while parts of it wait for its WANs (see {@link
   * HostReport#degraded()}).
   */
  public boolean degraded() {
    return hosts.stream().anyMatch(HostReport::degraded);
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
