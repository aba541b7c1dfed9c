package io.netconverge.iptables;

import io.netconverge.core.net.Family;
import io.netconverge.core.spec.SpecViolation;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The file form of one owned iptables/ip6tables chain ({@code iptables:} entries of a host state).
 * netconverge owns the chain (all its rules, in order) and the one jump rule into it from {@code
 * jumpFrom}; nothing else in the table.
 *
 * <pre>{@code
 * - family: ipv4            # ipv4 (iptables) | ipv6 (ip6tables); default ipv4
 *   table: mangle           # filter | mangle | nat | raw
 *   chain: NC-PREROUTING    # a user chain
 *   jumpFrom: PREROUTING    # the built-in chain holding the owned jump
 *   position: first         # first | last; default first
 *   rules:                  # iptables rule specs without "-A CHAIN", in order
 *     - "-i wan0 -m conntrack --ctstate NEW -j CONNMARK --set-mark 10/0xff"
 * }</pre>
 *
 * @param family ipv4 or ipv6; null means ipv4
 * @param table the table of the chain
 * @param chain the user chain's name
 * @param jumpFrom the built-in chain of {@code table} that jumps to {@code chain}
 * @param position where the jump sits in {@code jumpFrom}; null means first
 * @param rules the chain's rules in order, each as iptables takes it after {@code -A CHAIN}
 */
public record IptablesChainSpec(
    Family family,
    IptablesTable table,
    String chain,
    String jumpFrom,
    JumpPosition position,
    List<String> rules) {

  /**
   * iptables' own limit is 28 characters; the characters are narrower than it allows on purpose.
   */
  private static final Pattern CHAIN_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.:+-]{0,27}");

  private static final Set<String> VERDICTS = Set.of("ACCEPT", "DROP", "RETURN", "QUEUE");

  public IptablesChainSpec {
    family = family == null ? Family.IPV4 : family;
    position = position == null ? JumpPosition.FIRST : position;
    rules = rules == null ? List.of() : List.copyOf(rules);
  }

  /**
   * Checks what binding cannot; {@code path} is this entry's path, e.g. {@code iptables[2]}. The
   * rules themselves are checked by iptables on the target, during the plan.
   */
  public void validate(String path) {
    if (table == null) {
      throw new SpecViolation(path + ".table", "a table is required (filter, mangle, nat, raw)");
    }
    if (chain == null) {
      throw new SpecViolation(path + ".chain", "a chain name is required");
    }
    if (!CHAIN_NAME.matcher(chain).matches()) {
      throw new SpecViolation(
          path + ".chain",
          "'"
              + chain
              + "' is not a chain name: 1 to 28 of A-Z a-z 0-9 _ . : + -, not starting with -");
    }
    if (IptablesTable.MANGLE.isBuiltin(chain) || VERDICTS.contains(chain)) {
      throw new SpecViolation(
          path + ".chain",
          "'" + chain + "' is built in; declare a user chain and jump to it with jumpFrom");
    }
    if (jumpFrom == null) {
      throw new SpecViolation(
          path + ".jumpFrom",
          "jumpFrom is required: one of " + String.join(", ", table.builtins()));
    }
    if (!table.isBuiltin(jumpFrom)) {
      throw new SpecViolation(
          path + ".jumpFrom",
          "'"
              + jumpFrom
              + "' is not a built-in chain of table "
              + table
              + "; expected one of "
              + String.join(", ", table.builtins()));
    }
    for (int i = 0; i < rules.size(); i++) {
      String rule = rules.get(i);
      String at = path + ".rules[" + i + "]";
      if (rule == null || rule.isBlank()) {
        throw new SpecViolation(at, "a rule cannot be empty");
      }
      String head = rule.strip();
      if (head.matches("^(-[AIDRNXFPZ]|--(append|insert|delete|replace|new-chain))(\\s.*)?$")
          || head.startsWith("*")
          || head.startsWith(":")
          || head.equals("COMMIT")) {
        throw new SpecViolation(
            at,
            "write the rule without '-A " + chain + "': only what follows it, e.g. '-j ACCEPT'");
      }
      // One rule is one line of iptables-restore input, read by its own word splitter.
      String problem = IptablesRuleText.problem(rule);
      if (problem != null) {
        throw new SpecViolation(at, problem);
      }
    }
  }

  /** The identity of the chain on a host. */
  public String key() {
    return family + " " + table + " " + chain;
  }
}
