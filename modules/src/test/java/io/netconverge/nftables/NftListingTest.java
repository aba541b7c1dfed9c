package io.netconverge.nftables;

import static io.netconverge.nftables.Fixtures.DUALWAN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NftListingTest {

  @Test
  void readsEveryTableWithItsChainsSetsAndRulesInOrder() {
    Map<NftTableName, TableForm> forms = Fixtures.forms("live-same-other-spellings.txt");
    assertThat(forms.keySet())
        .containsExactly(NftTableName.parse("ip f2b"), NftTableName.parse("inet dualwan"));
    TableForm dualwan = forms.get(DUALWAN);
    assertThat(dualwan.items())
        .extracting(TableForm.Item::label)
        .containsExactly("set wans", "chain prerouting", "chain output");
    assertThat(dualwan.item("chain", "prerouting").orElseThrow().rules())
        .extracting(TableForm.Rule::text)
        .containsExactly(
            "ct state new iifname \"wan0\" meta mark set 0x0000000a ct mark set meta mark",
            "ct state new iifname \"wan1\" meta mark set 0x00000014 ct mark set meta mark",
            "ct state established,related ct mark != 0x00000000 meta mark set ct mark",
            "iifname @wans counter");
    assertThat(dualwan.item("chain", "output").orElseThrow().text())
        .isEqualTo("chain output {\n\ttype route hook output priority mangle; policy accept;\n}");
  }

  @Test
  void theDefinitionOfALiveTableIsNftSyntaxWithoutHandles() {
    TableForm dualwan = Fixtures.forms("live-same-other-spellings.txt").get(DUALWAN);
    assertThat(dualwan.definition())
        .doesNotContain("# handle")
        .startsWith("set wans {\n\ttype ifname\n")
        .contains(
            "\nchain prerouting {\n\ttype filter hook prerouting priority mangle; policy accept;\n")
        .endsWith("\tct mark 0x00000014 meta mark set 0x00000014\n}\n");
  }

  @Test
  void handlesAndCounterValuesAreNotPartOfWhatIsCompared() {
    // Same rules, different handles (a foreign table took handle 1 first) and counter values.
    TableForm declared = Fixtures.forms("declared-as-nft-prints-it.txt").get(DUALWAN);
    TableForm live = Fixtures.forms("live-same-other-spellings.txt").get(DUALWAN);
    assertThat(live.items())
        .extracting(TableForm.Item::key)
        .containsExactlyElementsOf(declared.items().stream().map(TableForm.Item::key).toList());
    assertThat(live.item("chain", "prerouting").orElseThrow().rules())
        .isEqualTo(declared.item("chain", "prerouting").orElseThrow().rules());
    assertThat(live.attributes()).isEqualTo(declared.attributes());
  }

  @Test
  void tablesOfIptablesNftNextToOursAreLeftUninterpreted() throws Exception {
    String stdout = Fixtures.text("live-with-iptables-nft.txt");
    Map<NftTableName, TableForm> owned = NftListing.parse(stdout, DUALWAN::equals);
    assertThat(owned.keySet()).containsExactly(DUALWAN);
    TableForm declared = Fixtures.forms("declared-as-nft-prints-it.txt").get(DUALWAN);
    assertThat(owned.get(DUALWAN).items()).isEqualTo(declared.items());
    // Read whole, they are tables like any other: nothing in them breaks the listing.
    assertThat(NftListing.parse(stdout).keySet())
        .containsExactly(NftTableName.parse("ip mangle"), NftTableName.parse("ip filter"), DUALWAN);
  }

  @Test
  void setElementsAreComparedAsASet() {
    String a =
        "{\"nftables\": [{\"table\": {\"family\": \"ip\", \"name\": \"t\", \"handle\": 1}},"
            + " {\"set\": {\"family\": \"ip\", \"name\": \"s\", \"table\": \"t\", \"type\":"
            + " \"ipv4_addr\", \"handle\": 2, \"elem\": [\"10.0.0.2\", \"10.0.0.1\"]}}]}";
    String b = a.replace("[\"10.0.0.2\", \"10.0.0.1\"]", "[\"10.0.0.1\", \"10.0.0.2\"]");
    String text =
        "table ip t { # handle 1\n\tset s { # handle 2\n\t\ttype ipv4_addr\n"
            + "\t\telements = { 10.0.0.1, 10.0.0.2 }\n\t}\n}\n";
    TableForm.Item one = forms(a, text).item("set", "s").orElseThrow();
    TableForm.Item two = forms(b, text).item("set", "s").orElseThrow();
    assertThat(one.key()).isEqualTo(two.key());
    assertThat(one.keyWithoutElements()).doesNotContain("10.0.0.1");
  }

  @Test
  void elementsAreTakenAsNftPrintedThem() {
    assertThat(
            NftListing.elementsOf(
                "set wans {\n\ttype ifname\n\telements = { \"wan0\",\n\t\t     \"wan1\" }\n}"))
        .contains("\"wan0\", \"wan1\"");
    assertThat(NftListing.elementsOf("set s {\n\ttype ipv4_addr\n\telements = { 10.0.0.1 }\n}"))
        .contains("10.0.0.1");
    assertThat(NftListing.elementsOf("set s {\n\ttype ipv4_addr\n}")).isEmpty();
  }

  /** The nft of Debian 11, 12 and 13: each prints named objects its own way. */
  @ParameterizedTest(name = "nft {0}")
  @ValueSource(strings = {"0.9.8", "1.0.6", "1.1.3"})
  void namedObjectsAndTheRulesUsingThemAreReadFromEverySupportedNft(String version) {
    // nft 0.9.8 closes a named counter on its last line: "\t\tpackets 0 bytes 0\t}".
    Map<NftTableName, TableForm> forms =
        Fixtures.forms("versions/named-objects-nft-" + version + ".txt");
    TableForm table = forms.get(NftTableName.parse("inet nc-objects"));
    assertThat(table.items())
        .extracting(TableForm.Item::label)
        .containsExactlyInAnyOrder(
            "counter c1", "counter c2", "quota q1", "set trusted", "chain input");
    assertThat(table.item("chain", "input").orElseThrow().rules())
        .extracting(TableForm.Rule::text)
        .containsExactly(
            "ip saddr @trusted counter name \"c1\" accept",
            "counter name \"c2\"",
            "quota name \"q1\" drop");
    assertThat(table.item("chain", "input").orElseThrow().text())
        .isEqualTo("chain input {\n\ttype filter hook input priority filter; policy accept;\n}");
    for (String counter : new String[] {"c1", "c2"}) {
      assertThat(table.item("counter", counter).orElseThrow().text())
          .startsWith("counter " + counter + " {\n")
          .endsWith("\n}")
          .doesNotContain("chain")
          .doesNotContain("\t}");
    }
    assertThat(table.definition())
        .contains("\nchain input {\n")
        .doesNotContain("# handle")
        .doesNotContain("\t}");
  }

  @ParameterizedTest(name = "nft {0}")
  @ValueSource(strings = {"0.9.8", "1.0.6", "1.1.3"})
  void theSameDeclarationIsTheSameTableInEverySupportedNftsListing(String version) {
    TableForm bookworm = Fixtures.forms("declared-as-nft-prints-it.txt").get(DUALWAN);
    TableForm other = Fixtures.forms("versions/declared-nft-" + version + ".txt").get(DUALWAN);
    assertThat(NftDiff.fields(bookworm, other)).isEmpty();
    assertThat(other.item("chain", "prerouting").orElseThrow().rules()).hasSize(4);
  }

  @Test
  void jsonAndTextThatDisagreeAreAnError() {
    String json =
        "{\"nftables\": [{\"table\": {\"family\": \"ip\", \"name\": \"t\", \"handle\": 1}},"
            + " {\"chain\": {\"family\": \"ip\", \"table\": \"t\", \"name\": \"c\", \"handle\": 1}},"
            + " {\"rule\": {\"family\": \"ip\", \"table\": \"t\", \"chain\": \"c\", \"handle\": 9,"
            + " \"expr\": [{\"accept\": null}]}}]}";
    String text =
        "table ip t { # handle 1\n\tchain c { # handle 1\n\t\taccept # handle 2\n\t}\n}\n";
    assertThatThrownBy(() -> NftListing.parse(json, text))
        .isInstanceOf(NftListingException.class)
        .hasMessageContaining("rule 9 of chain c");
  }

  private static TableForm forms(String json, String text) {
    try {
      return NftListing.parse(json, text).get(NftTableName.parse("ip t"));
    } catch (NftListingException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void aRestoredElementKeepsTheTimeItHadLeft() throws Exception {
    String block =
        "set seen {\n\ttype ipv4_addr\n\tflags dynamic,timeout\n\ttimeout 1h\n"
            + "\telements = { 127.0.0.1, 192.0.2.9 comment \"a, b\",\n\t\t     192.0.2.10 }\n}";
    com.fasterxml.jackson.databind.JsonNode elems =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(
                "[{\"elem\": {\"val\": \"127.0.0.1\", \"expires\": 3416}},"
                    + " {\"elem\": {\"val\": \"192.0.2.9\", \"expires\": 599, \"comment\": \"a, b\"}},"
                    + " \"192.0.2.10\"]");
    assertThat(NftListing.withExpiries(block, elems))
        .contains(
            "set seen {\n\ttype ipv4_addr\n\tflags dynamic,timeout\n\ttimeout 1h\n"
                + "\telements = { 127.0.0.1 expires 3416s, 192.0.2.9 comment \"a, b\" expires 599s,"
                + " 192.0.2.10 }\n}");
    // A map element's options come before its value; listings that do not pair up are left alone.
    String map =
        "map m {\n\ttype ipv4_addr : mark\n\tflags timeout\n\telements = { 10.0.0.1 : 0x00000001 }\n}";
    assertThat(
            NftListing.withExpiries(
                map,
                new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree("[[{\"elem\": {\"val\": \"10.0.0.1\", \"expires\": 5}}, 1]]")))
        .isEmpty();
    assertThat(
            NftListing.withExpiries(
                map,
                new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree("[{\"elem\": {\"val\": \"10.0.0.1\", \"expires\": 5}}]")))
        .contains(
            "map m {\n\ttype ipv4_addr : mark\n\tflags timeout\n"
                + "\telements = { 10.0.0.1 expires 5s : 0x00000001 }\n}");
    assertThat(
            NftListing.withExpiries(
                block,
                new com.fasterxml.jackson.databind.ObjectMapper().readTree("[\"127.0.0.1\"]")))
        .isEmpty();
  }
}
