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
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Set;
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

  private static final Set<PosixFilePermission> DIR_MODE =
      PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> FILE_MODE =
      PosixFilePermissions.fromString("rw-------");

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

  /** After the apply: saves and enables when it succeeded; returns the command's exit code. */
  int finish(int applyCode, PrintWriter err) {
    if (applyCode != ExitCodes.OK && applyCode != ExitCodes.APPLIED_PENDING) {
      err.println("converge: not persisted: the apply did not succeed");
      return applyCode;
    }
    Path saved;
    try {
      if (!Arrays.equals(declared, Files.readAllBytes(source))) {
        err.println(
            "converge: not persisted: " + source + " changed while it was applied; apply it again");
        return ExitCodes.FAILED;
      }
      saved = save();
    } catch (IOException e) {
      err.println("converge: not persisted: " + e.getMessage());
      return ExitCodes.FAILED;
    }
    err.println("persisted: " + source + " saved as " + saved);
    try {
      enable();
    } catch (ExecException e) {
      err.println(
          "converge: "
              + saved
              + " is saved, but "
              + UNIT
              + " could not be enabled, so the state is not applied at boot: "
              + e.getMessage());
      return ExitCodes.FAILED;
    }
    err.println("persisted: " + UNIT + " enabled; it applies " + saved + " at boot");
    return applyCode;
  }

  /**
   * Writes the file through a new temporary file in the folder and renames it over the old one: a
   * link at either name is replaced, never followed, and a reader never sees half a file.
   */
  Path save() throws IOException {
    ensureDirectory();
    Path target = dir.resolve(FILE_NAME);
    Path temporary = dir.resolve("." + FILE_NAME + ".new");
    Files.deleteIfExists(temporary);
    try (FileChannel out =
        FileChannel.open(
            temporary,
            Set.of(
                StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
            PosixFilePermissions.asFileAttribute(FILE_MODE))) {
      ByteBuffer buffer = ByteBuffer.wrap(declared);
      while (buffer.hasRemaining()) {
        out.write(buffer);
      }
      out.force(true);
    }
    // The umask may have taken bits away at creation; set exactly 0600 (the file is ours, no link).
    Files.setPosixFilePermissions(temporary, FILE_MODE);
    Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
    return target;
  }

  private void ensureDirectory() throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      Files.createDirectories(dir.getParent());
      Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIR_MODE));
    }
    BasicFileAttributes attributes =
        Files.readAttributes(dir, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (!attributes.isDirectory()) {
      throw new IOException(
          dir
              + " is "
              + (attributes.isSymbolicLink() ? "a symbolic link" : "not a folder")
              + "; remove it, netconverge makes the folder itself");
    }
    Files.setPosixFilePermissions(dir, DIR_MODE);
  }

  void enable() throws ExecException {
    ExecResult r = executor.run(Command.of(systemctl, "enable", UNIT));
    if (r.exitCode() != 0) {
      throw new ExecException(
          "'"
              + systemctl
              + " enable "
              + UNIT
              + "' failed (exit "
              + r.exitCode()
              + "): "
              + r.stderr().strip());
    }
  }
}
