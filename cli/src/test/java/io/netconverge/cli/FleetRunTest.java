package io.netconverge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.netconverge.core.engine.Change;
import io.netconverge.core.engine.ChangeValue;
import io.netconverge.core.engine.HostReport;
import io.netconverge.core.engine.HostReport.Status;
import io.netconverge.core.engine.Mode;
import io.netconverge.core.engine.PendingPart;
import io.netconverge.core.engine.ResourceId;
import java.util.List;
import org.junit.jupiter.api.Test;

class FleetRunTest {

  private static HostReport host(Mode mode, Status status) {
    List<Change> changes =
        status == Status.CHANGED
            ? List.of(
                Change.create(new ResourceId("sysctl", "a.b"), ChangeValue.text("1"), List.of()))
            : List.of();
    return HostReport.of("h", mode, status, changes);
  }

  private static int code(Mode mode, Status... statuses) {
    return FleetRun.exitCode(
        mode, java.util.Arrays.stream(statuses).map(s -> host(mode, s)).toList());
  }

  @Test
  void aFailureOutranksALockWhichOutranksPendingChanges() {
    assertThat(code(Mode.PLAN, Status.OK, Status.OK)).isEqualTo(0);
    assertThat(code(Mode.PLAN, Status.OK, Status.CHANGED)).isEqualTo(2);
    assertThat(code(Mode.PLAN, Status.CHANGED, Status.LOCKED)).isEqualTo(75);
    assertThat(code(Mode.PLAN, Status.CHANGED, Status.LOCKED, Status.FAILED)).isEqualTo(1);
    assertThat(code(Mode.APPLY, Status.CHANGED, Status.OK)).isEqualTo(0);
    assertThat(code(Mode.APPLY, Status.CHANGED, Status.LOCKED)).isEqualTo(75);
    assertThat(code(Mode.APPLY, Status.LOCKED, Status.FAILED)).isEqualTo(1);
  }

  private static HostReport pending(Mode mode, Status status) {
    return host(mode, status)
        .withPendingParts(
            List.of(new PendingPart("isp2", "route table isp2 (120)", "interface wan2 is down")));
  }

  @Test
  void pendingPartsAre3AfterAnApplyBelowALockAndAboveSuccess() {
    assertThat(FleetRun.exitCode(Mode.APPLY, List.of(host(Mode.APPLY, Status.CHANGED))))
        .isEqualTo(0);
    assertThat(
            FleetRun.exitCode(
                Mode.APPLY,
                List.of(host(Mode.APPLY, Status.CHANGED), pending(Mode.APPLY, Status.OK))))
        .isEqualTo(3);
    assertThat(
            FleetRun.exitCode(
                Mode.APPLY,
                List.of(host(Mode.APPLY, Status.LOCKED), pending(Mode.APPLY, Status.CHANGED))))
        .isEqualTo(75);
    assertThat(
            FleetRun.exitCode(
                Mode.APPLY,
                List.of(host(Mode.APPLY, Status.FAILED), pending(Mode.APPLY, Status.CHANGED))))
        .isEqualTo(1);
    // A host that failed is not degraded, whatever parts were pending: the failure says it.
    assertThat(FleetRun.exitCode(Mode.APPLY, List.of(pending(Mode.APPLY, Status.FAILED))))
        .isEqualTo(1);
    // plan never exits 3: changes are 2, parts are listed.
    assertThat(FleetRun.exitCode(Mode.PLAN, List.of(pending(Mode.PLAN, Status.CHANGED))))
        .isEqualTo(2);
    assertThat(FleetRun.exitCode(Mode.PLAN, List.of(pending(Mode.PLAN, Status.OK)))).isEqualTo(0);
  }

  @Test
  void aRejectedDeclarationIsAnInvalidFileUnlessAHostFailed() {
    assertThat(code(Mode.PLAN, Status.CHANGED, Status.INVALID)).isEqualTo(65);
    assertThat(code(Mode.APPLY, Status.LOCKED, Status.INVALID)).isEqualTo(65);
    assertThat(code(Mode.APPLY, Status.INVALID, Status.FAILED)).isEqualTo(1);
  }
}
