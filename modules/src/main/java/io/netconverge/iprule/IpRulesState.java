package io.netconverge.iprule;

import java.util.List;
import java.util.Map;

/**
 * The rules a host state owns.
 *
 * @param rules declared: the rules of the file; live: every rule tagged with our protocol, in the
 *     kernel's order
 * @param tableNames table names to numbers: the declared tables', and live also the host's
 * @param captured live only: our rules as ip printed them, in the kernel's order (what a restore
 *     replays)
 */
public record IpRulesState(
    List<IpRule> rules,
    Map<String, Long> tableNames,
    List<CapturedRule> captured,
    List<String> sharedOrder) {

  public IpRulesState {
    rules = List.copyOf(rules);
    tableNames = Map.copyOf(tableNames);
    captured = List.copyOf(captured);
    sharedOrder = List.copyOf(sharedOrder);
  }

  public IpRulesState(List<IpRule> rules, Map<String, Long> tableNames) {
    this(rules, tableNames, List.of(), List.of());
  }

  /**
   * Where ours and foreign rules share a priority, every rule of that priority in the kernel's
   * order ({@code ours ...} or {@code foreign ...}): rules of one priority are tried in that order,
   * and a restore can put ours back only after the foreign ones, so a read again tells whether the
   * order came back.
   */
  static List<String> sharedOrder(List<CapturedRule> all, int protocol) {
    java.util.Map<String, List<CapturedRule>> byPriority = new java.util.LinkedHashMap<>();
    for (CapturedRule r : all) {
      String priority = r.family() + " " + r.words().split(" ")[1];
      byPriority.computeIfAbsent(priority, k -> new java.util.ArrayList<>()).add(r);
    }
    List<String> order = new java.util.ArrayList<>();
    byPriority.forEach(
        (priority, rules) -> {
          boolean ours = rules.stream().anyMatch(r -> r.protocol() == protocol);
          boolean foreign = rules.stream().anyMatch(r -> r.protocol() != protocol);
          if (ours && foreign) {
            rules.forEach(
                r -> order.add((r.protocol() == protocol ? "ours " : "foreign ") + r.words()));
          }
        });
    return order;
  }
}
