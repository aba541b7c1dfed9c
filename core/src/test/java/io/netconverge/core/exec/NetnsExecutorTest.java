package io.netconverge.core.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netconverge.core.testing.FakeExecutor;
import java.util.List;
import org.junit.jupiter.api.Test;

class NetnsExecutorTest {

  @Test
  void aMissingNamespaceIsSaidInOneSentenceNotAsTheCommandsFailure() {
    // What `ip netns exec` prints when /run/netns/NAME is missing.
    FakeExecutor host =
        new FakeExecutor()
            .fail(
                List.of("ip", "netns", "exec", "rv-nonexist"),
                255,
                "Cannot open network namespace \"rv-nonexist\": No such file or directory\n");
    NetnsExecutor netns = new NetnsExecutor("rv-nonexist", host);

    assertThatThrownBy(() -> netns.run(Command.of("grep", "-r", "", "/proc/sys/net")))
        .isInstanceOf(ExecException.class)
        .hasMessage("network namespace rv-nonexist does not exist");
  }

  @Test
  void aCommandsOwnFailureInsideTheNamespaceIsItsResult() throws Exception {
    FakeExecutor host =
        new FakeExecutor().fail(List.of("ip", "netns", "exec", "lab"), 255, "grep: oops\n");
    ExecResult r = new NetnsExecutor("lab", host).run(Command.of("grep", "x", "/nonexistent"));
    assertThat(r.exitCode()).isEqualTo(255);
    assertThat(r.stderr()).isEqualTo("grep: oops\n");
    assertThat(host.argvs())
        .containsExactly(List.of("ip", "netns", "exec", "lab", "grep", "x", "/nonexistent"));
  }
}
