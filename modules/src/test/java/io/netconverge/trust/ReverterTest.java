package io.netconverge.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netconverge.core.exec.Command;
import io.netconverge.core.exec.ExecException;
import io.netconverge.core.exec.ExecResult;
import io.netconverge.core.exec.Executor;
import io.netconverge.core.exec.LocalExecutor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReverterTest {

  /** Records every command and answers each with the next canned stdout. */
  static final class Recording implements Executor {
    final List<Command> commands = new ArrayList<>();
    String answer = "";

    @Override
    public ExecResult run(Command command) {
      commands.add(command);
      return new ExecResult(0, answer, "");
    }

    @Override
    public String describe() {
      return "recording";
    }
  }

  @Test
  void armWritesEachStdinAndTheScriptThenStartsTheTimerWithTheTimeoutInSeconds() throws Exception {
    Recording target = new Recording();
    new Reverter(Duration.ofMillis(59_001))
        .arm(
            target,
            List.of(
                new Command(List.of("nft", "-f", "-"), "table inet x {\n}\n", null),
                Command.of("sysctl", "-q", "-w", "net.ipv4.ip_forward=0")));

    assertThat(Tokens.masked(target.commands.stream().map(Command::argv).toList()))
        .containsExactly(
            List.of("sh", "-c", Reverter.PREPARE, "netconverge-arm"),
            List.of("sh", "-c", Reverter.WRITE, "netconverge-arm", "1.stdin"),
            List.of("sh", "-c", Reverter.WRITE, "netconverge-arm", "revert.sh"),
            List.of("sh", "-c", Reverter.START, "netconverge-arm", "60", "TOKEN"));
    assertThat(target.commands.get(1).stdin()).isEqualTo("table inet x {\n}\n");
    String script = target.commands.get(2).stdin();
    assertThat(script)
        .contains("nft -f - <\"$r/1.stdin\" || status=1\n")
        .contains("sysctl -q -w net.ipv4.ip_forward=0 </dev/null || status=1\n");
    // Its log is 0600 like the rest, whatever umask the timer gives it.
    assertThat(script.indexOf("umask 077")).isPositive().isLessThan(script.indexOf("exec >"));
    // The restore runs only after the folder was claimed from a confirm.
    assertThat(script.indexOf("mv \"$d\" \"$r\" 2>/dev/null || exit 0"))
        .isPositive()
        .isLessThan(script.indexOf("nft -f -"));
  }

  @Test
  void anArgumentWithQuotesOrSpacesStaysOneWordInTheScript() throws Exception {
    Recording target = new Recording();
    new Reverter(Duration.ofSeconds(5))
        .arm(target, List.of(Command.of("sysctl", "-w", "net.ipv4.ip_local_port_range=1 2'x")));
    assertThat(target.commands.get(1).stdin())
        .contains("sysctl -w 'net.ipv4.ip_local_port_range=1 2'\\''x' </dev/null");
  }

  @Test
  void aLastRevertThatExitedNonZeroIsAFailedRevert() {
    Reverter.ConfirmResult failed =
        new Reverter.ConfirmResult(
            Reverter.Confirmation.NONE,
            "reverting at 2026-12-03T07:24:01Z\nreverted at 2026-12-03T07:24:03Z, exit 1\n");
    assertThat(failed.lastRevertFailed()).isTrue();
    assertThat(failed.lastRevertLine()).isEqualTo("reverted at 2026-12-03T07:24:03Z, exit 1");
    assertThat(
            new Reverter.ConfirmResult(
                    Reverter.Confirmation.NONE, "reverted at 2026-12-03T07:24:03Z, exit 0\n")
                .lastRevertFailed())
        .isFalse();
    assertThat(new Reverter.ConfirmResult(Reverter.Confirmation.NONE, "").lastRevertFailed())
        .isFalse();
  }

  @Test
  void theScriptsAreValidPosixShell() throws Exception {
    LocalExecutor local = new LocalExecutor();
    for (String script :
        List.of(
            Reverter.PREPARE,
            Reverter.WRITE,
            Reverter.START,
            Reverter.CONFIRM,
            Reverter.PERSIST,
            Reverter.script(List.of("ip -batch - <\"$r/1.stdin\" || status=1")))) {
      ExecResult r = local.run(Command.of("sh", "-n", "-c", script));
      assertThat(r.exitCode()).as(script + r.stderr()).isZero();
    }
  }

  @Test
  void confirmTellsConfirmedRevertingAndNothingPendingApart() throws Exception {
    Recording target = new Recording();
    target.answer = "confirmed\n";
    assertThat(Reverter.confirm(target).confirmation()).isEqualTo(Reverter.Confirmation.CONFIRMED);
    target.answer = "reverting\n";
    assertThat(Reverter.confirm(target).confirmation()).isEqualTo(Reverter.Confirmation.REVERTING);
    target.answer = "none\nreverting at T\nreverted at T, exit 0\n";
    Reverter.ConfirmResult none = Reverter.confirm(target);
    assertThat(none.confirmation()).isEqualTo(Reverter.Confirmation.NONE);
    assertThat(none.lastRevert()).isEqualTo("reverting at T\nreverted at T, exit 0");
    assertThat(target.commands)
        .extracting(Command::argv)
        .allMatch(
            a -> a.equals(List.of("sh", "-c", Reverter.CONFIRM, "netconverge-confirm", "keep")));
    target.answer = "what\n";
    assertThatThrownBy(() -> Reverter.confirm(target)).isInstanceOf(ExecException.class);
  }

  @Test
  void aConfirmReportsThePersistTheApplyLeftAndADisarmDropsIt() throws Exception {
    Recording target = new Recording();
    target.answer = "confirmed\npersisted /etc/netconverge/host.yaml\nenabled\n";
    Reverter.ConfirmResult kept = Reverter.confirm(target);
    assertThat(kept.persisted())
        .contains(
            new Reverter.Persisted(Optional.of("/etc/netconverge/host.yaml"), Optional.empty()));
    target.answer = "confirmed\n";
    assertThat(Reverter.confirm(target).persisted()).isEmpty();
    new Reverter(Duration.ofSeconds(5)).disarm(target);
    assertThat(target.commands.get(2).argv())
        .containsExactly("sh", "-c", Reverter.CONFIRM, "netconverge-confirm", "drop");
  }

  /** A systemctl that logs its arguments and exits {@code exit}. */
  private static Path systemctl(Path dir, int exit) throws Exception {
    Path program = dir.resolve("systemctl");
    Files.writeString(
        program,
        "#!/bin/sh\necho \"$@\" >> "
            + dir.resolve("systemctl.log")
            + "\necho 'Failed to enable unit' >&2\nexit "
            + exit
            + "\n");
    Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwx------"));
    return program;
  }

  @Test
  void thePersistScriptSavesTheFilePrivatelyReplacingALinkAndEnablesTheUnit(@TempDir Path tmp)
      throws Exception {
    Path dir = tmp.resolve("etc-netconverge");
    Files.createDirectories(dir);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path elsewhere = Files.writeString(tmp.resolve("elsewhere"), "untouched\n");
    Files.createSymbolicLink(dir.resolve("host.yaml"), elsewhere);
    PendingPersist persist =
        new PendingPersist("kind: HostState\n", dir.toString(), systemctl(tmp, 0).toString());

    Reverter.Persisted done = Reverter.persistNow(new LocalExecutor(), persist);

    assertThat(done)
        .isEqualTo(new Reverter.Persisted(Optional.of(dir + "/host.yaml"), Optional.empty()));
    Path saved = dir.resolve("host.yaml");
    assertThat(Files.isSymbolicLink(saved)).isFalse();
    assertThat(saved).hasContent("kind: HostState");
    assertThat(elsewhere).hasContent("untouched");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(saved)))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
        .isEqualTo("rwx------");
    assertThat(tmp.resolve("systemctl.log")).hasContent("enable netconverge.service");
    try (var files = Files.list(dir)) {
      assertThat(files).containsExactly(saved);
    }
  }

  @Test
  void thePersistScriptRefusesAFolderThatIsALinkAndSaysWhenTheUnitCannotBeEnabled(@TempDir Path tmp)
      throws Exception {
    Path real = Files.createDirectories(tmp.resolve("real"));
    Path link = Files.createSymbolicLink(tmp.resolve("etc-netconverge"), real);
    Reverter.Persisted refused =
        Reverter.persistNow(
            new LocalExecutor(),
            new PendingPersist("x: 1\n", link.toString(), systemctl(tmp, 0).toString()));
    assertThat(refused.ok()).isFalse();
    assertThat(refused.describe())
        .isEqualTo(
            "not saved for boot: "
                + link
                + " is a symbolic link; remove it, netconverge"
                + " makes the folder itself");
    try (var files = Files.list(real)) {
      assertThat(files).isEmpty();
    }
    assertThat(tmp.resolve("systemctl.log")).doesNotExist();

    Path dir = tmp.resolve("fresh/etc-netconverge");
    Reverter.Persisted notEnabled =
        Reverter.persistNow(
            new LocalExecutor(),
            new PendingPersist("x: 1\n", dir.toString(), systemctl(tmp, 1).toString()));
    assertThat(notEnabled.savedAs()).contains(dir + "/host.yaml");
    assertThat(notEnabled.problem())
        .contains(
            "'"
                + tmp.resolve("systemctl")
                + " enable netconverge.service' failed: Failed to"
                + " enable unit");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
        .isEqualTo("rwx------");
  }

  @Test
  void aTimeoutMustBePositive() {
    assertThatThrownBy(() -> new Reverter(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
