package io.netconverge.core.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Where each batch tool says it stopped, from the tools' own stderr (Debian 12). */
class BatchInputTest {

  @Test
  void ipBatchAndIptablesRestoreNameTheLineOnALineOfTheirOwn() {
    // iproute2 6.1.0: after its error.
    assertThat(BatchInput.stoppedAt("Error: Nexthop has invalid gateway.\nCommand failed -:2\n"))
        .hasValue(new BatchInput.Stop(2, 0, ""));
    // iptables v1.8.9 (nf_tables): between its words and its usage hint.
    assertThat(
            BatchInput.stoppedAt(
                "iptables-restore v1.8.9 (nf_tables): Chain 'NOPE' does not exist\n"
                    + "Error occurred at line: 4\n"
                    + "Try `iptables-restore -h' or 'iptables-restore --help' for more"
                    + " information.\n"))
        .hasValue(new BatchInput.Stop(4, 0, ""));
  }

  @Test
  void nftNamesEveryErrorWithItsColumnAndWords() {
    // nftables v1.0.6: each error is followed by the input line and a marker under the culprit.
    String stderr =
        "/dev/stdin:3:20-20: Error: syntax error, unexpected newline\n"
            + "  tcp dport 22 frob\n"
            + "                   ^\n"
            + "/dev/stdin:4:25-25: Error: syntax error, unexpected newline\n"
            + "  ip saddr 1.2.3.4 frob2\n"
            + "                        ^\n";
    assertThat(BatchInput.stops(stderr))
        .containsExactly(
            new BatchInput.Stop(3, 20, "syntax error, unexpected newline"),
            new BatchInput.Stop(4, 25, "syntax error, unexpected newline"));
    assertThat(BatchInput.stoppedAt(stderr).orElseThrow().line()).isEqualTo(3);
  }

  @Test
  void anErrorThatNamesNoLineIsNoStop() {
    assertThat(BatchInput.stops("RTNETLINK answers: File exists\n")).isEmpty();
    assertThat(BatchInput.stoppedAt("")).isEmpty();
  }

  @Test
  void aLineOfTheInputIsCountedFromOneAndOnlyWhenThere() {
    String input = "*filter\n-A NC -j NOPE\nCOMMIT\n";
    assertThat(BatchInput.line(input, 2)).hasValue("-A NC -j NOPE");
    assertThat(List.of(0, 5, -1)).allSatisfy(n -> assertThat(BatchInput.line(input, n)).isEmpty());
  }
}
