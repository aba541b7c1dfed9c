package io.netconverge.nftables;

import java.util.List;
import java.util.Optional;

/**
 * One table as nft printed it, split into what the diff compares: the table's own attributes, its
 * named items (chains, sets, maps, stateful objects, flowtables) and each chain's rules in order.
 * Every part has a {@code key} (what equality means: nft's canonical JSON with handles and counters
 * removed, plus nft's own stateless text, which nft 1.0.6's JSON lacks pieces of, e.g. chain
 * comments and the dynamic flag of sets) and a {@code text} in nft syntax (what a user reads).
 *
 * @param name family and name
 * @param attributes key of the table's own flags and comment
 * @param attributesText the same in nft syntax
 * @param items chains, sets, maps and objects, in nft's listing order
 * @param definition the table's content in nft syntax, re-declarable
 * @param restoreDefinition the same, with the time each element of a set or map with timeouts had
 *     left ({@code expires}): what a restore loads, so that an element comes back to expire when it
 *     would have, not an hour later. Not part of equality: it changes every second
 */
public record TableForm(
    NftTableName name,
    String attributes,
    String attributesText,
    List<Item> items,
    String definition,
    String restoreDefinition) {

  public TableForm {
    items = List.copyOf(items);
    restoreDefinition = restoreDefinition == null ? definition : restoreDefinition;
  }

  public TableForm(
      NftTableName name,
      String attributes,
      String attributesText,
      List<Item> items,
      String definition) {
    this(name, attributes, attributesText, items, definition, definition);
  }

  /** Equal when everything but {@link #restoreDefinition} is. */
  @Override
  public boolean equals(Object o) {
    return o instanceof TableForm t
        && name.equals(t.name)
        && attributes.equals(t.attributes)
        && attributesText.equals(t.attributesText)
        && items.equals(t.items)
        && definition.equals(t.definition);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(name, attributes, attributesText, items, definition);
  }

  public Optional<Item> item(String kind, String itemName) {
    return items.stream()
        .filter(i -> i.kind().equals(kind) && i.name().equals(itemName))
        .findFirst();
  }

  /**
   * A chain, set, map or stateful object.
   *
   * @param kind nft's word for it: {@code chain}, {@code set}, {@code map}, {@code counter}, {@code
   *     ct helper}, ...
   * @param name its name in the table
   * @param key what equality means (for chains: the chain's own properties, not its rules)
   * @param keyWithoutElements the key of a set or map without its elements: sets the datapath fills
   *     (dynamic, timeout) are compared this way when the definition declares no elements
   * @param runtimeFilled whether the datapath may add elements (flags dynamic or timeout)
   * @param declaresElements whether it has elements
   * @param text the item in nft syntax (for chains: without rules)
   * @param rules a chain's rules in order; empty for anything else
   */
  public record Item(
      String kind,
      String name,
      String key,
      String keyWithoutElements,
      boolean runtimeFilled,
      boolean declaresElements,
      String text,
      List<Rule> rules) {

    public Item {
      rules = List.copyOf(rules);
    }

    public String label() {
      return kind + " " + name;
    }
  }

  /**
   * One rule.
   *
   * @param key nft's canonical JSON of its expressions and comment, and its stateless text
   * @param text the rule in nft syntax, as nft prints it
   */
  public record Rule(String key, String text) {}
}
