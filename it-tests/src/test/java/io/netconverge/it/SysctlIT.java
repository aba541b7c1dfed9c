package io.netconverge.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.netconverge.Netconverge;
import io.netconverge.core.engine.Action;
import io.netconverge.core.engine.HostReport;
import io.netconverge.core.engine.Progress;
import io.netconverge.hoststate.HostState;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(NetnsExtension.class)
class SysctlIT {

  @Test
  void applyThenPlanAgainFindsNothing(TestNamespace ns) {
    ns.resetSysctlBaseline();
    Cli first = Cli.run("apply", "--netns", ns.name(), Cli.example("sysctl-basics.yaml"));
    assertThat(first.exitCode()).as(first.toString()).isZero();
    assertThat(first.out()).contains("changed=7");
    assertThat(ns.run("cat", "/proc/sys/net/ipv4/ip_forward").strip()).isEqualTo("1");
    assertThat(ns.run("cat", "/proc/sys/net/ipv4/conf/all/rp_filter").strip()).isEqualTo("2");

    Cli again = Cli.run("plan", "--netns", ns.name(), Cli.example("sysctl-basics.yaml"));
    assertThat(again.exitCode()).as(again.toString()).isZero();
    assertThat(again.out()).contains("ok=8 changed=0 failed=0");

    Cli applyAgain = Cli.run("apply", "--netns", ns.name(), Cli.example("sysctl-basics.yaml"));
    assertThat(applyAgain.exitCode()).isZero();
    assertThat(applyAgain.out()).contains("changed=0");
  }

  @Test
  void driftIsPlannedWithBeforeAndAfter(TestNamespace ns) {
    ns.resetSysctlBaseline();
    assertThat(Cli.run("apply", "--netns", ns.name(), Cli.example("sysctl-basics.yaml")).exitCode())
        .isZero();
    ns.run("sysctl", "-q", "-w", "net.ipv4.ip_forward=0");

    Cli plan = Cli.run("plan", "--netns", ns.name(), Cli.example("sysctl-basics.yaml"));
    assertThat(plan.exitCode()).as(plan.toString()).isEqualTo(2);
    assertThat(plan.out()).contains("~ sysctl net.ipv4.ip_forward: 0 -> 1");
    assertThat(plan.out()).contains("ok=7 changed=1 failed=0");
    assertThat(ns.run("cat", "/proc/sys/net/ipv4/ip_forward").strip()).isEqualTo("0");
  }

  @Test
  void valuesAreComparedAsTheKernelPrintsThem(TestNamespace ns, @TempDir Path dir)
      throws Exception {
    ns.resetSysctlBaseline();
    Path file = dir.resolve("ports.yaml");
    Files.writeString(
        file,
        "apiVersion: netconverge/v1\nkind: HostState\n"
            + "sysctl:\n  net.ipv4.ip_local_port_range: \"20000   40000\"\n");
    assertThat(Cli.run("apply", "--netns", ns.name(), file.toString()).exitCode()).isZero();
    // The kernel prints it with a tab.
    assertThat(ns.run("cat", "/proc/sys/net/ipv4/ip_local_port_range")).isEqualTo("20000\t40000\n");
    Cli plan = Cli.run("plan", "--netns", ns.name(), file.toString());
    assertThat(plan.exitCode()).as(plan.toString()).isZero();
  }

  @Test
  void integersWrittenInHexOrOctalConvergeOnceAndThenAreInSync(TestNamespace ns, @TempDir Path dir)
      throws Exception {
    ns.resetSysctlBaseline();
    Path file = dir.resolve("hex.yaml");
    Files.writeString(
        file,
        "apiVersion: netconverge/v1\nkind: HostState\nsysctl:\n"
            + "  net.ipv6.conf.all.hop_limit: \"0x3f\"\n"
            + "  net.ipv4.ip_default_ttl: \"0100\"\n");
    Cli apply = Cli.run("apply", "--netns", ns.name(), file.toString());
    assertThat(apply.exitCode()).as(apply.toString()).isZero();
    assertThat(apply.out()).contains("changed=1");
    assertThat(ns.run("cat", "/proc/sys/net/ipv6/conf/all/hop_limit").strip()).isEqualTo("63");
    assertThat(ns.run("cat", "/proc/sys/net/ipv4/ip_default_ttl").strip()).isEqualTo("64");
    Cli plan = Cli.run("plan", "--netns", ns.name(), file.toString());
    assertThat(plan.exitCode()).as(plan.toString()).isZero();
    Cli again = Cli.run("apply", "--netns", ns.name(), file.toString());
    assertThat(again.exitCode()).as(again.toString()).isZero();
    assertThat(again.out()).contains("changed=0");
  }

