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
        ProcessBuilder builder = new ProcessBuilder(argv);
        builder.environment().put("PATH", bin + ":" + System.getenv("PATH"));
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
}
