package io.netconverge.iptables;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SavedRulesetTest {

  @Test
  void readsTablesChainsAndRulesInPrintedOrder() {
    SavedRuleset live = Fixtures.ruleset("live-nft.stdout");

    assertThat(live.tables()).containsOnlyKeys("mangle", "filter");
    SavedRuleset.Table mangle = live.table(IptablesTable.MANGLE);
    assertThat(mangle.userChains()).containsExactly("FOREIGN", "NC-MARK");
    assertThat(mangle.rules("PREROUTING"))
        .containsExactly("-m comment --comment netconverge -j NC-MARK", "-j FOREIGN");
    assertThat(mangle.rules("NC-MARK"))
        .containsExactly(
            "-j MARK --set-xmark 0xa/0xffffffff",
            "-s 10.31.66.0/24 -j RETURN",
            "-d 1.2.3.4/32 -j RETURN");
    assertThat(live.table(IptablesTable.FILTER).rules("INPUT"))
        .containsExactly("-p tcp -m tcp --dport 22 -j f2b-sshd");
    assertThat(live.ruleCount()).isEqualTo(7);
    assertThat(live.legacyTablesPresent()).isFalse();
  }

  @Test
  void aTableTheHostNeverLoadedIsEmpty() {
    SavedRuleset.Table nat = Fixtures.ruleset("live-nft.stdout").table(IptablesTable.NAT);
    assertThat(nat.hasChain("POSTROUTING")).isFalse();
    assertThat(nat.rules("POSTROUTING")).isEmpty();
  }

  @Test
  void theLegacyTablesWarningIsToleratedAndNoticed() {
    SavedRuleset live =
        SavedRuleset.parse(
            Fixtures.text("live-nft-legacy-present.stdout"),
            Fixtures.text("live-nft-legacy-present.stderr"));
    assertThat(live.legacyTablesPresent()).isTrue();
    assertThat(live.table(IptablesTable.MANGLE).rules("NC-MARK")).hasSize(3);

    // Older iptables printed the warning on stdout, as a comment line.
    SavedRuleset onStdout =
        SavedRuleset.parse(
            Fixtures.text("only-legacy-nft.stderr") + Fixtures.text("live-nft.stdout"), "");
    assertThat(onStdout.legacyTablesPresent()).isTrue();
    assertThat(onStdout.ruleCount()).isEqualTo(7);
  }

  @Test
  void readsLegacyAndIp6tablesOutput() {
    SavedRuleset legacy = Fixtures.ruleset("live-legacy.stdout");
    assertThat(legacy.table(IptablesTable.RAW).rules("PREROUTING")).containsExactly("-j RETURN");
    assertThat(Fixtures.ruleset("live6-nft.stdout").ruleCount()).isZero();
  }

  @Test
  void aLineSaveNeverPrintsIsAnError() {
    assertThatThrownBy(() -> SavedRuleset.parse("*filter\n-I INPUT 1 -j ACCEPT\nCOMMIT\n", ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("line 2")
        .hasMessageContaining("-I INPUT 1");
    assertThatThrownBy(() -> SavedRuleset.parse("*filter\n:INPUT ACCEPT [0:0]\n", ""))
        .hasMessageContaining("no COMMIT");
  }
}
