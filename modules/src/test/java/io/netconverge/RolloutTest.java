package io.netconverge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netconverge.core.engine.Failure;
import io.netconverge.core.engine.HostReport;
import io.netconverge.core.engine.HostReport.Status;
import io.netconverge.core.engine.Mode;
import java.util.List;
import org.junit.jupiter.api.Test;

class RolloutTest {

  private static HostReport host(String name, Status status) {
    return status == Status.FAILED
        ? HostReport.failed(name, Mode.APPLY, List.of(), Failure.of("broken"))
        : HostReport.of(name, Mode.APPLY, status, List.of());
  }

  @Test
  void batchesAreConsecutiveAndTheLastMayBeSmaller() {
    assertThat(Rollout.batches(List.of(1, 2, 3, 4, 5), 2))
        .containsExactly(List.of(1, 2), List.of(3, 4), List.of(5));
    assertThat(Rollout.batches(List.of(1, 2, 3), 3)).containsExactly(List.of(1, 2, 3));
    assertThat(Rollout.batches(List.of(1, 2), 5)).containsExactly(List.of(1, 2));
    assertThat(Rollout.batches(List.of(), 2)).isEmpty();
    assertThatThrownBy(() -> Rollout.batches(List.of(1), 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void withZeroPercentAnyFailureStopsTheRollout() {
    assertThat(Rollout.stopAfter(List.of(host("a", Status.CHANGED), host("b", Status.OK)), 0))
        .isEmpty();
    assertThat(Rollout.stopAfter(List.of(host("a", Status.CHANGED), host("b", Status.FAILED)), 0))
        .contains("the rollout stopped after 1 of 2 hosts of a batch failed (more than 0%)");
  }

  @Test
  void itStopsOnlyWhenMoreThanThePercentFailed() {
    List<HostReport> halfFailed =
        List.of(
            host("a", Status.FAILED),
            host("b", Status.LOCKED),
            host("c", Status.CHANGED),
            host("d", Status.OK));
    assertThat(Rollout.stopAfter(halfFailed, 50)).isEmpty();
    assertThat(Rollout.stopAfter(halfFailed, 49))
        .contains("the rollout stopped after 2 of 4 hosts of a batch failed (more than 49%)");
    assertThat(Rollout.stopAfter(List.of(host("a", Status.FAILED)), 100)).isEmpty();
  }

  @Test
  void cancelledLockedAndInvalidHostsCountAsFailed() {
    for (Status s : List.of(Status.FAILED, Status.CANCELLED, Status.LOCKED, Status.INVALID)) {
      HostReport r =
          new HostReport(
              "a",
              Mode.APPLY,
              s,
              List.of(),
              java.util.Optional.of(Failure.of("x")),
              false,
              HostReport.Restoration.NOT_NEEDED);
      assertThat(Rollout.unsuccessful(r)).as(s.name()).isTrue();
    }
    assertThat(Rollout.unsuccessful(host("a", Status.OK))).isFalse();
    assertThat(Rollout.unsuccessful(host("a", Status.CHANGED))).isFalse();
  }

  @Test
  void aHostNeverStartedIsCancelledAndSaysWhy() {
    HostReport r = Rollout.notRun("c", Mode.APPLY, "cancelled");
    assertThat(r.status()).isEqualTo(Status.CANCELLED);
    assertThat(r.error()).isEqualTo("not run: cancelled");
    assertThat(r.restoreUnverified()).isFalse();
    assertThat(r.changes()).isEmpty();
  }
}
