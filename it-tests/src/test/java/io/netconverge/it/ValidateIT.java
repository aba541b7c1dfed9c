package io.netconverge.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code converge validate} with this machine's own nft and iptables (run as root). */
class ValidateIT {

  @TempDir Path dir;

  private Path file(String body) throws Exception {
    Path file = dir.resolve("state.yaml");
    Files.writeString(file, "apiVersion: netconverge/v1\nkind: HostState\n" + body);
    return file;
  }

  @Test
  void anNftSyntaxErrorIsFoundAtItsLineByNftItself() throws Exception {
    Path file =
        file(
            "nftables:\n  - table: inet lbcheck\n    definition: |\n      chain c {\n"
                + "        meta mark set 0x5 junk\n      }\n");
    Cli r = Cli.run("validate", file.toString());
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(65);
    assertThat(r.err())
        .startsWith(file + ":7:")
        .contains("nftables[0].definition: nft: syntax error")
        .contains("checked: nftables, by this machine's own tools");
  }

  @Test
  void aBadIptablesRuleIsFoundAtItsLine() throws Exception {
    Path file =
        file(
            "iptables:\n  - family: ipv4\n    table: mangle\n    chain: LB-CHECK\n"
                + "    jumpFrom: PREROUTING\n"
                + "    rules:\n      - \"-i wan0 -j CONNMARK --set-mark\"\n");
    Cli r = Cli.run("validate", file.toString());
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(65);
    assertThat(r.err()).startsWith(file + ":9:").contains("iptables[0].rules[0]");
  }

  @Test
  void aGoodFileSaysWhatWasChecked() throws Exception {
    Path file =
        file(
            "sysctl:\n  net.ipv4.ip_forward: 1\nnftables:\n  - table: inet lbcheck\n"
                + "    definition: |\n      chain c {\n        meta mark set 0x5\n      }\n");
    Cli r = Cli.run("validate", file.toString());
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out())
        .startsWith(file + ": valid\n")
        .contains("checked: 1 sysctl names, against /proc/sys of this network namespace")
        .contains(
            "checked: nftables, by this machine's own tools in a throw-away network namespace");
  }
}
