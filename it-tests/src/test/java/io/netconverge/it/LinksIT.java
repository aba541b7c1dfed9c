package io.netconverge.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 * The links module on the real kernel, each test in a fresh namespace: interfaces set up and down,
 * MTU, addresses of both families; foreign addresses survive; converging twice changes nothing; a
 * plan changes nothing (the whole dump, addresses included); a failed apply is put back by replay.
 */
@ExtendWith(NetnsExtension.class)
class LinksIT {

  private static final String HEADER = "apiVersion: netconverge/v1\nkind: HostState\n";

  private static final String DECLARED =
      HEADER
          + "links:\n"
          + "  lan0:\n"
          + "    up: true\n"
          + "    mtu: 1400\n"
          + "    addresses: [10.1.0.1/24, fd00:1::1/64]\n"
          + "  lan1:\n"
          + "    up: false\n"
          + "routeTables:\n"
          + "  - id: 120\n"
          + "    routes:\n"
          + "      - { to: 10.20.0.0/16, via: 10.1.0.254, dev: lan0 }\n";

  private static void setUp(TestNamespace ns) {
    // Link-local addresses that do not depend on the random MAC, so dumps compare.
    ns.run("sysctl", "-q", "-w", "net.ipv6.conf.default.addr_gen_mode=1");
    ns.addVethPair("lan0", "lan0p");
    ns.addVethPair("lan1", "lan1p");
    // Foreign: the host's own addresses on a declared interface.
    ns.run("ip", "addr", "add", "10.1.0.99/24", "dev", "lan0");
    ns.run("ip", "addr", "add", "fd00:1::99/64", "dev", "lan0", "nodad");
    ns.run("ip", "addr", "add", "192.0.2.5/24", "dev", "lan1");
  }

  /** The namespace's whole dump with every address: what links could touch. */
  private static String dump(TestNamespace ns) {
    return ns.dump() + "\n== ip address\n" + ns.run("ip", "-d", "address", "show");
  }

  private static List<String> addresses(TestNamespace ns, String itf) {
    List<String> all = new ArrayList<>();
    for (String line : ns.run("ip", "-o", "address", "show", "dev", itf).split("\n")) {
      String[] f = line.trim().split("\\s+");
      all.add(f[3]);
    }
    return all;
  }

  @Test
  void convergesThenConvergingAgainChangesNothingAndForeignAddressesSurvive(TestNamespace ns)
      throws Exception {
    setUp(ns);
    HostState state = Netconverge.parse(DECLARED, "links.yaml");
    HostReport first = Netconverge.apply(state, ns.target(), Progress.NONE);
    assertThat(first.status()).as(first.toString()).isEqualTo(HostReport.Status.CHANGED);
    assertThat(first.changes())
        .filteredOn(c -> c.resource().render().startsWith("link ") && c.changes())
        .extracting(c -> c.resource().render())
        .containsExactly("link lan0", "link lan1");

    String lan0 = ns.run("ip", "-d", "link", "show", "lan0");
    assertThat(lan0).contains("mtu 1400").contains(",UP");
    assertThat(ns.run("ip", "link", "show", "lan1")).doesNotContain(",UP");
    assertThat(addresses(ns, "lan0"))
        .contains("10.1.0.1/24", "fd00:1::1/64", "10.1.0.99/24", "fd00:1::99/64");
    assertThat(addresses(ns, "lan1")).containsExactly("192.0.2.5/24");
    assertThat(ns.run("ip", "route", "show", "table", "120"))
        .contains("10.20.0.0/16 via 10.1.0.254");

    HostReport again = Netconverge.apply(state, ns.target(), Progress.NONE);
    assertThat(again.changed()).as(again.toString()).isZero();
    assertThat(again.status()).isEqualTo(HostReport.Status.OK);
  }

  @Test
  void aPlanChangesNothing(TestNamespace ns) throws Exception {
    setUp(ns);
    String before = dump(ns);
    HostReport plan =
        Netconverge.plan(Netconverge.parse(DECLARED, "links.yaml"), ns.target(), Progress.NONE);
    assertThat(plan.changed()).as(plan.toString()).isPositive();
    assertThat(dump(ns)).isEqualTo(before);
  }

