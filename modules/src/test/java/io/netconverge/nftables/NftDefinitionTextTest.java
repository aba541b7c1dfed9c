package io.netconverge.nftables;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NftDefinitionTextTest {

  @Test
  void anOrdinaryDefinitionPasses() {
    assertThat(
            NftDefinitionText.check(
                "set seen { type ipv4_addr; flags dynamic; }\n"
                    + "chain pre { # a comment with } and $x and include\n"
                    + "  type filter hook prerouting priority mangle; policy accept;\n"
                    + "  iifname \"wan{0}\" meta mark set 10 comment \"define $x\"\n"
                    + "}\n"))
        .isNull();
  }

  @Test
  void aBraceThatClosesTheTableIsRefusedAtItsLine() {
    NftDefinitionText.Problem p =
        NftDefinitionText.check("chain a { }\n}\nflush ruleset\ntable inet mine {\n");
    assertThat(p.line()).isEqualTo(2);
    assertThat(p.message()).contains("would close the table");
  }

  @Test
  void includeDefineAndVariablesAreRefused() {
    assertThat(NftDefinitionText.check("chain a {}\ninclude \"/etc/shadow\"\n").line())
        .isEqualTo(2);
    assertThat(NftDefinitionText.check("define wan = \"wan0\"\n").message()).contains("'define'");
    assertThat(NftDefinitionText.check("redefine x = 1\n").message()).contains("'redefine'");
    assertThat(NftDefinitionText.check("chain a { iifname $wan accept }").message())
        .contains("variable");
  }

  @Test
  void unbalancedOrUnterminatedTextIsRefused() {
    assertThat(NftDefinitionText.check("chain a {\n").message()).contains("never closed");
    assertThat(NftDefinitionText.check("chain a { comment \"x }\n").message()).contains("string");
    assertThat(NftDefinitionText.check("chain a { }\u0000").message()).contains("\\x00");
  }
}
