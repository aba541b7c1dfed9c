package io.netconverge.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.netconverge.Netconverge;
import io.netconverge.core.engine.Change;
import io.netconverge.core.engine.FieldChange;
import io.netconverge.core.engine.Host;
import io.netconverge.core.engine.HostReport;
import io.netconverge.core.engine.NamespaceLock;
import io.netconverge.core.engine.Progress;
import io.netconverge.core.exec.CountingExecutor;
import io.netconverge.hoststate.HostState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The dualWan profile converged on a real kernel: its examples, stability, errors, batching. */
@ExtendWith(NetnsExtension.class)
class DualWanIT {

  /** A profile with WANs {@code wanN} (isp N, mark N*16, table 100+N*10), both families. */
  private static String profile(String backend, int... wans) {
    StringBuilder sb =
        new StringBuilder(
            "apiVersion: netconverge/v1\nkind: HostState\nsysctl:\n  net.ipv4.ip_forward: 1\n"
                + "dualWan:\n  backend: "
                + backend
                + "\n  markMask: \"0xff\"\n  families: both\n  wans:\n");
    for (int n : wans) {
      sb.append("    - { name: isp")
          .append(n)
          .append(", interface: wan")
          .append(n)
          .append(", mark: ")
          .append(n * 16)
          .append(", table: ")
          .append(100 + n * 10)
          .append(", gateway: 198.18.")
          .append(n)
          .append(".1, address: 198.18.")
          .append(n)
          .append(".2/24, gateway6: \"2001:db8:")
          .append(n)
          .append("::1\", address6: \"2001:db8:")
          .append(n)
          .append("::2/64\" }\n");
    }
    return sb.toString();
  }

  private static void addWans(TestNamespace ns, int... wans) {
    for (int n : wans) {
      ns.addVethPair("wan" + n, "wan" + n + "p");
      ns.run("ip", "addr", "add", "198.18." + n + ".2/24", "dev", "wan" + n);
      ns.run("ip", "addr", "add", "2001:db8:" + n + "::2/64", "dev", "wan" + n, "nodad");
    }
  }