  @Test
  void aPlainNumberYamlReadsOtherwiseIsAnInvalidFileAtItsLineAndNothingChanges(
      TestNamespace ns, @TempDir Path dir) throws Exception {
    Path file = dir.resolve("octal.yaml");
    applyIsInvalidAndChangesNothing(
        ns,
        file,
        "  net.ipv4.ip_forward: 1\n  net.ipv4.ip_default_ttl: 010\n",
        file
            + ":5:28: sysctl[\"net.ipv4.ip_default_ttl\"]: '010' is read as 8 (YAML 1.1 reads"
            + " a number with a leading 0 as octal)");
  }

  /**
   * An apply of these sysctl lines exits 65 saying {@code expected}; the namespace is as before.
   */
  private static void applyIsInvalidAndChangesNothing(
      TestNamespace ns, Path file, String sysctlLines, String expected) throws Exception {
    ns.resetSysctlBaseline();
    Files.writeString(file, "apiVersion: netconverge/v1\nkind: HostState\nsysctl:\n" + sysctlLines);
    String before = ns.dump();
    Cli apply = Cli.run("apply", "--netns", ns.name(), file.toString());
    assertThat(apply.exitCode()).as(apply.toString()).isEqualTo(65);
    assertThat(apply.err()).contains(expected);
    assertThat(ns.dump()).isEqualTo(before);
  }

  @Test
  void aKeyOfAMissingInterfaceIsAClearErrorAndNothingChanges(TestNamespace ns, @TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("wan9.yaml");
    applyIsInvalidAndChangesNothing(
        ns,
        file,
        "  net.ipv4.ip_forward: 1\n  net.ipv4.conf.wan9.rp_filter: 2\n",
        file
            + ":5:33: sysctl[\"net.ipv4.conf.wan9.rp_filter\"]: no such sysctl on netns "
            + ns.name()
            + ": net.ipv4.conf.wan9.rp_filter does not exist (is interface wan9 there?)");
  }

  @Test
  void aValueTheKernelRefusesIsAnInvalidFileAtItsLineAndNothingChanges(
      TestNamespace ns, @TempDir Path dir) throws Exception {
    ns.resetSysctlBaseline();
    Path file = dir.resolve("yes.yaml");
    Files.writeString(
        file,
        "apiVersion: netconverge/v1\nkind: HostState\nsysctl:\n"
            + "  net.ipv4.conf.all.rp_filter: 2\n  net.ipv4.ip_forward: yes please\n");
    String before = ns.dump();
    String refused =
        file + ":5:24: sysctl[\"net.ipv4.ip_forward\"]: the kernel refuses the value 'yes please'";
    Cli plan = Cli.run("plan", "--netns", ns.name(), file.toString());
    assertThat(plan.exitCode()).as(plan.toString()).isEqualTo(65);
    assertThat(plan.err()).contains(refused);
    Cli apply = Cli.run("apply", "--netns", ns.name(), file.toString());
    assertThat(apply.exitCode()).as(apply.toString()).isEqualTo(65);
    assertThat(apply.err()).contains(refused);
    assertThat(ns.dump()).isEqualTo(before);
    Cli validate = Cli.run("validate", file.toString());
    assertThat(validate.exitCode()).as(validate.toString()).isEqualTo(65);
    assertThat(validate.err()).contains("the kernel refuses the value 'yes please'");
  }

