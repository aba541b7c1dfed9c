package io.netconverge.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netconverge.core.engine.Failure;
import io.netconverge.core.engine.HostReport;
import io.netconverge.core.engine.Mode;
import io.netconverge.core.exec.LocalExecutor;
import io.netconverge.core.testing.FakeExecutor;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PersistedStateTest {

  private static final String STATE = "apiVersion: netconverge/v1\nkind: HostState\n";

  @TempDir Path tmp;

  private final StringWriter messages = new StringWriter();
  private final PrintWriter err = new PrintWriter(messages, true);

  /** The file is saved by the script a confirm runs on a target, here on this machine. */
  private PersistedState persisted(Path dir, Path source) throws IOException {
    return new PersistedState(
        dir, systemctl(0).toString(), new LocalExecutor(), source, Files.readAllBytes(source));
  }

  /** A systemctl that logs its arguments and exits {@code code}, saying why when it fails. */
  private Path systemctl(int code) throws IOException {
    Path program = tmp.resolve("systemctl");
    Files.writeString(
        program,
        "#!/bin/sh\necho \"$@\" >> "
            + systemctlLog()
            + "\n"
            + (code == 0
                ? ""
                : "echo 'Failed to enable unit: Unit file netconverge.service does not exist.' >&2\n")
            + "exit "
            + code
            + "\n");
    Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwx------"));
    return program;
  }

  private Path systemctlLog() {
    return tmp.resolve("systemctl.log");
  }

  private Path source() throws IOException {
    return Files.writeString(tmp.resolve("router.yaml"), STATE);
  }

  private static String mode(Path p) throws IOException {
    return PosixFilePermissions.toString(
        Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void savesTheFileWithMode0600InANewFolderWithMode0700AndEnablesTheUnit() throws Exception {
    Path dir = tmp.resolve("etc/netconverge");

    int code = persisted(dir, source()).finish(ExitCodes.OK, err);

    assertThat(code).isZero();
    assertThat(Files.readString(dir.resolve("host.yaml"))).isEqualTo(STATE);
    assertThat(mode(dir)).isEqualTo("rwx------");
    assertThat(mode(dir.resolve("host.yaml"))).isEqualTo("rw-------");
    assertThat(systemctlLog()).hasContent("enable netconverge.service");
    assertThat(messages.toString()).contains("netconverge.service enabled");
  }

  @Test
  void tightensAnExistingFolderTo0700AndReplacesTheOldFile() throws Exception {
    Path dir = Files.createDirectory(tmp.resolve("netconverge"));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.writeString(dir.resolve("host.yaml"), "old");

    persisted(dir, source()).finish(ExitCodes.OK, err);

    assertThat(mode(dir)).isEqualTo("rwx------");
    assertThat(Files.readString(dir.resolve("host.yaml"))).isEqualTo(STATE);
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("host.yaml");
    }
  }

  @Test
  void refusesAFolderThatIsASymbolicLink() throws Exception {
    Path elsewhere = Files.createDirectory(tmp.resolve("elsewhere"));
    Path dir = Files.createSymbolicLink(tmp.resolve("netconverge"), elsewhere);

    int code = persisted(dir, source()).finish(ExitCodes.OK, err);

    assertThat(code).isEqualTo(ExitCodes.FAILED);
    assertThat(messages.toString()).contains("is a symbolic link");
    try (var files = Files.list(elsewhere)) {
      assertThat(files).isEmpty();
    }
    assertThat(systemctlLog()).doesNotExist();
  }

  @Test
  void aSymbolicLinkAtTheFileNameIsReplacedNotWrittenThrough() throws Exception {
    Path dir = Files.createDirectory(tmp.resolve("netconverge"));
    Path victim = Files.writeString(tmp.resolve("victim"), "keep me");
    Files.createSymbolicLink(dir.resolve("host.yaml"), victim);

    persisted(dir, source()).finish(ExitCodes.OK, err);

    assertThat(Files.readString(victim)).isEqualTo("keep me");
    assertThat(Files.isSymbolicLink(dir.resolve("host.yaml"))).isFalse();
    assertThat(Files.readString(dir.resolve("host.yaml"))).isEqualTo(STATE);
  }

  @Test
  void aFailedApplyPersistsNothing() throws Exception {
    Path dir = tmp.resolve("netconverge");

    int code = persisted(dir, source()).finish(ExitCodes.FAILED, err);

    assertThat(code).isEqualTo(ExitCodes.FAILED);
    assertThat(dir).doesNotExist();
    assertThat(systemctlLog()).doesNotExist();
    assertThat(messages.toString()).contains("not persisted");
  }

  @Test
  void anApplyWithPendingPartsIsPersistedAndKeepsItsExitCode() throws Exception {
    Path dir = tmp.resolve("netconverge");

    int code = persisted(dir, source()).finish(ExitCodes.APPLIED_PENDING, err);

    assertThat(code).isEqualTo(3);
    assertThat(dir.resolve("host.yaml")).hasContent(STATE);
  }

  @Test
  void aFileChangedWhileItWasAppliedIsNotPersisted() throws Exception {
    Path source = source();
    PersistedState persisted = persisted(tmp.resolve("netconverge"), source);
    Files.writeString(source, STATE + "sysctl: {}\n");

    assertThat(persisted.finish(ExitCodes.OK, err)).isEqualTo(ExitCodes.FAILED);
    assertThat(tmp.resolve("netconverge")).doesNotExist();
    assertThat(messages.toString()).contains("changed while it was applied");
  }

  @Test
  void aUnitThatCannotBeEnabledIsAFailureSayingTheStateIsNotAppliedAtBoot() throws Exception {
    Path source = source();
    PersistedState persisted =
        new PersistedState(
            tmp.resolve("netconverge"),
            systemctl(1).toString(),
            new LocalExecutor(),
            source,
            Files.readString(source).getBytes(StandardCharsets.UTF_8));

    assertThat(persisted.finish(ExitCodes.OK, err)).isEqualTo(ExitCodes.FAILED);
    assertThat(messages.toString())
        .contains("is saved, but netconverge.service could not be enabled")
        .contains("not applied at boot")
        .contains("Unit file netconverge.service does not exist");
  }

  @Test
  void aFolderThatIsAFileIsRefused() throws Exception {
    Path dir = Files.writeString(tmp.resolve("netconverge"), "x");
    assertThat(persisted(dir, source()).finish(ExitCodes.OK, err)).isEqualTo(ExitCodes.FAILED);
    assertThat(messages.toString()).contains("not a folder");
    assertThat(dir).hasContent("x");
    assertThat(systemctlLog()).doesNotExist();
  }

  @Test
  void aMissingBootUnitIsRefusedSayingHowToGetIt() throws Exception {
    // What systemctl list-unit-files answers for a unit no folder has: nothing, exit 1.
    FakeExecutor none = new FakeExecutor().fail(List.of("systemctl", "list-unit-files"), 1, "");
    PersistedState persisted =
        new PersistedState(
            tmp.resolve("netconverge"), "systemctl", none, source(), STATE.getBytes());

    assertThatThrownBy(persisted::requireUnit)
        .isInstanceOf(CommandRefusedException.class)
        .hasMessageContaining("netconverge.service, which is not installed here")
        .hasMessageContaining("nothing was applied or saved")
        .hasMessageContaining(".deb")
        .hasMessageContaining("dist/systemd/netconverge.service");
    assertThat(none.argvs())
        .containsExactly(
            List.of(
                "systemctl",
                "list-unit-files",
                "--no-legend",
                "--no-pager",
                "netconverge.service"));
  }

  @Test
  void anInstalledBootUnitIsAccepted() throws Exception {
    FakeExecutor installed =
        new FakeExecutor()
            .on(List.of("systemctl", "list-unit-files"), "netconverge.service disabled enabled\n");
    new PersistedState(
            tmp.resolve("netconverge"), "systemctl", installed, source(), STATE.getBytes())
        .requireUnit();
    assertThat(installed.argvs()).hasSize(1);
  }

  private static final HostReport CHANGED =
      HostReport.of("local", Mode.APPLY, HostReport.Status.CHANGED, List.of());

  @Test
  void withAConfirmTimeoutNothingIsSavedHereAndAPendingApplySaysTheConfirmSavesIt()
      throws Exception {
    Path dir = tmp.resolve("etc/netconverge");
    int code = persisted(dir, source()).finishOnConfirm(ExitCodes.OK, CHANGED, null, err);
    assertThat(code).isZero();
    assertThat(dir).doesNotExist();
    assertThat(systemctlLog()).doesNotExist();
    assertThat(messages.toString())
        .startsWith("persist pending: `converge confirm` saves " + tmp.resolve("router.yaml"))
        .contains("a revert drops it");
  }

  @Test
  void withAConfirmTimeoutTheSaveTheConfirmMadeIsReported() throws Exception {
    Path dir = tmp.resolve("etc/netconverge");
    int code =
        persisted(dir, source())
            .finishOnConfirm(ExitCodes.OK, CHANGED, dir.resolve("host.yaml").toString(), err);
    assertThat(code).isZero();
    assertThat(systemctlLog()).doesNotExist();
    assertThat(messages.toString())
        .contains("saved as " + dir.resolve("host.yaml"))
        .contains("netconverge.service enabled");
  }

  @Test
  void withAConfirmTimeoutAnApplyNotConfirmedIsNotPersisted() throws Exception {
    Path dir = tmp.resolve("etc/netconverge");
    HostReport notConfirmed =
        HostReport.failed(
            "local",
            Mode.APPLY,
            List.of(),
            Failure.of("applied, but WAN isp2 failed its probes"),
            HostReport.Restoration.pending(List.of(), "", java.time.Instant.EPOCH));
    int code =
        persisted(dir, source()).finishOnConfirm(ExitCodes.NOT_RESTORED, notConfirmed, null, err);
    assertThat(code).isEqualTo(ExitCodes.NOT_RESTORED);
    assertThat(dir).doesNotExist();
    assertThat(messages.toString())
        .isEqualTo(
            "converge: not persisted: the apply was not confirmed (the file waiting with the"
                + " reverter goes with it)\n");
  }
}
