package io.netconverge;

import static org.assertj.core.api.Assertions.assertThat;

import io.netconverge.core.engine.Change;
import io.netconverge.core.engine.ChangeValue;
import io.netconverge.core.engine.Failure;
import io.netconverge.core.engine.HostReport;
import io.netconverge.core.engine.Mode;
import io.netconverge.core.engine.ResourceId;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ApplyStepsTest {

  private static Change ok(String key) {
    return Change.ok(new ResourceId("route", key), ChangeValue.text("same"));
  }

  private static Change made(String key) {
    return Change.create(new ResourceId("route", key), ChangeValue.text("new"), List.of());
  }

  @Test
  void everyChangeOfBothStepsOnceAndAResourceNeitherChangedOnce() {
    HostReport first =
        HostReport.of(
            "h", Mode.APPLY, HostReport.Status.CHANGED, List.of(made("link"), ok("table 100")));
    HostReport second =
        HostReport.of(
            "h",
            Mode.APPLY,
            HostReport.Status.CHANGED,
            List.of(ok("link"), ok("table 100"), made("table 120")));
    HostReport joined = ApplySteps.joined(first, second);
    assertThat(joined.status()).isEqualTo(HostReport.Status.CHANGED);
    assertThat(joined.changes())
        .extracting(c -> c.resource().key())
        .containsExactly("link", "table 120", "table 100");
    assertThat(joined.changed()).isEqualTo(2);
  }

  @Test
  void nothingChangedInEitherStepIsOk() {
    HostReport first = HostReport.of("h", Mode.APPLY, HostReport.Status.OK, List.of(ok("a")));
    HostReport second = HostReport.of("h", Mode.APPLY, HostReport.Status.OK, List.of(ok("a")));
    assertThat(ApplySteps.joined(first, second).status()).isEqualTo(HostReport.Status.OK);
  }

  @Test
  void aFailedSecondStepSaysTheFirstStandsAndIsNeverInvalid() {
    HostReport first =
        HostReport.of("h", Mode.APPLY, HostReport.Status.CHANGED, List.of(made("link")));
    HostReport second =
        new HostReport(
            "h",
            Mode.APPLY,
            HostReport.Status.INVALID,
            List.of(made("table 120")),
            Optional.of(Failure.of("ip refused the route")),
            true,
            new HostReport.Restoration(HostReport.RestoreOutcome.RESTORED, List.of("route"), ""));
    HostReport joined = ApplySteps.joined(first, second);
    assertThat(joined.status()).isEqualTo(HostReport.Status.FAILED);
    assertThat(joined.restored()).isFalse();
    assertThat(joined.error())
        .contains("ip refused the route")
        .contains("brought up its WAN interfaces (1 change), stands");
  }
}
