package io.netconverge.cli;

import io.netconverge.Netconverge;
import io.netconverge.core.engine.HostReport;
import io.netconverge.core.exec.Command;
import io.netconverge.core.exec.ExecException;
import io.netconverge.core.exec.ExecResult;
import io.netconverge.core.exec.Executor;
import io.netconverge.core.exec.LocalExecutor;
import io.netconverge.core.spec.InvalidSpecException;
import io.netconverge.trust.PendingPersist;
import io.netconverge.trust.Reverter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import picocli.CommandLine;

/**
 * {@code apply --persist}: after a successful apply, the applied HostState file is saved where
 * netconverge.service reads it at boot ({@code /etc/netconverge/host.yaml}, mode 0600 in a 0700
 * folder, written without following links) and the unit is enabled. Only a HostState applied to
 * this machine is persisted: an inventory's hosts, a named namespace or a sandbox do not boot here.
 *
 * <p>With {@code --confirm-timeout}, nothing is saved until the apply is confirmed: the file waits
 * with the reverter on the target ({@link PendingPersist}) and the confirm saves it ({@code
 * --confirm-when-healthy} or {@code converge confirm}); a revert drops it.
 */
final class PersistedState {

  static final String UNIT = io.netconverge.trust.PendingPersist.UNIT;
  static final String FILE_NAME = io.netconverge.trust.PendingPersist.FILE_NAME;

  private final Path dir;
  private final String systemctl;
  private final Executor executor;
  private final Path source;
  private final byte[] declared;

  PersistedState(Path dir, String systemctl, Executor executor, Path source, byte[] declared) {
    this.dir = dir;
    this.systemctl = systemctl;
    this.executor = executor;
    this.source = source;
    this.declared = declared;
  }

  /**
   * Checks that FILE may be persisted and reads it as it is before the apply reads it, so that what
   * is saved is what was applied. A file that cannot be read or parsed is left to the apply, which
   * reports it (exit 65) and so persists nothing.
   */
  static PersistedState prepare(CommandLine commandLine, Path file, boolean sandbox, String netns) {
    if (sandbox || netns != null) {
      throw new CommandLine.ParameterException(
          commandLine,
          "--persist saves a state for this machine's boot; it cannot be used with "
              + (sandbox ? "--sandbox" : "--netns"));
    }
    try {
      if (Netconverge.kindOf(file).equals("Inventory")) {
        throw new CommandLine.ParameterException(
            commandLine,
            "--persist takes a HostState file: an inventory is not persisted (persist each host"
                + " by running `converge apply --persist` with its own file on it)");
      }
    } catch (InvalidSpecException e) {
      return null;
    }
    byte[] content;
    try {
      content = Files.readAllBytes(file);
    } catch (IOException e) {
      return null;
    }
    PersistedState persisted =
        new PersistedState(
            Path.of(System.getProperty("netconverge.persist.dir", "/etc/netconverge")),
            System.getProperty("netconverge.persist.systemctl", "systemctl"),
            new LocalExecutor(),
            file,
            content);
    persisted.requireUnit();
    return persisted;
  }

  /**
   * Refuses (before the apply, so nothing is applied or saved) when the boot unit is not installed:
   * a state saved for a unit that does not exist would never be applied. {@code systemctl
   * list-unit-files} reads the unit folders, so it answers without a running systemd too.
   */
  void requireUnit() {
    String how =
        "install the netconverge .deb package, or copy dist/systemd/"
            + UNIT
            + " of the source checkout to /etc/systemd/system/ (its ExecStart runs"
            + " /usr/bin/converge: link it to bin/converge)";
    ExecResult r;
    try {
      r = executor.run(Command.of(systemctl, "list-unit-files", "--no-legend", "--no-pager", UNIT));
    } catch (ExecException e) {
      throw new CommandRefusedException(
          "--persist needs systemd's " + UNIT + ", and " + e.getMessage() + "; nothing was applied",
          ExitCodes.FAILED);
    }
    boolean installed =
        r.exitCode() == 0 && r.stdout().lines().anyMatch(l -> l.strip().startsWith(UNIT));
    if (!installed) {
      throw new CommandRefusedException(
          "--persist needs the boot unit "
              + UNIT
              + ", which is not installed here; nothing was applied or saved. To get it: "
              + how,
          ExitCodes.FAILED);
    }
  }

  /** The file as applied, to be saved on the target by the confirm, with this folder and unit. */
  PendingPersist onConfirm(String applied) {
    return new PendingPersist(applied, dir.toAbsolutePath().toString(), systemctl);
  }

  /**
   * After an apply with a confirm timeout, whose persist the library did (or left pending): says
   * what became of it; returns the command's exit code.
   *
   * @param report the host's report, null when the apply did not run (invalid file)
   * @param savedAs where the file was saved for boot, null when it was not
   */
  int finishOnConfirm(int applyCode, HostReport report, String savedAs, PrintWriter err) {
    if (savedAs != null) {
      err.println("persisted: " + source + " saved as " + savedAs);
      err.println("persisted: " + UNIT + " enabled; it applies " + savedAs + " at boot");
      return applyCode;
    }
    boolean stands = applyCode == ExitCodes.OK || applyCode == ExitCodes.APPLIED_PENDING;
    if (stands && report != null && report.status() == HostReport.Status.CHANGED) {
      err.println(
          "persist pending: `converge confirm` saves "
              + source
              + " as "
              + dir.resolve(FILE_NAME)
              + " and enables "
              + UNIT
              + "; a revert drops it, so an unconfirmed state never returns at boot");
      return applyCode;
    }
    err.println(
        "converge: not persisted"
            + (report != null && report.restoreUnverified()
                ? ": the apply was not confirmed (the file waiting with the reverter goes with it)"
                : stands ? "" : ": the apply did not succeed"));
    return stands ? ExitCodes.FAILED : applyCode;
  }

  /**
   * After the apply: saves and enables when it succeeded, the way a confirm does on a target
   * ({@link Reverter#persistNow}, one script for both); returns the command's exit code.
   */
  int finish(int applyCode, PrintWriter err) {
    if (applyCode != ExitCodes.OK && applyCode != ExitCodes.APPLIED_PENDING) {
      err.println("converge: not persisted: the apply did not succeed");
      return applyCode;
    }
    try {
      if (!Arrays.equals(declared, Files.readAllBytes(source))) {
        err.println(
            "converge: not persisted: " + source + " changed while it was applied; apply it again");
        return ExitCodes.FAILED;
      }
    } catch (IOException e) {
      err.println("converge: not persisted: " + e.getMessage());
      return ExitCodes.FAILED;
    }
    Reverter.Persisted done;
    try {
      done = Reverter.persistNow(executor, onConfirm(new String(declared, StandardCharsets.UTF_8)));
    } catch (ExecException e) {
      err.println("converge: not persisted: " + e.getMessage());
      return ExitCodes.FAILED;
    }
    if (done.savedAs().isEmpty()) {
      err.println("converge: not persisted: " + done.problem().orElse("?"));
      return ExitCodes.FAILED;
    }
    String saved = done.savedAs().get();
    err.println("persisted: " + source + " saved as " + saved);
    if (done.problem().isPresent()) {
      err.println(
          "converge: "
              + saved
              + " is saved, but "
              + UNIT
              + " could not be enabled, so the state is not applied at boot: "
              + done.problem().get());
      return ExitCodes.FAILED;
    }
    err.println("persisted: " + UNIT + " enabled; it applies " + saved + " at boot");
    return applyCode;
  }
}
