package io.netconverge.core.spec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.netconverge.core.net.InterfaceName;
import io.netconverge.core.net.Mark;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpecLoaderTest {

  record Key(String name) {
    @JsonCreator
    static Key of(String name) {
      if (name.contains("..")) {
        throw new IllegalArgumentException("'" + name + "' is path-like");
      }
      return new Key(name);
    }
  }

  record Wan(
      @JsonProperty(required = true) String name,
      InterfaceName interfaceName,
      Mark mark,
      Integer table) {}

  record Doc(String apiVersion, String kind, Map<Key, String> values, List<Wan> wans)
      implements Validated {
    @Override
    public void validate() {
      if (wans != null) {
        for (int i = 0; i < wans.size(); i++) {
          if (wans.get(i).table() != null && wans.get(i).table() == 0) {
            throw new SpecViolation("wans[" + i + "].table", "table 0 is reserved");
          }
        }
      }
    }
  }

  /** A kind that takes anything under one key. */
  record Free(String apiVersion, String kind, Object any) {}

  private final SpecLoader loader = new SpecLoader(Map.of("Doc", Doc.class));

  private final SpecLoader docOrFree =
      new SpecLoader(new java.util.LinkedHashMap<>(Map.of("Doc", Doc.class, "Free", Free.class)));

  private SpecProblem problem(String yaml) {
    try {
      loader.parse(yaml, "f.yaml");
    } catch (InvalidSpecException e) {
      assertThat(e.problems()).hasSize(1);
      return e.problems().get(0);
    }
    throw new AssertionError("expected the file to be rejected");
  }

  private static final String HEAD = "apiVersion: netconverge/v1\nkind: Doc\n";

  @Test
  void bindsAValidFile() throws Exception {
    Doc doc =
        loader.parse(
            HEAD
                + "values:\n  a.b: 1\nwans:\n  - { name: isp1, interfaceName: wan0, mark: 0xa/0xff }\n",
            "f.yaml",
            Doc.class);
    assertThat(doc.values()).containsEntry(new Key("a.b"), "1");
    assertThat(doc.wans().get(0).mark()).isEqualTo(new Mark(10, 0xff));
  }

  /** The problems of a text read as a document and bound, or empty when it loads. */
  private List<SpecProblem> documentProblems(String text) {
    try {
      docOrFree.bindDocument(docOrFree.document(text, "f.yaml"));
      return List.of();
    } catch (InvalidSpecException e) {
      return e.problems();
    }
  }

  /** The problems of the same text read the way that composes it first. */
  private List<SpecProblem> composedProblems(String text) {
    try {
      docOrFree.parse(text, "f.yaml");
      return List.of();
    } catch (InvalidSpecException e) {
      return e.problems();
    }
  }

  @Test
  void aGoodFileIsReadOnceAndComposedOnlyWhenAProblemMustBeLocated() throws Exception {
    String text = HEAD + "values:\n  a.b: x\nwans:\n  - { name: isp1, table: 5 }\n";
    SpecLoader.Document document = loader.document(text, "f.yaml");
    Doc doc = (Doc) loader.bindDocument(document);
    assertThat(doc).isEqualTo(loader.parse(text, "f.yaml"));
    assertThat(document.composedIfAny()).as("composed for nothing").isNull();
    SpecSource source = document.source();
    assertThat(source.problem("wans[0].table", "later").toString())
        .isEqualTo(SpecLoader.source(text, "f.yaml").problem("wans[0].table", "later").toString())
        .startsWith("f.yaml:6:");
  }

  @Test
  void aValueOfAFileReadOnceIsLocatedAsInAComposedOne() throws Exception {
    String text = "apiVersion: netconverge/v1\nkind: Free\nany:\n  text: |\n    one\n    two\n";
    SpecLoader.Document document = docOrFree.document(text, "f.yaml");
    docOrFree.bindDocument(document);
    TextOrigin origin = document.source().origin("any.text");
    TextOrigin composed = SpecLoader.source(text, "f.yaml").origin("any.text");
    assertThat(origin).isEqualTo(composed).hasSameHashCodeAs(composed);
    assertThat(origin.firstLine()).isEqualTo(5);
    assertThat(origin.indent()).isEqualTo(4);
    assertThat(origin.problem(2, 1, "bad").toString())
        .isEqualTo(composed.problem(2, 1, "bad").toString())
        .startsWith("f.yaml:6:5:");
  }

  @Test
  void aFileWithAProblemIsComposedAndItsProblemsAreTheComposedWaysOnes() {
    StringBuilder deep = new StringBuilder("x: ");
    for (int i = 0; i < 60; i++) {
      deep.append('[');
    }
    for (int i = 0; i < 60; i++) {
      deep.append(']');
    }
    List<String> texts =
        List.of(
            "",
            "# nothing\n",
            HEAD,
            HEAD + "values: {a: 1}\n---\nb: 2\n",
            HEAD + "values: {a: 1}\nvalues: {b: 2}\n",
            HEAD + "values: {a: *nowhere}\n",
            HEAD + "values: &v {a: x}\nwans: [ {name: *v} ]\n",
            HEAD + "values: {a: x}\n" + deep + "\n",
            "apiVersion: netconverge/v1\nkind: Free\nany: " + deep.substring(3) + "\n",
            "apiVersion: netconverge/v1\nkind: Free\nany: &a [1]\nmore: *a\n",
            "apiVersion: netconverge/v1\nkind: Free\nany: {a: 1}\n",
            HEAD + "wans:\n  - { name: isp1, table: 0 }\n",
            HEAD + "wans:\n  - { table: 1 }\n",
            HEAD + "values:\n  a..b: x\n",
            HEAD + "nope: 1\n",
            "apiVersion: netconverge/v2\nkind: Doc\n",
            "apiVersion: netconverge/v1\nkind: Other\n",
            "apiVersion: netconverge/v1\nkind: [Doc]\n",
            "- a\n- b\n",
            HEAD + "values: {a: [unclosed\n");
    for (String text : texts) {
      assertThat(documentProblems(text)).as(text).isEqualTo(composedProblems(text));
    }
    String bad = HEAD + "wans:\n  - { name: isp1, table: 0 }\n";
    assertThat(documentProblems(bad).get(0).toString()).startsWith("f.yaml:4:");
  }

  /** The problems of a text both ways (read once, composed first), which must agree. */
  private List<SpecProblem> bothWays(String text) {
    List<SpecProblem> problems = documentProblems(text);
    assertThat(problems).as(text).isEqualTo(composedProblems(text));
    return problems;
  }

  @Test
  void anAliasIsRefusedAtItsLineNeverBoundAsTheAnchorsName() {
    // Jackson alone binds *main as the text "main": a valid, different value.
    String text =
        HEAD
            + "wans:\n"
            + "  - { name: &main isp1, table: 110 }\n"
            + "  - { name: *main, table: 120 }\n";
    List<SpecProblem> problems = bothWays(text);
    assertThat(problems)
        .extracting(SpecProblem::toString)
        .containsExactly(
            "f.yaml:4:13: wans[0].name: YAML anchors and aliases are not supported; write the value"
                + " (drop &main)",
            "f.yaml:5:13: wans[1].name: YAML anchors and aliases are not supported; write the value"
                + " instead of *main");
  }

  @Test
  void anAnchorAloneAndAMergeKeyAreRefusedToo() {
    assertThat(bothWays(HEAD + "values: &v\n  a: x\n"))
        .extracting(SpecProblem::toString)
        .containsExactly(
            "f.yaml:3:9: values: YAML anchors and aliases are not supported; write the value"
                + " (drop &v)");
    List<SpecProblem> merge =
        bothWays(
            "apiVersion: netconverge/v1\nkind: Free\nany:\n  - &h {a: 1}\n  - <<: *h\n    b: 2\n");
    assertThat(merge)
        .extracting(SpecProblem::toString)
        .containsExactly(
            "f.yaml:4:5: any[0]: YAML anchors and aliases are not supported; write the value"
                + " (drop &h)",
            "f.yaml:5:5: any[1][\"<<\"]: YAML merge keys (<<) are not supported; write the keys out",
            "f.yaml:5:9: any[1][\"<<\"]: YAML anchors and aliases are not supported; write the"
                + " value instead of *h");
  }

  @Test
  void aComplexKeyIsASentenceAtItsLine() {
    List<SpecProblem> problems = bothWays(HEAD + "values: { ? [a, b] : 1 }\n");
    assertThat(problems)
        .extracting(SpecProblem::toString)
        .containsExactly(
            "f.yaml:3:13: values: a key must be a single word or number, not a list or mapping");
  }

  @Test
  void yaml11NumbersAndBooleansThatReadOtherwiseThanWrittenAreRefused() {
    assertThat(bothWays(HEAD + "wans:\n  - { name: isp1, table: 010 }\n"))
        .extracting(SpecProblem::toString)
        .containsExactly(
            "f.yaml:4:26: wans[0].table: '010' is read as 8 (YAML 1.1 reads a number with a"
                + " leading 0 as octal); write 8, or quote it (\"010\") if you mean the text");
    assertThat(bothWays(HEAD + "values:\n  a: 1_0\n  b: yes\n  c: Off\n  d: 0b11\n"))
        .extracting(p -> p.line() + " " + p.path() + " " + p.message())
        .containsExactly(
            "4 values.a '1_0' is read as 10 (YAML 1.1 drops the _ of a number); write 10, or quote"
                + " it (\"1_0\") if you mean the text",
            "5 values.b 'yes' is read as true (YAML 1.1 reads yes as a boolean); write true, or"
                + " quote it (\"yes\") if you mean the text",
            "6 values.c 'Off' is read as false (YAML 1.1 reads Off as a boolean); write false, or"
                + " quote it (\"Off\") if you mean the text",
            "7 values.d '0b11' is read as 3 (YAML 1.1 reads 0b as binary); write 3, or quote it"
                + " (\"0b11\") if you mean the text");
  }

  @Test
  void everyPlaceAPlainValueCanStartIsScanned() {
    List<String> texts =
        List.of(
            HEAD + "values: {\"a\":010}\n",
            HEAD + "values: {a: [\n  x,\n  010\n]}\n",
            HEAD + "values:\r\n  a: on\r\n",
            HEAD + "values:\n  a:\n    off\n",
            HEAD + "values:\n  a: !!str &x b\n",
            HEAD + "values: {a: x, b: NO}\n",
            HEAD + "values:\n  a: -0b1\n",
            HEAD + "values:\n  a: 1.5_0\n",
            HEAD + "values:\n  a: yes # on\n");
    for (String text : texts) {
      assertThat(bothWays(text)).as(text).hasSize(1);
    }
  }

  @Test
  void plainValuesThatReadAsWrittenStillBind() throws Exception {
    String text =
        HEAD
            + "values:\n  a: 0x40\n  b: 0\n  c: true\n  d: \"010\"\n  e: '1_0'\n  f: 10.0.0.1\n"
            + "  g: no-such\n  h: 08\n  i: \"yes\"\n  j: 0.5\n"
            + "  k: a&b*c\n"
            + "wans:\n  - { name: isp1, mark: 0x10, table: 100 }\n";
    Doc doc = (Doc) docOrFree.bindDocument(docOrFree.document(text, "f.yaml"));
    assertThat(doc).isEqualTo(docOrFree.parse(text, "f.yaml"));
    assertThat(doc.values())
        .containsEntry(new Key("a"), "64")
        .containsEntry(new Key("d"), "010")
        .containsEntry(new Key("e"), "1_0")
        .containsEntry(new Key("h"), "08")
        .containsEntry(new Key("i"), "yes")
        .containsEntry(new Key("k"), "a&b*c");
  }

  @Test
  void anUnknownKeyIsReportedAtTheKeyWithTheKnownOnes() {
    SpecProblem p = problem(HEAD + "values:\n  a.b: 1\nvalue:\n  x: 1\n");
    assertThat(p.line()).isEqualTo(5);
    assertThat(p.column()).isEqualTo(1);
    assertThat(p.path()).isEqualTo("value");
    assertThat(p.message())
        .isEqualTo("unknown key 'value' (known keys: apiVersion, kind, values, wans)");
  }

  @Test
  void anUnknownKeyDeepInsideIsReportedWithItsPath() {
    SpecProblem p = problem(HEAD + "wans:\n  - name: isp1\n    mark: 1\n    gatway: 1.2.3.4\n");
    assertThat(p.toString()).startsWith("f.yaml:6:5: wans[0].gatway: unknown key 'gatway'");
  }

  @Test
  void aRejectedMapKeyIsReportedAtThatKey() {
    SpecProblem p = problem(HEAD + "values:\n  a.b: 1\n  a..b: 2\n");
    assertThat(p.line()).isEqualTo(5);
    assertThat(p.path()).isEqualTo("values[\"a..b\"]");
    assertThat(p.message()).isEqualTo("'a..b' is path-like");
  }

  @Test
  void aValueTheTypeRejectsIsReportedWithItsMessage() {
    SpecProblem p = problem(HEAD + "wans:\n  - name: isp1\n    mark: 0x1ffffffff\n");
    assertThat(p.line()).isEqualTo(5);
    assertThat(p.path()).isEqualTo("wans[0].mark");
    assertThat(p.message()).contains("out of range");
  }

  @Test
  void aLongInterfaceNameIsRejected() {
    SpecProblem p =
        problem(HEAD + "wans:\n  - name: isp1\n    interfaceName: averyveryverylongname\n");
    assertThat(p.toString())
        .isEqualTo(
            "f.yaml:5:20: wans[0].interfaceName: interface name 'averyveryverylongname' is 21"
                + " characters; Linux allows at most 15");
  }

  @Test
  void aWrongTypeSaysWhatWasExpected() {
    SpecProblem p = problem(HEAD + "wans:\n  - name: isp1\n    table: [1, 2]\n");
    assertThat(p.path()).isEqualTo("wans[0].table");
    assertThat(p.message()).isEqualTo("expected a whole number, not a list");
  }

  @Test
  void aMissingRequiredKeyIsNamed() {
    SpecProblem p = problem(HEAD + "wans:\n  - mark: 1\n");
    assertThat(p.line()).isEqualTo(4);
    assertThat(p.message()).isEqualTo("missing required key 'name'");
  }

  @Test
  void crossFieldChecksAreLocated() {
    SpecProblem p = problem(HEAD + "wans:\n  - name: a\n  - name: b\n    table: 0\n");
    assertThat(p.toString()).isEqualTo("f.yaml:6:12: wans[1].table: table 0 is reserved");
  }

  @Test
  void crossFieldChecksOfAPartAreLocatedUnderItsPath() {
    // An inventory's inline host state is bound as a part: its checks' paths are relative to it.
    String text =
        "hosts:\n  - state:\n      wans:\n        - name: a\n        - name: b\n"
            + "          table: 0\n";
    InvalidSpecException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            InvalidSpecException.class,
            () -> loader.bindPart(text, "inv.yaml", "hosts[0].state", Doc.class));
    assertThat(e.problems())
        .extracting(Object::toString)
        .containsExactly("inv.yaml:6:18: hosts[0].state.wans[1].table: table 0 is reserved");
  }

  @Test
  void aFieldThatDoesNotBindDoesNotHideTheChecksBetweenTheOthers() {
    InvalidSpecException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            InvalidSpecException.class,
            () ->
                loader.parse(
                    HEAD
                        + "wans:\n  - name: a\n    interfaceName: averyveryverylongname\n"
                        + "  - name: b\n    table: 0\n  - name: c\n    bogus: 1\n",
                    "f.yaml"));
    assertThat(e.problems())
        .extracting(SpecProblem::toString)
        .containsExactly(
            "f.yaml:5:20: wans[0].interfaceName: interface name 'averyveryverylongname' is 21"
                + " characters; Linux allows at most 15",
            "f.yaml:7:12: wans[1].table: table 0 is reserved",
            "f.yaml:9:5: wans[2].bogus: unknown key 'bogus' (known keys: interfaceName, mark,"
                + " name, table)");
  }

  @Test
  void duplicateKeysAreErrors() {
    SpecProblem p = problem(HEAD + "values:\n  a.b: 1\n  a.b: 2\n");
    assertThat(p.line()).isEqualTo(5);
    assertThat(p.message()).isEqualTo("duplicate key 'a.b'");
  }

  @Test
  void brokenYamlNamesTheLine() {
    SpecProblem p = problem(HEAD + "values:\n  a.b: [1\n");
    assertThat(p.line()).isGreaterThanOrEqualTo(4);
    assertThat(p.message()).startsWith("not valid YAML");
  }

  @Test
  void theHeaderIsChecked() {
    assertThat(problem("apiVersion: v2\nkind: Doc\n").message())
        .isEqualTo("'v2' is not supported; expected netconverge/v1");
    assertThat(problem("apiVersion: netconverge/v1\nkind: Other\n").message())
        .isEqualTo("'Other' is not known; expected one of [Doc]");
    assertThat(problem("kind: Doc\n").path()).isEqualTo("apiVersion");
    assertThat(problem("").message()).isEqualTo("the file is empty");
  }
}
