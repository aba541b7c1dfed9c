package io.netconverge.dualwan;

import static org.assertj.core.api.Assertions.assertThat;

import io.netconverge.core.spec.InvalidSpecException;
import io.netconverge.core.spec.SpecProblem;
import org.junit.jupiter.api.Test;

/** Every outbound key is checked with its file, line and field before anything runs. */
class OutboundSpecTest {

  /** Line 3 is {@code dualWan:}; the WANs are lines 8 and 9, the outbound keys follow. */
  static final String FILE =
      "dualWan:\n"
          + "  backend: nftables\n"
          + "  markMask: \"0xff\"\n"
          + "  families: both\n"
          + "  wans:\n"
          + "    - { name: isp1, interface: wan1, mark: 10, table: 110, gateway: 198.51.100.1,"
          + " families: ipv4, masquerade: true }\n"
          + "    - { name: isp2, interface: wan2, mark: 20, table: 120, gateway: 203.0.113.1,"
          + " gateway6: 2001:db8:2::1, snat: 203.0.113.2 }\n"
          + "  balance:\n"
          + "    weights: { isp1: 3, isp2: 1 }\n"
          + "    sticky: { by: source, timeout: 600s }\n"
          + "  policies:\n"
          + "    - { to: 198.18.0.20/32, use: isp2 }\n"
          + "    - { interface: lan1, protocol: tcp, port: 443, use: balance }\n"
          + "  portForwards:\n"
          + "    - { wan: any, protocol: tcp, port: 8080, to: \"192.0.2.10:7002\" }\n";

  private static SpecProblem problemWith(String from, String to) {
    assertThat(FILE).contains(from);
    try {
      DualWanSpecTest.parse(FILE.replaceFirst(java.util.regex.Pattern.quote(from), to));
    } catch (InvalidSpecException e) {
      return e.problems().get(0);
    }
    throw new AssertionError("expected the file to be rejected");
  }

  @Test
  void theFullFileIsValid() throws Exception {
    DualWanSpec spec = DualWanSpecTest.parse(FILE).dualWan();
    assertThat(spec.balance().weights()).containsEntry("isp1", 3).containsEntry("isp2", 1);
    assertThat(spec.balance().sticky().seconds()).isEqualTo(600);
    assertThat(spec.familiesOf(spec.wans().get(0))).isEqualTo(Families.IPV4);
    assertThat(spec.familiesOf(spec.wans().get(1))).isEqualTo(Families.BOTH);
    assertThat(spec.wans().get(0).masquerade().on()).isTrue();
    assertThat(spec.policies()).hasSize(2);
    assertThat(spec.portForwards()).hasSize(1);
  }

  @Test
  void aWanWithoutIpv6SaysSoWithItsOwnFamilies() {
    SpecProblem p = problemWith(" families: ipv4,", "");
    assertThat(p.path()).isEqualTo("dualWan.wans[0]");
    assertThat(p.line()).isEqualTo(8);
    assertThat(p.message()).contains("gateway6").contains("families: ipv4");
  }

  @Test
  void anIpv6OnlyWanNeedsNoIpv4Gateway() throws Exception {
    String v6only =
        FILE.replace(
            "gateway: 203.0.113.1, gateway6: 2001:db8:2::1, snat: 203.0.113.2",
            "families: ipv6, gateway6: 2001:db8:2::1, masquerade: true");
    DualWanSpec spec =
        DualWanSpecTest.parse(
                v6only
                    .replace(
                        "{ to: 198.18.0.20/32, use: isp2 }", "{ to: 198.18.0.20/32, use: main }")
                    .replace("to: \"192.0.2.10:7002\"", "to: \"[2001:db8:100::10]:80\""))
            .dualWan();
    assertThat(spec.allFamilies()).isEqualTo(Families.BOTH);
    assertThat(DualWanProfile.expand(spec).routeTables().get(1).routes())
        .allMatch(r -> r.toString().contains(":"));
  }

  @Test
  void balanceWeightsNameWansAndAreAtLeastOne() {
    SpecProblem p = problemWith("{ isp1: 3, isp2: 1 }", "{ isp1: 3, isp9: 1 }");
    assertThat(p.path()).isEqualTo("dualWan.balance.weights.isp9");
    assertThat(p.line()).isEqualTo(11);
    assertThat(p.message()).contains("not a WAN");
    assertThat(problemWith("isp2: 1 }", "isp2: 0 }").message()).contains("out of range 1..1000");
    assertThat(problemWith("weights: { isp1: 3, isp2: 1 }", "weights: {}").path())
        .isEqualTo("dualWan.balance");
  }

  @Test
  void stickyIsBySourceWithADuration() {
    SpecProblem by = problemWith("by: source", "by: destination");
    assertThat(by.path()).isEqualTo("dualWan.balance.sticky.by");
    assertThat(by.line()).isEqualTo(12);
    SpecProblem timeout = problemWith("timeout: 600s", "timeout: soon");
    assertThat(timeout.path()).isEqualTo("dualWan.balance.sticky.timeout");
    assertThat(timeout.message()).contains("not a duration");
    assertThat(problemWith("timeout: 600s", "timeout: 2d").message()).contains("not a duration");
    assertThat(problemWith("timeout: 600s", "timeout: 25h").message()).contains("out of range");
  }