  private static Path write(Path dir, String name, String text) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, text);
    return file;
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {"seed-dualwan-iptables.yaml", "dualwan-nftables.yaml", "dualwan-ipv6.yaml"})
  void eachExampleConvergesInTheSandboxAndItsDiffShowsTheExpandedResources(String example) {
    Cli run = Cli.run("apply", "--sandbox", "--diff", Cli.example(example));
    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out()).contains("second plan").containsPattern("ok=\\d+ changed=0 failed=0");
    assertThat(run.out())
        .contains("sysctl net.ipv4.tcp_fwmark_accept")
        .contains("route table isp1(110)")
        .containsPattern("ip rule 20110: from all fwmark 0x[0-9a-f]+/0x[0-9a-f]+ lookup 110")
        .contains("ip rule 10110: from all fwmark")
        .contains(example.contains("iptables") ? "NC-DUALWAN-PRE" : "table inet dualwan");
    Matcher removed = Pattern.compile("sandbox: removed (\\S+)").matcher(run.out() + run.err());
    assertThat(removed.find()).as(run.toString()).isTrue();
    assertThat(TestNamespaceList.names()).doesNotContain(removed.group(1));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"nftables", "iptables"})
  void addingAThirdWanOrRemovingOneLeavesTheOtherWansResourcesAsTheyAre(
      String backend, TestNamespace ns, @TempDir Path dir) throws Exception {
    addWans(ns, 1, 2, 3);
    HostState two = Netconverge.load(write(dir, "two.yaml", profile(backend, 1, 2)));
    HostState three = Netconverge.load(write(dir, "three.yaml", profile(backend, 1, 2, 3)));
    assertThat(Netconverge.apply(two, ns.target(), Progress.NONE).status())
        .isEqualTo(HostReport.Status.CHANGED);

    List<Change> adding = Netconverge.plan(three, ns.target(), Progress.NONE).pending();
    assertThat(adding).anyMatch(c -> c.resource().render().contains("isp3(130)"));
    assertOnlyTheThirdWanChanges(adding, "+");

    assertThat(Netconverge.apply(three, ns.target(), Progress.NONE).status())
        .isEqualTo(HostReport.Status.CHANGED);
    List<Change> removing = Netconverge.plan(two, ns.target(), Progress.NONE).pending();
    assertThat(removing).isNotEmpty();
    assertOnlyTheThirdWanChanges(removing, "-");
  }

  /**
   * Every pending change is the third WAN's own (its table, rules, sysctls), or a marking resource
   * (the nft table, an iptables chain) whose lines are only added (or only removed).
   */
  private static void assertOnlyTheThirdWanChanges(List<Change> changes, String direction) {
    for (Change c : changes) {
      String r = c.resource().render();
      boolean third =
          r.contains("isp3")
              || r.contains("wan3")
              || r.matches("ip rule (-6 )?\\d+30:.*")
              || r.matches(".*\\b(10|15|20|25)130\\b.*")
              // Its table once it is no longer declared: the routes of ours in it go.
              || r.startsWith("route table 130 ");
      if (third) {
        continue;
      }
      assertThat(r)
          .as("a change outside the third WAN: %s", c)
          .matches("(nftables table inet dualwan|ip6?tables mangle NC-DUALWAN-(PRE|OUT))");
      Set<String> before = lines(c.fields(), true);
      Set<String> after = lines(c.fields(), false);
      if (direction.equals("+")) {
        assertThat(after).as("%s keeps every line it had", r).containsAll(before);
      } else {
        assertThat(before).as("%s only loses lines", r).containsAll(after);
      }
      Set<String> moved = new HashSet<>(direction.equals("+") ? after : before);
      moved.removeAll(direction.equals("+") ? before : after);
      assertThat(moved)
          .as("%s: lines %s", r, direction)
          .allMatch(
              l ->
                  l.contains("wan3")
                      || l.contains("isp3")
                      || l.contains("0x30")
                      || l.contains("0x00000030"));
    }
  }

  private static Set<String> lines(List<FieldChange> fields, boolean before) {
    Set<String> lines = new HashSet<>();
    for (FieldChange f : fields) {
      String text = before ? f.beforeText() : f.afterText();
      if (text != null) {
        text.lines().map(String::strip).filter(l -> !l.isEmpty()).forEach(lines::add);
      }
    }
    return lines;
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"nftables", "iptables"})
  void anIpv6OnlyProfileConvergesInTheSandbox(String backend, @TempDir Path dir) throws Exception {
    Path file =
        write(
            dir,
            "v6.yaml",
            "apiVersion: netconverge/v1\nkind: HostState\ndualWan:\n  backend: "
                + backend
                + "\n  markMask: 0xf0\n  families: ipv6\n  wans:\n"
                + "    - { name: isp1, interface: wan0, mark: 0x10, table: 110,"
                + " gateway6: \"fe80::1\", address6: \"2001:db8:1::2/64\" }\n"
                + "    - { name: isp2, interface: wan1, mark: 0x20, table: 120,"
                + " gateway6: \"2001:db8:2::1\" }\n");
    Cli run = Cli.run("apply", "--sandbox", "--diff", file.toString());
    assertThat(run.exitCode()).as(run.toString()).isZero();
    // Everything is new in a sandbox; with backend iptables, the nft table of backend nftables is
    // checked too, and is (ok) absent.
    assertThat(run.out())
        .contains((backend.equals("iptables") ? "ok=1" : "ok=0") + " changed=")
        .containsPattern("ok=\\d+ changed=0 failed=0")
        .contains("ip rule -6 20110: from all fwmark 0x10/0xf0 lookup 110")
        .contains("default via fe80::1 dev wan0")
        .doesNotContain("rp_filter")
        .doesNotContain("ip rule 20110");
  }

  @Test
  void anInvalidProfileExits65NamingItsLineAndTouchesNothing(TestNamespace ns, @TempDir Path dir)
      throws Exception {
    addWans(ns, 1, 2);
    Path file = write(dir, "clash.yaml", profile("nftables", 1, 2).replace("mark: 32", "mark: 16"));
    String before = ns.dump();
    Cli apply = Cli.run("apply", "--netns", ns.name(), file.toString());
    assertThat(apply.exitCode()).as(apply.toString()).isEqualTo(65);
    assertThat(apply.err())
        .contains(file + ":11:44: ")
        .contains("dualWan.wans[1].mark: mark 0x10 is already used by dualWan.wans[0]");
    assertThat(ns.dump()).isEqualTo(before);
  }

  @Test
  void theNumberOfProcessesDoesNotGrowWithTheNumberOfWans(TestNamespace ns, @TempDir Path dir)
      throws Exception {
    addWans(ns, 1, 2, 3, 4, 5, 6);
    int two = processesToApply(ns, write(dir, "two.yaml", profile("nftables", 1, 2)));
    int six = processesToApply(ns, write(dir, "six.yaml", profile("nftables", 1, 2, 3, 4, 5, 6)));
    assertThat(six).isEqualTo(two);
  }

  private static int processesToApply(TestNamespace ns, Path file) throws Exception {
    CountingExecutor counting = new CountingExecutor(ns.executor());
    Host target = new Host("counted", counting, NamespaceLock.standard());
    HostReport applied = Netconverge.apply(Netconverge.load(file), target, Progress.NONE);
    assertThat(applied.status()).as(applied.toString()).isEqualTo(HostReport.Status.CHANGED);
    return counting.count();
  }

  /** The host's network namespaces, to check that a sandbox left none behind. */
  private static final class TestNamespaceList {
    static List<String> names() {
      List<String> names = new ArrayList<>();
      try {
        for (String line :
            new io.netconverge.core.exec.LocalExecutor()
                .check("ip", "netns", "list")
                .stdout()
                .split("\n")) {
          if (!line.isBlank()) {
            names.add(line.split("\\s+")[0]);
          }
        }
      } catch (io.netconverge.core.exec.ExecException e) {
        throw new AssertionError(e.getMessage(), e);
      }
      return names;
    }
  }
}
