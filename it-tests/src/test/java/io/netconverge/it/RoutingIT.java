package io.netconverge.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.netconverge.Netconverge;
import io.netconverge.core.engine.HostReport;
import io.netconverge.core.engine.Progress;
import io.netconverge.hoststate.HostState;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** ip rules and routing tables against the real kernel, each test in a fresh namespace. */
@ExtendWith(NetnsExtension.class)
class RoutingIT {

  private static final String HEAD = "apiVersion: netconverge/v1\nkind: HostState\n";

  /** Two uplinks with the addresses the example file expects. */
  static void uplinks(TestNamespace ns) {
    // No IPv6 link-local addresses: their DAD finishes at a random moment later and would show as
    // a change in the namespace's dump that no converge made.
    ns.run("sysctl", "-q", "-w", "net.ipv6.conf.default.addr_gen_mode=1");
    ns.addVethPair("wan0", "wan0p");
    ns.addVethPair("wan1", "wan1p");
    ns.run("ip", "addr", "add", "198.51.100.2/24", "dev", "wan0");
    ns.run("ip", "addr", "add", "203.0.113.2/24", "dev", "wan1");
  }

  private static Path file(Path dir, String body) throws Exception {
    Path file = dir.resolve("host.yaml");
    Files.writeString(file, HEAD + body);
    return file;
  }

  private static Cli apply(TestNamespace ns, Path file) {
    return Cli.run("apply", "--netns", ns.name(), file.toString());
  }

  private static void assertConverged(TestNamespace ns, String file) {
    String before = ns.dump();
    Cli plan = Cli.run("plan", "--netns", ns.name(), file);
    assertThat(plan.exitCode()).as(plan.toString()).isZero();
    assertThat(plan.out()).contains("changed=0 failed=0");
    assertThat(ns.dump()).as("plan changes nothing").isEqualTo(before);
  }

  // Assertions read `ip -N`: numbers, whatever names the host's /etc/iproute2 gives them.

  @Test
  void thePolicyRoutingExampleConvergesAndThenHasNothingToDo(TestNamespace ns) {
    uplinks(ns);
    String before = ns.dump();
    Cli plan = Cli.run("plan", "--netns", ns.name(), Cli.example("policy-routing.yaml"));
    assertThat(plan.exitCode()).as(plan.toString()).isEqualTo(2);
    assertThat(ns.dump()).isEqualTo(before);

    Cli first = Cli.run("apply", "--netns", ns.name(), Cli.example("policy-routing.yaml"));
    assertThat(first.exitCode()).as(first.toString()).isZero();
    assertThat(first.out()).contains("changed=17");

    assertThat(ns.run("ip", "-N", "rule", "show"))
        .contains("1010:\tfrom all fwmark 0xa/0xff lookup 110 proto 77")
        .contains("1110:\tfrom 198.51.100.2 lookup 110 proto 77")
        .contains("1000:\tfrom all lookup 254 suppress_prefixlength 0 proto 77")
        .contains("2000:\tfrom all lookup 130 proto 77");
    assertThat(ns.run("ip", "-N", "-6", "rule", "show"))
        .contains("1010:\tfrom all fwmark 0xa/0xff lookup 110 proto 77");
    assertThat(ns.run("ip", "-N", "route", "show", "table", "110"))
        .isEqualTo(
            "default via 198.51.100.1 dev wan0 proto 77 \n"
                + "198.51.100.0/24 dev wan0 proto 77 scope 253 src 198.51.100.2 \n");
    assertThat(ns.run("ip", "-N", "-6", "route", "show", "table", "110"))
        .contains("2001:db8:1::/64 dev wan0 proto 77 metric 1024")
        .contains("default via 2001:db8:1::1 dev wan0 proto 77 metric 1024");
    assertThat(ns.run("ip", "-N", "route", "show", "table", "130"))
        .contains("7 10.0.0.0/8 proto 77")
        .contains("nexthop via 198.51.100.1 dev wan0 weight 2")
        .contains("nexthop via 203.0.113.1 dev wan1 weight 1");

    assertConverged(ns, Cli.example("policy-routing.yaml"));
    Cli again = Cli.run("apply", "--netns", ns.name(), Cli.example("policy-routing.yaml"));
    assertThat(again.exitCode()).isZero();
    assertThat(again.out()).contains("changed=0");
  }

