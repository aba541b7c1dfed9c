package io.netconverge.core.exec;

import static org.assertj.core.api.Assertions.assertThat;

import io.netconverge.core.testing.FakeExecutor;
import java.util.List;
import org.junit.jupiter.api.Test;

class MissingToolTest {

  @Test
  void aShellsNotFoundNamesTheDebianPackage() {
    FakeExecutor fake = new FakeExecutor().fail(List.of("sh"), 127, "sh: 1: nft: not found\n");
    ExecException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            ExecException.class, () -> fake.check("sh", "-c", "nft -j list ruleset"));
    assertThat(e.getMessage())
        .isEqualTo(
            "nft is not installed on fake: install the Debian package nftables (apt-get install"
                + " nftables) ('sh -c 'nft -j list ruleset'' failed with exit 127)");
    assertThat(e.command()).containsExactly("sh", "-c", "nft -j list ruleset");
  }

  @Test
  void everyWayATargetSaysItLacksAProgramIsRecognized() {
    assertThat(MissingTool.in(127, "bash: line 1: iptables-save: command not found"))
        .contains("iptables-save");
    assertThat(MissingTool.in(127, "sh: iptables: not found")).contains("iptables");
    assertThat(MissingTool.in(1, "unshare: failed to execute nft: No such file or directory"))
        .contains("nft");
    assertThat(
            MissingTool.in(
                126,
                "OCI runtime exec failed: exec failed: unable to start container process: exec:"
                    + " \"ip\": executable file not found in $PATH: unknown"))
        .contains("ip");
    assertThat(MissingTool.in(2, "Error: syntax error, unexpected junk")).isEmpty();
    assertThat(MissingTool.in(1, "iptables-restore: line 3 failed")).isEmpty();
  }

  @Test
  void aProgramMissingHereSaysWhatToInstall() {
    ExecException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            ExecException.class,
            () -> new LocalExecutor().run(Command.of("lb-no-such-program-nft")));
    assertThat(e.getMessage())
        .isEqualTo(
            "could not run 'lb-no-such-program-nft': lb-no-such-program-nft is not installed on"
                + " local");
  }
}
