package io.netconverge.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netconverge.Netconverge;
import io.netconverge.core.exec.SshConnection;
import io.netconverge.core.spec.InvalidSpecException;
import io.netconverge.sysctl.SysctlState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InventoryTest {

  @TempDir Path dir;

  private static final String HEADER = "apiVersion: netconverge/v1\nkind: Inventory\n";

  private Path write(String name, String text) throws Exception {
    Path file = dir.resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
    return file;
  }

  private Path hostState(String name, String sysctl) throws Exception {
    return write(name, "apiVersion: netconverge/v1\nkind: HostState\nsysctl:\n  " + sysctl + "\n");
  }

  @Test
  void hostsTakeTheirGroupsSettingsUnlessTheySayOtherwise() throws Exception {
    hostState("states/edge.yaml", "net.ipv4.ip_forward: 1");
    write("ssh_config", "Host *\n  User nobody\n");
    Path inv =
        write(
            "fleet.yaml",
            HEADER
                + "groups:\n"
                + "  - name: edge\n"
                + "    ssh: { user: root, configFile: ssh_config, options: { ProxyJump: bastion } }\n"
                + "    hostState: states/edge.yaml\n"
                + "    hosts:\n"
                + "      - { name: edge1, ssh: { host: 192.0.2.1 } }\n"
                + "      - { name: edge2, ssh: { port: 2222, options: { ConnectTimeout: 3 } } }\n"
                + "      - { name: lab, netns: lab1 }\n"
                + "hosts:\n"
                + "  - name: ci\n"
                + "    docker: {}\n"
                + "    hostState:\n"
                + "      sysctl: { net.ipv4.ip_forward: 0 }\n"
                + "  - { name: here, local: true, hostState: states/edge.yaml }\n");
    Inventory inventory = Netconverge.loadInventory(inv);

    assertThat(inventory.hosts())
        .extracting(InventoryHost::name)
        .containsExactly("edge1", "edge2", "lab", "ci", "here");
    Path config = dir.resolve("ssh_config").toAbsolutePath();
    assertThat(inventory.hosts().get(0).connection())
        .isEqualTo(
            new Connection.Ssh(
                new SshConnection(
                    "192.0.2.1",
                    Optional.of("root"),
                    OptionalInt.empty(),
                    Optional.of(config),
                    Map.of("ProxyJump", "bastion"))));
    assertThat(inventory.hosts().get(1).connection())
        .isEqualTo(
            new Connection.Ssh(
                new SshConnection(
                    "edge2",
                    Optional.of("root"),
                    OptionalInt.of(2222),
                    Optional.of(config),
                    Map.of("ProxyJump", "bastion", "ConnectTimeout", "3"))));
    assertThat(inventory.hosts().get(2).connection()).isEqualTo(new Connection.Netns("lab1"));
    assertThat(inventory.hosts().get(3).connection()).isEqualTo(new Connection.Docker("ci"));
    assertThat(inventory.hosts().get(4).connection()).isEqualTo(new Connection.Local());
    assertThat(inventory.hosts().get(0).group()).contains("edge");
    assertThat(inventory.hosts().get(3).group()).isEmpty();

    assertThat(sysctl(inventory.hosts().get(0))).isEqualTo("{net.ipv4.ip_forward=1}");
    assertThat(sysctl(inventory.hosts().get(3))).isEqualTo("{net.ipv4.ip_forward=0}");
    // One file named by several hosts is loaded once and shared.
    assertThat(inventory.hosts().get(4).state()).isSameAs(inventory.hosts().get(0).state());
  }

  private static String sysctl(InventoryHost host) {
    return ((SysctlState) host.state().declared().get(0).state()).values().toString();
  }

  @Test
  void limitSelectsHostsAndGroupsByNameInInventoryOrder() throws Exception {
    Path inv =
        write(
            "fleet.yaml",
            HEADER
                + "groups:\n"
                + "  - name: edge\n"
                + "    hostState: { sysctl: { net.ipv4.ip_forward: 1 } }\n"
                + "    docker: {}\n"
                + "    hosts: [ { name: e1 }, { name: e2 } ]\n"
                + "hosts:\n"
                + "  - { name: lab, netns: lab, hostState: { sysctl: { net.ipv4.ip_forward: 1 } } }\n");
    Inventory inventory = Netconverge.loadInventory(inv);
    assertThat(inventory.select(List.of("lab", "e2")))
        .extracting(InventoryHost::name)
        .containsExactly("e2", "lab");
    assertThat(inventory.select(List.of("edge")))
        .extracting(InventoryHost::name)
        .containsExactly("e1", "e2");
    assertThatThrownBy(() -> inventory.select(List.of("e1", "e3", "core")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no host or group named e3, core")
        .hasMessageContaining("it has: e1, e2, lab, edge");
    // An empty name (--limit '', or a, ,b) is said so, not "no host or group named  in ...".
    assertThatThrownBy(() -> inventory.select(List.of("e1", "")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("an empty host or group name in --limit");
  }

  @Test
  void anUnknownKeyNamesTheInventorysLineAndField() throws Exception {
    Path inv =
        write(
            "fleet.yaml",
            HEADER
                + "hosts:\n"
                + "  - name: r1\n"
                + "    netns: r1\n"
                + "    sshh: { host: r1 }\n"
                + "    hostState: { sysctl: { net.ipv4.ip_forward: 1 } }\n");
    assertThatThrownBy(() -> Netconverge.loadInventory(inv))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageStartingWith(inv + ":6:5: hosts[0].sshh: unknown key 'sshh'");
  }

  @Test
  void aBadInlineHostStateNamesTheInventorysLineAndField() throws Exception {
    Path inv =
        write(
            "fleet.yaml",
            HEADER
                + "hosts:\n"
                + "  - name: r1\n"
                + "    netns: r1\n"
                + "    hostState:\n"
                + "      sysctl:\n"
                + "        net.ipv4.ip_forward: 1\n"
                + "        net.ipv4.conf.x/../../kernel.hostname: evil\n");
    assertThatThrownBy(() -> Netconverge.loadInventory(inv))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining(inv + ":9:9: hosts[0].hostState.sysctl")
        .hasMessageContaining("is not a sysctl name");
  }

  @Test
  void aBadReferencedHostStateNamesThatFileAndTheInventoryLine() throws Exception {
    Path bad =
        write(
            "states/bad.yaml",
            "apiVersion: netconverge/v1\nkind: HostState\nsysctl:\n  net.ipv4.ip_forward: 1\n"
                + "sysctls: {}\n");
    Path inv =
        write(
            "fleet.yaml",
            HEADER
                + "hosts:\n"
                + "  - { name: r1, netns: r1, hostState: states/bad.yaml }\n"
                + "  - { name: r2, netns: r2, hostState: states/bad.yaml }\n");
    assertThatThrownBy(() -> Netconverge.loadInventory(inv))
        .isInstanceOf(InvalidSpecException.class)
        .satisfies(
            e -> {
              List<String> lines = e.getMessage().lines().toList();
              assertThat(lines)
                  .containsExactly(
                      dir.resolve("states/bad.yaml")
                          + ":5:1: sysctls: unknown key 'sysctls'"
                          + " (known keys: allowHooks, allowHostSysctls, apiVersion, dualWan, ipRules, iptables, kind, links, nftables, protocol, routeTables, sysctl)",
                      inv
                          + ":4:39: hosts[0].hostState: the host state in "
                          + bad
                          + " is not valid (see above)");
            });
  }

  @Test
  void aMissingHostStateFileNamesTheInventoryLine() throws Exception {
    Path inv =
        write(
            "fleet.yaml",
            HEADER
                + "groups:\n"
                + "  - name: g\n"
                + "    hostState: nowhere.yaml\n"
                + "    hosts: [ { name: r1, netns: r1 } ]\n");
    assertThatThrownBy(() -> Netconverge.loadInventory(inv))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessage(
            inv
                + ":5:16: groups[0].hostState: no such file: "
                + dir.resolve("nowhere.yaml").toAbsolutePath());
  }

  @Test
  void namesAreUniqueAcrossHostsAndGroups() throws Exception {
    Path inv =
        write(
            "fleet.yaml",
            HEADER
                + "groups:\n"
                + "  - name: edge\n"
                + "    netns: x\n"
                + "    hostState: { sysctl: { net.ipv4.ip_forward: 1 } }\n"
                + "    hosts: [ { name: r1 } ]\n"
                + "hosts:\n"
                + "  - { name: edge, netns: y, hostState: { sysctl: { net.ipv4.ip_forward: 1 } } }\n");
    assertThatThrownBy(() -> Netconverge.loadInventory(inv))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessage(inv + ":9:13: hosts[0].name: 'edge' is already the name at groups[0].name");
  }

  @Test
  void aHostNeedsExactlyOneConnection() throws Exception {
    Path none =
        write(
            "none.yaml",
            HEADER
                + "hosts:\n  - { name: r1, hostState: { sysctl: { net.ipv4.ip_forward: 1 } } }\n");
    assertThatThrownBy(() -> Netconverge.loadInventory(none))
        .hasMessageContaining(none + ":4:5: hosts[0]: host r1 has no connection");
    Path two =
        write(
            "two.yaml",
            HEADER
                + "hosts:\n"
                + "  - name: r1\n"
                + "    netns: r1\n"
                + "    docker: { container: r1 }\n"
                + "    hostState: { sysctl: { net.ipv4.ip_forward: 1 } }\n");
    assertThatThrownBy(() -> Netconverge.loadInventory(two))
        .hasMessageContaining(two + ":4:5: hosts[0]: give one connection");
  }

  @Test
  void anSshHostThatLooksLikeAnOptionIsRejected() throws Exception {
    Path inv =
        write(
            "fleet.yaml",
            HEADER
                + "hosts:\n"
                + "  - name: r1\n"
                + "    ssh: { host: \"-oProxyCommand=sh\" }\n"
                + "    hostState: { sysctl: { net.ipv4.ip_forward: 1 } }\n");
    assertThatThrownBy(() -> Netconverge.loadInventory(inv))
        .hasMessageContaining(inv + ":5:10: hosts[0].ssh: '-oProxyCommand=sh' is not an ssh host");
  }

  @Test
  void aMissingSshConfigFileNamesTheLineThatNamesIt() throws Exception {
    Path inv =
        write(
            "fleet.yaml",
            HEADER
                + "groups:\n"
                + "  - name: g\n"
                + "    ssh: { configFile: nowhere_config }\n"
                + "    hostState: { sysctl: { net.ipv4.ip_forward: 1 } }\n"
                + "    hosts: [ { name: r1 } ]\n");
    assertThatThrownBy(() -> Netconverge.loadInventory(inv))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessage(
            inv
                + ":5:24: groups[0].ssh.configFile: no such file: "
                + dir.resolve("nowhere_config").toAbsolutePath());
  }

  @Test
  void localFalseIsAMistakeNotAConnection() throws Exception {
    Path inv =
        write(
            "fleet.yaml",
            HEADER
                + "hosts:\n"
                + "  - { name: r1, local: false, hostState: { sysctl: { net.ipv4.ip_forward: 1 } } }\n");
    assertThatThrownBy(() -> Netconverge.loadInventory(inv))
        .hasMessageContaining(inv + ":4:24: hosts[0].local: local: false means nothing");
  }

  /**
   * A target whose nft rejects line 2 of every definition (stdin line 3, after the table line) it
   * is given.
   */
  private static io.netconverge.core.engine.Target rejectingNft() {
    io.netconverge.core.testing.FakeExecutor fake =
        new io.netconverge.core.testing.FakeExecutor()
            .on(List.of("sh"), "{\"nftables\": []}\n")
            .on(
                List.of("unshare"),
                c ->
                    new io.netconverge.core.exec.ExecResult(
                        1,
                        "",
                        "/dev/stdin:3:3-7: Error: syntax error, unexpected junk\n  junk\n  ^^^^\n"));
    return new io.netconverge.core.engine.Host(
        "edge1", fake, io.netconverge.core.engine.NamespaceLock.standard());
  }

  @Test
  void aRejectionOfAnInlineHostStateNamesTheInventoryLine() throws Exception {
    Path inv =
        write(
            "fleet.yaml",
            HEADER
                + "hosts:\n"
                + "  - name: edge1\n"
                + "    local: true\n"
                + "    hostState:\n"
                + "      nftables:\n"
                + "        - table: inet keep\n"
                + "          definition: |\n"
                + "            chain c {\n"
                + "              junk\n"
                + "            }\n");
    InventoryHost host = Netconverge.loadInventory(inv).hosts().get(0);
    io.netconverge.core.engine.HostReport report =
        io.netconverge.Converger.create().plan(host.state(), rejectingNft());
    assertThat(report.status()).isEqualTo(io.netconverge.core.engine.HostReport.Status.INVALID);
    assertThat(report.error())
        .startsWith(inv + ":11:15: hosts[0].hostState.nftables[0].definition: nft: syntax error")
        .doesNotContain("(declared in code)");
  }

  @Test
  void aRejectionOfAReferencedHostStateNamesThatFilesLine() throws Exception {
    write(
        "states/edge.yaml",
        "apiVersion: netconverge/v1\nkind: HostState\nnftables:\n  - table: inet keep\n"
            + "    definition: |\n      chain c {\n        junk\n      }\n");
    Path inv =
        write(
            "fleet.yaml",
            HEADER + "hosts:\n  - { name: edge1, local: true, hostState: states/edge.yaml }\n");
    InventoryHost host = Netconverge.loadInventory(inv).hosts().get(0);
    io.netconverge.core.engine.HostReport report =
        io.netconverge.Converger.create().plan(host.state(), rejectingNft());
    assertThat(report.error())
        .startsWith(
            dir.resolve("states/edge.yaml") + ":7:9: nftables[0].definition: nft: syntax error");
  }

  private String problemsOf(Path inv) {
    try {
      Netconverge.loadInventory(inv);
    } catch (InvalidSpecException e) {
      return e.getMessage();
    }
    throw new AssertionError("expected " + inv + " to be rejected");
  }

  @Test
  void sshOptionsThatRunLocalCommandsNeedTheInventorysConsent() throws Exception {
    String host = "  - { name: r1, ssh: { host: 192.0.2.1, %s }, hostState: { sysctl: {} } }\n";
    Path refused =
        write(
            "a.yaml",
            HEADER + "hosts:\n" + host.formatted("options: { ProxyCommand: \"nc %h %p\" }"));
    assertThat(problemsOf(refused))
        .isEqualTo(
            refused
                + ":4:66: hosts[0].ssh.options.ProxyCommand: ProxyCommand runs a program (or loads"
                + " code) on this machine, as root; set 'allowLocalCommands: true' on ssh to allow"
                + " it (for a bastion, use 'proxyJump: HOST')");
    for (String option : List.of("LocalCommand", "knownhostscommand", "PKCS11Provider", "Match")) {
      Path file =
          write(
              option + ".yaml",
              HEADER + "hosts:\n" + host.formatted("options: { " + option + ": x }"));
      assertThat(problemsOf(file)).contains(option + " runs a program");
    }
    Path allowed =
        write(
            "b.yaml",
            HEADER
                + "hosts:\n"
                + host.formatted(
                    "allowLocalCommands: true, options: { ProxyCommand: \"nc %h %p\" }"));
    SshConnection c =
        ((Connection.Ssh) Netconverge.loadInventory(allowed).hosts().get(0).connection())
            .connection();
    assertThat(c.options()).containsEntry("ProxyCommand", "nc %h %p");
  }

  @Test
  void anSshConfigFileThatRunsLocalCommandsIsRefusedAtItsLine() throws Exception {
    write("ssh_config", "Host *\n  User root\n\n  Match host x exec \"touch /tmp/pwned\"\n");
    Path inv =
        write(
            "c.yaml",
            HEADER
                + "hosts:\n"
                + "  - { name: r1, ssh: { configFile: ssh_config }, hostState: { sysctl: {} } }\n");
    assertThat(problemsOf(inv))
        .contains("hosts[0].ssh.configFile: " + dir.resolve("ssh_config") + " line 4: Match runs");
  }

  @Test
  void proxyJumpIsABastionNotACommand() throws Exception {
    Path inv =
        write(
            "d.yaml",
            HEADER
                + "hosts:\n"
                + "  - { name: r1, ssh: { host: 192.0.2.1, proxyJump: \"ops@bastion:2222,jump2\" },"
                + " hostState: { sysctl: {} } }\n");
    SshConnection c =
        ((Connection.Ssh) Netconverge.loadInventory(inv).hosts().get(0).connection()).connection();
    assertThat(new io.netconverge.core.exec.SshExecutor(c).sshArgv(List.of("true")))
        .containsSubsequence("-o", "ProxyJump=ops@bastion:2222,jump2", "--", "192.0.2.1");
    Path bad =
        write(
            "e.yaml",
            HEADER
                + "hosts:\n"
                + "  - { name: r1, ssh: { proxyJump: \"-oProxyCommand=sh\" }, hostState: { sysctl: {} } }\n");
    assertThat(problemsOf(bad))
        .contains("hosts[0].ssh.proxyJump: '-oProxyCommand=sh' is not a jump host");
  }

  @Test
  void aContainerNameThatLooksLikeAnOptionIsRefusedAtLoad() throws Exception {
    Path inv =
        write(
            "f.yaml",
            HEADER
                + "hosts:\n"
                + "  - { name: r1, docker: { container: \"--privileged\" }, hostState: { sysctl: {} } }\n");
    assertThat(problemsOf(inv))
        .contains(":4:")
        .contains("hosts[0].docker.container: '--privileged' is not a container name or id");
  }

  @Test
  void aNamespaceHostRefusesSysctlsOfTheWholeMachineAtTheirLine() throws Exception {
    write(
        "states/host.yaml",
        "apiVersion: netconverge/v1\nkind: HostState\nallowHostSysctls: true\nsysctl:\n"
            + "  kernel.core_pattern: \"|/tmp/x\"\n");
    Path inv =
        write(
            "g.yaml",
            HEADER
                + "hosts:\n"
                + "  - { name: here, local: true, hostState: states/host.yaml }\n"
                + "  - { name: lab, netns: lab1, hostState: states/host.yaml }\n"
                + "  - name: lab2\n    netns: lab2\n    hostState:\n      sysctl:\n"
                + "        net.core.rmem_max: 1000\n");
    assertThat(problemsOf(inv))
        .contains(
            dir.resolve("states/host.yaml")
                + ":5:24: sysctl[\"kernel.core_pattern\"]: kernel.core_pattern is not per network"
                + " namespace")
        .contains(
            inv
                + ":10:28: hosts[2].hostState.sysctl[\"net.core.rmem_max\"]: net.core.rmem_max is"
                + " not per network namespace");
  }
}