  @Test
  void foreignRulesAndRoutesSurviveEveryApply(TestNamespace ns) throws Exception {
    uplinks(ns);
    // Same priorities, same tables, other protocols; routes in a table we do not declare and in
    // one we declare without purge.
    ns.run(
        "ip",
        "rule",
        "add",
        "priority",
        "1010",
        "fwmark",
        "0xa/0xff",
        "table",
        "110",
        "proto",
        "static");
    ns.run(
        "ip", "rule", "add", "priority", "1010", "fwmark", "0xb", "table", "110", "proto", "boot");
    ns.run("ip", "-N", "rule", "add", "fwmark", "0x8e", "table", "120", "proto", "zebra");
    ns.run(
        "ip", "-N", "-6", "rule", "add", "priority", "1010", "fwmark", "0xa/0xff", "table", "110");
    ns.run(
        "ip",
        "route",
        "add",
        "10.9.0.0/16",
        "via",
        "198.51.100.1",
        "table",
        "111",
        "proto",
        "static");
    ns.run(
        "ip", "route", "add", "10.8.0.0/16", "via", "203.0.113.1", "table", "120", "proto", "bird");
    ns.run(
        "ip", "route", "add", "10.7.0.0/16", "via", "198.51.100.1", "table", "main", "proto", "77");
    ns.run(
        "ip", "route", "add", "10.6.0.0/16", "via", "198.51.100.1", "table", "main", "proto", "3");
    String foreignRules = ns.run("ip", "-N", "rule", "show");
    Path file =
        file(
            dir,
            "routeTables:\n"
                + "  - { name: isp1, id: 110, routes: [ { to: default, via: 198.51.100.1, dev: wan0 } ] }\n"
                + "  - id: 120\n    purge: false\n    routes:\n"
                + "      - { to: default, via: 203.0.113.1, dev: wan1 }\n"
                + "ipRules:\n"
                + "  - { priority: 1010, fwmark: \"0xa/0xff\", table: isp1 }\n"
                + "  - { fwmark: \"0x8e\", table: 120 }\n"
                + "  - { priority: 1010, family: ipv6, fwmark: 10/0xff, table: 110 }\n");
    for (int run = 0; run < 2; run++) {
      Cli apply = apply(ns, file);
      assertThat(apply.exitCode()).as(apply.toString()).isZero();
      String rules = ns.run("ip", "-N", "rule", "show");
      assertThat(rules)
          .contains("1010:\tfrom all fwmark 0xa/0xff lookup 110 proto 4")
          .contains("1010:\tfrom all fwmark 0xb lookup 110 proto 3")
          .contains("from all fwmark 0x8e lookup 120 proto 11")
          .contains("1010:\tfrom all fwmark 0xa/0xff lookup 110 proto 77")
          .contains("from all fwmark 0x8e lookup 120 proto 77");
      for (String line : foreignRules.split("\n")) {
        assertThat(rules).contains(line.substring(line.indexOf(':')));
      }
      assertThat(ns.run("ip", "-N", "-6", "rule", "show"))
          .contains("1010:\tfrom all fwmark 0xa/0xff lookup 110 proto 77")
          .contains("1010:\tfrom all fwmark 0xa/0xff lookup 110\n");
      assertThat(ns.run("ip", "-N", "route", "show", "table", "111")).contains("10.9.0.0/16");
      assertThat(ns.run("ip", "-N", "route", "show", "table", "120"))
          .contains("10.8.0.0/16 via 203.0.113.1 dev wan1 proto 12")
          .contains("default via 203.0.113.1 dev wan1 proto 77");
      // main is not declared: a route of another protocol there stays, one of ours is ours and
      // goes (the file no longer declares it).
      assertThat(ns.run("ip", "-N", "route", "show", "table", "main"))
          .contains("10.6.0.0/16")
          .doesNotContain("10.7.0.0/16");
    }
    assertConverged(ns, file.toString());
  }

  @TempDir Path dir;

