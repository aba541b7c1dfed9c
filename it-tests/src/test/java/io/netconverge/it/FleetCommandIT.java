package io.netconverge.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The command with an inventory: hosts in network namespaces, usage and file errors. */
@ExtendWith(NetnsExtension.class)
class FleetCommandIT {

  @TempDir Path dir;

  /** fleet-lab.yaml as it is, but for this test's namespaces instead of lab1 and lab2. */
  private Path labExample(String first, String second) throws Exception {
    String text =
        Files.readString(Path.of(Cli.example("fleet-lab.yaml")))
            .replace("netns: lab1", "netns: " + first)
            .replace("netns: lab2", "netns: " + second);
    Files.copy(Path.of(Cli.example("sysctl-basics.yaml")), dir.resolve("sysctl-basics.yaml"));
    Path file = dir.resolve("fleet-lab.yaml");
    Files.writeString(file, text);
    return file;
  }

  @Test
  void theLabExampleConvergesBothNamespacesThenPlansZeroChanges(TestNamespace ns) throws Exception {
    String second = ns.name() + "-2";
    TestNamespace.hostRun("ip", "netns", "add", second);
    try {
      ns.resetSysctlBaseline();
      new TestNamespace(second).resetSysctlBaseline();
      Path file = labExample(ns.name(), second);
      String before = ns.dump();
      Cli plan = Cli.run("plan", file.toString());
      assertThat(plan.exitCode()).as(plan.toString()).isEqualTo(2);
      assertThat(ns.dump()).isEqualTo(before);

      Cli apply = Cli.run("apply", "--forks", "2", file.toString());
      assertThat(apply.exitCode()).as(apply.toString()).isZero();
      assertThat(apply.out())
          .contains("lab1 : ok=1 changed=7 failed=0")
          .contains("lab2 : ok=1 changed=7 failed=0");
      assertThat(ns.run("cat", "/proc/sys/net/ipv4/ip_forward")).isEqualTo("1\n");

      Cli again = Cli.run("plan", file.toString());
      assertThat(again.exitCode()).as(again.toString()).isZero();
      assertThat(again.out())
          .contains("lab1 : ok=8 changed=0 failed=0")
          .contains("lab2 : ok=8 changed=0 failed=0");

      Cli validate = Cli.run("validate", file.toString());
      assertThat(validate.exitCode()).isZero();
      assertThat(validate.out()).contains("valid (2 hosts)");
    } finally {
      TestNamespace.hostRun("ip", "netns", "del", second);
    }
  }

  @Test
  void optionsThatDoNotFitTheFileAreUsageErrors(TestNamespace ns) throws Exception {
    Path file = labExample(ns.name(), ns.name());
    String before = ns.dump();
    assertThat(Cli.run("plan", "--netns", ns.name(), file.toString()).exitCode()).isEqualTo(64);
    assertThat(Cli.run("apply", "--sandbox", file.toString()).exitCode()).isEqualTo(64);
    Cli unknown = Cli.run("apply", "--limit", "lab1,nope", file.toString());
    assertThat(unknown.exitCode()).isEqualTo(64);
    assertThat(unknown.err()).contains("no host or group named nope");
    assertThat(Cli.run("apply", "--forks", "0", file.toString()).exitCode()).isEqualTo(64);
    Cli limitOnHostState =
        Cli.run("plan", "--netns", ns.name(), "--limit", "x", Cli.example("sysctl-basics.yaml"));
    assertThat(limitOnHostState.exitCode()).isEqualTo(64);
    assertThat(limitOnHostState.err()).contains("is a HostState");
    assertThat(ns.dump()).isEqualTo(before);
  }

  @Test
  void anInvalidInventoryExits65NamingItsLineAndTouchesNoHost(TestNamespace ns) throws Exception {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(
        file,
        "apiVersion: netconverge/v1\nkind: Inventory\nhosts:\n"
            + "  - { name: ok, netns: "
            + ns.name()
            + ", hostState: { sysctl: { net.ipv4.ip_forward: 1 } } }\n"
            + "  - { name: bad, netns: "
            + ns.name()
            + ", hostState: { sysctl: { net.ipv4.ip_forward: 1 } }, forks: 3 }\n");
    String before = ns.dump();
    Cli apply = Cli.run("apply", file.toString());
    assertThat(apply.exitCode()).as(apply.toString()).isEqualTo(65);
    assertThat(apply.err()).contains(file + ":5:").contains("hosts[1].forks: unknown key 'forks'");
    assertThat(ns.dump()).isEqualTo(before);
  }

  @Test
  void aRejectedNftDefinitionInAFleetNamesTheHostStateFileAndLine(TestNamespace ns)
      throws Exception {
    Path state = dir.resolve("edge.yaml");
    Files.writeString(
        state,
        "apiVersion: netconverge/v1\nkind: HostState\nnftables:\n  - table: inet lbedge\n"
            + "    definition: |\n      chain c {\n        meta mark set 0x5 junk\n      }\n");
    Path inventory = dir.resolve("fleet.yaml");
    Files.writeString(
        inventory,
        "apiVersion: netconverge/v1\nkind: Inventory\nhosts:\n"
            + "  - { name: edge, netns: "
            + ns.name()
            + ", hostState: edge.yaml }\n");
    String before = ns.dump();
    Cli plan = Cli.run("plan", inventory.toString());
    assertThat(plan.exitCode()).as(plan.toString()).isEqualTo(65);
    assertThat(plan.err())
        .contains(state + ":7:")
        .contains("nftables[0].definition: nft:")
        .doesNotContain("(declared in code)");
    assertThat(ns.dump()).isEqualTo(before);
  }
}
