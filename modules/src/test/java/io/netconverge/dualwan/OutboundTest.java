package io.netconverge.dualwan;

import static org.assertj.core.api.Assertions.assertThat;

import io.netconverge.core.net.Family;
import io.netconverge.iptables.IptablesChainSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OutboundTest {

  static final String ISP1 =
      "    - { name: isp1, interface: wan1, mark: 10, table: 110, gateway: 198.51.100.1,"
          + " address: 198.51.100.2/24, families: ipv4, masquerade: true }\n";
  static final String ISP2 =
      "    - { name: isp2, interface: wan2, mark: 20, table: 120, gateway: 203.0.113.1,"
          + " gateway6: 2001:db8:2::1, snat: 203.0.113.2, snat6: 2001:db8:2::2 }\n";
  static final String ISP3 =
      "    - { name: isp3, interface: wan3, mark: 30, table: 130, gateway: 192.0.2.1,"
          + " gateway6: 2001:db8:3::1, masquerade: ipv4 }\n";

  static final String BALANCE =
      "  balance:\n    weights: { isp1: 3, isp2: 1 }\n    sticky: { by: source, timeout: 10m }\n";
  static final String POLICIES =
      "  policies:\n"
          + "    - { to: 198.18.0.20/32, use: isp2 }\n"
          + "    - { to: \"2001:db8:ff::/48\", protocol: tcp, port: 443, use: main }\n"
          + "    - { interface: lan1, protocol: udp, port: 5000-5010, use: isp1 }\n"
          + "    - { from: 192.0.2.64/26, use: balance }\n";
  static final String FORWARDS =
      "  portForwards:\n"
          + "    - { wan: any, protocol: tcp, port: 8080, to: \"192.0.2.10:7002\" }\n"
          + "    - { wan: isp2, protocol: udp, port: 6000-6010, to: \"2001:db8:100::10\" }\n";

  static DualWanSpec spec(String backend, String wans, String rest) throws Exception {
    return DualWanSpecTest.parse(
            "dualWan:\n  backend: "
                + backend
                + "\n  markMask: \"0xff\"\n  families: both\n  wans:\n"
                + wans
                + rest)
        .dualWan();
  }

  static String nft(DualWanSpec spec) {
    return DualWanProfile.expand(spec).nftables().get(0).definition();
  }

  static List<String> lines(String text) {
    return Arrays.stream(text.split("\n")).map(String::strip).toList();
  }

  static List<String> iptables(DualWanSpec spec, Family family, String chain) {
    return iptables(DualWanProfile.expand(spec), family, chain);
  }

  static List<String> iptables(DualWanProfile.Expansion e, Family family, String chain) {
    return e.iptables().stream()
        .filter(c -> c.family() == family && c.chain().equals(chain))
        .findFirst()
        .map(IptablesChainSpec::rules)
        .orElse(List.of());
  }

  /** The lines of {@code after} that {@code before} lacks, and the reverse, as one list each. */
  static List<List<String>> difference(List<String> before, List<String> after) {
    List<String> added = new ArrayList<>(after);
    before.forEach(added::remove);
    List<String> removed = new ArrayList<>(before);
    after.forEach(removed::remove);
    return List.of(added, removed);
  }

  static List<String> allIptablesLines(DualWanSpec spec) {
    List<String> lines = new ArrayList<>();
    for (IptablesChainSpec c : DualWanProfile.expand(spec).iptables()) {
      c.rules().forEach(r -> lines.add(c.key() + " " + r));
    }
    return lines;
  }

  @Test
  void newLanConnectionsArePinnedByPoliciesInOrderThenStickyBalanced() throws Exception {
    String nft = nft(spec("nftables", ISP1 + ISP2, BALANCE + POLICIES));
    assertThat(lines(nft))
        .containsSubsequence(
            "chain prerouting {",
            "ct state new iifname \"wan2\" ct mark set ct mark & 0xffffff00 | 0x00000014 comment"
                + " \"isp2\"",
            // After the inbound marking, before the restore: the choice is routed at once.
            "ct state new ct mark & 0x000000ff == 0x00000000 jump outbound",
            "meta nfproto ipv4 ct mark & 0x000000ff == 0x0000000a meta mark set meta mark &"
                + " 0xffffff00 | 0x0000000a comment \"isp1\"")
        .containsSubsequence(
            "chain outbound {",
            "iifname \"wan1\" return",
            "iifname \"wan2\" return",
            "fib daddr type { local, broadcast, multicast } return",
            "ip daddr 198.18.0.20 goto to-isp2",
            "ip6 daddr 2001:db8:ff::/48 tcp dport 443 return",
            // isp1 carries IPv4 only: the pin says so.
            "meta nfproto ipv4 iifname \"lan1\" udp dport 5000-5010 goto to-isp1",
            "ip saddr 192.0.2.64/26 goto balance",
            "goto balance",
            "}")
        .containsSubsequence(
            "chain balance {",
            "ip saddr @sticky4-isp1 goto sticky-isp1",
            "ip saddr @sticky4-isp2 goto sticky-isp2",
            "ip6 saddr @sticky6-isp2 goto sticky-isp2",
            "meta nfproto ipv4 numgen random mod 4 vmap { 0-2 : goto sticky-isp1, 3 : goto"
                + " sticky-isp2 }",
            "meta nfproto ipv6 goto sticky-isp2",
            "}",
            "chain sticky-isp1 {",
            "update @sticky4-isp1 { ip saddr }",
            "goto to-isp1",
            "}")
        .containsSubsequence(
            "chain to-isp2 {",
            "ct mark set ct mark & 0xffffff00 | 0x00000014 comment \"isp2\"",
            "}");
    assertThat(nft)
        .contains("set sticky6-isp2 { typeof ip6 saddr; flags dynamic,timeout; timeout 600s; }\n");
    assertThat(nft).doesNotContain("sticky6-isp1");
  }

  @Test
  void sourceNatMatchesTheWansInterfaceAndItsMarkOrNone() throws Exception {
    String nft = nft(spec("nftables", ISP1 + ISP2 + ISP3, ""));
    assertThat(lines(nft))
        .containsSubsequence(
            "chain nat-postrouting {",
            "type nat hook postrouting priority srcnat; policy accept;",
            "oifname \"wan1\" meta mark & 0x000000ff { 0x00000000, 0x0000000a } masquerade"
                + " comment \"isp1\"",
            "oifname \"wan2\" meta nfproto ipv4 meta mark & 0x000000ff { 0x00000000, 0x00000014 }"
                + " snat ip to 203.0.113.2 comment \"isp2\"",
            "oifname \"wan2\" meta nfproto ipv6 meta mark & 0x000000ff { 0x00000000, 0x00000014 }"
                + " snat ip6 to 2001:db8:2::2 comment \"isp2\"",
            // isp3 carries both families and masquerades IPv4 only.
            "oifname \"wan3\" meta nfproto ipv4 meta mark & 0x000000ff { 0x00000000, 0x0000001e"
                + " } masquerade comment \"isp3\"",
            "}");
    // Without a balance or policy, LAN connections keep following main: nothing chooses.
    assertThat(nft).doesNotContain("jump outbound").doesNotContain("chain outbound");

    DualWanSpec ipt = spec("iptables", ISP1 + ISP2 + ISP3, "");
    assertThat(iptables(ipt, Family.IPV4, Outbound.SNAT_CHAIN))
        .containsExactly(
            "-o wan1 -m mark --mark 0xa/0xff -j MASQUERADE",
            "-o wan1 -m mark --mark 0x0/0xff -j MASQUERADE",
            "-o wan2 -m mark --mark 0x14/0xff -j SNAT --to-source 203.0.113.2",
            "-o wan2 -m mark --mark 0x0/0xff -j SNAT --to-source 203.0.113.2",
            "-o wan3 -m mark --mark 0x1e/0xff -j MASQUERADE",
            "-o wan3 -m mark --mark 0x0/0xff -j MASQUERADE");
    assertThat(iptables(ipt, Family.IPV6, Outbound.SNAT_CHAIN))
        .containsExactly(
            "-o wan2 -m mark --mark 0x14/0xff -j SNAT --to-source 2001:db8:2::2",
            "-o wan2 -m mark --mark 0x0/0xff -j SNAT --to-source 2001:db8:2::2");
    assertThat(iptables(ipt, Family.IPV4, Outbound.OUTBOUND_CHAIN)).isEmpty();
    IptablesChainSpec snat =
        DualWanProfile.expand(ipt).iptables().stream()
            .filter(c -> c.chain().equals(Outbound.SNAT_CHAIN))
            .findFirst()
            .orElseThrow();
    assertThat(snat.table().toString()).isEqualTo("nat");
    assertThat(snat.jumpFrom()).isEqualTo("POSTROUTING");
  }

  @Test
  void iptablesBalanceGivesEachRuleItsShareOfWhatTheRulesBeforeLeft() throws Exception {
    String wans =
        ISP1
            + ISP2
            + "    - { name: isp3, interface: wan3, mark: 30, table: 130, gateway: 192.0.2.1,"
            + " families: ipv4 }\n";
    DualWanSpec spec =
        spec("iptables", wans, "  balance:\n    weights: { isp3: 2, isp1: 1, isp2: 1 }\n");
    assertThat(iptables(spec, Family.IPV4, Outbound.OUTBOUND_CHAIN))
        .containsExactly(
            "-m conntrack ! --ctstate NEW -j RETURN",
            "-m connmark ! --mark 0x0/0xff -j RETURN",
            "-i wan1 -j RETURN",
            "-i wan2 -j RETURN",
            "-i wan3 -j RETURN",
            "-m addrtype --dst-type LOCAL -j RETURN",
            "-m addrtype --dst-type MULTICAST -j RETURN",
            "-m addrtype --dst-type BROADCAST -j RETURN",
            "-m connmark --mark 0x0/0xff -m statistic --mode random --probability 0.2500000000 -j"
                + " CONNMARK --set-xmark 0xa/0xff",
            "-m connmark --mark 0x0/0xff -m statistic --mode random --probability 0.3333333333 -j"
                + " CONNMARK --set-xmark 0x14/0xff",
            "-m connmark --mark 0x0/0xff -j CONNMARK --set-xmark 0x1e/0xff",
            "-j CONNMARK --restore-mark --nfmask 0xff --ctmask 0xff");
    // Only isp2 carries IPv6: every IPv6 connection goes there, no chance involved.
    assertThat(iptables(spec, Family.IPV6, Outbound.OUTBOUND_CHAIN))
        .contains("-m connmark --mark 0x0/0xff -j CONNMARK --set-xmark 0x14/0xff")
        .noneMatch(r -> r.contains("statistic") || r.contains("BROADCAST"));
    IptablesChainSpec chain =
        DualWanProfile.expand(spec).iptables().stream()
            .filter(c -> c.chain().equals(Outbound.OUTBOUND_CHAIN))
            .findFirst()
            .orElseThrow();
    assertThat(chain.jumpFrom()).isEqualTo("PREROUTING");
    assertThat(chain.position().toString()).isEqualTo("last");
  }

  @Test
  void iptablesStickyBalanceChecksEachWansRecentListFirstAndRecordsTheChoice() throws Exception {
    DualWanSpec spec = spec("iptables", ISP1 + ISP2, BALANCE);
    assertThat(iptables(spec, Family.IPV4, Outbound.OUTBOUND_CHAIN))
        .containsSubsequence(
            "-m connmark --mark 0x0/0xff -m recent --update --seconds 600 --reap --name ncdw-isp1"
                + " --rsource -j CONNMARK --set-xmark 0xa/0xff",
            "-m connmark --mark 0x0/0xff -m recent --update --seconds 600 --reap --name ncdw-isp2"
                + " --rsource -j CONNMARK --set-xmark 0x14/0xff",
            "-m connmark --mark 0x0/0xff -m statistic --mode random --probability 0.7500000000 -m"
                + " recent --set --name ncdw-isp1 --rsource -j CONNMARK --set-xmark 0xa/0xff",
            "-m connmark --mark 0x0/0xff -m recent --set --name ncdw-isp2 --rsource -j CONNMARK"
                + " --set-xmark 0x14/0xff",
            "-j CONNMARK --restore-mark --nfmask 0xff --ctmask 0xff");
    assertThat(iptables(spec, Family.IPV6, Outbound.OUTBOUND_CHAIN))
        .anyMatch(r -> r.contains("--name ncdw6-isp2"))
        .noneMatch(r -> r.contains("isp1"));
  }

  @Test
  void portForwardsListenOnTheirWansInTheirFamily() throws Exception {
    String nft = nft(spec("nftables", ISP1 + ISP2, FORWARDS));
    assertThat(lines(nft))
        .containsSubsequence(
            "chain nat-prerouting {",
            "type nat hook prerouting priority dstnat; policy accept;",
            "iifname \"wan1\" meta nfproto ipv4 tcp dport 8080 dnat ip to 192.0.2.10:7002",
            "iifname \"wan2\" meta nfproto ipv4 tcp dport 8080 dnat ip to 192.0.2.10:7002",
            "iifname \"wan2\" meta nfproto ipv6 udp dport 6000-6010 dnat ip6 to 2001:db8:100::10",
            "}");
    DualWanSpec ipt =
        spec(
            "iptables",
            ISP1 + ISP2,
            FORWARDS
                + "    - { wan: isp2, protocol: tcp, port: 80, to: \"[2001:db8:100::10]:8080\""
                + " }\n");
    assertThat(iptables(ipt, Family.IPV4, Outbound.DNAT_CHAIN))
        .containsExactly(
            "-i wan1 -p tcp --dport 8080 -j DNAT --to-destination 192.0.2.10:7002",
            "-i wan2 -p tcp --dport 8080 -j DNAT --to-destination 192.0.2.10:7002");
    assertThat(iptables(ipt, Family.IPV6, Outbound.DNAT_CHAIN))
        .containsExactly(
            "-i wan2 -p udp --dport 6000:6010 -j DNAT --to-destination 2001:db8:100::10",
            "-i wan2 -p tcp --dport 80 -j DNAT --to-destination [2001:db8:100::10]:8080");
  }

  @Test
  void anInactiveWanLeavesTheChoiceButKeepsItsInboundMarkingNatAndForwards() throws Exception {
    for (String backend : List.of("nftables", "iptables")) {
      DualWanSpec spec = spec(backend, ISP1 + ISP2, BALANCE + POLICIES + FORWARDS);
      DualWanProfile.Expansion all = DualWanProfile.expand(spec);
      DualWanProfile.Expansion without = DualWanProfile.expand(spec, Set.of("isp1"));
      if (backend.equals("nftables")) {
        String nft = without.nftables().get(0).definition();
        assertThat(lines(nft))
            .contains(
                "ct state new iifname \"wan2\" ct mark set ct mark & 0xffffff00 | 0x00000014"
                    + " comment \"isp2\"",
                "ip saddr @sticky4-isp1 goto sticky-isp1",
                "meta nfproto ipv4 goto sticky-isp1",
                "set sticky6-isp2 { typeof ip6 saddr; flags dynamic,timeout; timeout 600s; }",
                "chain to-isp2 {",
                "iifname \"wan2\" meta nfproto ipv4 tcp dport 8080 dnat ip to 192.0.2.10:7002")
            .noneMatch(l -> l.contains("goto to-isp2") && l.contains("daddr"))
            .noneMatch(l -> l.contains("@sticky4-isp2 goto"))
            .noneMatch(l -> l.contains("numgen"))
            // IPv6 had isp2 alone: it now falls through to the main table.
            .noneMatch(l -> l.startsWith("meta nfproto ipv6 goto"));
        List<List<String>> diff = difference(lines(all.nftables().get(0).definition()), lines(nft));
        assertThat(diff.get(0)).containsExactly("meta nfproto ipv4 goto sticky-isp1");
        assertThat(diff.get(1))
            .containsExactlyInAnyOrder(
                "ip daddr 198.18.0.20 goto to-isp2",
                "ip saddr @sticky4-isp2 goto sticky-isp2",
                "ip6 saddr @sticky6-isp2 goto sticky-isp2",
                "meta nfproto ipv4 numgen random mod 4 vmap { 0-2 : goto sticky-isp1, 3 : goto"
                    + " sticky-isp2 }",
                "meta nfproto ipv6 goto sticky-isp2");
      } else {
        List<String> v4 = iptables(without, Family.IPV4, Outbound.OUTBOUND_CHAIN);
        assertThat(v4).noneMatch(r -> r.contains("0x14/0xff") && r.contains("CONNMARK --set"));
        assertThat(iptables(without, Family.IPV4, "NC-DUALWAN-PRE"))
            .contains("-i wan2 -m conntrack --ctstate NEW -j CONNMARK --set-xmark 0x14/0xff");
        assertThat(iptables(without, Family.IPV4, Outbound.SNAT_CHAIN))
            .isEqualTo(iptables(all, Family.IPV4, Outbound.SNAT_CHAIN));
        assertThat(iptables(without, Family.IPV4, Outbound.DNAT_CHAIN))
            .isEqualTo(iptables(all, Family.IPV4, Outbound.DNAT_CHAIN));
      }
      assertThat(without.ipRules()).isEqualTo(all.ipRules());
      assertThat(without.routeTables()).isEqualTo(all.routeTables());
    }
  }

  @Test
  void addingAPolicyAddsOnlyItsOwnLine() throws Exception {
    String added = "    - { to: 100.64.0.0/10, use: isp1 }\n";
    DualWanSpec before = spec("nftables", ISP1 + ISP2, BALANCE + POLICIES);
    DualWanSpec after = spec("nftables", ISP1 + ISP2, BALANCE + POLICIES + added);
    List<List<String>> diff = difference(lines(nft(before)), lines(nft(after)));
    assertThat(diff.get(0)).containsExactly("ip daddr 100.64.0.0/10 goto to-isp1");
    assertThat(diff.get(1)).isEmpty();

    DualWanSpec ibefore = spec("iptables", ISP1 + ISP2, BALANCE + POLICIES);
    DualWanSpec iafter = spec("iptables", ISP1 + ISP2, BALANCE + POLICIES + added);
    diff = difference(allIptablesLines(ibefore), allIptablesLines(iafter));
    assertThat(diff.get(0))
        .containsExactly(
            "ipv4 mangle NC-DUALWAN-OUTBOUND -m connmark --mark 0x0/0xff -d 100.64.0.0/10 -j"
                + " CONNMARK --set-xmark 0xa/0xff");
    assertThat(diff.get(1)).isEmpty();
  }

  @Test
  void addingAWanAddsOnlyItsOwnLinesAndItsShareOfTheBalance() throws Exception {
    String rest = BALANCE + POLICIES + FORWARDS;
    DualWanSpec before = spec("nftables", ISP1 + ISP2, rest);
    DualWanSpec after = spec("nftables", ISP3 + ISP1 + ISP2, rest);
    List<List<String>> diff = difference(lines(nft(before)), lines(nft(after)));
    assertThat(diff.get(1)).isEmpty();
    assertThat(diff.get(0))
        .isNotEmpty()
        .allMatch(
            l ->
                l.contains("wan3")
                    || l.contains("isp3")
                    || l.equals("}")
                    || l.equals("chain to-isp3 {"));

    // In the balance, its share changes the one line that draws the WAN.
    String balance3 = rest.replace("{ isp1: 3, isp2: 1 }", "{ isp1: 3, isp2: 1, isp3: 4 }");
    DualWanSpec joined = spec("nftables", ISP1 + ISP2 + ISP3, balance3);
    diff = difference(lines(nft(after)), lines(nft(joined)));
    assertThat(diff.get(1))
        .containsExactly(
            "meta nfproto ipv4 numgen random mod 4 vmap { 0-2 : goto sticky-isp1, 3 : goto"
                + " sticky-isp2 }",
            "meta nfproto ipv6 goto sticky-isp2");
    assertThat(diff.get(0))
        .contains(
            "ip saddr @sticky4-isp3 goto sticky-isp3",
            "meta nfproto ipv4 numgen random mod 8 vmap { 0-2 : goto sticky-isp1, 3 : goto"
                + " sticky-isp2, 4-7 : goto sticky-isp3 }",
            "meta nfproto ipv6 numgen random mod 5 vmap { 0 : goto sticky-isp2, 1-4 : goto"
                + " sticky-isp3 }")
        .allMatch(l -> l.contains("isp3") || l.equals("}"));

    DualWanSpec ibefore = spec("iptables", ISP1 + ISP2, rest);
    DualWanSpec iafter = spec("iptables", ISP1 + ISP3 + ISP2, rest);
    diff = difference(allIptablesLines(ibefore), allIptablesLines(iafter));
    assertThat(diff.get(1)).isEmpty();
    assertThat(diff.get(0)).isNotEmpty().allMatch(l -> l.contains("wan3") || l.contains("0x1e"));
  }

  @Test
  void aWanWithoutIpv6GetsNoIpv6TableRulesOrMarking() throws Exception {
    DualWanProfile.Expansion e = DualWanProfile.expand(spec("nftables", ISP1 + ISP2, ""));
    assertThat(e.routeTables().get(0).name()).isEqualTo("isp1");
    assertThat(e.routeTables().get(0).routes())
        .allMatch(r -> !r.toString().contains(":"), "IPv4 routes only");
    assertThat(e.ipRules())
        .filteredOn(r -> r.resolvedFamily() == Family.IPV6)
        .extracting(r -> r.priority())
        .containsExactly(10120L, 20120L);
    assertThat(e.sysctl().keySet().stream().map(Object::toString))
        .contains(
            "net.ipv6.fwmark_reflect",
            "net.ipv4.conf.wan1.rp_filter",
            "net.ipv4.conf.wan2.rp_filter");
    assertThat(e.interfaces())
        .filteredOn(i -> i.name().equals("wan1"))
        .singleElement()
        .satisfies(i -> assertThat(i.toString()).doesNotContain("2001"));
  }

  @Test
  void probabilitiesAreWrittenTheSameWayEveryTime() {
    assertThat(Outbound.probability(1, 3)).isEqualTo("0.3333333333");
    assertThat(Outbound.probability(3, 4)).isEqualTo("0.7500000000");
  }
}
