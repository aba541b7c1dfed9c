package io.netconverge.iptables;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netconverge.Netconverge;
import io.netconverge.core.net.Family;
import io.netconverge.core.spec.InvalidSpecException;
import io.netconverge.hoststate.HostState;
import org.junit.jupiter.api.Test;

class IptablesChainSpecTest {

  private static final String HEAD = "apiVersion: netconverge/v1\nkind: HostState\niptables:\n";

  private static String entry(String table, String chain, String jumpFrom, String rule) {
    return "  - table: "
        + table
        + "\n    chain: "
        + chain
        + "\n    jumpFrom: "
        + jumpFrom
        + "\n    rules:\n      - \""
        + rule
        + "\"\n";
  }

  private static String problem(String yaml) {
    try {
      Netconverge.parse(yaml, "f.yaml");
    } catch (InvalidSpecException e) {
      return e.getMessage();
    }
    throw new AssertionError("accepted: " + yaml);
  }

  @Test
  void familyAndPositionDefaultToIpv4AndFirst() throws Exception {
    HostState state =
        Netconverge.parse(HEAD + entry("mangle", "NC-PRE", "PREROUTING", "-j RETURN"), "f.yaml");
    IptablesState declared = (IptablesState) state.declared().get(0).state();
    assertThat(declared.chains())
        .containsExactly(
            new IptablesChain(
                Family.IPV4,
                IptablesTable.MANGLE,
                "NC-PRE",
                "PREROUTING",
                JumpPosition.FIRST,
                java.util.List.of("-j RETURN"),
                "iptables[0]"));
  }

  @Test
  void noIptablesKeyMeansIptablesIsNotLookedAtButAnEmptyListIs() throws Exception {
    String sysctlOnly =
        "apiVersion: netconverge/v1\nkind: HostState\nsysctl:\n  net.ipv4.ip_forward: 1\n";
    assertThat(Netconverge.parse(sysctlOnly, "f.yaml").declared())
        .noneMatch(d -> d.module() instanceof IptablesResource);
    assertThat(
            Netconverge.parse(HEAD.replace("iptables:\n", "iptables: []\n"), "f.yaml").declared())
        .anyMatch(d -> d.module() instanceof IptablesResource);
    // With every entry commented out, the file must say which of the two it means.
    assertThat(problem(HEAD + "#  - table: mangle\n"))
        .isEqualTo("f.yaml:3:10: iptables: expected a list");
  }

  @Test
  void aJumpFromAChainTheTableDoesNotHaveIsNamedWithItsLine() {
    assertThat(problem(HEAD + entry("nat", "NC-FWD", "FORWARD", "-j RETURN")))
        .isEqualTo(
            "f.yaml:6:15: iptables[0].jumpFrom: 'FORWARD' is not a built-in chain of table nat;"
                + " expected one of PREROUTING, INPUT, OUTPUT, POSTROUTING");
  }

  @Test
  void aRuleWithItsOwnAppendIsRefused() {
    assertThat(problem(HEAD + entry("filter", "NC-IN", "INPUT", "-A NC-IN -j ACCEPT")))
        .startsWith("f.yaml:8:9: iptables[0].rules[0]: write the rule without '-A NC-IN'");
  }

  @Test
  void aRuleSpanningLinesIsRefused() {
    String yaml = HEAD + entry("filter", "NC-IN", "INPUT", "-j ACCEPT\\n-F INPUT");
    assertThat(problem(yaml))
        .isEqualTo(
            "f.yaml:8:9: iptables[0].rules[0]: a rule is one line of text: it has a line break at column 10");
  }

  @Test
  void builtInAndMalformedChainNamesAreRefused() {
    assertThat(problem(HEAD + entry("filter", "INPUT", "INPUT", "-j ACCEPT")))
        .contains("iptables[0].chain: 'INPUT' is built in");
    assertThat(problem(HEAD + entry("filter", "'-x'", "INPUT", "-j ACCEPT")))
        .contains("iptables[0].chain: '-x' is not a chain name");
    assertThat(
            problem(HEAD + entry("filter", "A23456789012345678901234567890", "INPUT", "-j ACCEPT")))
        .contains("is not a chain name");
  }

  @Test
  void theSameChainTwiceIsRefusedButTheSameNameInAnotherFamilyIsFine() throws Exception {
    String twice =
        HEAD
            + entry("mangle", "NC", "PREROUTING", "-j RETURN")
            + entry("mangle", "NC", "OUTPUT", "-j RETURN");
    assertThat(problem(twice))
        .isEqualTo(
            "f.yaml:10:12: iptables[1].chain: ipv4 mangle NC is declared twice (also at iptables[0])");
    String v6 =
        twice.replace(
            "  - table: mangle\n    chain: NC\n    jumpFrom: OUTPUT",
            "  - family: ipv6\n    table: mangle\n    chain: NC\n    jumpFrom: OUTPUT");
    assertThat(Netconverge.parse(v6, "f.yaml").declared()).hasSize(1);
  }

  @Test
  void anUnknownFamilyOrTableIsNamed() {
    assertThat(
            problem(
                HEAD
                    + "  - family: ipv5\n"
                    + entry("mangle", "NC", "PREROUTING", "-j RETURN")
                        .replaceFirst("  - ", "    ")))
        .contains("iptables[0].family: family 'ipv5' is not known; expected ipv4 or ipv6");
    assertThatThrownBy(
            () -> Netconverge.parse(HEAD + entry("security", "NC", "INPUT", "-j RETURN"), "f.yaml"))
        .hasMessageContaining("iptables[0].table: 'security' is not a table netconverge manages");
  }
}
