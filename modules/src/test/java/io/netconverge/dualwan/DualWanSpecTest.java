package io.netconverge.dualwan;

import static org.assertj.core.api.Assertions.assertThat;

import io.netconverge.Netconverge;
import io.netconverge.core.spec.InvalidSpecException;
import io.netconverge.core.spec.SpecProblem;
import io.netconverge.hoststate.HostStateSpec;
import org.junit.jupiter.api.Test;

class DualWanSpecTest {

  private static final String HEAD = "apiVersion: netconverge/v1\nkind: HostState\n";

  static final String TWO_WANS =
      "dualWan:\n"
          + "  backend: nftables\n"
          + "  markMask: \"0xff\"\n"
          + "  wans:\n"
          + "    - { name: isp1, interface: wan1, mark: 10, table: 110, gateway: 198.51.100.1,"
          + " address: 198.51.100.2/24 }\n"
          + "    - { name: isp2, interface: wan2, mark: 0x14, table: 120, gateway: 203.0.113.1 }\n";

  static HostStateSpec parse(String body) throws InvalidSpecException {
    return Netconverge.loader().parse(HEAD + body, "f.yaml", HostStateSpec.class);
  }

  private static SpecProblem problem(String body) {
    try {
      parse(body);
    } catch (InvalidSpecException e) {
      return e.problems().get(0);
    }
    throw new AssertionError("expected the file to be rejected");
  }

  /** TWO_WANS with {@code from} replaced by {@code to} (once), to break one field. */
  private static SpecProblem problemWith(String from, String to) {
    assertThat(TWO_WANS).contains(from);
    return problem(TWO_WANS.replaceFirst(java.util.regex.Pattern.quote(from), to));
  }

  @Test
  void bindsTheProfileWithMarksInDecimalOrHex() throws Exception {
    DualWanSpec spec = parse(TWO_WANS).dualWan();
    assertThat(spec.backend()).isEqualTo(Backend.NFTABLES);
    assertThat(spec.markMask().value()).isEqualTo(0xff);
    assertThat(spec.families()).isEqualTo(Families.IPV4);
    assertThat(spec.wans()).extracting(w -> w.mark().value()).containsExactly(10L, 20L);
    assertThat(spec.wans().get(0).address().subnet().toString()).isEqualTo("198.51.100.0/24");
    assertThat(spec.wans().get(1).address()).isNull();
  }

  @Test
  void aMarkOutsideTheMaskIsLocatedAtTheMark() {
    SpecProblem p = problemWith("mark: 0x14", "mark: 0x114");
    assertThat(p.path()).isEqualTo("dualWan.wans[1].mark");
    assertThat(p.line()).isEqualTo(8);
    assertThat(p.message()).contains("0x114").contains("outside markMask 0xff");
  }

  @Test
  void twoWansWithOneMarkAreRejectedAtTheSecond() {
    SpecProblem p = problemWith("mark: 0x14", "mark: 0xa");
    assertThat(p.path()).isEqualTo("dualWan.wans[1].mark");
    assertThat(p.message()).contains("already used by dualWan.wans[0]");
  }

  @Test
  void twoWansWithOneTableOrInterfaceOrNameAreRejected() {
    assertThat(problemWith("table: 120", "table: 110").path()).isEqualTo("dualWan.wans[1].table");
    assertThat(problemWith("interface: wan2", "interface: wan1").path())
        .isEqualTo("dualWan.wans[1].interface");
    assertThat(problemWith("name: isp2", "name: isp1").path()).isEqualTo("dualWan.wans[1].name");
  }

  @Test
  void systemTablesAndTablesBeyondTheRulePrioritiesAreRejected() {
    for (String table : new String[] {"0", "253", "254", "255", "5000"}) {
      SpecProblem p = problemWith("table: 120", "table: " + table);
      assertThat(p.path()).as(table).isEqualTo("dualWan.wans[1].table");
      assertThat(p.message()).as(table).contains("1..4999 except 253-255");
    }
  }

  @Test
  void aMarkWithItsOwnMaskOrZeroIsRejected() {
    assertThat(problemWith("mark: 0x14", "mark: \"0x14/0xff\"").message())
        .contains("its mask is markMask");
    assertThat(problemWith("mark: 0x14", "mark: 0").message()).contains("mark 0");
  }

  @Test
  void aBadInterfaceNameIsLocated() {
    SpecProblem p = problemWith("interface: wan2", "interface: wan2-is-far-too-long");
    assertThat(p.path()).isEqualTo("dualWan.wans[1].interface");
    assertThat(p.line()).isEqualTo(8);
    assertThat(p.message()).contains("at most 15");
  }