  @Test
  void aPolicyUsesAWanTheBalanceOrMain() {
    SpecProblem p = problemWith("use: isp2 }", "use: isp3 }");
    assertThat(p.path()).isEqualTo("dualWan.policies[0].use");
    assertThat(p.line()).isEqualTo(14);
    assertThat(p.message()).contains("'isp3' is not a WAN");
    String noBalance =
        "  balance:\n    weights: { isp1: 3, isp2: 1 }\n    sticky: { by: source, timeout: 600s }\n";
    SpecProblem b = problemWith(noBalance, "");
    assertThat(b.path()).isEqualTo("dualWan.policies[1].use");
    assertThat(b.message()).contains("needs a balance");
    assertThat(problemWith("{ to: 198.18.0.20/32, use: isp2 }", "{ to: 198.18.0.20/32 }").path())
        .isEqualTo("dualWan.policies[0]");
  }

  @Test
  void aPolicysFieldsAreCheckedWhereTheyStand() {
    SpecProblem hostBits = problemWith("to: 198.18.0.20/32", "to: 198.18.0.20/24");
    assertThat(hostBits.path()).isEqualTo("dualWan.policies[0].to");
    assertThat(hostBits.message()).contains("host bits");
    SpecProblem port = problemWith("protocol: tcp, port: 443", "port: 443");
    assertThat(port.path()).isEqualTo("dualWan.policies[1].port");
    assertThat(port.line()).isEqualTo(15);
    assertThat(problemWith("port: 443", "port: 70000").message()).contains("1..65535");
    assertThat(problemWith("protocol: tcp, port: 443", "protocol: gre").path())
        .isEqualTo("dualWan.policies[1].protocol");
    SpecProblem wanItf = problemWith("interface: lan1", "interface: wan2");
    assertThat(wanItf.path()).isEqualTo("dualWan.policies[1].interface");
    assertThat(wanItf.message()).contains("interface of WAN isp2");
    SpecProblem mixed =
        problemWith(
            "{ to: 198.18.0.20/32, use: isp2 }",
            "{ to: 198.18.0.20/32, from: \"2001:db8::/32\", use: isp2 }");
    assertThat(mixed.path()).isEqualTo("dualWan.policies[0].from");
    SpecProblem unknown = problemWith("use: isp2 }", "use: isp2, dport: 80 }");
    assertThat(unknown.line()).isEqualTo(14);
    assertThat(unknown.message()).contains("dport");
  }

  @Test
  void aPolicyPinsAFamilyOnlyToAWanThatCarriesIt() {
    SpecProblem p =
        problemWith("{ to: 198.18.0.20/32, use: isp2 }", "{ to: \"2001:db8::/32\", use: isp1 }");
    assertThat(p.path()).isEqualTo("dualWan.policies[0].use");
    assertThat(p.message()).contains("carries ipv4 only");
  }

  @Test
  void portForwardsNameAWanAProtocolAPortAndATarget() {
    SpecProblem wan = problemWith("wan: any", "wan: isp7");
    assertThat(wan.path()).isEqualTo("dualWan.portForwards[0].wan");
    assertThat(wan.line()).isEqualTo(17);
    assertThat(problemWith("protocol: tcp, port: 8080", "protocol: icmp, port: 8080").path())
        .isEqualTo("dualWan.portForwards[0].protocol");
    assertThat(problemWith("port: 8080, to", "port: 9000-8000, to").path())
        .isEqualTo("dualWan.portForwards[0].port");
    SpecProblem to = problemWith("\"192.0.2.10:7002\"", "\"192.0.2.300:7002\"");
    assertThat(to.path()).isEqualTo("dualWan.portForwards[0].to");
    assertThat(problemWith("port: 8080, to", "port: 8000-8010, to").message())
        .contains("same ports");
    SpecProblem v6OnIpv4Wan =
        problemWith(
            "wan: any, protocol: tcp, port: 8080, to: \"192.0.2.10:7002\"",
            "wan: isp1, protocol: tcp, port: 80, to: \"[2001:db8::10]:80\"");
    assertThat(v6OnIpv4Wan.path()).isEqualTo("dualWan.portForwards[0].to");
    assertThat(v6OnIpv4Wan.message()).contains("carries ipv4 only");
  }

  @Test
  void twoForwardsOfOnePortOnOneWanClash() {
    SpecProblem p =
        problemWith(
            "to: \"192.0.2.10:7002\" }\n",
            "to: \"192.0.2.10:7002\" }\n    - { wan: isp2, protocol: tcp, port: 8000-8080, to: 192.0.2.11 }\n");
    assertThat(p.path()).isEqualTo("dualWan.portForwards[1].port");
    assertThat(p.line()).isEqualTo(18);
    assertThat(p.message()).contains("already forwarded").contains("portForwards[0]");
  }

  @Test
  void masqueradeAndSnatExcludeEachOtherAndFitTheWansFamilies() {
    SpecProblem both = problemWith("snat: 203.0.113.2", "snat: 203.0.113.2, masquerade: true");
    assertThat(both.path()).isEqualTo("dualWan.wans[1].masquerade");
    assertThat(both.line()).isEqualTo(9);
    SpecProblem family = problemWith("snat: 203.0.113.2", "snat: 2001:db8:2::2");
    assertThat(family.path()).isEqualTo("dualWan.wans[1].snat");
    assertThat(family.message()).contains("not an ipv4 address");
    SpecProblem v6 = problemWith("masquerade: true", "masquerade: ipv6");
    assertThat(v6.path()).isEqualTo("dualWan.wans[0].masquerade");
    assertThat(v6.message()).contains("carries ipv4 only");
    assertThat(problemWith("masquerade: true", "masquerade: maybe").path())
        .isEqualTo("dualWan.wans[0].masquerade");
  }
}
