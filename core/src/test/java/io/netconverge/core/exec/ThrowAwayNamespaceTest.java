package io.netconverge.core.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netconverge.core.testing.FakeExecutor;
import java.util.List;
import org.junit.jupiter.api.Test;

class ThrowAwayNamespaceTest {

  private static final List<String> LIST = List.of("nft", "list", "ruleset");
  private static final ExecResult DENIED =
      new ExecResult(1, "", "unshare: unshare failed: Operation not permitted\n");

  @Test
  void aNetworkNamespaceFirstWithStdin() throws Exception {
    FakeExecutor fake = new FakeExecutor().on(List.of("unshare", "-n"), "listed\n");
    ExecResult result = ThrowAwayNamespace.run(fake, LIST, "input", "check");
    assertThat(result.stdout()).isEqualTo("listed\n");
    assertThat(fake.argvs())
        .containsExactly(List.of("unshare", "-n", "--", "nft", "list", "ruleset"));
    assertThat(fake.commands().get(0).stdin()).isEqualTo("input");
  }

  @Test
  void aUserNamespaceWhenANetworkNamespaceIsRefused() throws Exception {
    FakeExecutor fake =
        new FakeExecutor()
            .on(List.of("unshare", "-n"), c -> DENIED)
            .on(List.of("unshare", "-rn"), "listed\n");
    assertThat(ThrowAwayNamespace.run(fake, LIST, "input", "check").stdout()).isEqualTo("listed\n");
    assertThat(fake.commands().get(1).argv().subList(0, 3)).containsExactly("unshare", "-rn", "--");
    assertThat(fake.commands().get(1).stdin()).isEqualTo("input");
  }

  @Test
  void theToolsOwnFailureIsTheCallersToRead() throws Exception {
    ExecResult rejected = new ExecResult(1, "", "/dev/stdin:1:1-3: Error: syntax error\n");
    FakeExecutor fake = new FakeExecutor().on(List.of("unshare", "-n"), c -> rejected);
    assertThat(ThrowAwayNamespace.run(fake, LIST, "x", "check")).isEqualTo(rejected);
    assertThat(fake.commands()).hasSize(1);
  }

  @Test
  void whenNeitherIsAllowedTheErrorNamesWhatIsMissing() {
    FakeExecutor fake = new FakeExecutor().on(List.of("unshare"), c -> DENIED);
    assertThatThrownBy(() -> ThrowAwayNamespace.run(fake, LIST, "", "check the declared rules"))
        .isInstanceOf(ExecException.class)
        .hasMessage(
            "cannot make a throw-away network namespace on fake to check the declared rules: the"
                + " target may not create a network namespace ('unshare -n': unshare: unshare"
                + " failed: Operation not permitted; 'unshare -rn': unshare: unshare failed:"
                + " Operation not permitted). netconverge needs CAP_SYS_ADMIN there: a container"
                + " needs --cap-add SYS_ADMIN or a seccomp profile that allows unshare");
  }

  @Test
  void aTargetWithoutUnshareIsToldWhichPackageHasIt() {
    FakeExecutor fake =
        new FakeExecutor()
            .on(List.of("unshare"), c -> new ExecResult(127, "", "sh: 1: unshare: not found\n"));
    assertThatThrownBy(() -> ThrowAwayNamespace.run(fake, LIST, "", "check"))
        .hasMessageEndingWith("the target has no unshare (install util-linux)");
  }
}
