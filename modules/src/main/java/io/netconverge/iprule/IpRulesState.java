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
    List<IpRule> rules, Map<String, Long> tableNames, List<CapturedRule> captured) {

  public IpRulesState {
    rules = List.copyOf(rules);
    tableNames = Map.copyOf(tableNames);
    captured = List.copyOf(captured);
  }

  public IpRulesState(List<IpRule> rules, Map<String, Long> tableNames) {
    this(rules, tableNames, List.of());
  }
}
