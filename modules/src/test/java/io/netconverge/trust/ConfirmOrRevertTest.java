package io.netconverge.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netconverge.core.engine.Change;
import io.netconverge.core.engine.ConvergeEvent;
import io.netconverge.core.engine.HostLock;
import io.netconverge.core.engine.HostReport;
import io.netconverge.core.engine.Mode;
import io.netconverge.core.engine.Target;
import io.netconverge.core.exec.Command;
import io.netconverge.core.exec.ExecResult;
import io.netconverge.core.exec.Executor;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConfirmOrRevertTest {

  /** The target: records every argv, answers the confirm script with {@code confirmAnswer}. */
  static final class Box implements Target, Executor {
    final List<List<String>> argvs = new ArrayList<>();
    String confirmAnswer = "confirmed\n";
    String persistAnswer = "persisted /etc/netconverge/host.yaml\nenabled\n";

    @Override
    public ExecResult run(Command command) {
      argvs.add(command.argv());
      if (command.argv().contains(Reverter.CONFIRM)) {
        return new ExecResult(0, confirmAnswer, "");
      }
      if (command.argv().contains(Reverter.PERSIST)) {
        return new ExecResult(0, persistAnswer, "");
      }
      return new ExecResult(0, "", "");
    }

    @Override
    public String describe() {
      return "box";
    }

    @Override
    public String name() {
      return "box";
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

  /** The fresh connection of the health check: {@code true} exits {@code exit}. */
  static Executor fresh(int exit, List<List<String>> ran) {
    return new Executor() {
      @Override
      public ExecResult run(Command command) {
        ran.add(command.argv());
        return new ExecResult(exit, "", "");
      }

      @Override
      public String describe() {
        return "fresh";
      }
    };
  }

  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-12-02T19:00:00.400Z"), ZoneOffset.UTC);

  private static final HostReport APPLIED =
      HostReport.of(
          "box",
          Mode.APPLY,
          HostReport.Status.CHANGED,
          List.of(
              Change.create(
                  io.netconverge.core.engine.ResourceId.of("sysctl", "net.ipv4.ip_forward"),
                  io.netconverge.core.engine.ChangeValue.text("1"),
                  List.of())));

  /** An apply that arms the safeguard with one restore command, then reports CHANGED. */
  private static HostReport applyWith(
      Box box, io.netconverge.core.engine.Safeguard safeguard, List<ConvergeEvent> told) {
    try {
      safeguard.arm(box, List.of(Command.of("sysctl", "-q", "-w", "net.ipv4.ip_forward=0")));
    } catch (io.netconverge.core.exec.ExecException e) {
      throw new AssertionError(e);
    }
    told.add(new ConvergeEvent.HostFinished("box", APPLIED));
    return APPLIED;
  }

  @Test
  void whenHealthyItArmsAppliesChecksANewConnectionThenConfirms() {
    Box box = new Box();
    List<List<String>> health = new ArrayList<>();
    List<ConvergeEvent> events = new ArrayList<>();
    HostReport report =
        new ConfirmOrRevert(Duration.ofSeconds(5), true)
            .apply(
                box,
                fresh(0, health),
                events::add,
                (safeguard, told) -> applyWith(box, safeguard, new ArrayList<>()),
                CLOCK);
    assertThat(report).isEqualTo(APPLIED);
    assertThat(Tokens.masked(box.argvs))
        .containsExactly(
            List.of("sh", "-c", Reverter.PREPARE, "netconverge-arm"),
            List.of("sh", "-c", Reverter.WRITE, "netconverge-arm", "revert.sh"),
            List.of("sh", "-c", Reverter.START, "netconverge-arm", "5", "TOKEN"),
            List.of("sh", "-c", Reverter.CONFIRM, "netconverge-confirm", "keep"));
    assertThat(health).containsExactly(List.of("true"));
    assertThat(events)
        .containsExactly(
            new ConvergeEvent.CheckingConnection("box"),
            new ConvergeEvent.Confirmed("box"),
            new ConvergeEvent.HostFinished("box", APPLIED));
  }

  @Test
  void withoutWhenHealthyItLeavesTheReverterPendingAndSaysUntilWhen() {
    Box box = new Box();
    List<ConvergeEvent> events = new ArrayList<>();
    HostReport report =
        new ConfirmOrRevert(Duration.ofSeconds(60), false)
            .apply(
                box,
                fresh(0, new ArrayList<>()),
                events::add,
                (safeguard, told) -> applyWith(box, safeguard, new ArrayList<>()),
                CLOCK);
    assertThat(report.status()).isEqualTo(HostReport.Status.CHANGED);
    assertThat(box.argvs).noneMatch(a -> a.contains(Reverter.CONFIRM));
    assertThat(events.get(0)).isInstanceOf(ConvergeEvent.AwaitingConfirm.class);
    assertThat(events).hasSize(2);
    // The report itself says the apply is not confirmed yet, and until when.
    assertThat(report.confirmBy())
        .contains(((ConvergeEvent.AwaitingConfirm) events.get(0)).revertsAt());
    assertThat(((ConvergeEvent.HostFinished) events.get(1)).report().confirmBy()).isPresent();
  }

  @Test
  void aBrokenNewConnectionIsNotConfirmedAndTheRestoreIsLeftToTheReverter() {
    Box box = new Box();
    List<ConvergeEvent> events = new ArrayList<>();
    HostReport report =
        new ConfirmOrRevert(Duration.ofSeconds(5), true)
            .apply(
                box,
                fresh(255, new ArrayList<>()),
                events::add,
                (safeguard, told) -> applyWith(box, safeguard, new ArrayList<>()),
                CLOCK);
    assertThat(report.status()).isEqualTo(HostReport.Status.FAILED);
    assertThat(report.error())
        .startsWith("applied, but a new connection failed ('true' exited 255 on fresh)")
        .contains("the reverter restores the state read before apply at about");
    assertThat(report.restoration().outcome()).isEqualTo(HostReport.RestoreOutcome.PENDING);
    assertThat(report.restoration().revertsAt()).isPresent();
    assertThat(report.restoreUnverified()).isTrue();
    assertThat(box.argvs).noneMatch(a -> a.contains(Reverter.CONFIRM));
    // The runner's own HostFinished is held back: the listener hears the report that stands.
    assertThat(events)
        .filteredOn(ConvergeEvent.HostFinished.class::isInstance)
        .containsExactly(new ConvergeEvent.HostFinished("box", report));
  }

  @Test
  void aReverterGoneBeforeTheConfirmIsAFailure() {
    Box box = new Box();
    box.confirmAnswer = "reverting\n";
    HostReport report =
        new ConfirmOrRevert(Duration.ofSeconds(5), true)
            .apply(
                box,
                fresh(0, new ArrayList<>()),
                e -> {},
                (safeguard, told) -> applyWith(box, safeguard, new ArrayList<>()),
                CLOCK);
    assertThat(report.status()).isEqualTo(HostReport.Status.FAILED);
    assertThat(report.error()).contains("the reverter was gone before the confirm (reverting)");
  }

  @Test
  void aFailedApplyIsReturnedAsItIsWithoutAConfirm() {
    Box box = new Box();
    HostReport failed =
        HostReport.failed(
            "box", Mode.APPLY, List.of(), io.netconverge.core.engine.Failure.of("broken"));
    HostReport report =
        new ConfirmOrRevert(Duration.ofSeconds(5), true)
            .apply(box, fresh(0, new ArrayList<>()), e -> {}, (safeguard, told) -> failed, CLOCK);
    assertThat(report).isSameAs(failed);
    assertThat(box.argvs).isEmpty();
  }

  @Test
  void aWanThatFailsItsProbeAfterAWorkingConnectionLeavesTheApplyToTheReverter() {
    Box box = new Box();
    List<ConvergeEvent> events = new ArrayList<>();
    List<Instant> deadlines = new ArrayList<>();
    ConfirmCheck wans =
        (target, deadline, progress) -> {
          deadlines.add(deadline);
          return Optional.of("WAN isp2 failed its probes (2 rounds: 198.18.0.10 no answer)");
        };
    List<List<String>> health = new ArrayList<>();
    HostReport report =
        new ConfirmOrRevert(Duration.ofSeconds(20), true)
            .apply(
                box,
                fresh(0, health),
                wans,
                events::add,
                (safeguard, told) -> applyWith(box, safeguard, new ArrayList<>()),
                CLOCK);
    assertThat(health).containsExactly(List.of("true"));
    assertThat(report.status()).isEqualTo(HostReport.Status.FAILED);
    assertThat(report.error())
        .startsWith(
            "applied, but WAN isp2 failed its probes (2 rounds: 198.18.0.10 no answer): not"
                + " confirmed, the reverter restores the state read before apply at about ");
    assertThat(report.restoreUnverified()).isTrue();
    assertThat(box.argvs).noneMatch(a -> a.contains(Reverter.CONFIRM));
    // Well inside the timeout: a quarter of it (at least 2 s) before the reverter's time.
    Instant revertsAt = report.restoration().revertsAt().orElseThrow();
    assertThat(deadlines).containsExactly(revertsAt.minusSeconds(5));
  }

  @Test
  void theWanCheckIsNotRunWhenTheNewConnectionAlreadyFailed() {
    Box box = new Box();
    List<Instant> deadlines = new ArrayList<>();
    HostReport report =
        new ConfirmOrRevert(Duration.ofSeconds(20), true)
            .apply(
                box,
                fresh(255, new ArrayList<>()),
                (target, deadline, progress) -> {
                  deadlines.add(deadline);
                  return Optional.empty();
                },
                e -> {},
                (safeguard, told) -> applyWith(box, safeguard, new ArrayList<>()),
                CLOCK);
    assertThat(report.error()).startsWith("applied, but a new connection failed");
    assertThat(deadlines).isEmpty();
  }

  @Test
  void aPassingWanCheckConfirms() {
    Box box = new Box();
    List<ConvergeEvent> events = new ArrayList<>();
    HostReport report =
        new ConfirmOrRevert(Duration.ofSeconds(20), true)
            .apply(
                box,
                fresh(0, new ArrayList<>()),
                (target, deadline, progress) -> Optional.empty(),
                events::add,
                (safeguard, told) -> applyWith(box, safeguard, new ArrayList<>()),
                CLOCK);
    assertThat(report).isEqualTo(APPLIED);
    assertThat(box.argvs).anyMatch(a -> a.contains(Reverter.CONFIRM));
    assertThat(events).contains(new ConvergeEvent.Confirmed("box"));
  }

  private static final PendingPersist PERSIST =
      new PendingPersist("kind: HostState\n", "/etc/netconverge", "systemctl");

  @Test
  void thePersistWaitsWithTheReverterAndIsSavedByTheConfirm() {
    Box box = new Box();
    box.confirmAnswer = "confirmed\npersisted /etc/netconverge/host.yaml\nenabled\n";
    List<ConvergeEvent> events = new ArrayList<>();
    HostReport report =
        new ConfirmOrRevert(Duration.ofSeconds(5), true, Optional.of(PERSIST))
            .apply(
                box,
                fresh(0, new ArrayList<>()),
                events::add,
                (safeguard, told) -> applyWith(box, safeguard, new ArrayList<>()),
                CLOCK);
    assertThat(report).isEqualTo(APPLIED);
    assertThat(Tokens.masked(box.argvs))
        .containsExactly(
            List.of("sh", "-c", Reverter.PREPARE, "netconverge-arm"),
            List.of("sh", "-c", Reverter.WRITE, "netconverge-arm", "persist.yaml"),
            List.of("sh", "-c", Reverter.WRITE, "netconverge-arm", "persist.dir"),
            List.of("sh", "-c", Reverter.WRITE, "netconverge-arm", "persist.systemctl"),
            List.of("sh", "-c", Reverter.WRITE, "netconverge-arm", "revert.sh"),
            List.of("sh", "-c", Reverter.START, "netconverge-arm", "5", "TOKEN"),
            List.of("sh", "-c", Reverter.CONFIRM, "netconverge-confirm", "keep"));
    assertThat(events)
        .containsSubsequence(
            new ConvergeEvent.Confirmed("box"),
            new ConvergeEvent.Persisted("box", "/etc/netconverge/host.yaml"));
  }

  @Test
  void aUnitThatCannotBeEnabledAtTheConfirmFailsTheReportButTheStateStays() {
    Box box = new Box();
    box.confirmAnswer =
        "confirmed\npersisted /etc/netconverge/host.yaml\nnot-enabled 'systemctl enable"
            + " netconverge.service' failed: no such unit\n";
    HostReport report =
        new ConfirmOrRevert(Duration.ofSeconds(5), true, Optional.of(PERSIST))
            .apply(
                box,
                fresh(0, new ArrayList<>()),
                e -> {},
                (safeguard, told) -> applyWith(box, safeguard, new ArrayList<>()),
                CLOCK);
    assertThat(report.status()).isEqualTo(HostReport.Status.FAILED);
    assertThat(report.error())
        .isEqualTo(
            "applied and confirmed (it stays), but /etc/netconverge/host.yaml is saved, but"
                + " netconverge.service could not be enabled, so the state is not applied at"
                + " boot: 'systemctl enable netconverge.service' failed: no such unit");
    assertThat(report.restoration()).isEqualTo(HostReport.Restoration.NOT_NEEDED);
  }

  @Test
  void withoutWhenHealthyThePersistStaysPendingWithTheReverter() {
    Box box = new Box();
    List<ConvergeEvent> events = new ArrayList<>();
    HostReport report =
        new ConfirmOrRevert(Duration.ofSeconds(60), false, Optional.of(PERSIST))
            .apply(
                box,
                fresh(0, new ArrayList<>()),
                events::add,
                (safeguard, told) -> applyWith(box, safeguard, new ArrayList<>()),
                CLOCK);
    assertThat(report.confirmBy()).isPresent();
    assertThat(report.confirmed()).isEqualTo(APPLIED);
    assertThat(box.argvs).noneMatch(a -> a.contains(Reverter.CONFIRM));
    assertThat(events).noneMatch(ConvergeEvent.Persisted.class::isInstance);
  }

  @Test
  void anApplyThatChangedNothingArmsNothingAndPersistsAtOnce() {
    Box box = new Box();
    HostReport inSync = HostReport.of("box", Mode.APPLY, HostReport.Status.OK, List.of());
    List<ConvergeEvent> events = new ArrayList<>();
    HostReport report =
        new ConfirmOrRevert(Duration.ofSeconds(60), false, Optional.of(PERSIST))
            .apply(
                box, fresh(0, new ArrayList<>()), events::add, (safeguard, told) -> inSync, CLOCK);
    assertThat(report).isEqualTo(inSync);
    assertThat(box.argvs)
        .containsExactly(
            List.of(
                "sh",
                "-c",
                Reverter.PERSIST,
                "netconverge-persist",
                "/etc/netconverge",
                "systemctl"));
    assertThat(events)
        .containsExactly(
            new ConvergeEvent.Persisted("box", "/etc/netconverge/host.yaml"),
            new ConvergeEvent.HostFinished("box", inSync));

    box.persistAnswer = "not-persisted /etc/netconverge is a symbolic link\n";
    HostReport notSaved =
        new ConfirmOrRevert(Duration.ofSeconds(60), false, Optional.of(PERSIST))
            .apply(box, fresh(0, new ArrayList<>()), e -> {}, (safeguard, told) -> inSync, CLOCK);
    assertThat(notSaved.status()).isEqualTo(HostReport.Status.FAILED);
    assertThat(notSaved.error())
        .isEqualTo(
            "nothing to change, but not saved for boot: /etc/netconverge is a symbolic link");
  }

  @Test
  void aFailedApplyPersistsNothing() {
    Box box = new Box();
    HostReport failed =
        HostReport.failed(
            "box", Mode.APPLY, List.of(), io.netconverge.core.engine.Failure.of("broken"));
    HostReport report =
        new ConfirmOrRevert(Duration.ofSeconds(5), true, Optional.of(PERSIST))
            .apply(box, fresh(0, new ArrayList<>()), e -> {}, (safeguard, told) -> failed, CLOCK);
    assertThat(report).isSameAs(failed);
    assertThat(box.argvs).isEmpty();
  }

  @Test
  void aTimeoutUnderOneSecondIsRefused() {
    assertThatThrownBy(() -> new ConfirmOrRevert(Duration.ofMillis(999), false))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
