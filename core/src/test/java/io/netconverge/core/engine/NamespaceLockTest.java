package io.netconverge.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netconverge.core.testing.FakeExecutor;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NamespaceLockTest {

  private static FakeExecutor namespace(String inode) {
    return new FakeExecutor().on(List.of("readlink", "/proc/self/ns/net"), "net:[" + inode + "]\n");
  }

  @Test
  void theSameNamespaceCannotBeLockedTwice(@TempDir Path dir) throws Exception {
    NamespaceLock lock = new NamespaceLock(dir);
    try (HostLock held = lock.acquire(namespace("4026532000"), "a")) {
      assertThatThrownBy(() -> lock.acquire(namespace("4026532000"), "b"))
          .isInstanceOf(LockHeldException.class)
          .hasMessageContaining("another converge holds the lock of b")
          .hasMessageContaining("4026532000");
    }
    try (HostLock again = lock.acquire(namespace("4026532000"), "b")) {
      assertThat(dir.resolve("netns-4026532000.lock")).exists();
    }
  }

  @Test
  void differentNamespacesLockIndependently(@TempDir Path dir) throws Exception {
    NamespaceLock lock = new NamespaceLock(dir);
    try (HostLock one = lock.acquire(namespace("1"), "a");
        HostLock two = lock.acquire(namespace("2"), "b")) {
      assertThat(dir.resolve("netns-1.lock")).exists();
      assertThat(dir.resolve("netns-2.lock")).exists();
    }
  }

  @Test
  void theLockIsHeldAgainstAnotherProcess(@TempDir Path dir) throws Exception {
    // Another JVM stands for a second `converge` run; it must see the lock as held.
    Path probe = dir.resolve("TryLock.java");
    java.nio.file.Files.writeString(
        probe,
        "import java.nio.channels.FileChannel; import java.nio.file.*;\n"
            + "class TryLock { public static void main(String[] a) throws Exception {\n"
            + " try (FileChannel c = FileChannel.open(Path.of(a[0]), StandardOpenOption.WRITE)) {\n"
            + "  System.exit(c.tryLock() == null ? 75 : 0); } } }\n");
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    var local = new io.netconverge.core.exec.LocalExecutor();
    var tryLock =
        io.netconverge.core.exec.Command.of(
                javaBin, probe.toString(), dir.resolve("netns-7.lock").toString())
            .withTimeout(java.time.Duration.ofSeconds(60));
    NamespaceLock lock = new NamespaceLock(dir);
    try (HostLock held = lock.acquire(namespace("7"), "a")) {
      assertThat(local.run(tryLock).exitCode()).as("while held").isEqualTo(75);
    }
    assertThat(local.run(tryLock).exitCode()).as("after release").isZero();
  }
}