  @Test
  void downThenUpAndAnotherMtu(TestNamespace ns) throws Exception {
    setUp(ns);
    HostReport down =
        Netconverge.apply(
            Netconverge.parse(
                HEADER
                    // The kernel drops a down link's IPv6 addresses unless told to keep them.
                    + "sysctl: { net.ipv6.conf.lan0.keep_addr_on_down: 1 }\n"
                    + "links:\n  lan0: { up: false, mtu: 9000 }\n",
                "l.yaml"),
            ns.target(),
            Progress.NONE);
    assertThat(down.changed()).as(down.toString()).isEqualTo(2);
    assertThat(ns.run("ip", "link", "show", "lan0")).doesNotContain(",UP").contains("mtu 9000");
    assertThat(ns.run("ip", "link", "show", "lan0p")).contains(",UP");

    HostReport up =
        Netconverge.apply(
            Netconverge.parse(HEADER + "links:\n  lan0: { up: true, mtu: 1280 }\n", "l.yaml"),
            ns.target(),
            Progress.NONE);
    assertThat(up.changed()).as(up.toString()).isEqualTo(1);
    assertThat(ns.run("ip", "link", "show", "lan0")).contains(",UP").contains("mtu 1280");
    // Addresses were never named: all still there.
    assertThat(addresses(ns, "lan0")).contains("10.1.0.99/24", "fd00:1::99/64");
  }

  @Test
  void exclusiveRemovesUndeclaredAddressesButNotTheKernelsLinkLocalOne(TestNamespace ns)
      throws Exception {
    setUp(ns);
    // The namespace makes no link-local address (addr_gen_mode 1): one like the kernel's.
    ns.run("ip", "addr", "add", "fe80::1234/64", "dev", "lan0", "nodad");
    HostReport report =
        Netconverge.apply(
            Netconverge.parse(
                HEADER + "links:\n  lan0: { exclusive: true, addresses: [10.1.0.1/24] }\n",
                "l.yaml"),
            ns.target(),
            Progress.NONE);
    assertThat(report.changed()).as(report.toString()).isEqualTo(1);
    List<String> left = addresses(ns, "lan0");
    assertThat(left).contains("10.1.0.1/24").doesNotContain("10.1.0.99/24", "fd00:1::99/64");
    assertThat(left).containsExactlyInAnyOrder("10.1.0.1/24", "fe80::1234/64");
    // The other interface is not named: untouched.
    assertThat(addresses(ns, "lan1")).containsExactly("192.0.2.5/24");
  }

  @Test
  void aFailedApplyIsPutBackByReplayingTheSnapshot(TestNamespace ns) throws Exception {
    setUp(ns);
    // What no declaration expresses: a label, a broadcast, noprefixroute; exclusive removes it and
    // the restore must bring it back as it was.
    ns.run(
        "ip",
        "addr",
        "add",
        "10.3.0.7/24",
        "broadcast",
        "10.3.0.255",
        "dev",
        "lan0",
        "label",
        "lan0:x",
        "noprefixroute");
    String before = dump(ns);
    HostState parsed =
        Netconverge.parse(
            HEADER
                + "links:\n"
                + "  lan0: { up: false, mtu: 1400, exclusive: true, addresses: [10.1.0.1/24] }\n"
                + "  lan1: { mtu: 2000, addresses: [fd00:2::1/64] }\n",
            "restore.yaml");
    List<Declared<?, ?>> declared = new ArrayList<>(parsed.declared());
    declared.add(new Declared<>(new RestoreIT.Refusing(), "declared"));
    HostReport report =
        Netconverge.apply(new HostState(declared, List.of()), ns.target(), Progress.NONE);

    assertThat(report.status()).as(report.toString()).isEqualTo(HostReport.Status.FAILED);
    assertThat(report.restoration().outcome())
        .as(report.restoration().difference())
        .isEqualTo(HostReport.RestoreOutcome.RESTORED);
    assertThat(report.restoration().modules()).containsExactly("links", "refusing");
    // The link went down and up: the kernel makes its multicast route again, at the end of the
    // list. Everything else is back as it was, line for line.
    assertThat(sortedLines(dump(ns))).isEqualTo(sortedLines(before));
    assertThat(addresses(ns, "lan0"))
        .containsExactlyInAnyOrder("10.1.0.99/24", "fd00:1::99/64", "10.3.0.7/24");
    assertThat(ns.run("ip", "address", "show", "dev", "lan0"))
        .contains("10.3.0.7/24 brd 10.3.0.255 scope global noprefixroute lan0:x");
  }

  private static List<String> sortedLines(String dump) {
    return dump.lines().sorted().toList();
  }

