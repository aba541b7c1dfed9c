package io.netconverge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.netconverge.core.engine.Failure;
import io.netconverge.core.engine.HostReport;
import io.netconverge.core.engine.Mode;
import io.netconverge.wan.WatchState;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatusCommandTest {

  @Test
  void aWatchWhoseLastConvergeFailedSaysSoAboveItsWans() {
    HostReport failed =
        HostReport.failed(
            "netns:r", Mode.APPLY, List.of(), Failure.of("'ip -4 -batch -' failed (exit 1)"));
    Instant at = Instant.parse("2026-12-03T07:30:00Z");
    var state = WatchState.document("r.yaml", List.of(), Map.of(), List.of(), failed, at);
    assertThat(StatusCommand.failedConverge(state))
        .contains(
            "watch: its last converge (2026-12-03T07:30:00Z) FAILED: 'ip -4 -batch -' failed"
                + " (exit 1) (it tries again)");
    var fine =
        WatchState.document(
            "r.yaml",
            List.of(),
            Map.of(),
            List.of(),
            HostReport.of("netns:r", Mode.APPLY, HostReport.Status.OK, List.of()),
            at);
    assertThat(StatusCommand.failedConverge(fine)).isEmpty();
    assertThat(fine.path("lastConverge").path("status").asText()).isEqualTo("ok");
  }

  @Test
  void withoutADefaultTableAWanIsInUseOrNot() {
    assertThat(StatusCommand.standing(true, true)).isEqualTo("in the outbound default");
    assertThat(StatusCommand.standing(false, false)).isEqualTo("not in use");
  }
}