  @Test
  void aGatewayOffTheWansSubnetIsRejected() {
    SpecProblem p = problemWith("gateway: 198.51.100.1", "gateway: 198.51.101.1");
    assertThat(p.path()).isEqualTo("dualWan.wans[0].gateway");
    assertThat(p.message()).contains("not on the WAN's subnet 198.51.100.0/24");
  }

  @Test
  void anIpv6GatewayMayBeLinkLocalWhateverTheAddress() throws Exception {
    String file =
        TWO_WANS
            .replace("  wans:", "  families: both\n  wans:")
            .replace(
                "address: 198.51.100.2/24",
                "address: 198.51.100.2/24, gateway6: \"fe80::1\", address6: 2001:db8:1::2/64")
            .replace("gateway: 203.0.113.1", "gateway: 203.0.113.1, gateway6: 2001:db8:2::1");
    assertThat(parse(file).dualWan().wans().get(0).gateway6()).isEqualTo("fe80::1");
    SpecProblem offLink =
        problem(file.replace("2001:db8:2::1", "2001:db8:2::1, address6: 2001:db8:3::2/64"));
    assertThat(offLink.path()).isEqualTo("dualWan.wans[1].gateway6");
    assertThat(offLink.message()).contains("not on the WAN's subnet 2001:db8:3::/64");
  }

  @Test
  void anAddressWithoutPrefixLengthIsRejected() {
    SpecProblem p = problemWith("address: 198.51.100.2/24", "address: 198.51.100.2");
    assertThat(p.path()).isEqualTo("dualWan.wans[0].address");
    assertThat(p.message()).contains("needs its prefix length");
  }

  @Test
  void ipv6NeedsItsGatewayAndIpv4OnlyRefusesOne() {
    SpecProblem missing = problemWith("  wans:", "  families: both\n  wans:");
    assertThat(missing.path()).isEqualTo("dualWan.wans[0]");
    assertThat(missing.message()).contains("'gateway6'");

    SpecProblem unused =
        problemWith("gateway: 203.0.113.1", "gateway: 203.0.113.1, gateway6: 2001:db8:2::1");
    assertThat(unused.path()).isEqualTo("dualWan.wans[1].gateway6");
    assertThat(unused.message()).contains("families is ipv4");

    SpecProblem wrongFamily =
        problem(
            TWO_WANS
                .replace("  wans:", "  families: ipv6\n  wans:")
                .replace(
                    "gateway: 198.51.100.1, address: 198.51.100.2/24", "gateway6: 198.51.100.1")
                .replace("gateway: 203.0.113.1", "gateway6: 2001:db8:2::1"));
    assertThat(wrongFamily.path()).isEqualTo("dualWan.wans[0].gateway6");
    assertThat(wrongFamily.message()).contains("not an ipv6 address");
  }

  @Test
  void unknownKeysAndBackendsAreLocated() {
    SpecProblem key = problemWith("table: 120", "table: 120, weight: 2");
    assertThat(key.path()).isEqualTo("dualWan.wans[1].weight");
    assertThat(key.message()).contains("unknown key 'weight'");

    SpecProblem backend = problemWith("backend: nftables", "backend: shorewall");
    assertThat(backend.path()).isEqualTo("dualWan.backend");
    assertThat(backend.line()).isEqualTo(4);
    assertThat(backend.message()).contains("expected nftables or iptables");
  }

  @Test
  void missingBackendOrMaskOrWansAreNamed() {
    assertThat(problemWith("  backend: nftables\n", "").message()).contains("'backend'");
    assertThat(problemWith("  markMask: \"0xff\"\n", "").message()).contains("'markMask'");
    assertThat(problem("dualWan:\n  backend: iptables\n  markMask: 0xff\n").message())
        .contains("'wans'");
  }