  @Test
  void aMissingInterfaceOrABadFileIsExit65AndTheHostIsUntouched(TestNamespace ns, @TempDir Path dir)
      throws Exception {
    setUp(ns);
    String before = dump(ns);
    Path missing = dir.resolve("missing.yaml");
    Files.writeString(missing, HEADER + "links:\n  lan0: { mtu: 1300 }\n  wan9: { up: true }\n");
    Cli apply = Cli.run("apply", "--netns", ns.name(), missing.toString());
    assertThat(apply.exitCode()).as(apply.toString()).isEqualTo(65);
    assertThat(apply.err()).contains(missing + ":5:").contains("no interface wan9");

    Path hash = dir.resolve("hash.yaml");
    Files.writeString(hash, HEADER + "links:\n  lan0#x: { up: false }\n");
    Cli bad = Cli.run("apply", "--netns", ns.name(), hash.toString());
    assertThat(bad.exitCode()).as(bad.toString()).isEqualTo(65);
    assertThat(bad.err()).contains(hash + ":4:3:").contains("not an interface name");

    Path range = dir.resolve("range.yaml");
    Files.writeString(range, HEADER + "links:\n  lan0:\n    addresses: [10.1.0.1/33]\n");
    Cli out = Cli.run("apply", "--netns", ns.name(), range.toString());
    assertThat(out.exitCode()).as(out.toString()).isEqualTo(65);
    assertThat(out.err()).contains(range + ":5:").contains("out of range 1..32");

    assertThat(dump(ns)).isEqualTo(before);
  }

  @Test
  void theDualWanProfileGivesItsWansTheirStaticAddressesBeforeItsRoutesNeedThem(TestNamespace ns)
      throws Exception {
    ns.run("sysctl", "-q", "-w", "net.ipv6.conf.default.addr_gen_mode=1");
    ns.addVethPair("wan0", "wan0p");
    ns.addVethPair("wan1", "wan1p");
    ns.run("ip", "link", "set", "wan1", "down");
    String file =
        HEADER
            + "dualWan:\n"
            + "  backend: nftables\n"
            + "  markMask: \"0xff\"\n"
            + "  staticAddresses: true\n"
            + "  wans:\n"
            + "    - { name: isp1, interface: wan0, mark: 0x10, table: 110,"
            + " gateway: 198.51.100.1, address: 198.51.100.2/24 }\n"
            + "    - { name: isp2, interface: wan1, mark: 0x20, table: 120,"
            + " gateway: 203.0.113.1, address: 203.0.113.2/24 }\n";
    HostState state = Netconverge.parse(file, "dualwan.yaml");
    HostReport first = Netconverge.apply(state, ns.target(), Progress.NONE);
    assertThat(first.status()).as(first.toString()).isEqualTo(HostReport.Status.CHANGED);
    assertThat(addresses(ns, "wan0")).containsExactly("198.51.100.2/24");
    assertThat(addresses(ns, "wan1")).containsExactly("203.0.113.2/24");
    assertThat(ns.run("ip", "link", "show", "wan1")).contains(",UP");
    assertThat(ns.run("ip", "route", "show", "table", "120")).contains("via 203.0.113.1 dev wan1");

    HostReport again = Netconverge.apply(state, ns.target(), Progress.NONE);
    assertThat(again.changed()).as(again.toString()).isZero();
  }

  /** Two WANs on veth pairs whose peers are up, the WAN ends admin-down: a router at boot. */
  private static void wansDownAtBoot(TestNamespace ns) {
    ns.run("sysctl", "-q", "-w", "net.ipv6.conf.default.addr_gen_mode=1");
    ns.addVethPair("wan0", "wan0p");
    ns.addVethPair("wan1", "wan1p");
    ns.run("ip", "link", "set", "wan0", "down");
    ns.run("ip", "link", "set", "wan1", "down");
  }

  private static final String STATIC_WANS =
      HEADER
          + "dualWan:\n"
          + "  backend: nftables\n"
          + "  markMask: \"0xff\"\n"
          + "  defaultTable: 100\n"
          + "  staticAddresses: true\n"
          + "  wans:\n"
          + "    - { name: isp1, interface: wan0, mark: 0x10, table: 110,"
          + " gateway: 198.51.100.1, address: 198.51.100.2/24 }\n"
          + "    - { name: isp2, interface: wan1, mark: 0x20, table: 120,"
          + " gateway: 203.0.113.1, address: 203.0.113.2/24 }\n";

  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode host(Cli run) throws Exception {
    return JSON.readTree(run.out()).path("hosts").get(0);
  }

  @Test
  void wansDownAtBootAreBroughtUpAndTheirRoutesFollowInTheSameApply(
      TestNamespace ns, @TempDir Path dir) throws Exception {
    wansDownAtBoot(ns);
    Path file = dir.resolve("router.yaml");
    Files.writeString(file, STATIC_WANS);

    String before = dump(ns);
    Cli plan = Cli.run("plan", "--netns", ns.name(), file.toString());
    assertThat(plan.exitCode()).as(plan.toString()).isEqualTo(2);
    // The plan says what the apply will do: bring the links up, then their routes.
    assertThat(plan.out())
        .as(plan.toString())
        .contains("interface wan1 is down; this apply brings it up");
    assertThat(dump(ns)).as("a plan changes nothing").isEqualTo(before);

    Cli apply = Cli.run("apply", "--netns", ns.name(), file.toString());
    assertThat(apply.exitCode()).as(apply.toString()).isZero();
    assertThat(apply.out()).doesNotContain("pending");
    assertThat(ns.run("ip", "link", "show", "wan0")).contains(",UP");
    assertThat(ns.run("ip", "link", "show", "wan1")).contains(",UP");
    assertThat(ns.run("ip", "route", "show", "table", "110")).contains("default via 198.51.100.1");
    assertThat(ns.run("ip", "route", "show", "table", "120")).contains("default via 203.0.113.1");
    String outbound = ns.run("ip", "route", "show", "table", "100");
    assertThat(outbound).contains("via 198.51.100.1").contains("via 203.0.113.1");

    Cli again = Cli.run("apply", "--output", "json", "--netns", ns.name(), file.toString());
    assertThat(again.exitCode()).as(again.toString()).isZero();
    assertThat(host(again).path("changed").asInt()).as(again.toString()).isZero();
    assertThat(host(again).path("pending").size()).as(again.toString()).isZero();
  }

