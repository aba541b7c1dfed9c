package io.netconverge.iptables;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IptablesRuleTextTest {

  @Test
  void wordsAreSplitAsIptablesRestoreSplitsThem() {
    assertThat(IptablesRuleText.words("-m comment --comment \"two words\" -j ACCEPT"))
        .containsExactly("-m", "comment", "--comment", "two words", "-j", "ACCEPT");
    assertThat(IptablesRuleText.words("--comment \"say \\\"hi\\\"\"  -j  DROP"))
        .containsExactly("--comment", "say \"hi\"", "-j", "DROP");
    assertThat(
            IptablesRuleText.problem(
                "-i wan0 -m conntrack --ctstate NEW -j CONNMARK --set-mark 10/0xff"))
        .isNull();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "-j ACCEPT -m comment --comment \"open            | never closed",
        "-m comment --comment 'two words' -j ACCEPT        | single quotes",
        "-j ACCEPT -A INPUT -j DROP                        | is an iptables command",
        "-j ACCEPT --flush                                 | is an iptables command",
        "-t nat -j MASQUERADE                              | cannot name a table",
        "--table=filter -j ACCEPT                          | cannot name a table",
        "-m foo --modprobe=/tmp/evil -j ACCEPT             | run another program",
        "-M /tmp/evil -j ACCEPT                            | run another program",
      })
  void refusesWhatLeavesTheRuleOrItsChain(String rule, String why) {
    assertThat(IptablesRuleText.problem(rule.strip())).contains(why);
  }

  @Test
  void refusesControlCharacters() {
    assertThat(IptablesRuleText.problem("-j ACCEPT\n-A INPUT -j DROP")).contains("line break");
    assertThat(IptablesRuleText.problem("-j ACCEPT\u0000")).contains("control character \\x00");
  }
}
