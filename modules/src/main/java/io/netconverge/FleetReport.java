package io.netconverge;

import io.netconverge.core.engine.HostReport;
import io.netconverge.core.engine.HostReport.Status;
import io.netconverge.core.engine.Mode;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a fleet run did: one report per host, in the order the hosts were given (whatever order they
 * finished in); for a rolling apply ({@link Converger.Builder#serial}), the batches that ran and
 * why the rollout stopped early, if it did.
 *
 * @param batches the batches that ran, in order (a run without {@code serial} is one batch)
 * @param stopped why the hosts after the last batch were not run; empty when every host was
 */
public record FleetReport(
    Mode mode, List<HostReport> hosts, List<Batch> batches, Optional<String> stopped) {

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
        Optional.empty());
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