  @Test
  void aWanBroughtUpWithoutCarrierStaysPendingLikeOneThatIsUpWithoutCarrier(
      TestNamespace ns, @TempDir Path dir) throws Exception {
    wansDownAtBoot(ns);
    ns.run("ip", "link", "set", "wan1p", "down"); // the cable of wan1 is out
    Path file = dir.resolve("router.yaml");
    Files.writeString(file, STATIC_WANS);

    Cli apply = Cli.run("apply", "--output", "json", "--netns", ns.name(), file.toString());
    assertThat(apply.exitCode()).as(apply.toString()).isEqualTo(3);
    JsonNode first = host(apply);
    assertThat(first.path("pending").get(0).path("wan").asText()).isEqualTo("isp2");
    assertThat(first.path("pending").get(0).path("reason").asText())
        .isEqualTo("interface wan1 has no carrier");
    assertThat(ns.run("ip", "link", "show", "wan1")).contains(",UP").contains("NO-CARRIER");
    assertThat(addresses(ns, "wan1")).containsExactly("203.0.113.2/24");
    // No route through a link without carrier: not in the WAN's table, not in the default.
    assertThat(ns.run("ip", "route", "show", "table", "110")).contains("default via 198.51.100.1");
    assertThat(ns.run("ip", "route", "show", "table", "all")).doesNotContain("via 203.0.113.1");
    assertThat(ns.run("ip", "route", "show", "table", "100")).contains("via 198.51.100.1");

    Cli again = Cli.run("apply", "--output", "json", "--netns", ns.name(), file.toString());
    assertThat(again.exitCode()).as(again.toString()).isEqualTo(3);
    assertThat(host(again).path("changed").asInt()).as(again.toString()).isZero();

    ns.run("ip", "link", "set", "wan1p", "up"); // the cable is back
    Cli completes = Cli.run("apply", "--netns", ns.name(), file.toString());
    assertThat(completes.exitCode()).as(completes.toString()).isZero();
    assertThat(ns.run("ip", "route", "show", "table", "120")).contains("default via 203.0.113.1");
  }

  @Test
  void aWanInterfaceTheFilesOwnLinksBringUpFollowsInTheSameApply(
      TestNamespace ns, @TempDir Path dir) throws Exception {
    wansDownAtBoot(ns);
    Path file = dir.resolve("router.yaml");
    Files.writeString(
        file,
        HEADER
            + "links:\n"
            + "  wan0: { up: true, addresses: [198.51.100.2/24] }\n"
            + "  wan1: { up: true, addresses: [203.0.113.2/24] }\n"
            + "dualWan:\n"
            + "  backend: nftables\n"
            + "  markMask: \"0xff\"\n"
            + "  wans:\n"
            + "    - { name: isp1, interface: wan0, mark: 0x10, table: 110,"
            + " gateway: 198.51.100.1, address: 198.51.100.2/24 }\n"
            + "    - { name: isp2, interface: wan1, mark: 0x20, table: 120,"
            + " gateway: 203.0.113.1, address: 203.0.113.2/24 }\n");
    String before = dump(ns);
    Cli plan = Cli.run("plan", "--netns", ns.name(), file.toString());
    assertThat(plan.exitCode()).as(plan.toString()).isEqualTo(2);
    assertThat(dump(ns)).as("a plan changes nothing").isEqualTo(before);

    Cli apply = Cli.run("apply", "--netns", ns.name(), file.toString());
    assertThat(apply.exitCode()).as(apply.toString()).isZero();
    assertThat(ns.run("ip", "route", "show", "table", "120")).contains("default via 203.0.113.1");
    Cli again = Cli.run("apply", "--output", "json", "--netns", ns.name(), file.toString());
    assertThat(again.exitCode()).as(again.toString()).isZero();
    assertThat(host(again).path("changed").asInt()).as(again.toString()).isZero();
  }
}
