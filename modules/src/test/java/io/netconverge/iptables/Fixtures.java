package io.netconverge.iptables;

/** Real tool output captured by src/test/resources/iptables/capture.sh. */
final class Fixtures {

  private Fixtures() {}

  static String text(String name) {
    return io.netconverge.core.testing.TestResources.text("/iptables/" + name);
  }

  static SavedRuleset ruleset(String name) {
    return SavedRuleset.parse(text(name), "");
  }
}
