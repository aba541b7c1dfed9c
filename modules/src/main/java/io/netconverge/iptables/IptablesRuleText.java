package io.netconverge.iptables;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A declared rule as {@code iptables-restore} reads the line {@code -A CHAIN <rule>}: words split
 * at blanks, a double-quoted part is one word with {@code \} escaping inside it, nothing else is
 * special. Checking the text against that reader at load time keeps a rule inside its own line and
 * its own chain: no second command, no other table, no helper program.
 */
final class IptablesRuleText {

  /** Options that make a line another command than appending to our chain. */
  private static final Set<String> COMMANDS =
      Set.of(
          "-A",
          "--append",
          "-I",
          "--insert",
          "-D",
          "--delete",
          "-R",
          "--replace",
          "-N",
          "--new-chain",
          "-X",
          "--delete-chain",
          "-F",
          "--flush",
          "-P",
          "--policy",
          "-Z",
          "--zero",
          "-E",
          "--rename-chain",
          "-L",
          "--list",
          "-S",
          "--list-rules");

  private IptablesRuleText() {}

  /** What is wrong with the rule text, or null. */
  static String problem(String rule) {
    for (int i = 0; i < rule.length(); i++) {
      char c = rule.charAt(i);
      if ((c < 0x20 && c != '\t') || c == 0x7f) {
        return "a rule is one line of text: it has a "
            + (c == '\n' || c == '\r'
                ? "line break"
                : String.format("control character \\x%02x", (int) c))
            + " at column "
            + (i + 1);
      }
    }
    List<String> words;
    try {
      words = words(rule);
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
    for (String w : words) {
      if (COMMANDS.contains(w)) {
        return "'"
            + w
            + "' is an iptables command, not part of a rule: each rule is appended to its own"
            + " chain";
      }
      if (w.equals("-t")
          || w.startsWith("--table")
          || (w.startsWith("-t") && !w.startsWith("--"))) {
        return "'" + w + "': a rule cannot name a table; set 'table' on the chain";
      }
      if (w.equals("-M") || w.startsWith("--modprobe")) {
        return "'"
            + w
            + "' would make iptables run another program as root; it is not allowed in a rule";
      }
    }
    return null;
  }

  /** The words iptables-restore makes of the rule; throws on an unterminated quote. */
  static List<String> words(String rule) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean quoted = false;
    boolean escaped = false;
    boolean started = false;
    int quoteAt = -1;
    for (int i = 0; i < rule.length(); i++) {
      char c = rule.charAt(i);
      if (quoted) {
        if (escaped) {
          word.append(c);
          escaped = false;
        } else if (c == '\\') {
          escaped = true;
        } else if (c == '"') {
          quoted = false;
          words.add(word.toString());
          word.setLength(0);
          started = false;
        } else {
          word.append(c);
        }
        continue;
      }
      if (c == '"') {
        quoted = true;
        quoteAt = i;
        if (started) {
          words.add(word.toString());
          word.setLength(0);
        }
        started = true;
        continue;
      }
      if (c == '\'') {
        throw new IllegalArgumentException(
            "iptables-restore does not read single quotes (column "
                + (i + 1)
                + "): write \"two words\" in double quotes");
      }
      if (c == ' ' || c == '\t') {
        if (started) {
          words.add(word.toString());
          word.setLength(0);
          started = false;
        }
        continue;
      }
      word.append(c);
      started = true;
    }
    if (quoted) {
      throw new IllegalArgumentException(
          "the double quote at column " + (quoteAt + 1) + " is never closed");
    }
    if (started) {
      words.add(word.toString());
    }
    return words;
  }
}
