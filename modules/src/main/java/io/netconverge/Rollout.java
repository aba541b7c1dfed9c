package io.netconverge;

import io.netconverge.core.engine.Failure;
import io.netconverge.core.engine.HostReport;
import io.netconverge.core.engine.Mode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The rules of a rolling apply, as pure functions: how a fleet is cut into batches and when the
 * rollout stops (Ansible's {@code serial} and {@code max_fail_percentage}).
 */
final class Rollout {

  private Rollout() {}

  /** {@code items} in consecutive batches of {@code size} (the last may be smaller). */
  static <T> List<List<T>> batches(List<T> items, int size) {
    if (size < 1) {
      throw new IllegalArgumentException("a batch holds at least 1 host, not " + size);
    }
    List<List<T>> batches = new ArrayList<>();
    for (int from = 0; from < items.size(); from += size) {
      batches.add(List.copyOf(items.subList(from, Math.min(items.size(), from + size))));
    }
    return batches;
  }

  /** Did not converge: failed, cancelled, locked or invalid. */
  static boolean unsuccessful(HostReport r) {
    return switch (r.status()) {
      case FAILED, CANCELLED, LOCKED, INVALID -> true;
      case OK, CHANGED -> false;
    };
  }

  /**
   * Why the rollout stops after {@code batch}, or empty to go on: it stops when more than {@code
   * maxFailPercent} % of the batch did not converge (0: any failure stops it).
   */
  static Optional<String> stopAfter(List<HostReport> batch, int maxFailPercent) {
    long failed = batch.stream().filter(Rollout::unsuccessful).count();
    if (failed * 100 > (long) maxFailPercent * batch.size()) {
      return Optional.of(
          "the rollout stopped after "
              + failed
              + " of "
              + batch.size()
              + " hosts of a batch failed (more than "
              + maxFailPercent
              + "%)");
    }
    return Optional.empty();
  }

  /** The report of a host the rollout never started. */
  static HostReport notRun(String host, Mode mode, String why) {
    return new HostReport(
        host,
        mode,
        HostReport.Status.CANCELLED,
        List.of(),
        Optional.of(Failure.of(FleetReport.NOT_RUN + why)),
        false,
        HostReport.Restoration.NOT_NEEDED);
  }
}