  @Test
  void undeclaredRoutesInAnOwnedTableGoButPurgeFalseKeepsForeignOnes(TestNamespace ns)
      throws Exception {
    uplinks(ns);
    ns.run(
        "ip",
        "route",
        "add",
        "10.1.0.0/16",
        "via",
        "198.51.100.1",
        "table",
        "110",
        "proto",
        "static");
    ns.run(
        "ip",
        "route",
        "add",
        "10.2.0.0/16",
        "via",
        "198.51.100.1",
        "table",
        "120",
        "proto",
        "static");
    ns.run(
        "ip", "route", "add", "10.3.0.0/16", "via", "198.51.100.1", "table", "120", "proto", "77");
    ns.run(
        "ip",
        "-6",
        "route",
        "add",
        "blackhole",
        "2001:db8:9::/48",
        "table",
        "110",
        "proto",
        "static");
    Path file =
        file(
            dir,
            "routeTables:\n"
                + "  - { id: 110, routes: [ { to: 10.4.0.0/16, via: 198.51.100.1 } ] }\n"
                + "  - { id: 120, purge: false, routes: [ { to: 10.5.0.0/16, via: 198.51.100.1 } ] }\n");
    Cli apply = apply(ns, file);
    assertThat(apply.exitCode()).as(apply.toString()).isZero();
    assertThat(ns.run("ip", "-N", "route", "show", "table", "110"))
        .isEqualTo("10.4.0.0/16 via 198.51.100.1 dev wan0 proto 77 \n");
    assertThat(ns.run("ip", "-N", "-6", "route", "show", "table", "110")).isEmpty();
    assertThat(ns.run("ip", "-N", "route", "show", "table", "120"))
        .isEqualTo(
            "10.2.0.0/16 via 198.51.100.1 dev wan0 proto 4 \n"
                + "10.5.0.0/16 via 198.51.100.1 dev wan0 proto 77 \n");
    assertConverged(ns, file.toString());
  }

  @Test
  void aChangedGatewayDeviceOrMetricIsDriftReplacedInPlace(TestNamespace ns) throws Exception {
    uplinks(ns);
    Path file =
        file(
            dir,
            "routeTables:\n  - id: 110\n    routes:\n"
                + "      - { to: 10.1.0.0/16, via: 198.51.100.1, dev: wan0 }\n"
                + "      - { to: 10.2.0.0/16, via: 198.51.100.1, dev: wan0, metric: 20 }\n"
                + "      - { to: 10.3.0.0/16, dev: wan0 }\n");
    assertThat(apply(ns, file).exitCode()).isZero();
    ns.run(
        "ip",
        "route",
        "replace",
        "10.1.0.0/16",
        "via",
        "198.51.100.9",
        "dev",
        "wan0",
        "table",
        "110",
        "proto",
        "77");
    ns.run("ip", "route", "del", "10.2.0.0/16", "table", "110", "metric", "20");
    ns.run(
        "ip",
        "route",
        "add",
        "10.2.0.0/16",
        "via",
        "198.51.100.1",
        "dev",
        "wan0",
        "table",
        "110",
        "metric",
        "30",
        "proto",
        "77");
    ns.run("ip", "route", "replace", "10.3.0.0/16", "dev", "wan1", "table", "110", "proto", "77");

    Cli plan = Cli.run("plan", "--diff", "--netns", ns.name(), file.toString());
    assertThat(plan.exitCode()).as(plan.toString()).isEqualTo(2);
    assertThat(plan.out())
        .contains("~ route table 110 10.1.0.0/16 metric 0")
        .contains("- 198.51.100.9")
        .contains("~ route table 110 10.2.0.0/16 metric 20")
        .contains("~ route table 110 10.3.0.0/16 metric 0")
        .contains("changed=3");
    Cli apply = apply(ns, file);
    assertThat(apply.exitCode()).as(apply.toString()).isZero();
    assertThat(ns.run("ip", "-N", "route", "show", "table", "110"))
        .isEqualTo(
            "10.1.0.0/16 via 198.51.100.1 dev wan0 proto 77 \n"
                + "10.2.0.0/16 via 198.51.100.1 dev wan0 proto 77 metric 20 \n"
                + "10.3.0.0/16 dev wan0 proto 77 scope 253 \n");
    assertConverged(ns, file.toString());
  }

