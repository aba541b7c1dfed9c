package io.netconverge.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netconverge.core.exec.Command;
import io.netconverge.core.exec.ExecException;
import io.netconverge.core.exec.ExecResult;
import io.netconverge.core.exec.Executor;
import io.netconverge.core.exec.LocalExecutor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NamespaceLockTest {

  @TempDir Path dir;

  /**
   * This machine, seen as a network namespace with the given inode: the lock's holder program runs
   * for real (sh, flock, cat), with a {@code readlink} that reports that inode.
   */
  private Executor namespace(String inode) throws IOException {
    return withReadlink(inode, "echo 'net:[" + inode + "]'");
  }

  private Executor withReadlink(String name, String body) throws IOException {
    return withReadlink(name, body, System.getenv("PATH"), "022");
  }

  /**
   * @param path what follows the fake readlink's folder in PATH
   * @param umask the umask the holder starts with
   */
  private Executor withReadlink(String name, String body, String path, String umask)
      throws IOException {
    Path bin = Files.createDirectories(dir.resolve("bin-" + name));
    Path readlink = bin.resolve("readlink");
    Files.writeString(readlink, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(readlink, PosixFilePermissions.fromString("rwxr-xr-x"));
    return new Executor() {
      @Override
      public ExecResult run(Command command) {
        throw new UnsupportedOperationException("the lock runs nothing but its holder");
      }

      @Override
      public Process spawn(List<String> argv) throws ExecException {
        List<String> withUmask =
            new java.util.ArrayList<>(
                List.of("/bin/sh", "-c", "umask " + umask + "; exec \"$0\" \"$@\""));
        withUmask.addAll(argv);
        ProcessBuilder builder = new ProcessBuilder(withUmask);
        builder.environment().put("PATH", bin + (path.isEmpty() ? "" : ":" + path));
        try {
          return builder.start();
        } catch (IOException e) {
          throw new ExecException(e.getMessage(), null, e);
        }
      }

      @Override
      public String describe() {
        return "namespace " + name;
      }
    };
  }

  private Path locks() {
    return dir.resolve("locks");
  }

  @Test
  void theSameNamespaceCannotBeLockedTwice() throws Exception {
    NamespaceLock lock = new NamespaceLock(locks());
    try (HostLock held = lock.acquire(namespace("4026532000"), "a")) {
      assertThatThrownBy(() -> lock.acquire(namespace("4026532000"), "b"))
          .isInstanceOf(LockHeldException.class)
          .hasMessageContaining("another converge holds the lock of b")
          .hasMessageContaining("4026532000");
    }
    try (HostLock again = lock.acquire(namespace("4026532000"), "b")) {
      assertThat(locks().resolve("netns-4026532000.lock")).exists();
    }
  }

  @Test
  void differentNamespacesLockIndependently() throws Exception {
    NamespaceLock lock = new NamespaceLock(locks());
    try (HostLock one = lock.acquire(namespace("1"), "a");
        HostLock two = lock.acquire(namespace("2"), "b")) {
      assertThat(locks().resolve("netns-1.lock")).exists();
      assertThat(locks().resolve("netns-2.lock")).exists();
    }
  }

  @Test
  void theLockIsHeldAgainstAnotherProcess() throws Exception {
    // flock(1) stands for a second `converge` run, local or arriving over ssh.
    Command tryLock = Command.of("flock", "-n", locks().resolve("netns-7.lock").toString(), "true");
    LocalExecutor local = new LocalExecutor();
    NamespaceLock lock = new NamespaceLock(locks());
    try (HostLock held = lock.acquire(namespace("7"), "a")) {
      assertThat(local.run(tryLock).exitCode()).as("while held").isEqualTo(1);
    }
    assertThat(local.run(tryLock).exitCode()).as("after release").isZero();
  }

  @Test
  void aNamespaceThatIsNotThereIsSaidSoNotAsALockProblem() {
    Executor gone = new io.netconverge.core.exec.NetnsExecutor("nc-lock-no-such-namespace");
    assertThatThrownBy(() -> new NamespaceLock(locks()).acquire(gone, "a"))
        .isInstanceOf(ExecException.class)
        .hasMessage("network namespace nc-lock-no-such-namespace does not exist");
  }

  @Test
  void aHolderThatCannotStartIsAnErrorNotALock() throws Exception {
    Executor broken = withReadlink("broken", "echo 'readlink: no /proc here' >&2; exit 1");
    assertThatThrownBy(() -> new NamespaceLock(locks()).acquire(broken, "a"))
        .isInstanceOf(ExecException.class)
        .hasMessageContaining("cannot take the converge lock on namespace broken")
        .hasMessageContaining("readlink: no /proc here");
  }

  @Test
  void anExecutorThatCannotKeepAProgramRunningCannotLock() {
    Executor runOnly =
        new Executor() {
          @Override
          public ExecResult run(Command command) {
            return new ExecResult(0, "", "");
          }

          @Override
          public String describe() {
            return "run-only";
          }
        };
    assertThatThrownBy(() -> NamespaceLock.standard().acquire(runOnly, "a"))
        .isInstanceOf(ExecException.class)
        .hasMessageContaining("run-only cannot keep a program running");
  }

  private static String mode(Path p) throws IOException {
    return PosixFilePermissions.toString(
        Files.getPosixFilePermissions(p, java.nio.file.LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void underUmaskZeroTheDirectoryAndTheLockAreStillPrivate() throws Exception {
    Executor wide = withReadlink("umask0", "echo 'net:[31]'", System.getenv("PATH"), "000");
    try (HostLock held = new NamespaceLock(locks()).acquire(wide, "a")) {
      assertThat(mode(locks())).isEqualTo("rwx------");
      assertThat(mode(locks().resolve("netns-31.lock"))).isEqualTo("rw-------");
    }
  }

  @Test
  void anotherUserCanNeitherHoldNorBlockTheLock() throws Exception {
    try (HostLock held = new NamespaceLock(locks()).acquire(namespace("32"), "a")) {
      ExecResult asNobody =
          new LocalExecutor()
              .run(
                  Command.of(
                      "setpriv",
                      "--reuid=65534",
                      "--regid=65534",
                      "--clear-groups",
                      "flock",
                      "-n",
                      locks().resolve("netns-32.lock").toString(),
                      "true"));
      assertThat(asNobody.exitCode()).as(asNobody.toString()).isNotZero();
      assertThat(asNobody.stderr()).contains("Permission denied");
    }
  }

  @Test
  void aLinkedOrSharedOrForeignDirectoryIsRefused() throws Exception {
    Path real = Files.createDirectories(dir.resolve("real"));
    Files.createSymbolicLink(locks(), real);
    assertThatThrownBy(() -> new NamespaceLock(locks()).acquire(namespace("33"), "a"))
        .isInstanceOf(ExecException.class)
        .hasMessageContaining("is not a directory (a symbolic link or a file)");
    assertThat(real).isEmptyDirectory();

    Path shared = Files.createDirectories(dir.resolve("shared"));
    Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
    assertThatThrownBy(() -> new NamespaceLock(shared).acquire(namespace("33"), "a"))
        .isInstanceOf(ExecException.class)
        .hasMessageContaining("is writable by other users (mode 777)");

    Path foreign = Files.createDirectories(dir.resolve("foreign"));
    Files.setAttribute(foreign, "unix:uid", 65534);
    assertThatThrownBy(() -> new NamespaceLock(foreign).acquire(namespace("33"), "a"))
        .isInstanceOf(ExecException.class)
        .hasMessageContaining("belongs to uid 65534");
  }

  @Test
  void anOpenDirectoryOfOursIsNarrowedAndALinkedLockFileRefused() throws Exception {
    Files.createDirectories(locks());
    Files.setPosixFilePermissions(locks(), PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.createSymbolicLink(locks().resolve("netns-34.lock"), dir.resolve("elsewhere"));
    assertThatThrownBy(() -> new NamespaceLock(locks()).acquire(namespace("34"), "a"))
        .isInstanceOf(ExecException.class)
        .hasMessageContaining("netns-34.lock is a symbolic link");
    assertThat(mode(locks())).isEqualTo("rwx------");
    assertThat(dir.resolve("elsewhere")).doesNotExist();
  }

  @Test
  void lockFilesGoOnReleaseAndACrashedRunsFileWithTheNextRun() throws Exception {
    NamespaceLock lock = new NamespaceLock(locks());
    try (HostLock held = lock.acquire(namespace("35"), "a")) {
      assertThat(locks().resolve("netns-35.lock")).exists();
    }
    assertThat(locks().resolve("netns-35.lock")).doesNotExist();
    Files.writeString(locks().resolve("netns-36.lock"), ""); // left by a run that was killed
    try (HostLock other = lock.acquire(namespace("37"), "b");
        HostLock held = lock.acquire(namespace("38"), "c")) {
      assertThat(locks().resolve("netns-36.lock")).doesNotExist();
      assertThat(locks().resolve("netns-37.lock")).as("held, so kept").exists();
    }
  }

  /**
   * A crashed run's lock file (its holder killed before it removed it) whose inode a new namespace
   * gets again, while another namespace's converge sweeps that file: the sweep holds the flock of
   * every file nobody holds for a moment, and a converge of that namespace must not take that
   * moment for another converge of its own (CI saw "another converge holds the lock of h0").
   */
  @Test
  void aSweepOfAnotherNamespacesRunIsNotTakenForABusyLock() throws Exception {
    Files.createDirectories(locks());
    Files.setPosixFilePermissions(locks(), PosixFilePermissions.fromString("rwx------"));
    Path stale = Files.writeString(locks().resolve("netns-40.lock"), "");
    // The sweeping run's stat is slow on the stale file: its sweep holds that file's flock then.
    Executor sweeper = namespace("41");
    Path sweeping = dir.resolve("sweeping");
    String realStat = new LocalExecutor().check("sh", "-c", "command -v stat").stdout().strip();
    Path stat = dir.resolve("bin-41/stat");
    Files.writeString(
        stat,
        "#!/bin/sh\n"
            + "case \"$*\" in *netns-40.lock*) : > "
            + sweeping
            + "; sleep 2;; esac\n"
            + "exec "
            + realStat
            + " \"$@\"\n");
    Files.setPosixFilePermissions(stat, PosixFilePermissions.fromString("rwxr-xr-x"));
    NamespaceLock lock = new NamespaceLock(locks());
    java.util.concurrent.CompletableFuture<HostLock> other =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () -> {
              try {
                return lock.acquire(sweeper, "other");
              } catch (ExecException | LockHeldException e) {
                throw new java.util.concurrent.CompletionException(e);
              }
            });
    try {
      long until = System.nanoTime() + 20_000_000_000L;
      while (!Files.exists(sweeping) && System.nanoTime() < until) {
        Thread.sleep(20);
      }
      assertThat(sweeping).as("the other run sweeps the stale file").exists();
      try (HostLock held = lock.acquire(namespace("40"), "h0")) {
        assertThat(locks().resolve("netns-40.lock")).exists();
      }
    } finally {
      other.get(30, java.util.concurrent.TimeUnit.SECONDS).close();
    }
    assertThat(stale).doesNotExist();
  }

  @Test
  void aMissingFlockIsNamedNotTakenForABusyLock() throws Exception {
    Path tools = Files.createDirectories(dir.resolve("tools"));
    for (String tool : List.of("sh", "stat", "cat", "mkdir", "chmod", "id", "rm")) {
      String where = new LocalExecutor().check("sh", "-c", "command -v " + tool).stdout().strip();
      Files.createSymbolicLink(tools.resolve(tool), Path.of(where));
    }
    Executor noFlock = withReadlink("noflock", "echo 'net:[39]'", tools.toString(), "022");
    assertThatThrownBy(() -> new NamespaceLock(locks()).acquire(noFlock, "a"))
        .isInstanceOf(ExecException.class)
        .isNotInstanceOf(LockHeldException.class)
        .hasMessageContaining(
            "the program 'flock' is not installed there (Debian package util-linux)");
  }
}
