package io.netconverge.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.netconverge.Netconverge;
import io.netconverge.core.engine.Change;
import io.netconverge.core.engine.ChangeValue;
import io.netconverge.core.engine.Declared;
import io.netconverge.core.engine.Diff;
import io.netconverge.core.engine.FieldChange;
import io.netconverge.core.engine.HostReport;
import io.netconverge.core.engine.Progress;
import io.netconverge.core.engine.ResourceId;
import io.netconverge.core.engine.ResourceModule;
import io.netconverge.core.exec.Command;
import io.netconverge.core.exec.Executor;
import io.netconverge.hoststate.HostState;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A failed apply puts the host back exactly: every module applies, then a last one fails, and the
 * whole dump of the namespace (sysctls, rules, routes, nft, iptables) equals the one before. The
 * state before holds what no declaration could express, so only a replay of the live form can bring
 * it back: a foreign rule with {@code tos}, one of ours with {@code tos}, a route with {@code mtu}
 * in an owned table, an nft table matching {@code iif} on an interface the throw-away namespace
 * does not have, and an owned iptables chain between foreign rules.
 */
@ExtendWith(NetnsExtension.class)
class RestoreIT {

  private static final String DECLARED =
      "apiVersion: netconverge/v1\n"
          + "kind: HostState\n"
          + "sysctl:\n"
          + "  net.ipv4.ip_forward: 1\n"
          + "  net.ipv4.conf.eg0.rp_filter: 2\n"
          + "routeTables:\n"
          + "  - name: isp1\n"
          + "    id: 110\n"
          + "    routes:\n"
          + "      - { to: default, via: 10.9.0.1, dev: eg0 }\n"
          + "ipRules:\n"
          + "  - { priority: 1010, fwmark: \"0xa/0xff\", table: isp1 }\n"
          + "nftables:\n"
          + "  - table: inet dualwan\n"
          + "    definition: |\n"
          + "      chain prerouting {\n"
          + "        type filter hook prerouting priority mangle; policy accept;\n"
          + "        iifname \"eg0\" meta mark set 10\n"
          + "      }\n"
          + "  - table: ip fresh\n"
          + "    definition: |\n"
          + "      chain c { type filter hook output priority 0; }\n"
          + "iptables:\n"
          + "  - table: mangle\n"
          + "    chain: NC-MARK\n"
          + "    jumpFrom: PREROUTING\n"
          + "    rules:\n"
          + "      - \"-i eg0 -j MARK --set-mark 10\"\n"
          + "  - table: mangle\n"
          + "    chain: NC-NEW\n"
          + "    jumpFrom: OUTPUT\n"
          + "    rules:\n"
          + "      - \"-j RETURN\"\n";

  /** The last module of the host state: its one command fails. */
  static final class Refusing implements ResourceModule<String, String> {

    @Override
    public String kind() {
      return "refusing";
    }

    @Override
    public String read(Executor executor, String declared) {
      return "live";
    }

    @Override
    public Diff<String> diff(String declared, String live) {
      return new Diff<>(
          List.of(
              Change.update(
                  new ResourceId("refusing", ""),
                  ChangeValue.text(live),
                  ChangeValue.text(declared),
                  List.of(new FieldChange("x", live, declared)))),
          declared);
    }

    @Override
    public List<Command> commands(String plan) {
      return List.of(Command.of("sh", "-c", "echo refused >&2; exit 3"));
    }

    @Override
    public String restore(String snapshot, String declared) {
      return snapshot;
    }
  }

