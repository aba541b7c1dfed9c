package io.netconverge.core.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class LocalExecutorTest {

  private final LocalExecutor executor = new LocalExecutor();

  @Test
  void argumentsReachTheProgramUninterpreted() throws Exception {
    String tricky = "a b; echo pwned $(id) 'q' \"d\" `x` *";
    ExecResult r = executor.check("printf", "%s|", tricky, "");
    assertThat(r.stdout()).isEqualTo(tricky + "||");
  }

  @Test
  void stdinIsFedAndClosed() throws Exception {
    assertThat(executor.check(Command.of("cat").withStdin("line 1\nline 2\n")).stdout())
        .isEqualTo("line 1\nline 2\n");
  }

  @Test
  void aNonZeroExitIsAResultAndCheckTurnsItIntoAnErrorWithStderr() throws Exception {
    Command cmd = Command.of("ls", "/nonexistent-netconverge");
    ExecResult r = executor.run(cmd);
    assertThat(r.exitCode()).isEqualTo(2);
    assertThatThrownBy(() -> executor.check(cmd))
        .isInstanceOf(ExecException.class)
        .hasMessageStartingWith("'ls /nonexistent-netconverge' failed (exit 2) on local: ")
        .hasMessageContaining("No such file");
  }

  @Test
  void largeOutputOnBothStreamsDoesNotBlock() throws Exception {
    // 1 MiB on stderr first: a reader that drained stdout first would hang here.
    ExecResult r =
        executor.run(
            Command.of(
                    "sh",
                    "-c",
                    "head -c 1048576 /dev/zero | tr '\\0' e >&2; head -c 1048576 /dev/zero | tr '\\0' o")
                .withTimeout(Duration.ofSeconds(20)));
    assertThat(r.stderr()).hasSize(1 << 20);
    assertThat(r.stdout()).hasSize(1 << 20);
  }

  @Test
  void aCommandPastItsTimeoutIsKilled() {
    long start = System.nanoTime();
    assertThatThrownBy(
            () -> executor.run(Command.of("sleep", "10").withTimeout(Duration.ofMillis(300))))
        .isInstanceOf(ExecException.class)
        .hasMessageContaining("timed out");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void aMissingProgramIsAnError() {
    assertThatThrownBy(() -> executor.run(Command.of("netconverge-no-such-program")))
        .isInstanceOf(ExecException.class)
        .hasMessageContaining("could not run 'netconverge-no-such-program'");
  }

  @Test
  void theLocaleIsFixed() throws Exception {
    assertThat(executor.check("sh", "-c", "echo $LC_ALL").stdout().strip()).isEqualTo("C");
  }

  @Test
  void netnsExecutorPrefixesTheArgv() throws Exception {
    var fake = new io.netconverge.core.testing.FakeExecutor().on(List.of("ip"), "ok");
    new NetnsExecutor("edge", fake)
        .check(Command.of("nft", "-j", "list", "ruleset").withStdin("x"));
    assertThat(fake.commands().get(0).argv())
        .containsExactly("ip", "netns", "exec", "edge", "nft", "-j", "list", "ruleset");
    assertThat(fake.commands().get(0).stdin()).isEqualTo("x");
  }
}