  @Test
  void anExplicitDeclarationThatContradictsTheProfileIsLocatedWhereItIsWritten() {
    SpecProblem sysctl = problem("sysctl:\n  net.ipv4.conf.wan1.rp_filter: 1\n" + TWO_WANS);
    assertThat(sysctl.path()).isEqualTo("sysctl[\"net.ipv4.conf.wan1.rp_filter\"]");
    assertThat(sysctl.line()).isEqualTo(4);
    assertThat(sysctl.message()).contains("dualWan needs net.ipv4.conf.wan1.rp_filter = 2");

    SpecProblem table =
        problem("routeTables:\n  - name: other\n    id: 120\n    routes: []\n" + TWO_WANS);
    assertThat(table.path()).isEqualTo("routeTables[0]");
    assertThat(table.message()).contains("dualWan's table of isp2");

    SpecProblem rule =
        problem("ipRules:\n  - { priority: 20110, fwmark: 7, table: 7 }\n" + TWO_WANS);
    assertThat(rule.path()).isEqualTo("ipRules[0].priority");
    assertThat(rule.message()).contains("one of dualWan's rules");

    SpecProblem nft =
        problem("nftables:\n  - { table: inet dualwan, definition: \"\" }\n" + TWO_WANS);
    assertThat(nft.path()).isEqualTo("nftables[0].table");

    SpecProblem chain =
        problem(
            "iptables:\n  - { family: ipv4, table: mangle, chain: NC-DUALWAN-PRE,"
                + " jumpFrom: PREROUTING, rules: [] }\n"
                + TWO_WANS.replace("backend: nftables", "backend: iptables"));
    assertThat(chain.path()).isEqualTo("iptables[0].chain");
    assertThat(chain.line()).isEqualTo(4);
    assertThat(chain.message()).contains("is dualWan's (backend iptables)");
  }

  @Test
  void anExplicitDeclarationThatAgreesWithTheProfileIsFine() throws Exception {
    HostStateSpec spec =
        parse(
            "sysctl:\n  net.ipv4.ip_forward: 1\n  net.ipv4.conf.wan1.rp_filter: 2\n"
                + "ipRules:\n  - { priority: 100, to: 192.0.2.0/24, table: main }\n"
                + TWO_WANS);
    HostStateSpec expanded = spec.expanded();
    assertThat(expanded.dualWan()).isNull();
    assertThat(expanded.sysctl())
        .containsEntry(io.netconverge.sysctl.SysctlKey.of("net.ipv4.ip_forward"), "1");
    assertThat(expanded.ipRules().get(0).priority()).isEqualTo(100L);
    assertThat(expanded.ipRules()).hasSize(1 + 6);
    assertThat(expanded.routeTables()).extracting(t -> t.name()).containsExactly("isp1", "isp2");
    assertThat(expanded.nftables()).hasSize(1);
    // Backend nftables: no chain, only the profile's own iptables chains looked for, to remove.
    assertThat(expanded.iptables()).isEmpty();
    assertThat(expanded.retiredIptablesChains())
        .contains(io.netconverge.iptables.ChainSweep.named("NC-DUALWAN-"));
    assertThat(expanded.retiredNftTables()).isEmpty();
  }

  @Test
  void backendIptablesRetiresTheNftTableAndBackendNftablesTheChains() throws Exception {
    HostStateSpec iptables = parse(TWO_WANS.replace("backend: nftables", "backend: iptables"));
    HostStateSpec expanded = iptables.expanded();
    assertThat(expanded.nftables()).isEmpty();
    assertThat(expanded.retiredNftTables()).containsExactly(DualWanProfile.NFT_TABLE);
    assertThat(expanded.retiredIptablesChains()).isEmpty();
    assertThat(expanded.ownsNftTables()).as("no sweep of other tables").isFalse();
    // The file's own iptables key: its chains are declared, and none is only retired.
    HostStateSpec own =
        parse(
            "iptables:\n  - { family: ipv4, table: mangle, chain: MINE, jumpFrom: PREROUTING,"
                + " rules: [] }\n"
                + TWO_WANS);
    assertThat(own.expanded().retiredIptablesChains()).isEmpty();
    assertThat(own.expanded().iptables()).hasSize(1);
  }

  @Test
  void gatewaysFromDhcpAndRouterAdvertisementsAreAccepted() throws Exception {
    DualWanSpec spec =
        parse(
                "dualWan:\n  backend: nftables\n  markMask: \"0xff\"\n  families: both\n"
                    + "  wans:\n"
                    + "    - { name: isp1, interface: wan1, mark: 10, table: 110, gateway: dhcp,"
                    + " gateway6: ra }\n")
            .dualWan();
    assertThat(spec.wans().get(0).dynamicGateway(io.netconverge.core.net.Family.IPV4)).isTrue();
    assertThat(spec.hasDynamicGateways()).isTrue();
  }

  @Test
  void raIsNoSourceOfIpv4Gateways() {
    SpecProblem p = problemWith("gateway: 198.51.100.1", "gateway: ra");
    assertThat(p.path()).isEqualTo("dualWan.wans[0].gateway");
    assertThat(p.message()).contains("write gateway: dhcp or an address");
  }

  @Test
  void aMisspelledDhcpSaysWhatIsAccepted() {
    SpecProblem p = problemWith("gateway: 198.51.100.1", "gateway: dchp");
    assertThat(p.path()).isEqualTo("dualWan.wans[0].gateway");
    assertThat(p.message()).contains("dhcp");
  }