  private static void setUp(TestNamespace ns) {
    ns.run("sysctl", "-q", "-w", "net.ipv6.conf.default.addr_gen_mode=1");
    ns.addVethPair("eg0", "eg1");
    ns.run("ip", "addr", "add", "10.9.0.2/24", "dev", "eg0");
    ns.run("sysctl", "-q", "-w", "net.ipv4.ip_forward=0");
    // Foreign, with a selector no file declares.
    ns.run("ip", "rule", "add", "priority", "700", "tos", "0x10", "lookup", "110");
    // Ours (protocol 77) and not declared: apply removes it, the restore must bring back its tos.
    ns.run("ip", "rule", "add", "priority", "900", "tos", "0x08", "lookup", "110", "proto", "77");
    // In an owned table: apply purges it, the restore must bring back its mtu.
    ns.run(
        "ip",
        "route",
        "add",
        "10.8.0.0/24",
        "via",
        "10.9.0.1",
        "dev",
        "eg0",
        "table",
        "110",
        "proto",
        "77",
        "mtu",
        "1400");
    ns.run("ip", "route", "add", "10.7.0.0/24", "dev", "eg0", "table", "110", "proto", "static");
    // A multipath route of ours in the owned table (a dualWan outbound default is one): its
    // replay must name the table before the nexthops.
    ns.addVethPair("eg2", "eg3");
    ns.run("ip", "addr", "add", "10.10.0.2/24", "dev", "eg2");
    ns.run(
        "ip",
        "route",
        "add",
        "10.6.0.0/24",
        "table",
        "110",
        "proto",
        "77",
        "nexthop",
        "via",
        "10.9.0.1",
        "dev",
        "eg0",
        "weight",
        "1",
        "nexthop",
        "via",
        "10.10.0.1",
        "dev",
        "eg2",
        "weight",
        "2");
    // An owned table that matches an interface by index: the throw-away namespace has no eg0.
    ns.runWithStdin(
        "table inet dualwan {\n"
            + "  chain prerouting {\n"
            + "    type filter hook prerouting priority mangle; policy accept;\n"
            + "    iif \"eg0\" meta mark set 20 counter\n"
            + "  }\n"
            + "}\n"
            + "table ip foreign {\n  chain c { type filter hook input priority 0; }\n}\n",
        "nft",
        "-f",
        "-");
    ns.runWithStdin(
        "*mangle\n"
            + ":FOREIGN - [0:0]\n"
            + ":NC-MARK - [0:0]\n"
            + "-A PREROUTING -j FOREIGN\n"
            + "-A PREROUTING -m comment --comment netconverge -j NC-MARK\n"
            + "-A PREROUTING -i eg1 -j RETURN\n"
            + "-A OUTPUT -o eg1 -j RETURN\n"
            + "-A NC-MARK -i eg0 -j MARK --set-xmark 0x14/0xffffffff\n"
            + "COMMIT\n",
        "iptables-restore",
        "--noflush");
  }

  @Test
  void aFailureAfterEveryModuleAppliedRestoresTheWholeDumpExactly(TestNamespace ns)
      throws Exception {
    setUp(ns);
    String before = ns.dump();
    assertThat(before)
        .contains("tos 0x10 lookup 110")
        .contains("tos 0x08 lookup 110")
        .contains("mtu 1400")
        .contains("iif \"eg0\"");

    HostState parsed = Netconverge.parse(DECLARED, "restore.yaml");
    List<Declared<?, ?>> declared = new ArrayList<>(parsed.declared());
    declared.add(new Declared<>(new Refusing(), "declared"));
    HostReport report =
        Netconverge.apply(new HostState(declared, List.of()), ns.target(), Progress.NONE);

    assertThat(report.status()).as(report.toString()).isEqualTo(HostReport.Status.FAILED);
    assertThat(report.error()).contains("refused");
    assertThat(report.restoration().outcome())
        .as(report.restoration().difference())
        .isEqualTo(HostReport.RestoreOutcome.RESTORED);
    assertThat(report.restoration().modules())
        .containsExactly("sysctl", "route-tables", "ip-rules", "nftables", "iptables", "refusing");
    assertThat(tablesSorted(ns.dump())).isEqualTo(tablesSorted(before));
  }

