package io.netconverge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.netconverge.core.engine.ConvergeEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgressPrinterTest {

  @Test
  void theWanProbesOfAConfirmWhenHealthyAreOneLineEach() {
    assertThat(
            ProgressPrinter.line(
                new ConvergeEvent.CheckingWans(
                    "r", List.of("isp1", "isp2"), List.of("isp3 (untracked, nothing to probe)"))))
        .isEqualTo("probing WANs isp1, isp2; not probed: isp3 (untracked, nothing to probe)");
    assertThat(
            ProgressPrinter.line(
                new ConvergeEvent.CheckingWans(
                    "r", List.of(), List.of("isp1 (untracked, nothing to probe)"))))
        .isEqualTo("probing no WAN; not probed: isp1 (untracked, nothing to probe)");
    assertThat(
            ProgressPrinter.line(
                new ConvergeEvent.WanChecked("r", "isp1", true, 1, "198.18.0.10 loss 0%")))
        .isEqualTo("WAN isp1 passed (1 round: 198.18.0.10 loss 0%)");
    assertThat(
            ProgressPrinter.line(
                new ConvergeEvent.WanChecked("r", "isp2", false, 2, "198.18.0.10 no answer")))
        .isEqualTo("WAN isp2 FAILED (2 rounds: 198.18.0.10 no answer)");
  }

  @Test
  void aPersistIsSaidByApplyAfterTheReportNotAsAStep() {
    assertThat(ProgressPrinter.line(new ConvergeEvent.Persisted("r", "/etc/netconverge/host.yaml")))
        .isNull();
  }
}
