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

  private static HostReport unrestored(HostReport.RestoreOutcome outcome) {
    return HostReport.failed(
        "u",
        Mode.APPLY,
        List.of(Change.create(new ResourceId("sysctl", "a.b"), ChangeValue.text("1"), List.of())),
        io.netconverge.core.engine.Failure.of("lost"),
        new HostReport.Restoration(outcome, List.of("sysctl"), "sysctl: cannot read it again"));
  }

  @Test
  void aHostWhoseRestoreIsNotVerifiedExitsFourAndOutranksAFailure() {
    for (HostReport.RestoreOutcome o :
        List.of(HostReport.RestoreOutcome.INCOMPLETE, HostReport.RestoreOutcome.PENDING)) {
      HostReport u = unrestored(o);
      assertThat(Converge.exitCode(Mode.APPLY, u)).as(o.name()).isEqualTo(4);
      assertThat(FleetRun.exitCode(Mode.APPLY, List.of(host(Mode.APPLY, Status.FAILED), u)))
          .as(o.name())
          .isEqualTo(4);
    }
    HostReport restored = unrestored(HostReport.RestoreOutcome.RESTORED);
    assertThat(Converge.exitCode(Mode.APPLY, restored)).isEqualTo(1);
    assertThat(FleetRun.exitCode(Mode.APPLY, List.of(restored, host(Mode.APPLY, Status.LOCKED))))
        .isEqualTo(1);
  }

  @Test
  void theJsonReportSaysWhetherTheRestoreIsVerified() throws Exception {
    java.io.StringWriter text = new java.io.StringWriter();
    HostReport pending =
        HostReport.failed(
            "p",
            Mode.APPLY,
            List.of(
                Change.create(new ResourceId("sysctl", "a.b"), ChangeValue.text("1"), List.of())),
            io.netconverge.core.engine.Failure.of("lost"),
            HostReport.Restoration.pending(
                List.of("sysctl"), "", java.time.Instant.parse("2026-12-02T19:00:08Z")));
    ReportWriter.json(
        new java.io.PrintWriter(text),
        "apply",
        "f.yaml",
        List.of(
            unrestored(HostReport.RestoreOutcome.RESTORED),
            unrestored(HostReport.RestoreOutcome.INCOMPLETE),
            pending,
            HostReport.failed(
                "n", Mode.APPLY, List.of(), io.netconverge.core.engine.Failure.of("no"))));
    com.fasterxml.jackson.databind.JsonNode hosts =
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(text.toString()).get("hosts");
    assertThat(hosts.get(0).get("restored").asBoolean()).isTrue();
    assertThat(hosts.get(0).get("restored").isBoolean()).isTrue();
    assertThat(hosts.get(1).get("restored").asText()).isEqualTo("incomplete");
    assertThat(hosts.get(1).get("restore").get("difference").asText())
        .isEqualTo("sysctl: cannot read it again");
    assertThat(hosts.get(2).get("restored").asText()).isEqualTo("pending");
    assertThat(hosts.get(2).get("restore").get("revertsAt").asText())
        .isEqualTo("2026-12-02T19:00:08Z");
    assertThat(hosts.get(3).get("restored").isBoolean()).isTrue();
    assertThat(hosts.get(3).get("restored").asBoolean()).isFalse();
    assertThat(hosts.get(3).get("restore").get("outcome").asText()).isEqualTo("not_needed");
  }

  @Test
  void aRollingApplysJsonListsTheBatchesThatRanAndWhyItStopped() {
    HostReport a = host(Mode.APPLY, Status.CHANGED);
    io.netconverge.FleetReport result =
        new io.netconverge.FleetReport(
            Mode.APPLY,
            List.of(a),
            List.of(new io.netconverge.FleetReport.Batch(List.of("h"), 1)),
            java.util.Optional.of("the rollout stopped after 1 of 1 hosts"));
    com.fasterxml.jackson.databind.node.ObjectNode document =
        ReportWriter.document("apply", "f.yaml", result.hosts(), java.util.Map.of());
    FleetRun.rollout(document, result);
    com.fasterxml.jackson.databind.JsonNode rollout = document.get("rollout");
    assertThat(rollout.get("batches").get(0).get("hosts").get(0).asText()).isEqualTo("h");
    assertThat(rollout.get("batches").get(0).get("failed").asInt()).isEqualTo(1);
    assertThat(rollout.get("stopped").asText()).isEqualTo("the rollout stopped after 1 of 1 hosts");
    io.netconverge.FleetReport all = new io.netconverge.FleetReport(Mode.APPLY, List.of(a));
    com.fasterxml.jackson.databind.node.ObjectNode whole =
        ReportWriter.document("apply", "f.yaml", all.hosts(), java.util.Map.of());
    FleetRun.rollout(whole, all);
    assertThat(whole.get("rollout").get("stopped").isNull()).isTrue();
    assertThat(whole.get("rollout").get("batches")).hasSize(1);
  }
}
