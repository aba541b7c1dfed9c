package io.netconverge.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netconverge.core.engine.HostLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(NetnsExtension.class)
class CommandIT {

  @Test
  void planChangesNothing(TestNamespace ns) {
    ns.resetSysctlBaseline();
    String before = ns.dump();
    Cli plan = Cli.run("plan", "--netns", ns.name(), "--diff", Cli.example("sysctl-basics.yaml"));
    assertThat(plan.exitCode()).as(plan.toString()).isEqualTo(2);
    assertThat(ns.dump()).isEqualTo(before);
  }

  @Test
  void verboseLogsEveryCommandRunOnTheTargetAndEachPhaseWithItsMilliseconds(TestNamespace ns)
      throws Exception {
    // A process of its own: slf4j-simple reads its level once per JVM.
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    io.netconverge.core.exec.ExecResult run =
        new io.netconverge.core.exec.LocalExecutor()
            .run(
                io.netconverge.core.exec.Command.of(
                        javaBin,
                        "-cp",
                        System.getProperty("java.class.path"),
                        "io.netconverge.cli.ConvergeCommand",
                        "plan",
                        "-v",
                        "--netns",
                        ns.name(),
                        Cli.example("sysctl-basics.yaml"))
                    .withTimeout(java.time.Duration.ofMinutes(2)));
    assertThat(run.exitCode()).as(run.stderr()).isEqualTo(2);
    List<String> ran = run.stderr().lines().filter(l -> l.contains(" - ran ")).toList();
    // The read (grep over /proc/sys) and the values tried in a throw-away namespace.
    assertThat(ran).hasSizeGreaterThanOrEqualTo(2);
    assertThat(ran)
        .allMatch(
            l -> l.matches(".* - ran ip netns exec " + ns.name() + " .*: exit \\d+ in \\d+ ms.*"));
    assertThat(ran)
        .anyMatch(l -> l.contains(" grep -H ") && l.contains("/proc/sys/net/ipv4/ip_forward"));
    // And where the time went, phase by phase: the file, then each module's read and diff.
    assertThat(run.stderr())
        .containsPattern("SpecLoader - bound and validated \\S*sysctl-basics.yaml in \\d+ ms")
        .containsPattern("Runner - sysctl: read and compared in \\d+ ms");
    // Nothing but the report on stdout: the library prints nothing.
    assertThat(run.stdout()).doesNotContain(" - ran ").doesNotContain("read and compared");
  }

  @Test
  void aFileWithAnUnknownKeyExits65NamingItsLineAndChangesNothing(
      TestNamespace ns, @TempDir Path dir) throws Exception {
    Path file = dir.resolve("typo.yaml");
    Files.writeString(
        file,
        "apiVersion: netconverge/v1\nkind: HostState\nsysctl:\n  net.ipv4.ip_forward: 1\n"
            + "sysctls:\n  net.ipv4.conf.all.rp_filter: 2\n");
    String before = ns.dump();
    Cli apply = Cli.run("apply", "--netns", ns.name(), file.toString());
    assertThat(apply.exitCode()).as(apply.toString()).isEqualTo(65);
    assertThat(apply.err()).contains(file + ":5:1: sysctls: unknown key 'sysctls'");
    assertThat(ns.dump()).isEqualTo(before);
  }

  @Test
  void aPathLikeSysctlKeyExits65AndChangesNothing(TestNamespace ns, @TempDir Path dir)
      throws Exception {
    ns.resetSysctlBaseline();
    Path file = dir.resolve("path.yaml");
    Files.writeString(
        file,
        "apiVersion: netconverge/v1\nkind: HostState\nsysctl:\n  net.ipv4.ip_forward: 1\n"
            + "  net.ipv4.conf.x/../../kernel.hostname: evil\n");
    String before = ns.dump();
    Cli apply = Cli.run("apply", "--netns", ns.name(), file.toString());
    assertThat(apply.exitCode()).as(apply.toString()).isEqualTo(65);
    assertThat(apply.err()).contains(file + ":5:").contains("is not a sysctl name");
    assertThat(ns.dump()).isEqualTo(before);
  }