  @Test
  void identityIncludesTheTable(TestNamespace ns) throws Exception {
    uplinks(ns);
    // The same route in a table the file does not declare neither satisfies nor blocks ours (one
    // of another protocol: one of ours there would be removed, see ProfileLeftoversIT).
    ns.run(
        "ip", "route", "add", "10.1.0.0/16", "via", "198.51.100.1", "table", "111", "proto", "4");
    Path file =
        file(
            dir,
            "routeTables:\n"
                + "  - { id: 110, routes: [ { to: 10.1.0.0/16, via: 198.51.100.1, dev: wan0 } ] }\n"
                + "  - { id: 120, routes: [ { to: 10.1.0.0/16, via: 198.51.100.1, dev: wan0 } ] }\n");
    Cli apply = apply(ns, file);
    assertThat(apply.exitCode()).as(apply.toString()).isZero();
    assertThat(apply.out()).contains("changed=2");
    for (String table : new String[] {"110", "111", "120"}) {
      assertThat(ns.run("ip", "-N", "route", "show", "table", table))
          .isEqualTo(
              "10.1.0.0/16 via 198.51.100.1 dev wan0 proto "
                  + (table.equals("111") ? 4 : 77)
                  + " \n");
    }
    assertConverged(ns, file.toString());
  }

  @Test
  void removingARuleNeverTakesAnotherOfOursThatSaysMore(TestNamespace ns) throws Exception {
    uplinks(ns);
    // `ip rule del` with the fields of the second rule would take the first one.
    ns.run(
        "ip",
        "rule",
        "add",
        "priority",
        "100",
        "from",
        "10.0.0.0/8",
        "iif",
        "wan0",
        "table",
        "5",
        "proto",
        "77");
    ns.run(
        "ip", "rule", "add", "priority", "100", "from", "10.0.0.0/8", "table", "5", "proto", "77");
    Path file =
        file(dir, "ipRules:\n  - { priority: 100, from: 10.0.0.0/8, iif: wan0, table: 5 }\n");
    Cli apply = apply(ns, file);
    assertThat(apply.exitCode()).as(apply.toString()).isZero();
    assertThat(ns.run("ip", "-N", "rule", "show").lines().filter(l -> l.startsWith("100:")))
        .containsExactly("100:\tfrom 10.0.0.0/8 iif wan0 lookup 5 proto 77");
    assertConverged(ns, file.toString());
  }

  @Test
  void aRuleWithoutPriorityIsNeverAddedTwice(TestNamespace ns) throws Exception {
    Path file =
        file(
            dir,
            "ipRules:\n  - { fwmark: 0x8e, table: 120 }\n  - { family: ipv6, fwmark: 0x8e, table: 120 }\n");
    for (int run = 0; run < 3; run++) {
      assertThat(apply(ns, file).exitCode()).isZero();
    }
    assertThat(ns.run("ip", "-N", "rule", "show").lines().filter(l -> l.contains("0x8e")).count())
        .isEqualTo(1);
    assertThat(
            ns.run("ip", "-N", "-6", "rule", "show")
                .lines()
                .filter(l -> l.contains("0x8e"))
                .count())
        .isEqualTo(1);
    assertConverged(ns, file.toString());
  }

  @Test
  void marksCompareAsNumbersAndAWiderMarkDoesNotHideANarrowOne(TestNamespace ns) throws Exception {
    Path decimal = file(dir, "ipRules:\n  - { priority: 100, fwmark: 1, table: 5 }\n");
    assertThat(apply(ns, decimal).exitCode()).isZero();
    Path full = dir.resolve("full.yaml");
    Files.writeString(
        full, HEAD + "ipRules:\n  - { priority: 100, fwmark: \"0x1/0xffffffff\", table: 5 }\n");
    assertConverged(ns, full.toString());

    ns.run(
        "ip",
        "-N",
        "rule",
        "add",
        "priority",
        "200",
        "fwmark",
        "0x8ef",
        "table",
        "5",
        "proto",
        "77");
    Path narrow = dir.resolve("narrow.yaml");
    Files.writeString(
        narrow, HEAD + "ipRules:\n  - { priority: 200, fwmark: \"0x8e\", table: 5 }\n");
    Cli plan = Cli.run("plan", "--diff", "--netns", ns.name(), narrow.toString());
    assertThat(plan.exitCode()).as(plan.toString()).isEqualTo(2);
    assertThat(plan.out())
        .contains("~ ip rule 200: from all fwmark 0x8e lookup 5 proto 77")
        .contains("- from all fwmark 0x8ef")
        .contains("+ from all fwmark 0x8e\n");
    assertThat(apply(ns, narrow).exitCode()).isZero();
    assertThat(ns.run("ip", "-N", "rule", "show"))
        .contains("200:\tfrom all fwmark 0x8e lookup 5 proto 77")
        .doesNotContain("0x8ef")
        .doesNotContain("100:");
  }

