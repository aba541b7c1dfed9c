package io.netconverge.core.spec;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SpecSourceTest {

  private static final String TEXT =
      "hosts:\n"
          + "  - name: a\n"
          + "    state:\n"
          + "      rules: |\n"
          + "\n"
          + "        first\n"
          + "          second\n"
          + "      folded: >\n"
          + "        one\n"
          + "        two\n";

  @Test
  void aLiteralBlockMapsLineForLineWithItsIndentation() throws Exception {
    TextOrigin origin = SpecLoader.source(TEXT, "inv.yaml").origin("hosts[0].state.rules");
    assertThat(origin.exact()).isTrue();
    // Value line 3 ("  second") is file line 7; column 3 of it is file column 8 + 3.
    assertThat(origin.problem(3, 3, "bad").toString())
        .isEqualTo("inv.yaml:7:11: hosts[0].state.rules: bad");
  }

  @Test
  void aFoldedValueIsLocatedAtItsStart() throws Exception {
    TextOrigin origin = SpecLoader.source(TEXT, "inv.yaml").origin("hosts[0].state.folded");
    assertThat(origin.problem(2, 1, "bad").toString())
        .isEqualTo("inv.yaml:8: hosts[0].state.folded: line 2 of the value: bad");
  }

  @Test
  void aPartOfTheFileLocatesPathsRelativeToIt() throws Exception {
    SpecSource state = SpecLoader.source(TEXT, "inv.yaml").under("hosts[0].state");
    assertThat(state.origin("rules").problem(2, 0, "bad").toString())
        .isEqualTo("inv.yaml:6: hosts[0].state.rules: bad");
  }

  @Test
  void aPathRelativeToAListStartsWithItsIndexWithoutADot() throws Exception {
    SpecSource hosts = SpecLoader.source(TEXT, "inv.yaml").under("hosts");
    assertThat(hosts.origin("[0].state.rules").problem(2, 0, "bad").toString())
        .isEqualTo("inv.yaml:6: hosts[0].state.rules: bad");
    assertThat(hosts.problem("[0].state.folded", "bad").toString())
        .isEqualTo("inv.yaml:8:15: hosts[0].state.folded: bad");
  }

  @Test
  void partsAndFieldsJoinTheSameWayWhateverTheyStartWith() {
    assertThat(SourceMap.join("hosts[0].state", "rules")).isEqualTo("hosts[0].state.rules");
    assertThat(SourceMap.join("hosts[0].state", ".rules")).isEqualTo("hosts[0].state.rules");
    assertThat(SourceMap.join("hosts", "[0].state")).isEqualTo("hosts[0].state");
    assertThat(SourceMap.join("hosts", ".[0]")).isEqualTo("hosts[0]");
    assertThat(SourceMap.join("", ".frob")).isEqualTo("frob");
    assertThat(SourceMap.join("", "[1]")).isEqualTo("[1]");
    assertThat(SourceMap.join("hosts[0]", "")).isEqualTo("hosts[0]");
  }

  @Test
  void withoutAFileOnlyThePathIsKnown() {
    assertThat(SpecSource.none().origin("nftables[0].definition").problem(4, 2, "bad").toString())
        .isEqualTo("(declared in code): nftables[0].definition: line 4: bad");
  }
}
