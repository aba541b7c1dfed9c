package io.netconverge.core.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ShellQuotingTest {

  @Test
  void everyWordSurvivesAShellRoundTrip() throws Exception {
    List<String> words = List.of("plain", "a b", "it's", "$(id)", "a;b", "`x`", "\"q\"", "", "*");
    String line = ShellQuoting.join(words);
    ExecResult r = new LocalExecutor().check("sh", "-c", "printf '%s\\n' " + line);
    assertThat(r.stdout()).isEqualTo(String.join("\n", words) + "\n");
  }

  @Test
  void safeWordsStayReadable() {
    assertThat(ShellQuoting.join(List.of("ip", "-j", "rule", "0xa/0xff", "a b")))
        .isEqualTo("ip -j rule 0xa/0xff 'a b'");
  }
}