  @Test
  void ourRuleBeforeAForeignOneOfItsPriorityCannotComeBackFirstAndTheRestoreSaysSo(TestNamespace ns)
      throws Exception {
    // Ours first, a foreign rule of the same priority after it: packets try ours first.
    ns.run(
        "ip",
        "rule",
        "add",
        "priority",
        "800",
        "from",
        "10.1.0.0/16",
        "lookup",
        "110",
        "proto",
        "77");
    ns.run("ip", "rule", "add", "priority", "800", "from", "10.2.0.0/16", "lookup", "120");
    HostState parsed =
        Netconverge.parse(
            "apiVersion: netconverge/v1\nkind: HostState\nipRules:\n"
                + "  - { priority: 1010, fwmark: \"0xa/0xff\", table: 110 }\n",
            "restore.yaml");
    List<Declared<?, ?>> declared = new ArrayList<>(parsed.declared());
    declared.add(new Declared<>(new Refusing(), "declared"));
    HostReport report =
        Netconverge.apply(new HostState(declared, List.of()), ns.target(), Progress.NONE);
    assertThat(report.status()).as(report.toString()).isEqualTo(HostReport.Status.FAILED);
    // The rule came back, but after the foreign one (removing a foreign rule is not ours to do):
    // the routing differs, and the report must not call that restored.
    assertThat(ns.run("ip", "rule", "show", "priority", "800"))
        .containsSubsequence("from 10.2.0.0/16", "from 10.1.0.0/16");
    assertThat(report.restoration().outcome())
        .as(report.restoration().difference())
        .isEqualTo(HostReport.RestoreOutcome.INCOMPLETE);
    assertThat(report.restoration().modules()).containsExactly("ip-rules");
  }

  /**
   * Applies {@code yaml} followed by a module that fails, and checks that the restore says it put
   * the host back and that the whole dump agrees.
   */
  static HostReport failAfterApplying(TestNamespace ns, String yaml) throws Exception {
    String before = ns.dump();
    HostState parsed = Netconverge.parse(yaml, "restore.yaml");
    List<Declared<?, ?>> declared = new ArrayList<>(parsed.declared());
    declared.add(new Declared<>(new Refusing(), "declared"));
    HostReport report =
        Netconverge.apply(new HostState(declared, List.of()), ns.target(), Progress.NONE);
    assertThat(report.status()).as(report.toString()).isEqualTo(HostReport.Status.FAILED);
    assertThat(report.restoration().outcome())
        .as(report.restoration().difference())
        .isEqualTo(HostReport.RestoreOutcome.RESTORED);
    assertThat(withoutExpiries(tablesSorted(ns.dump())))
        .isEqualTo(withoutExpiries(tablesSorted(before)));
    return report;
  }

  /** The time an element of a set has left changes while one looks: checked on its own. */
  private static String withoutExpiries(String dump) {
    return dump.replaceAll(" expires [0-9hms]+", "");
  }

  /**
   * A set the datapath fills, whose declared size differs from the live one: apply replaces the
   * table (a set's size cannot change in place) and leaves the added elements out, as the new set
   * has another shape; the restore must bring them back with the old set.
   */
  @Test
  void aDynamicSetWhoseSizeChangedGetsItsElementsBack(TestNamespace ns) throws Exception {
    ns.runWithStdin(
        "table inet dyn {\n"
            + "  comment \"netconverge\"\n"
            + "  set seen { type ipv4_addr; size 1024; flags dynamic,timeout; timeout 1h; }\n"
            + "  chain out {\n"
            + "    type filter hook output priority 0; policy accept;\n"
            + "    ip daddr 127.0.0.0/8 update @seen { ip daddr }\n"
            + "  }\n"
            + "}\n",
        "nft",
        "-f",
        "-");
    ns.run("ping", "-c", "1", "-W", "1", "127.0.0.5");
    ns.run("ping", "-c", "1", "-W", "1", "127.0.0.6");
    // One about to go: it must come back with the time it had left, not the set's hour.
    ns.run("nft", "add", "element", "inet", "dyn", "seen", "{ 192.0.2.9 expires 10m }");
    assertThat(ns.run("nft", "list", "set", "inet", "dyn", "seen")).contains("127.0.0.6");
    failAfterApplying(
        ns,
        "apiVersion: netconverge/v1\n"
            + "kind: HostState\n"
            + "nftables:\n"
            + "  - table: inet dyn\n"
            + "    definition: |\n"
            + "      set seen { type ipv4_addr; size 2048; flags dynamic,timeout; timeout 1h; }\n"
            + "      chain out {\n"
            + "        type filter hook output priority 0; policy accept;\n"
            + "        ip daddr 127.0.0.0/8 update @seen { ip daddr }\n"
            + "      }\n");
    String set = ns.run("nft", "list", "set", "inet", "dyn", "seen");
    assertThat(set).contains("size 1024").contains("127.0.0.5").contains("127.0.0.6");
    java.util.regex.Matcher left =
        java.util.regex.Pattern.compile("192\\.0\\.2\\.9 expires (\\d+)m").matcher(set);
    assertThat(left.find()).as(set).isTrue();
    assertThat(Integer.parseInt(left.group(1))).as(set).isLessThan(10);
  }

