package io.netconverge.nftables;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netconverge.Netconverge;
import io.netconverge.core.engine.Declared;
import io.netconverge.core.spec.InvalidSpecException;
import io.netconverge.core.spec.SpecProblem;
import io.netconverge.hoststate.HostState;
import org.junit.jupiter.api.Test;

class NftTableSpecTest {

  private static final String HEAD = "apiVersion: netconverge/v1\nkind: HostState\nnftables:\n";

  private static SpecProblem problem(String yaml) {
    try {
      Netconverge.parse(yaml, "f.yaml");
    } catch (InvalidSpecException e) {
      assertThat(e.problems()).hasSize(1);
      return e.problems().get(0);
    }
    throw new AssertionError("expected the file to be rejected");
  }

  @Test
  void aTableIsAFamilyAndAName() {
    assertThat(NftTableName.parse(" inet   dualwan "))
        .isEqualTo(new NftTableName("inet", "dualwan"));
    assertThat(NftTableName.parse("ip6 t_1.x-y").toString()).isEqualTo("ip6 t_1.x-y");
    assertThatThrownBy(() -> NftTableName.parse("dualwan")).hasMessageContaining("FAMILY NAME");
    assertThatThrownBy(() -> NftTableName.parse("inet 1abc"))
        .hasMessageContaining("not an nft table name");
  }

  @Test
  void anUnknownFamilyIsNamedAtItsLine() {
    SpecProblem p = problem(HEAD + "  - table: inett dualwan\n    definition: \"\"\n");
    assertThat(p.toString())
        .startsWith("f.yaml:4:12: nftables[0].table: 'inett' is not an nft family");
  }

  @Test
  void aTableDeclaredTwiceIsAnError() {
    SpecProblem p =
        problem(
            HEAD
                + "  - table: inet a\n    definition: \"\"\n"
                + "  - table: inet a\n    definition: \"\"\n");
    assertThat(p.toString())
        .isEqualTo(
            "f.yaml:6:12: nftables[1].table: table inet a is already declared at nftables[0]");
  }

  @Test
  void aDefinitionIsRequired() {
    SpecProblem p = problem(HEAD + "  - table: inet a\n");
    assertThat(p.path()).isEqualTo("nftables[0].definition");
    assertThat(p.message()).startsWith("a definition is required");
    assertThat(problem(HEAD + "  - table: inet a\n    definiton: x\n").message())
        .startsWith("unknown key 'definiton'");
  }

  @Test
  void aDefinitionThatRepeatsTheTableLineIsExplained() {
    SpecProblem p =
        problem(
            HEAD
                + "  - table: inet a\n    definition: |\n      table inet a {\n"
                + "        chain c { }\n      }\n");
    assertThat(p.toString())
        .startsWith("f.yaml:5:17: nftables[0].definition: the definition is the content of table")
        .endsWith("leave out its 'table ... {' line and the closing brace");
  }

  @Test
  void theDeclaredStateKeepsWhereEachDefinitionStands() throws Exception {
    HostState state =
        Netconverge.parse(
            HEAD
                + "  - table: inet a\n    definition: |\n      chain c {\n      }\n"
                + "  - table: ip b\n    definition: \"chain c { }\"\n",
            "f.yaml");
    Declared<?, ?> declared = state.declared().get(0);
    NftState nft = (NftState) declared.state();
    assertThat(nft.tables())
        .extracting(NftTable::name)
        .containsExactly(NftTableName.parse("inet a"), NftTableName.parse("ip b"));
    // A literal block maps line for line; a quoted value only to where it starts.
    assertThat(nft.tables().get(0).origin().problem(2, 3, "x").toString())
        .isEqualTo("f.yaml:7:9: nftables[0].definition: x");
    assertThat(nft.tables().get(1).origin().problem(1, 3, "x").toString())
        .isEqualTo("f.yaml:9: nftables[1].definition: line 1 of the value: x");
    assertThat(nft.tables().get(0).body()).contains("chain c {\n}");
  }

  @Test
  void aDefinitionThatClosesItsTableIsRefusedAtTheFileLine() {
    SpecProblem p =
        problem(
            HEAD
                + "  - table: inet mine\n    definition: |\n      chain c { }\n      }\n"
                + "      flush ruleset\n      table inet mine {\n");
    assertThat(p.toString())
        .startsWith("f.yaml:7: nftables[0].definition: this '}' would close the table");
  }

  @Test
  void includeIsRefusedWithoutReadingTheFile() {
    SpecProblem p =
        problem(HEAD + "  - table: inet mine\n    definition: 'include \"/etc/shadow\"'\n");
    assertThat(p.toString())
        .isEqualTo(
            "f.yaml:5:17: nftables[0].definition: 'include' is not allowed in a definition: it"
                + " reads other files or defines names outside the table; write the values"
                + " themselves (line 1 of the value)");
  }
}