  @Test
  void jsonOutputListsCountsAndChanges(TestNamespace ns) throws Exception {
    ns.resetSysctlBaseline();
    Cli plan =
        Cli.run(
            "plan", "--netns", ns.name(), "--output", "json", Cli.example("sysctl-basics.yaml"));
    assertThat(plan.exitCode()).isEqualTo(2);
    JsonNode doc = new ObjectMapper().readTree(plan.out());
    JsonNode host = doc.path("hosts").path(0);
    assertThat(host.path("host").asText()).isEqualTo("netns:" + ns.name());
    assertThat(host.path("ok").asInt()).isEqualTo(1);
    assertThat(host.path("changed").asInt()).isEqualTo(7);
    assertThat(host.path("failed").asInt()).isZero();
    JsonNode first = host.path("changes").path(0);
    assertThat(first.path("resource").asText()).isEqualTo("sysctl net.ipv4.ip_forward");
    assertThat(first.path("action").asText()).isEqualTo("update");
    assertThat(first.path("before").asText()).isEqualTo("0");
    assertThat(first.path("after").asText()).isEqualTo("1");
  }

  @Test
  void aConvergeOfALockedNamespaceExits75(TestNamespace ns) throws Exception {
    ns.resetSysctlBaseline();
    String before = ns.dump();
    try (HostLock held = ns.target().lock()) {
      Cli apply = Cli.run("apply", "--netns", ns.name(), Cli.example("sysctl-basics.yaml"));
      assertThat(apply.exitCode()).as(apply.toString()).isEqualTo(75);
      assertThat(apply.out()).contains("locked");
    }
    assertThat(ns.dump()).isEqualTo(before);
    assertThat(Cli.run("apply", "--netns", ns.name(), Cli.example("sysctl-basics.yaml")).exitCode())
        .isZero();
  }

  @Test
  void factsDescribeTheNamespace(TestNamespace ns) throws Exception {
    ns.resetSysctlBaseline();
    ns.addVethPair("wan0", "wan0p");
    Cli facts = Cli.run("facts", "--netns", ns.name(), "--output", "json");
    assertThat(facts.exitCode()).as(facts.toString()).isZero();
    JsonNode doc = new ObjectMapper().readTree(facts.out());
    assertThat(doc.path("interfaces").has("wan0")).isTrue();
    assertThat(doc.path("tools").path("nft").asText()).startsWith("nftables");
    assertThat(doc.path("netnsInode").asText())
        .isEqualTo(ns.run("stat", "-L", "-c", "%i", "/proc/self/ns/net").strip());
  }

  @Test
  void aSandboxRefusesSysctlsThatBelongToTheWholeMachine(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("vm.yaml");
    Files.writeString(
        file,
        "apiVersion: netconverge/v1\nkind: HostState\nallowHostSysctls: true\nsysctl:\n"
            + "  net.ipv4.ip_forward: 1\n  vm.swappiness: 11\n");
    String swappiness = Files.readString(Path.of("/proc/sys/vm/swappiness"));
    List<String> sandboxes = sandboxes();
    Cli run = Cli.run("apply", "--sandbox", file.toString());
    assertThat(run.exitCode()).as(run.toString()).isEqualTo(65);
    assertThat(run.err())
        .contains(
            file + ":6:18: sysctl[\"vm.swappiness\"]: vm.swappiness is not per network namespace");
    assertThat(Files.readString(Path.of("/proc/sys/vm/swappiness"))).isEqualTo(swappiness);
    assertThat(sandboxes()).as("no sandbox was made").isEqualTo(sandboxes);
  }

  @Test
  void aSandboxApplyInJsonCarriesTheSecondPlanThatProvesItIdempotent() throws Exception {
    Cli run = Cli.run("apply", "--sandbox", "--output", "json", Cli.example("sysctl-basics.yaml"));
    assertThat(run.exitCode()).as(run.toString()).isZero();
    JsonNode doc = new ObjectMapper().readTree(run.out());
    assertThat(doc.path("command").asText()).isEqualTo("apply");
    assertThat(doc.path("hosts").get(0).path("changed").asInt()).isPositive();
    JsonNode second = doc.path("secondPlan");
    assertThat(second.path("command").asText()).isEqualTo("plan");
    assertThat(second.path("hosts").get(0).path("status").asText()).isEqualTo("ok");
    assertThat(second.path("hosts").get(0).path("changed").asInt()).isZero();
    assertThat(second.path("hosts").get(0).path("ok").asInt()).isPositive();
  }

  /** The sandboxes present (only these: other namespaces come and go with other test runs). */
  private static List<String> sandboxes() throws Exception {
    return new io.netconverge.core.exec.LocalExecutor()
        .check("ip", "netns", "list")
        .stdout()
        .lines()
        .map(l -> l.split(" ")[0])
        .filter(n -> n.startsWith("nc-sandbox-"))
        .sorted()
        .toList();
  }
}
