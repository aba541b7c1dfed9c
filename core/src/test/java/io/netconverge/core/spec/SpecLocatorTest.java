package io.netconverge.core.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SpecLocatorTest {

  private static final String FILE =
      "apiVersion: netconverge/v1\n"
          + "kind: Doc\n"
          + "items:\n"
          + "  - name: a\n"
          + "    rules:\n"
          + "      - \"-j RETURN\"\n"
          + "      - \"-j NOPE\"\n"
          + "    definition: |\n"
          + "      chain x {\n"
          + "        bad thing\n"
          + "      }\n";

  private final SpecLocator locator;

  SpecLocatorTest() throws InvalidSpecException {
    locator = new SpecLoader(Map.of("Doc", Object.class)).locator(FILE, "host.yaml");
  }

  @Test
  void aFieldPathIsLocatedAtItsValue() {
    assertThat(locator.problem("items[0].rules[1]", "rejected").toString())
        .isEqualTo("host.yaml:7:9: items[0].rules[1]: rejected");
  }

  @Test
  void aLineInsideABlockScalarCountsFromTheLineAfterItsIndicator() {
    assertThat(locator.problem("items[0].definition", 2, "syntax error").toString())
        .isEqualTo("host.yaml:10: items[0].definition: syntax error");
  }

  @Test
  void aPathNotInTheFileKeepsTheFileAndPath() {
    SpecProblem p = locator.problem("dualWan.wans[9]", "rejected");
    assertThat(p.source()).isEqualTo("host.yaml");
    assertThat(p.path()).isEqualTo("dualWan.wans[9]");
  }
}