  @Test
  void everyRuleFieldRoundTripsThroughTheKernel(TestNamespace ns) throws Exception {
    uplinks(ns);
    Path file =
        file(
            dir,
            "ipRules:\n"
                + "  - { priority: 1200, not: true, to: 10.0.0.0/8, iif: wan0, table: main, suppressPrefixLength: 0 }\n"
                + "  - { priority: 1300, oif: wan1, uidRange: 1000-2000, ipProto: tcp, sport: 1000-2000, dport: 80, type: prohibit }\n"
                + "  - { priority: 1301, from: 192.0.2.0/24, type: blackhole }\n"
                + "  - { priority: 1302, fwmark: \"0x10/0xf0\", type: unreachable }\n"
                + "  - { priority: 1303, from: \"2001:db8::/32\", to: \"2001:db8:1::1\", table: 7 }\n"
                + "  - { priority: 1304, ipProto: udp, dport: 53, table: 8 }\n");
    Cli apply = apply(ns, file);
    assertThat(apply.exitCode()).as(apply.toString()).isZero();
    assertThat(ns.run("ip", "-N", "rule", "show"))
        .contains(
            "1200:\tnot from all to 10.0.0.0/8 iif wan0 lookup 254 suppress_prefixlength 0 proto 77")
        .contains(
            "1300:\tfrom all oif wan1 uidrange 1000-2000 ipproto ipproto-6 sport 1000-2000 dport 80 8 proto 77")
        .contains("1301:\tfrom 192.0.2.0/24 6 proto 77")
        .contains("1302:\tfrom all fwmark 0x10/0xf0 7 proto 77")
        .contains("1304:\tfrom all ipproto ipproto-17 dport 53 lookup 8 proto 77");
    assertThat(ns.run("ip", "-N", "-6", "rule", "show"))
        .contains("1303:\tfrom 2001:db8::/32 to 2001:db8:1::1 lookup 7 proto 77");
    assertConverged(ns, file.toString());

    // Removing a rule from the file removes it from the kernel, and only it.
    Path fewer =
        file(dir, "ipRules:\n  - { priority: 1301, from: 192.0.2.0/24, type: blackhole }\n");
    assertThat(apply(ns, fewer).exitCode()).isZero();
    assertThat(
            ns.run("ip", "-N", "rule", "show").lines().filter(l -> l.contains("proto 77")).toList())
        .containsExactly("1301:\tfrom 192.0.2.0/24 6 proto 77");
    assertThat(ns.run("ip", "-N", "-6", "rule", "show")).doesNotContain("proto 77");
  }

  @Test
  void aRouteTheKernelRejectsFailsNamingItAndRestoresEverything(TestNamespace ns) throws Exception {
    uplinks(ns);
    Path file =
        file(
            dir,
            "routeTables:\n  - id: 110\n    routes:\n"
                + "      - { to: 10.1.0.0/16, via: 198.51.100.1, dev: wan0 }\n"
                + "      - { to: 10.2.0.0/16, via: 192.0.2.1, dev: wan0 }\n"
                + "ipRules:\n  - { priority: 10, fwmark: 1, table: 110 }\n");
    ns.run(
        "ip",
        "route",
        "add",
        "10.9.0.0/16",
        "via",
        "198.51.100.1",
        "table",
        "110",
        "proto",
        "static");
    String before = ns.dump();
    Cli apply = apply(ns, file);
    assertThat(apply.exitCode()).as(apply.toString()).isEqualTo(1);
    assertThat(apply.out())
        .contains(
            "route add unicast 10.2.0.0/16 table 110 proto 77 metric 0 scope 0 via 192.0.2.1 dev wan0")
        .contains("restored");
    assertThat(ns.dump()).isEqualTo(before);
  }