  private static final String MANGLE_CHAIN =
      "apiVersion: netconverge/v1\n"
          + "kind: HostState\n"
          + "iptables:\n"
          + "  - table: mangle\n"
          + "    chain: NC-OUT\n"
          + "    jumpFrom: OUTPUT\n"
          + "    rules:\n"
          + "      - \"-o eg0 -j MARK --set-mark 10\"\n";

  /** iptables-nft makes the nft table of an iptables table on first use; it goes again. */
  @Test
  void anIptablesTableTheApplyMadeIsRemovedAgain(TestNamespace ns) throws Exception {
    assertThat(ns.run("iptables-save")).doesNotContain("*mangle");
    failAfterApplying(ns, MANGLE_CHAIN);
    assertThat(ns.run("nft", "list", "tables")).doesNotContain("mangle");
  }

  /**
   * iptables-save prints every built-in chain of a table whether or not iptables-nft made its nft
   * base chain: an empty one the apply made is invisible there, and must go all the same.
   */
  @Test
  void anEmptyBaseChainTheApplyMadeIsRemovedAgain(TestNamespace ns) throws Exception {
    ns.runWithStdin(
        "*mangle\n-A PREROUTING -i lo -j RETURN\nCOMMIT\n", "iptables-restore", "--noflush");
    assertThat(ns.run("nft", "list", "table", "ip", "mangle")).doesNotContain("chain OUTPUT");
    failAfterApplying(ns, MANGLE_CHAIN);
    assertThat(ns.run("nft", "list", "table", "ip", "mangle")).doesNotContain("chain OUTPUT");
  }

  /**
   * The dump with the tables of nft's listing in name order, without nft's comments and blank
   * lines: nft lists tables in the order they were made, and a restored table is made anew.
   */
  static String tablesSorted(String dump) {
    int start = dump.indexOf("== nft ");
    int end = dump.indexOf("\n== ", start + 1);
    String nft = dump.substring(dump.indexOf('\n', start) + 1, end + 1);
    List<String> tables = new ArrayList<>();
    StringBuilder table = new StringBuilder();
    for (String line : nft.split("\n", -1)) {
      if (line.isBlank() || line.startsWith("#")) {
        continue; // nft's warnings and spacing between tables
      }
      if (line.startsWith("table ") && !table.isEmpty()) {
        tables.add(table.toString());
        table.setLength(0);
      }
      table.append(line).append('\n');
    }
    tables.add(table.toString());
    java.util.Collections.sort(tables);
    return dump.substring(0, dump.indexOf('\n', start) + 1)
        + String.join("", tables)
        + dump.substring(end + 1);
  }

  @Test
  void withoutTheFailureTheSameStateConvergesAndTheForeignObjectsSurvive(TestNamespace ns)
      throws Exception {
    setUp(ns);
    HostState state = Netconverge.parse(DECLARED, "restore.yaml");
    HostReport first = Netconverge.apply(state, ns.target(), Progress.NONE);
    assertThat(first.status()).as(first.toString()).isEqualTo(HostReport.Status.CHANGED);
    assertThat(ns.run("ip", "-N", "rule", "show")).contains("700:\tfrom all tos 0x10 lookup 110");
    assertThat(ns.run("ip", "rule", "show")).doesNotContain("tos 0x08");
    assertThat(ns.run("ip", "-N", "route", "show", "table", "110"))
        .doesNotContain("mtu 1400")
        .contains("default via 10.9.0.1 dev eg0");
    assertThat(ns.run("nft", "list", "ruleset")).contains("table ip foreign");
    assertThat(ns.run("iptables-save", "-t", "mangle"))
        .contains("-A PREROUTING -j FOREIGN")
        .contains("-A PREROUTING -i eg1 -j RETURN");
    HostReport second = Netconverge.apply(state, ns.target(), Progress.NONE);
    assertThat(second.status()).as(second.toString()).isEqualTo(HostReport.Status.OK);
  }
}
