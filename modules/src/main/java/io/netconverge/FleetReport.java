package io.netconverge;

import io.netconverge.core.engine.HostReport;
import io.netconverge.core.engine.HostReport.Status;
import io.netconverge.core.engine.Mode;
import io.netconverge.wan.WanStatus;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a fleet run did: one report per host, in the order the hosts were given (whatever order they
 * finished in); for a rolling apply ({@link Converger.Builder#serial}), the batches that ran and
 * why the rollout stopped early, if it did; and the WANs of each host with a dualWan profile as its
 * converge found them.
 *
 * @param batches the batches that ran, in order (a run without {@code serial} is one batch)
 * @param stopped why the hosts after the last batch were not run; empty when every host was
 * @param wans per host name, its WANs (link, gateways, health, pending parts); hosts without a
 *     dualWan profile (or not run) are not in it
 */
public record FleetReport(
    Mode mode,
    List<HostReport> hosts,
    List<Batch> batches,
    Optional<String> stopped,
    Map<String, List<WanStatus>> wans) {

  /** How the error of a host that a stopped rollout never started begins. */
  public static final String NOT_RUN = "not run: ";

  /**
   * One batch of a rolling apply.
   *
   * @param hosts the names of its hosts, in order
   * @param failed how many of them did not converge (failed, cancelled, locked, invalid)
   */
  public record Batch(List<String> hosts, int failed) {
    public Batch {
      hosts = List.copyOf(hosts);
    }
  }

  public FleetReport {
    hosts = List.copyOf(hosts);
    batches = List.copyOf(batches);
    Objects.requireNonNull(stopped, "stopped");
    wans = Map.copyOf(wans);
  }

  /** A report without WANs. */
  public FleetReport(
      Mode mode, List<HostReport> hosts, List<Batch> batches, Optional<String> stopped) {
    this(mode, hosts, batches, stopped, Map.of());
  }

  /** Every host in one batch that ran. */
  public FleetReport(Mode mode, List<HostReport> hosts) {
    this(
        mode,
        hosts,
        hosts.isEmpty()
            ? List.of()
            : List.of(
                new Batch(
                    hosts.stream().map(HostReport::host).toList(),
                    (int) hosts.stream().filter(Rollout::unsuccessful).count())),
        Optional.empty(),
        Map.of());
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