  @Test
  void aValueOnlyTheInterfaceRefusesAtApplyIsAnInvalidFileAtItsLineAndIsRestored(
      TestNamespace ns, @TempDir Path dir) throws Exception {
    ns.resetSysctlBaseline();
    // The throw-away namespace tries an interface's key as its default twin, which takes an IPv6
    // MTU of 9000; the veth itself (MTU 1500) refuses it: only the apply finds out.
    ns.addVethPair("wan0", "wan0p");
    Path file = dir.resolve("mtu.yaml");
    Files.writeString(
        file,
        "apiVersion: netconverge/v1\nkind: HostState\nsysctl:\n"
            + "  net.ipv4.ip_forward: 1\n  net.ipv6.conf.wan0.mtu: 9000\n");
    String before = ns.dump();
    Cli apply = Cli.run("apply", "--netns", ns.name(), file.toString());
    assertThat(apply.exitCode()).as(apply.toString()).isEqualTo(65);
    assertThat(apply.err())
        .contains(
            file
                + ":5:27: sysctl[\"net.ipv6.conf.wan0.mtu\"]: the kernel refuses the value '9000'"
                + " of net.ipv6.conf.wan0.mtu (invalid argument)");
    assertThat(apply.out()).contains("INVALID (restored, nothing is left changed)");
    assertThat(apply.err()).contains("is not valid; what the apply changed was restored");
    // ip_forward was written in the same sysctl call, and put back.
    assertThat(ns.run("cat", "/proc/sys/net/ipv4/ip_forward").strip()).isEqualTo("0");
    assertThat(ns.dump()).isEqualTo(before);
    Cli json = Cli.run("apply", "--netns", ns.name(), "--output", "json", file.toString());
    assertThat(json.exitCode()).as(json.toString()).isEqualTo(65);
    assertThat(ns.dump()).isEqualTo(before);
  }

  @Test
  void aMisspelledKeyIsAnInvalidFileAtItsLineAndNothingChanges(TestNamespace ns, @TempDir Path dir)
      throws Exception {
    ns.resetSysctlBaseline();
    Path file = dir.resolve("typo.yaml");
    Files.writeString(
        file,
        "apiVersion: netconverge/v1\nkind: HostState\nsysctl:\n"
            + "  net.ipv4.ip_forward: 1\n  net.ipv4.ip_forwrd: 1\n");
    String before = ns.dump();
    Cli plan = Cli.run("plan", "--netns", ns.name(), file.toString());
    assertThat(plan.exitCode()).as(plan.toString()).isEqualTo(65);
    assertThat(plan.err()).contains(file + ":5:").contains("net.ipv4.ip_forwrd does not exist");
    Cli apply = Cli.run("apply", "--netns", ns.name(), file.toString());
    assertThat(apply.exitCode()).as(apply.toString()).isEqualTo(65);
    assertThat(ns.dump()).isEqualTo(before);
  }

  @Test
  void vlanInterfaceKeysUseTheSlashForm(TestNamespace ns, @TempDir Path dir) throws Exception {
    ns.resetSysctlBaseline();
    // This kernel has no vlan driver; a veth named like a VLAN tests the same key spelling.
    ns.addVethPair("lan0.100", "lan0p");
    Path file = dir.resolve("vlan.yaml");
    Files.writeString(
        file,
        "apiVersion: netconverge/v1\nkind: HostState\nsysctl:\n"
            + "  net.ipv4.conf.lan0/100.rp_filter: 2\n");
    Cli apply = Cli.run("apply", "--netns", ns.name(), file.toString());
    assertThat(apply.exitCode()).as(apply.toString()).isZero();
    assertThat(ns.run("cat", "/proc/sys/net/ipv4/conf/lan0.100/rp_filter").strip()).isEqualTo("2");
    assertThat(Cli.run("plan", "--netns", ns.name(), file.toString()).exitCode()).isZero();
  }

  @Test
  void theJavaApiGivesTheSameResultAsTheCli(TestNamespace ns) throws Exception {
    ns.resetSysctlBaseline();
    HostState state = Netconverge.load(Path.of(Cli.example("sysctl-basics.yaml")));
    HostReport viaApi = Netconverge.apply(state, ns.target(), Progress.NONE);
    assertThat(viaApi.status()).isEqualTo(HostReport.Status.CHANGED);
    assertThat(viaApi.changed()).isEqualTo(7);
    assertThat(viaApi.pending()).allMatch(c -> c.action() == Action.UPDATE);
    String afterApi = ns.dump();

    ns.run("sysctl", "-q", "-w", "net.ipv4.ip_forward=0", "net.ipv4.fwmark_reflect=0");
    Cli viaCli = Cli.run("apply", "--netns", ns.name(), Cli.example("sysctl-basics.yaml"));
    assertThat(viaCli.exitCode()).isZero();
    assertThat(ns.dump()).isEqualTo(afterApi);
    assertThat(Netconverge.plan(state, ns.target(), Progress.NONE).status())
        .isEqualTo(HostReport.Status.OK);
  }
}
