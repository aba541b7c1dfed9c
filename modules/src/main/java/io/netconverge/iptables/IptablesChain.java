package io.netconverge.iptables;

import io.netconverge.core.engine.ResourceId;
import io.netconverge.core.net.Family;
import java.util.List;
import java.util.Objects;

/**
 * One owned chain: its rules in order and the one jump into it. Declared chains come from the file;
 * live ones from iptables-save, with rules in the printed (canonical) form.
 *
 * @param family ipv4 or ipv6
 * @param table the table the chain is in
 * @param name the user chain's name
 * @param jumpFrom the built-in chain holding the owned jump; null for a live chain without one
 * @param position where that jump sits; for a live jump found between foreign rules, {@code last}
 * @param rules the rule specs, each the text after {@code -A NAME}
 * @param path where the chain is declared in the file (e.g. {@code iptables[2]}); null when it was
 *     read from a host
 */
public record IptablesChain(
    Family family,
    IptablesTable table,
    String name,
    String jumpFrom,
    JumpPosition position,
    List<String> rules,
    String path) {

  /**
   * Marks the jump rules netconverge owns. A chain is only ever deleted when such a jump points at
   * it and no host state declares it any more: without a mark on the host, a chain we created and
   * one somebody else made with the same look cannot be told apart, and deleting a foreign chain is
   * the worst thing this tool could do. A comment is the one marker both backends store and print
   * back unchanged, and it does not change what the rule matches.
   */
  public static final String OWNER_COMMENT = "netconverge";

  public IptablesChain {
    Objects.requireNonNull(family, "family");
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(name, "name");
    rules = List.copyOf(rules);
    if (jumpFrom != null && position == null) {
      position = JumpPosition.FIRST;
    }
  }

  public static IptablesChain from(IptablesChainSpec spec, String path) {
    return new IptablesChain(
        spec.family(),
        spec.table(),
        spec.chain(),
        spec.jumpFrom(),
        spec.position(),
        spec.rules(),
        path);
  }

  /** The owned jump rule into {@code chain}, exactly as iptables-save prints it. */
  public static String jumpRule(String chain) {
    return "-m comment --comment " + OWNER_COMMENT + " -j " + chain;
  }

  public String jumpRule() {
    return jumpRule(name);
  }

  /** Family, table and name: one chain on a host. */
  public String key() {
    return key(family, table, name);
  }

  static String key(Family family, IptablesTable table, String name) {
    return family + " " + table + " " + name;
  }

  /** The name in reports: {@code iptables mangle NC-PREROUTING}, {@code ip6tables filter X}. */
  public ResourceId resource() {
    return resource(family, table, name);
  }

  /** Kind: the tool ({@code iptables}, {@code ip6tables}); key: table and chain. */
  static ResourceId resource(Family family, IptablesTable table, String chain) {
    return new ResourceId(family.iptablesTool(), table + " " + chain);
  }

  public IptablesChain withRules(List<String> canonicalRules) {
    return new IptablesChain(family, table, name, jumpFrom, position, canonicalRules, path);
  }
}