  @Test
  void tableNamesGoToTheNamedFoldersRtTablesDOnlyWhenTheyDiffer(TestNamespace ns) throws Exception {
    uplinks(ns);
    Path etc = dir.resolve("iproute2");
    Files.createDirectories(etc.resolve("rt_tables.d"));
    Files.writeString(etc.resolve("rt_tables"), "254\tmain\n201\tlab\n");
    Path file =
        file(
            dir,
            "routeTables:\n"
                + "  - { name: isp1, id: 110, routes: [ { to: default, via: 198.51.100.1 } ] }\n"
                + "  - { name: lab, routes: [ { to: default, via: 203.0.113.1 } ] }\n"
                + "ipRules:\n  - { priority: 10, fwmark: 1, table: lab }\n");
    HostState state = Netconverge.load(file, etc);
    HostReport first = Netconverge.apply(state, ns.target(), Progress.NONE);
    assertThat(first.status()).as(first.toString()).isEqualTo(HostReport.Status.CHANGED);
    Path ours = etc.resolve("rt_tables.d/netconverge.conf");
    assertThat(Files.readString(ours)).endsWith("110\tisp1\n").doesNotContain("lab");
    // A folder named instead of /etc/iproute2 gets the subfolder it lacks, mode 0755.
    assertThat(Files.readString(etc.resolve("rt_protos.d/netconverge.conf")))
        .endsWith("77\tnetconverge\n");
    assertThat(
            java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(etc.resolve("rt_protos.d"))))
        .isEqualTo("rwxr-xr-x");
    // "lab" is 201 from rt_tables.
    assertThat(ns.run("ip", "-N", "route", "show", "table", "201"))
        .contains("default via 203.0.113.1");
    assertThat(ns.run("ip", "-N", "rule", "show"))
        .contains("10:\tfrom all fwmark 0x1 lookup 201 proto 77");

    long written = Files.getLastModifiedTime(ours).toMillis();
    Thread.sleep(20);
    HostReport second = Netconverge.apply(state, ns.target(), Progress.NONE);
    assertThat(second.status()).isEqualTo(HostReport.Status.OK);
    assertThat(Files.getLastModifiedTime(ours).toMillis()).isEqualTo(written);

    Files.writeString(ours, "110\tsomething-else\n");
    HostReport third = Netconverge.apply(state, ns.target(), Progress.NONE);
    assertThat(third.status()).isEqualTo(HostReport.Status.CHANGED);
    assertThat(Files.readString(ours)).endsWith("110\tisp1\n");
    try (var left = Files.list(etc.resolve("rt_tables.d"))) {
      assertThat(left.map(p -> p.getFileName().toString())).containsExactly("netconverge.conf");
    }
  }

  @Test
  void anInvalidRoutingFileExits65NamingTheLineAndTouchesNothing(TestNamespace ns)
      throws Exception {
    Path file =
        file(
            dir,
            "routeTables:\n  - id: 110\n    routes:\n      - { to: 10.1.2.3/8, via: 198.51.100.1 }\n");
    String before = ns.dump();
    Cli apply = apply(ns, file);
    assertThat(apply.exitCode()).as(apply.toString()).isEqualTo(65);
    assertThat(apply.err()).contains(file + ":6:").contains("host bits set");
    assertThat(ns.dump()).isEqualTo(before);
  }

  @Test
  void theSandboxConvergesTheExampleAndLeavesNothingBehind() {
    String namespacesBefore = hostNamespaces();
    Cli sandbox = Cli.run("apply", "--sandbox", Cli.example("policy-routing.yaml"));
    assertThat(sandbox.exitCode()).as(sandbox.toString()).isZero();
    assertThat(sandbox.out()).contains("changed=19").contains("ok=19 changed=0 failed=0");
    assertThat(hostNamespaces()).isEqualTo(namespacesBefore);
  }

  private static String hostNamespaces() {
    try {
      return new io.netconverge.core.exec.LocalExecutor()
          .check("ip", "netns", "list")
          .stdout()
          .lines()
          .filter(l -> l.startsWith("nc-sandbox-"))
          .sorted()
          .toList()
          .toString();
    } catch (io.netconverge.core.exec.ExecException e) {
      throw new AssertionError(e);
    }
  }
}
