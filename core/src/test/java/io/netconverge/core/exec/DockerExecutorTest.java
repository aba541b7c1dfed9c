package io.netconverge.core.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netconverge.core.testing.FakeExecutor;
import java.util.List;
import org.junit.jupiter.api.Test;

class DockerExecutorTest {

  @Test
  void runsTheArgvAsItIsThroughDockerExecWithStdin() throws Exception {
    FakeExecutor local = new FakeExecutor().on(List.of("docker"), "");
    DockerExecutor docker = new DockerExecutor("edge-1", local);
    docker.check(Command.of("sysctl", "-q", "-w", "a.b=x y").withStdin("in"));
    assertThat(local.argvs())
        .containsExactly(
            List.of(
                "docker",
                "exec",
                "-i",
                "edge-1",
                "env",
                "LC_ALL=C",
                "sysctl",
                "-q",
                "-w",
                "a.b=x y"));
    assertThat(local.commands().get(0).stdin()).isEqualTo("in");
  }

  @Test
  void aMissingContainerIsAConnectionFailureNotAProgramResult() {
    FakeExecutor local =
        new FakeExecutor()
            .fail(List.of("docker"), 1, "Error response from daemon: No such container: edge-9\n");
    DockerExecutor docker = new DockerExecutor("edge-9", local);
    assertThatThrownBy(() -> docker.run(Command.of("true")))
        .isInstanceOf(ExecException.class)
        .hasMessageContaining("on docker edge-9: Error response from daemon: No such container");
    // A script is not a reason: the sentence names the program, not its 40 lines.
    assertThatThrownBy(
            () -> docker.run(Command.of("sh", "-c", "set -e\nline two\nline three", "confirm")))
        .isInstanceOf(ExecException.class)
        .hasMessage(
            "cannot run 'sh -c ...' on docker edge-9: Error response from daemon: No such"
                + " container: edge-9");
  }

  @Test
  void aProgramsOwnFailureIsItsResult() throws Exception {
    FakeExecutor local = new FakeExecutor().fail(List.of("docker"), 1, "grep: x: No such file");
    assertThat(new DockerExecutor("edge-1", local).run(Command.of("grep")).exitCode()).isEqualTo(1);
  }

  @Test
  void containerNamesThatDockerWouldReadAsOptionsAreRejected() {
    assertThatThrownBy(() -> new DockerExecutor("--privileged", new FakeExecutor()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