  @Test
  void trackIsValidatedFieldByField() {
    String tracked = " address: 198.51.100.2/24, track: { targets: [192.0.2.53], %s } }";
    SpecProblem p =
        problemWith(" address: 198.51.100.2/24 }", String.format(tracked, "interval: 5x"));
    assertThat(p.path()).isEqualTo("dualWan.wans[0].track.interval");
    assertThat(p.message()).contains("'5x' is not a duration");
    p = problemWith(" address: 198.51.100.2/24 }", String.format(tracked, "reliability: 2"));
    assertThat(p.path()).isEqualTo("dualWan.wans[0].track.reliability");
    p = problemWith(" address: 198.51.100.2/24 }", String.format(tracked, "maxLoss: 101"));
    assertThat(p.path()).isEqualTo("dualWan.wans[0].track.maxLoss");
    p = problemWith(" address: 198.51.100.2/24 }", String.format(tracked, "dwn: 2"));
    assertThat(p.message()).contains("dwn");
    p =
        problemWith(
            " address: 198.51.100.2/24 }",
            " address: 198.51.100.2/24, track: { targets: [example.com] } }");
    assertThat(p.path()).isEqualTo("dualWan.wans[0].track.targets[0]");
  }

  @Test
  void aHookIsAnArgvWithAProgram() {
    SpecProblem p =
        problemWith(
            " address: 198.51.100.2/24 }", " address: 198.51.100.2/24, hooks: { down: [[]] } }");
    assertThat(p.path()).isEqualTo("dualWan.wans[0].hooks.down[0]");
    p =
        problemWith(
            " address: 198.51.100.2/24 }",
            " address: 198.51.100.2/24, hooks: { up: [[A=1, /bin/true]] } }");
    assertThat(p.path()).isEqualTo("dualWan.wans[0].hooks.up[0]");
  }

  @Test
  void hooksRunOnlyWhenTheFileAllowsThem() throws Exception {
    String withHook =
        TWO_WANS.replace(
            " address: 198.51.100.2/24 }",
            " address: 198.51.100.2/24, hooks: { down: [[/usr/bin/logger, down]] } }");
    SpecProblem p = problem(withHook);
    assertThat(p.path()).isEqualTo("dualWan.wans[0].hooks");
    assertThat(p.line()).isEqualTo(7);
    assertThat(p.message()).contains("allowHooks: true");
    HostStateSpec allowed = parse("allowHooks: true\n" + withHook);
    assertThat(allowed.hooksAllowed()).isTrue();
    assertThat(allowed.dualWan().wans().get(0).hooks().down())
        .containsExactly(java.util.List.of("/usr/bin/logger", "down"));
    // An empty hooks section runs nothing: no opt-in needed.
    assertThat(
            parse(
                    TWO_WANS.replace(
                        " address: 198.51.100.2/24 }",
                        " address: 198.51.100.2/24, hooks: { down: [] } }"))
                .hooksAllowed())
        .isFalse();
  }

  @Test
  void aHookProgramIsAnAbsolutePathAndEveryArgumentOneLine() {
    for (String argv :
        new String[] {
          "[logger, down]",
          "[./notify]",
          "[\"\"]",
          "[/usr/bin/]",
          "[\"/bin/echo\\nid\", x]",
          "[/bin/echo, \"a\\nb\"]",
          "[/bin/echo, ~]",
          "[\"-/bin/true\"]"
        }) {
      SpecProblem p =
          problem(
              "allowHooks: true\n"
                  + TWO_WANS.replace(
                      " address: 198.51.100.2/24 }",
                      " address: 198.51.100.2/24, hooks: { up: [" + argv + "] } }"));
      assertThat(p.path()).as(argv).isEqualTo("dualWan.wans[0].hooks.up[0]");
    }
  }

  @Test
  void theDefaultTableIsNoWansTable() {
    SpecProblem p = problemWith("  wans:\n", "  defaultTable: 120\n  wans:\n");
    assertThat(p.path()).isEqualTo("dualWan.defaultTable");
    assertThat(p.message()).contains("already used by dualWan.wans[1]");
    p = problemWith("  wans:\n", "  defaultTable: 254\n  wans:\n");
    assertThat(p.path()).isEqualTo("dualWan.defaultTable");
  }

  @Test
  void anExplicitTableMayNotTakeTheIdOfADhcpWansTable() {
    SpecProblem p =
        problem(
            TWO_WANS.replace("gateway: 198.51.100.1,", "gateway: dhcp,")
                + "routeTables:\n  - { name: other, id: 110, routes: [] }\n");
    assertThat(p.path()).isEqualTo("routeTables[0]");
    assertThat(p.message()).contains("dualWan's table of isp1");
  }
}
