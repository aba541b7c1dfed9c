package io.netconverge.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netconverge.container.ContainerTest;
import io.netconverge.core.engine.Change;
import io.netconverge.core.engine.ChangeValue;
import io.netconverge.core.engine.FieldChange;
import io.netconverge.core.engine.HostReport;
import io.netconverge.core.engine.Mode;
import io.netconverge.core.engine.ResourceId;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConvergenceTest {

  private static final ResourceId FORWARD = new ResourceId("sysctl", "net.ipv4.ip_forward");
  private static final Change SYSCTL_OK = Change.ok(FORWARD, ChangeValue.text("1"));
  private static final Change SYSCTL_DRIFT =
      Change.update(
          FORWARD,
          ChangeValue.text("0"),
          ChangeValue.text("1"),
          List.of(new FieldChange("value", "0", "1")));

  private static HostReport report(Mode mode, HostReport.Status status, Change... changes) {
    return HostReport.of("r1", mode, status, List.of(changes));
  }

  @Test
  void anApplyThatChangedAndAnEmptySecondPlanAreStable() {
    Convergence c =
        new Convergence(
            report(Mode.APPLY, HostReport.Status.CHANGED, SYSCTL_DRIFT),
            report(Mode.PLAN, HostReport.Status.OK, SYSCTL_OK));
    assertThat(c.stable()).isTrue();
    assertThat(c.assertStable()).isSameAs(c);
  }

  @Test
  void aSecondPlanWithChangesFailsNamingThem() {
    Convergence c =
        new Convergence(
            report(Mode.APPLY, HostReport.Status.CHANGED, SYSCTL_DRIFT),
            report(Mode.PLAN, HostReport.Status.CHANGED, SYSCTL_DRIFT));
    assertThat(c.stable()).isFalse();
    assertThatThrownBy(c::assertStable)
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("the second plan still has changes")
        .hasMessageContaining("sysctl net.ipv4.ip_forward");
  }

  @Test
  void aFailedApplyFailsWithItsError() {
    Convergence c =
        new Convergence(
            HostReport.failed(
                "r1", Mode.APPLY, List.of(), io.netconverge.core.engine.Failure.of("nft crashed")),
            report(Mode.PLAN, HostReport.Status.OK));
    assertThatThrownBy(c::assertStable)
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("apply FAILED: nft crashed");
  }

  @Test
  void aProbeWithoutAnAnswerFailsNamingIt() {
    ContainerTest.Step answered =
        new ContainerTest.Step(
            "probe wan0 198.51.100.1", ContainerTest.Outcome.PASSED, "answered", Duration.ZERO);
    ContainerTest.Step silent =
        new ContainerTest.Step(
            "probe wan1 203.0.113.1",
            ContainerTest.Outcome.FAILED,
            "no answer (ping exit 1)",
            Duration.ZERO);
    HostReport apply = report(Mode.APPLY, HostReport.Status.CHANGED, SYSCTL_DRIFT);
    HostReport replan = report(Mode.PLAN, HostReport.Status.OK, SYSCTL_OK);
    assertThat(new Convergence(apply, replan, List.of(answered)).stable()).isTrue();
    Convergence c = new Convergence(apply, replan, List.of(answered, silent));
    assertThat(c.stable()).isFalse();
    assertThatThrownBy(c::assertStable)
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("probe wan1 203.0.113.1 FAILED: no answer (ping exit 1)")
        .hasMessageNotContaining("wan0");
  }

  @Test
  void anApplyWithoutASecondPlanIsNotStable() {
    Convergence c =
        new Convergence(
            HostReport.failed(
                "r1", Mode.APPLY, List.of(), io.netconverge.core.engine.Failure.of("nft crashed")),
            null);
    assertThat(c.stable()).isFalse();
    assertThatThrownBy(c::assertStable)
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("apply FAILED: nft crashed")
        .hasMessageContaining("no second plan: the apply failed");
  }
}
