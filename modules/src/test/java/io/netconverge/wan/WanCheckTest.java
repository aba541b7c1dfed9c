package io.netconverge.wan;

import static org.assertj.core.api.Assertions.assertThat;

import io.netconverge.core.engine.ConvergeEvent;
import io.netconverge.core.engine.HostLock;
import io.netconverge.core.engine.PendingPart;
import io.netconverge.core.engine.Target;
import io.netconverge.core.exec.Command;
import io.netconverge.core.exec.ExecResult;
import io.netconverge.core.exec.Executor;
import io.netconverge.core.net.InterfaceName;
import io.netconverge.core.net.Mark;
import io.netconverge.dualwan.TrackSpec;
import io.netconverge.dualwan.WanSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The WAN half of confirm-when-healthy, against a fake target whose pings answer as told. */
class WanCheckTest {

  private static final String ANSWERED =
      "--- 198.18.0.10 ping statistics ---\n"
          + "1 packets transmitted, 1 received, 0% packet loss, time 0ms\n"
          + "rtt min/avg/max/mdev = 0.061/0.061/0.061/0.000 ms\n";

  private static final String SILENT =
      "--- 198.18.0.10 ping statistics ---\n"
          + "1 packets transmitted, 0 received, 100% packet loss, time 0ms\n";

  /** A clock the sleeper moves; a round itself takes no time. */
  static final class FakeTime extends Clock {
    Instant now = Instant.parse("2026-12-03T07:00:00Z");
    final List<Duration> slept = new ArrayList<>();

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }

