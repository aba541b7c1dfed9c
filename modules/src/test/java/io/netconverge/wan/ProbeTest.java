package io.netconverge.wan;

import static org.assertj.core.api.Assertions.assertThat;

import io.netconverge.core.exec.ExecResult;
import io.netconverge.core.net.InterfaceName;
import io.netconverge.core.net.Mark;
import io.netconverge.core.testing.FakeExecutor;
import io.netconverge.dualwan.TrackSpec;
import io.netconverge.dualwan.WanSpec;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProbeTest {

  private static final String ANSWERED =
      "PING 192.0.2.53 (192.0.2.53) from 198.51.100.2 wan1: 56(84) bytes of data.\n\n"
          + "--- 192.0.2.53 ping statistics ---\n"
          + "3 packets transmitted, 2 received, 33.3333% packet loss, time 402ms\n"
          + "rtt min/avg/max/mdev = 0.061/12.5/24.9/0.010 ms\n";

  private static final String SILENT =
      "--- 192.0.2.9 ping statistics ---\n"
          + "1 packets transmitted, 0 received, 100% packet loss, time 0ms\n";

  private static WanSpec wan(TrackSpec track) {
    return new WanSpec(
        "isp1",
        InterfaceName.of("wan1"),
        Mark.parse("10"),
        110L,
        "198.51.100.1",
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        track,
        null,
        null);
  }

  private static TrackSpec track(List<String> targets, Integer reliability, Integer maxLoss) {
    return new TrackSpec(targets, "1s", "500ms", 3, reliability, 2, 2, maxLoss, "20ms");
  }

  @Test
  void thePingIsBoundToTheWanAndCarriesItsMark() {
    var command =
        Probe.command(
            wan(track(List.of("192.0.2.53"), null, null)),
            track(List.of("192.0.2.53"), null, null),
            "192.0.2.53");
    assertThat(command.argv())
        .containsExactly(
            "ping",
            "-n",
            "-q",
            "-I",
            "wan1",
            "-m",
            "10",
            "-c",
            "3",
            "-i",
            "0.2",
            "-W",
            "0.500",
            "192.0.2.53");
    assertThat(command.timeout()).isEqualTo(Duration.ofSeconds(4));
  }

  @Test
  void parsesLossAndAverageLatency() {
    Probe.Answer a = Probe.parse("192.0.2.53", 3, ANSWERED);
    assertThat(a.sent()).isEqualTo(3);
    assertThat(a.received()).isEqualTo(2);
    assertThat(a.lossPercent()).isEqualTo(33);
    assertThat(a.averageMillis()).isEqualTo(12.5);
  }

  @Test
  void anAnswerCountsOnlyWithinLossAndLatencyLimits() {
    Probe.Answer a = Probe.parse("192.0.2.53", 3, ANSWERED);
    assertThat(Probe.good(a, track(List.of("x"), null, 50))).isTrue();
    assertThat(Probe.good(a, track(List.of("x"), null, 20))).as("loss 33% > 20%").isFalse();
    TrackSpec slow = new TrackSpec(List.of("x"), null, null, 3, null, null, null, null, "10ms");
    assertThat(Probe.good(a, slow)).as("rtt 12.5ms > 10ms").isFalse();
    assertThat(Probe.good(Probe.parse("x", 1, "ping: SO_BINDTODEVICE wan1: No such device"), slow))
        .isFalse();
  }

  @Test
  void aRoundNeedsReliabilityTargetsToAnswer() {
    TrackSpec two = track(List.of("192.0.2.53", "192.0.2.9"), 2, null);
    FakeExecutor fake =
        new FakeExecutor()
            .on(
                List.of("ping"),
                c ->
                    new ExecResult(
                        c.argv().contains("192.0.2.53") ? 0 : 1,
                        c.argv().contains("192.0.2.53") ? ANSWERED : SILENT,
                        ""));
    Probe.Round round = Probe.run(fake, wan(two));
    assertThat(round.ok()).isFalse();
    assertThat(round.detail()).contains("192.0.2.9 no answer").contains("192.0.2.53 loss 33%");
    assertThat(fake.commands()).hasSize(2);
    TrackSpec one = track(List.of("192.0.2.53", "192.0.2.9"), 1, null);
    assertThat(Probe.run(fake, wan(one)).ok()).isTrue();
  }
}
