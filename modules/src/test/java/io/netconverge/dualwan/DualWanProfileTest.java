package io.netconverge.dualwan;

import static org.assertj.core.api.Assertions.assertThat;

import io.netconverge.core.sandbox.SandboxInterface;
import io.netconverge.hoststate.HostStateSpec;
import io.netconverge.iprule.IpRuleSpec;
import io.netconverge.iptables.IptablesChainSpec;
import io.netconverge.route.RouteTableSpec;
import io.netconverge.sysctl.SysctlKey;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class DualWanProfileTest {

  private static final String ISP1 =
      "    - { name: isp1, interface: wan1, mark: 10, table: 110, gateway: 198.51.100.1,"
          + " address: 198.51.100.2/24, gateway6: 2001:db8:1::1, address6: 2001:db8:1::2/64 }\n";
  private static final String ISP2 =
      "    - { name: isp2, interface: wan2, mark: 20, table: 120, gateway: 203.0.113.1,"
          + " gateway6: 2001:db8:2::1 }\n";
  private static final String ISP3 =
      "    - { name: isp3, interface: wan3, mark: 30, table: 130, gateway: 192.0.2.1,"
          + " address: 192.0.2.2/24, gateway6: 2001:db8:3::1 }\n";

  private static DualWanProfile.Expansion expand(String backend, String families, String... wans)
      throws Exception {
    HostStateSpec spec =
        DualWanSpecTest.parse(
            "dualWan:\n  backend: "
                + backend
                + "\n  markMask: \"0xff\"\n  families: "
                + families
                + "\n  wans:\n"
                + String.join("", wans));
    return DualWanProfile.expand(spec.dualWan());
  }

  private static List<String> rules(DualWanProfile.Expansion e) {
    return e.ipRules().stream().map(DualWanProfileTest::describe).toList();
  }

  private static String describe(IpRuleSpec r) {
    return r.resolvedFamily()
        + " "
        + r.priority()
        + (r.from() == null ? "" : " from " + r.from())
        + (r.fwmark() == null ? "" : " fwmark " + r.fwmark())
        + " lookup "
        + r.table()
        + (r.suppressPrefixLength() == null
            ? ""
            : " suppress_prefixlength " + r.suppressPrefixLength());
  }

  @Test
  void rulesSuppressTheMainDefaultBeforeTheWanTablesAndFollowTheTableIds() throws Exception {
    assertThat(rules(expand("nftables", "both", ISP1, ISP2)))
        .containsExactly(
            "ipv4 10110 fwmark 0xa/0xff lookup main suppress_prefixlength 0",
            "ipv4 20110 fwmark 0xa/0xff lookup isp1",
            "ipv4 15110 from 198.51.100.2 lookup main suppress_prefixlength 0",
            "ipv4 25110 from 198.51.100.2 lookup isp1",
            "ipv4 10120 fwmark 0x14/0xff lookup main suppress_prefixlength 0",
            "ipv4 20120 fwmark 0x14/0xff lookup isp2",
            "ipv6 10110 fwmark 0xa/0xff lookup main suppress_prefixlength 0",
            "ipv6 20110 fwmark 0xa/0xff lookup isp1",
            "ipv6 15110 from 2001:db8:1::2 lookup main suppress_prefixlength 0",
            "ipv6 25110 from 2001:db8:1::2 lookup isp1",
            "ipv6 10120 fwmark 0x14/0xff lookup main suppress_prefixlength 0",
            "ipv6 20120 fwmark 0x14/0xff lookup isp2");
  }

  @Test
  void eachWanHasATableWithItsConnectedRouteAndItsDefault() throws Exception {
    List<RouteTableSpec> tables = expand("nftables", "both", ISP1, ISP2).routeTables();
    assertThat(tables).extracting(RouteTableSpec::name).containsExactly("isp1", "isp2");
    assertThat(tables).extracting(RouteTableSpec::id).containsExactly(110L, 120L);
    assertThat(tables.get(0).routes())
        .extracting(r -> r.destination() + " via " + r.via() + " dev " + r.dev() + " " + r.scope())
        .containsExactly(
            "198.51.100.0/24 via null dev wan1 link",
            "default via 198.51.100.1 dev wan1 null",
            "2001:db8:1::/64 via null dev wan1 null",
            "default via 2001:db8:1::1 dev wan1 null");
    // Without an address only the gateway is known to be on the link.
    assertThat(tables.get(1).routes().get(0).destination().toString()).isEqualTo("203.0.113.1");
    assertThat(tables.get(1).routes().get(2).destination().toString()).isEqualTo("2001:db8:2::1");
  }

  @Test
  void sysctlsAreTheRecipesAndLeaveAllRpFilterAlone() throws Exception {
    Map<String, String> sysctl = new LinkedHashMap<>();
    expand("nftables", "both", ISP1, ISP2).sysctl().forEach((k, v) -> sysctl.put(k.name(), v));
    assertThat(sysctl)
        .containsExactly(
            Map.entry("net.ipv4.tcp_fwmark_accept", "1"),
            Map.entry("net.ipv4.fwmark_reflect", "1"),
            Map.entry("net.ipv6.fwmark_reflect", "1"),
            Map.entry("net.ipv4.conf.wan1.src_valid_mark", "1"),
            Map.entry("net.ipv4.conf.wan1.rp_filter", "2"),
            Map.entry("net.ipv4.conf.wan2.src_valid_mark", "1"),
            Map.entry("net.ipv4.conf.wan2.rp_filter", "2"));
  }

  @Test
  void aVlanWanUsesTheSlashFormInSysctlNames() throws Exception {
    var e =
        expand(
            "iptables",
            "ipv4",
            "    - { name: isp1, interface: eth0.100, mark: 1, table: 101, gateway: 198.51.100.1 }\n");
    assertThat(e.sysctl()).containsKey(SysctlKey.of("net.ipv4.conf.eth0/100.rp_filter"));
  }

  @Test
  void nftablesMarksNewInboundConnectionsWithinTheMaskAndRestoresInPreroutingAndOutput()
      throws Exception {
    var e = expand("nftables", "both", ISP2, ISP1);
    assertThat(e.iptables()).isEmpty();
    assertThat(e.nftables()).hasSize(1);
    assertThat(e.nftables().get(0).table().toString()).isEqualTo("inet dualwan");
    String nd =
        "  icmpv6 type { nd-router-solicit, nd-router-advert, nd-neighbor-solicit,"
            + " nd-neighbor-advert, nd-redirect } counter return";
    String restore1 =
        "  ct mark & 0x000000ff == 0x0000000a meta mark set meta mark & 0xffffff00 | 0x0000000a"
            + " comment \"isp1\"";
    String restore2 =
        "  ct mark & 0x000000ff == 0x00000014 meta mark set meta mark & 0xffffff00 | 0x00000014"
            + " comment \"isp2\"";
    assertThat(e.nftables().get(0).definition().split("\n"))
        .containsExactly(
            "chain prerouting {",
            "  type filter hook prerouting priority mangle; policy accept;",
            nd,
            "  ct state new iifname \"wan1\" ct mark set ct mark & 0xffffff00 | 0x0000000a"
                + " comment \"isp1\"",
            "  ct state new iifname \"wan2\" ct mark set ct mark & 0xffffff00 | 0x00000014"
                + " comment \"isp2\"",
            restore1,
            restore2,
            "}",
            "chain output {",
            "  type route hook output priority mangle; policy accept;",
            nd,
            restore1,
            restore2,
            "}");
  }

  @Test
  void anIpv4OnlyNftTableMatchesIpv4AndHasNoNeighbourDiscoveryRule() throws Exception {
    String def =
        expand("nftables", "ipv4", ISP1.replaceAll(", gateway6: [^,]*, address6: [^ ]*", ""))
            .nftables()
            .get(0)
            .definition();
    assertThat(def).doesNotContain("icmpv6");
    assertThat(def)
        .contains("  meta nfproto ipv4 ct state new iifname \"wan1\" ct mark set")
        .contains("  meta nfproto ipv4 ct mark & 0x000000ff == 0x0000000a");
  }

  @Test
  void iptablesMarksWithSetXmarkAndRestoresWithMasksInBothFamilies() throws Exception {
    var e = expand("iptables", "both", ISP1, ISP2);
    assertThat(e.nftables()).isEmpty();
    assertThat(e.iptables())
        .extracting(IptablesChainSpec::key)
        .containsExactly(
            "ipv4 mangle NC-DUALWAN-PRE",
            "ipv4 mangle NC-DUALWAN-OUT",
            "ipv6 mangle NC-DUALWAN-PRE",
            "ipv6 mangle NC-DUALWAN-OUT");
    assertThat(e.iptables())
        .extracting(IptablesChainSpec::jumpFrom)
        .containsExactly("PREROUTING", "OUTPUT", "PREROUTING", "OUTPUT");
    assertThat(e.iptables().get(0).rules())
        .containsExactly(
            "-i wan1 -m conntrack --ctstate NEW -j CONNMARK --set-xmark 0xa/0xff",
            "-i wan2 -m conntrack --ctstate NEW -j CONNMARK --set-xmark 0x14/0xff",
            "-j CONNMARK --restore-mark --nfmask 0xff --ctmask 0xff");
    assertThat(e.iptables().get(1).rules())
        .containsExactly("-j CONNMARK --restore-mark --nfmask 0xff --ctmask 0xff");
    List<String> nd =
        Arrays.stream(new int[] {133, 134, 135, 136, 137})
            .mapToObj(t -> "-p ipv6-icmp -m icmp6 --icmpv6-type " + t + " -j RETURN")
            .toList();
    assertThat(e.iptables().get(2).rules()).startsWith(nd.toArray(String[]::new));
    assertThat(e.iptables().get(3).rules()).startsWith(nd.toArray(String[]::new)).hasSize(6);
  }

  @Test
  void theSandboxGetsEachWanWithItsAddressesAndGateways() throws Exception {
    assertThat(expand("nftables", "both", ISP1, ISP2).interfaces())
        .containsExactly(
            new SandboxInterface(
                "wan1",
                List.of("198.51.100.2/24", "2001:db8:1::2/64"),
                List.of("198.51.100.1", "2001:db8:1::1")),
            new SandboxInterface("wan2", List.of(), List.of("203.0.113.1", "2001:db8:2::1")));
  }

  @Test
  void addingAThirdWanOrRemovingOneLeavesTheOthersResourcesAsTheyWere() throws Exception {
    for (String backend : new String[] {"nftables", "iptables"}) {
      var two = expand(backend, "both", ISP1, ISP2);
      var three = expand(backend, "both", ISP3, ISP1, ISP2);
      var one = expand(backend, "both", ISP2);

      assertThat(three.routeTables()).containsAll(two.routeTables());
      assertThat(rules(three)).containsAll(rules(two));
      assertThat(three.sysctl().entrySet()).containsAll(two.sysctl().entrySet());
      assertThat(lines(three)).containsAll(lines(two));
      // isp3: two rules per family, two more for its IPv4 address.
      assertThat(rules(three)).hasSize(rules(two).size() + 6);

      assertThat(two.routeTables()).containsAll(one.routeTables());
      assertThat(rules(two)).containsAll(rules(one));
      assertThat(lines(two)).containsAll(lines(one));
    }
  }

  @Test
  void theOrderOfTheWansInTheFileChangesNothing() throws Exception {
    var a = expand("nftables", "both", ISP1, ISP2, ISP3);
    var b = expand("nftables", "both", ISP3, ISP2, ISP1);
    assertThat(b.routeTables()).isEqualTo(a.routeTables());
    assertThat(b.ipRules()).isEqualTo(a.ipRules());
    assertThat(b.nftables()).isEqualTo(a.nftables());
    assertThat(b.sysctl()).isEqualTo(a.sysctl());
  }

  @Test
  void aFullMaskSetsTheMarkWhole() throws Exception {
    HostStateSpec spec =
        DualWanSpecTest.parse(
            "dualWan:\n  backend: nftables\n  markMask: 0xffffffff\n  wans:\n"
                + "    - { name: isp1, interface: wan1, mark: 10, table: 110,"
                + " gateway: 198.51.100.1 }\n");
    String def = DualWanProfile.expand(spec.dualWan()).nftables().get(0).definition();
    assertThat(def)
        .contains("ct mark set 0x0000000a")
        .contains("ct mark & 0xffffffff == 0x0000000a meta mark set 0x0000000a");
  }

  /** The chain rules or nft lines of an expansion, as one list. */
  private static List<String> lines(DualWanProfile.Expansion e) {
    return e.nftables().isEmpty()
        ? e.iptables().stream()
            .flatMap(c -> c.rules().stream().map(r -> c.key() + " " + r))
            .collect(Collectors.toList())
        : Arrays.asList(e.nftables().get(0).definition().split("\n"));
  }
}
