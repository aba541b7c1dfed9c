package io.netconverge.iprule;

import java.util.List;
import java.util.Map;

/**
 * The rules a host state owns.
 *
 * @param rules declared: the rules of the file; live: every rule tagged with our protocol, in the
 *     kernel's order
 * @param tableNames table names to numbers: the declared tables', and live also the host's
 */
public record IpRulesState(List<IpRule> rules, Map<String, Long> tableNames) {

  public IpRulesState {
    rules = List.copyOf(rules);
    tableNames = Map.copyOf(tableNames);
  }
}
