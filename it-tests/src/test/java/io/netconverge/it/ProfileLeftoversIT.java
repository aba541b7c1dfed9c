package io.netconverge.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.netconverge.Netconverge;
import io.netconverge.core.engine.Declared;
import io.netconverge.core.engine.HostReport;
import io.netconverge.core.engine.Progress;
import io.netconverge.hoststate.HostState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an edit of a dualWan file takes out is gone after the next converge (routes of a WAN or a
 * default table no longer declared), through the live path the command takes, while foreign routes
 * and a pending WAN's table stay as they are.
 */
@ExtendWith(NetnsExtension.class)
class ProfileLeftoversIT {

  /** WANs {@code wanN}: isp N, mark N*16, table 100+N*10, IPv4. */
  static String profile(String backend, Long defaultTable, int... wans) {
    StringBuilder sb =
        new StringBuilder(
            "apiVersion: netconverge/v1\nkind: HostState\ndualWan:\n  backend: "
                + backend
                + "\n  markMask: \"0xff\"\n");
    if (defaultTable != null) {
      sb.append("  defaultTable: ").append(defaultTable).append('\n');
    }
    sb.append("  wans:\n");
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
          .append(".2/24 }\n");
    }
    return sb.toString();
  }

  static void addWans(TestNamespace ns, int... wans) {
    for (int n : wans) {
      ns.addVethPair("wan" + n, "wan" + n + "p");
      ns.run("ip", "addr", "add", "198.18." + n + ".2/24", "dev", "wan" + n);
    }
  }

  static String write(Path dir, String name, String text) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, text);
    return file.toString();
  }

  static Cli apply(TestNamespace ns, String file, int exit) {
    Cli run = Cli.run("apply", "--netns", ns.name(), file);
    assertThat(run.exitCode()).as(run.toString()).isEqualTo(exit);
    return run;
  }

  /** A plan that finds {@code exit} and changes nothing on the host. */
  static Cli plan(TestNamespace ns, String file, int exit) {
    String before = ns.dump();
    Cli run = Cli.run("plan", "--diff", "--netns", ns.name(), file);
    assertThat(run.exitCode()).as(run.toString()).isEqualTo(exit);
    assertThat(ns.dump()).as("plan changes nothing").isEqualTo(before);
    return run;
  }

  private static String table(TestNamespace ns, String table) {
    return ns.run("ip", "-N", "route", "show", "table", table);
  }

  /**
   * Routes of other protocols, in a WAN's table, another table and main, and one of ours in local.
   */
  private static void addForeignRoutes(TestNamespace ns) {
    ns.run("ip", "route", "add", "10.99.0.0/16", "via", "198.18.2.1", "table", "120", "proto", "4");
    ns.run("ip", "route", "add", "10.98.0.0/16", "via", "198.18.2.1", "table", "300", "proto", "4");
    ns.run("ip", "route", "add", "10.97.0.0/16", "via", "198.18.1.1", "proto", "3");
    ns.run(
        "ip", "route", "add", "local", "10.96.0.1", "dev", "lo", "table", "local", "proto", "77");
  }

  private static void assertForeignRoutesSurvive(TestNamespace ns) {
    assertThat(table(ns, "300")).contains("10.98.0.0/16");
    assertThat(table(ns, "main")).contains("10.97.0.0/16");
    assertThat(table(ns, "local")).contains("10.96.0.1");
  }

  @Test
  void aWanTakenOutOfTheProfileLosesItsRoutesAndForeignRoutesStay(
      TestNamespace ns, @TempDir Path dir) throws Exception {
    addWans(ns, 1, 2);
    String two = write(dir, "two.yaml", profile("nftables", null, 1, 2));
    String one = write(dir, "one.yaml", profile("nftables", null, 1));
    apply(ns, two, 0);
    assertThat(table(ns, "120")).contains("default via 198.18.2.1");
    addForeignRoutes(ns);
    // Ours in main, as if a file declared it there once.
    ns.run("ip", "route", "add", "10.95.0.0/16", "via", "198.18.1.1", "proto", "77");

    Cli planned = plan(ns, one, 2);
    assertThat(planned.out()).contains("route table 120").contains("route table main");

    apply(ns, one, 0);
    String left = table(ns, "120");
    assertThat(left).as("only the foreign route is left in isp2's table").contains("10.99.0.0/16");
    assertThat(left.strip().lines()).hasSize(1);
    assertThat(table(ns, "main")).doesNotContain("10.95.0.0/16");
    assertThat(table(ns, "110")).contains("default via 198.18.1.1");
    assertThat(ns.run("ip", "-N", "rule")).doesNotContain("lookup 120");
    assertForeignRoutesSurvive(ns);

    assertThat(apply(ns, one, 0).out()).contains("changed=0 failed=0");
    plan(ns, one, 0);
  }

  @Test
  void aFailedApplyPutsTheRemovedRoutesBack(TestNamespace ns, @TempDir Path dir) throws Exception {
    addWans(ns, 1, 2);
    apply(ns, write(dir, "two.yaml", profile("nftables", 100L, 1, 2)), 0);
    addForeignRoutes(ns);
    ns.run("ip", "route", "add", "10.95.0.0/16", "via", "198.18.1.1", "proto", "77");
    String before = ns.dump();

    HostState one = Netconverge.parse(profile("nftables", null, 1), "one.yaml");
    List<Declared<?, ?>> declared = new ArrayList<>(one.declared());
    declared.add(new Declared<>(new RestoreIT.Refusing(), "declared"));
    HostReport report =
        Netconverge.apply(new HostState(declared, List.of()), ns.target(), Progress.NONE);

    assertThat(report.status()).as(report.toString()).isEqualTo(HostReport.Status.FAILED);
    assertThat(report.restoration().outcome())
        .as(report.restoration().difference())
        .isEqualTo(HostReport.RestoreOutcome.RESTORED);
    assertThat(RestoreIT.tablesSorted(ns.dump())).isEqualTo(RestoreIT.tablesSorted(before));
    assertThat(table(ns, "120")).contains("default via 198.18.2.1");
    assertThat(table(ns, "100")).contains("default");
  }

  @Test
  void aDefaultTableTakenOutLosesItsDefaultRoute(TestNamespace ns, @TempDir Path dir)
      throws Exception {
    addWans(ns, 1, 2);
    String with = write(dir, "with.yaml", profile("nftables", 100L, 1, 2));
    String without = write(dir, "without.yaml", profile("nftables", null, 1, 2));
    apply(ns, with, 0);
    assertThat(table(ns, "100")).contains("default");
    addForeignRoutes(ns);
    ns.run("ip", "route", "add", "10.94.0.0/16", "via", "198.18.1.1", "table", "100", "proto", "4");

    plan(ns, without, 2);
    apply(ns, without, 0);
    String left = table(ns, "100");
    assertThat(left).contains("10.94.0.0/16").doesNotContain("default");
    assertThat(table(ns, "110")).contains("default via 198.18.1.1");
    // isp2's table is declared, so owned whole: the foreign route put there is purged.
    assertThat(table(ns, "120")).contains("default via 198.18.2.1").doesNotContain("10.99.0.0/16");
    assertForeignRoutesSurvive(ns);

    assertThat(apply(ns, without, 0).out()).contains("changed=0 failed=0");
    plan(ns, without, 0);
  }

  @Test
  void aPendingWansTableStaysAsItIs(TestNamespace ns, @TempDir Path dir) throws Exception {
    addWans(ns, 1, 2);
    String two = write(dir, "two.yaml", profile("nftables", 100L, 1, 2));
    apply(ns, two, 0);
    // No carrier on wan2: isp2 is pending, and its routes stay in the kernel (linkdown).
    ns.run("ip", "link", "set", "wan2p", "down");
    String had = table(ns, "120");
    assertThat(had).contains("default via 198.18.2.1");

    Cli run = apply(ns, two, 3);
    assertThat(run.out()).contains("pending isp2");
    assertThat(table(ns, "120")).isEqualTo(had);
    assertThat(apply(ns, two, 3).out()).contains("changed=0 failed=0");
    plan(ns, two, 0);
    assertThat(table(ns, "120")).isEqualTo(had);
  }

  private static String mangle(TestNamespace ns) {
    return ns.run("iptables-save", "-t", "mangle");
  }

  /** A foreign mangle chain with a rule and its jump, and a foreign nft table. */
  private static void addForeignMarking(TestNamespace ns) {
    ns.run("iptables", "-t", "mangle", "-N", "FOREIGN-MARK");
    ns.run("iptables", "-t", "mangle", "-A", "FOREIGN-MARK", "-i", "wan1", "-j", "RETURN");
    ns.run("iptables", "-t", "mangle", "-A", "PREROUTING", "-j", "FOREIGN-MARK");
    ns.run("nft", "add", "table", "inet", "foreign");
    ns.run("nft", "add chain inet foreign pre { type filter hook prerouting priority mangle; }");
  }

  private static void assertForeignMarkingSurvives(TestNamespace ns) {
    assertThat(mangle(ns))
        .contains(":FOREIGN-MARK")
        .contains("-A FOREIGN-MARK -i wan1 -j RETURN")
        .contains("-A PREROUTING -j FOREIGN-MARK");
    assertThat(ns.run("nft", "list", "tables")).contains("table inet foreign");
  }

  @Test
  void switchingFromIptablesToNftablesTakesTheProfilesChainsAway(
      TestNamespace ns, @TempDir Path dir) throws Exception {
    addWans(ns, 1, 2);
    String iptables = write(dir, "iptables.yaml", profile("iptables", null, 1, 2));
    String nftables = write(dir, "nftables.yaml", profile("nftables", null, 1, 2));
    apply(ns, iptables, 0);
    assertThat(mangle(ns)).contains(":NC-DUALWAN-PRE").contains("-j NC-DUALWAN-PRE");
    addForeignMarking(ns);

    assertThat(plan(ns, nftables, 2).out()).contains("- iptables mangle NC-DUALWAN-PRE");
    apply(ns, nftables, 0);
    assertThat(mangle(ns)).doesNotContain("NC-DUALWAN");
    assertThat(ns.run("nft", "list", "tables")).contains("table inet dualwan");
    assertForeignMarkingSurvives(ns);

    assertThat(apply(ns, nftables, 0).out()).contains("changed=0 failed=0");
    plan(ns, nftables, 0);
  }

  @Test
  void switchingFromNftablesToIptablesTakesTheProfilesTableAway(TestNamespace ns, @TempDir Path dir)
      throws Exception {
    addWans(ns, 1, 2);
    String iptables = write(dir, "iptables.yaml", profile("iptables", null, 1, 2));
    String nftables = write(dir, "nftables.yaml", profile("nftables", null, 1, 2));
    apply(ns, nftables, 0);
    assertThat(ns.run("nft", "list", "tables")).contains("table inet dualwan");
    addForeignMarking(ns);

    assertThat(plan(ns, iptables, 2).out()).contains("- nftables table inet dualwan");
    apply(ns, iptables, 0);
    assertThat(ns.run("nft", "list", "tables")).doesNotContain("table inet dualwan");
    assertThat(mangle(ns)).contains(":NC-DUALWAN-PRE");
    assertForeignMarkingSurvives(ns);

    assertThat(apply(ns, iptables, 0).out()).contains("changed=0 failed=0");
    plan(ns, iptables, 0);
  }
}