    void sleep(Duration d) {
      slept.add(d);
      now = now.plus(d);
    }
  }

  /**
   * The router: each WAN's pings (told apart by the interface they are bound to) answer from a
   * script of rounds, the last one repeating.
   */
  static final class Router implements Target, Executor {
    final Map<String, List<Boolean>> answers = new HashMap<>();
    final List<List<String>> pings = new ArrayList<>();

    @Override
    public ExecResult run(Command command) {
      List<String> argv = command.argv();
      pings.add(argv);
      String itf = argv.get(argv.indexOf("-I") + 1);
      long sent = pings.stream().filter(a -> a.contains(itf)).count();
      List<Boolean> script = answers.get(itf);
      boolean ok = script.get((int) Math.min(sent, script.size()) - 1);
      return new ExecResult(ok ? 0 : 1, ok ? ANSWERED : SILENT, "");
    }

    @Override
    public String describe() {
      return "router";
    }

    @Override
    public String name() {
      return "router";
    }

    @Override
    public Executor executor() {
      return this;
    }

    @Override
    public HostLock lock() {
      return () -> {};
    }
  }

  private static TrackSpec track(int down) {
    return new TrackSpec(List.of("198.18.0.10"), "1s", "500ms", 1, 1, down, 2, null, null);
  }

  private static WanSpec wan(String name, String itf, int mark, TrackSpec track) {
    return new WanSpec(
        name,
        InterfaceName.of(itf),
        Mark.parse(Integer.toString(mark)),
        100L + mark,
        "192.0.2.1",
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

  private static WanStatus status(String name, String itf, Health health, List<PendingPart> p) {
    return new WanStatus(name, itf, true, true, true, "192.0.2.1", null, health, true, p);
  }

  private static final WanSpec ISP1 = wan("isp1", "wan1", 10, track(3));
  private static final WanSpec ISP2 = wan("isp2", "wan2", 20, track(3));

  @Test
  void aWanThatFailsItsDownCountOfRoundsFailsTheCheckWithItsProbeDetail() {
    Router router = new Router();
    router.answers.put("wan1", List.of(true));
    router.answers.put("wan2", List.of(false));
    FakeTime time = new FakeTime();
    List<ConvergeEvent> events = new ArrayList<>();
    WanCheck check = WanCheck.of(List.of(ISP1, ISP2), List.of());

    Optional<String> problem =
        check.problem(router, time.now.plusSeconds(30), events::add, time, time::sleep);

    assertThat(problem).contains("WAN isp2 failed its probes (3 rounds: 198.18.0.10 no answer)");
    assertThat(events)
        .containsExactly(
            new ConvergeEvent.CheckingWans("router", List.of("isp1", "isp2"), List.of()),
            new ConvergeEvent.WanChecked(
                "router", "isp1", true, 1, "198.18.0.10 loss 0% rtt 0.061ms"),
            new ConvergeEvent.WanChecked("router", "isp2", false, 3, "198.18.0.10 no answer"));
    // isp1 once, isp2 three times; each ping bound to its WAN and carrying its mark.
    assertThat(router.pings).hasSize(4);
    assertThat(router.pings.get(0)).containsSequence("-I", "wan1", "-m", "10");
    assertThat(router.pings.get(1)).containsSequence("-I", "wan2", "-m", "20");
    assertThat(time.slept).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(1));
  }

  @Test
  void aWanThatPassesARoundBeforeItsDownCountPasses() {
    Router router = new Router();
    router.answers.put("wan1", List.of(false, false, true));
    router.answers.put("wan2", List.of(true));
    FakeTime time = new FakeTime();
    List<ConvergeEvent> events = new ArrayList<>();

    Optional<String> problem =
        WanCheck.of(List.of(ISP1, ISP2), List.of())
            .problem(router, time.now.plusSeconds(30), events::add, time, time::sleep);

    assertThat(problem).isEmpty();
    assertThat(events)
        .filteredOn(ConvergeEvent.WanChecked.class::isInstance)
        .extracting(e -> ((ConvergeEvent.WanChecked) e).rounds())
        .containsExactly(1, 3);
    assertThat(router.pings).hasSize(4);
  }

  @Test
  void roundsComeCloserWhenTheDownCountWouldNotFitBeforeTheDeadline() {
    Router router = new Router();
    router.answers.put("wan2", List.of(false));
    FakeTime time = new FakeTime();
    WanSpec slow =
        wan(
            "isp2",
            "wan2",
            20,
            new TrackSpec(List.of("198.18.0.10"), "5s", "500ms", 1, 1, 3, 2, null, null));

    Optional<String> problem =
        WanCheck.of(List.of(slow), List.of())
            .problem(router, time.now.plusSeconds(8), e -> {}, time, time::sleep);

    // 3 rounds at 5s would take 10s: spaced by 8s / (3 + 1) instead, all before the deadline.
    assertThat(problem).contains("WAN isp2 failed its probes (3 rounds: 198.18.0.10 no answer)");
    assertThat(time.slept).containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(2));
  }

  @Test
  void aWanWithoutAVerdictAtTheDeadlineFails() {
    Router router = new Router();
    router.answers.put("wan1", List.of(false));
    FakeTime time = new FakeTime();

    Optional<String> problem =
        WanCheck.of(List.of(ISP1), List.of())
            .problem(router, time.now.plusMillis(400), e -> {}, time, time::sleep);

    assertThat(problem).isPresent();
    assertThat(problem.get()).startsWith("WAN isp1 failed its probes (0 rounds: no verdict before");
    assertThat(router.pings).isEmpty();
  }

  @Test
  void untrackedPendingAndTrackedDownWansAreNotProbedAndSaySo() {
    Router router = new Router();
    router.answers.put("wan1", List.of(true));
    WanSpec untracked = wan("isp3", "wan3", 30, null);
    WanSpec pending = wan("isp2", "wan2", 20, track(3));
    WanSpec down = wan("isp4", "wan4", 40, track(3));
    List<ConvergeEvent> events = new ArrayList<>();
    FakeTime time = new FakeTime();

    WanCheck check =
        WanCheck.of(
            List.of(ISP1, pending, untracked, down),
            List.of(
                status("isp1", "wan1", Health.UNKNOWN, List.of()),
                status(
                    "isp2",
                    "wan2",
                    Health.UNKNOWN,
                    List.of(
                        new PendingPart(
                            "isp2", "route table isp2 (120)", "interface wan2 is down"))),
                status("isp3", "wan3", Health.UNTRACKED, List.of()),
                status("isp4", "wan4", Health.DOWN, List.of())));
    Optional<String> problem =
        check.problem(router, time.now.plusSeconds(30), events::add, time, time::sleep);

    assertThat(problem).isEmpty();
    assertThat(events.get(0))
        .isEqualTo(
            new ConvergeEvent.CheckingWans(
                "router",
                List.of("isp1"),
                List.of(
                    "isp2 (pending: interface wan2 is down)",
                    "isp3 (untracked, nothing to probe)",
                    "isp4 (tracked down before the apply)")));
    assertThat(router.pings).hasSize(1);
  }

  @Test
  void aProfileWithoutTrackedWansProbesNothingButSaysSo() {
    Router router = new Router();
    List<ConvergeEvent> events = new ArrayList<>();
    FakeTime time = new FakeTime();
    Optional<String> problem =
        WanCheck.of(List.of(wan("isp1", "wan1", 10, null)), List.of())
            .problem(router, time.now.plusSeconds(30), events::add, time, time::sleep);
    assertThat(problem).isEmpty();
    assertThat(events)
        .containsExactly(
            new ConvergeEvent.CheckingWans(
                "router", List.of(), List.of("isp1 (untracked, nothing to probe)")));
    assertThat(router.pings).isEmpty();
  }
}
