package io.netconverge.iptables;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One family's rules as iptables-save prints them: per table, the chains in order and each chain's
 * rules (the text after {@code -A CHAIN}), exactly as printed. This printed form is the canonical
 * one every comparison uses.
 *
 * @param tables by table name, in the order printed
 * @param legacyTablesPresent iptables-nft-save warned that iptables-legacy tables hold rules too
 */
public record SavedRuleset(Map<String, Table> tables, boolean legacyTablesPresent) {

  static final String LEGACY_WARNING = "# Warning: iptables-legacy tables present";

  public SavedRuleset {
    tables = Collections.unmodifiableMap(new LinkedHashMap<>(tables));
  }

  public static SavedRuleset empty() {
    return new SavedRuleset(Map.of(), false);
  }

  /**
   * @param chains chain name to policy ({@code -} for a user chain), in the order printed
   * @param rules chain name to its rules in order; every chain of {@code chains} has an entry
   */
  public record Table(String name, Map<String, String> chains, Map<String, List<String>> rules) {

    public Table {
      chains = Collections.unmodifiableMap(new LinkedHashMap<>(chains));
      Map<String, List<String>> copy = new LinkedHashMap<>();
      rules.forEach((chain, list) -> copy.put(chain, List.copyOf(list)));
      rules = Collections.unmodifiableMap(copy);
    }

    public boolean hasChain(String chain) {
      return chains.containsKey(chain);
    }

    public List<String> rules(String chain) {
      return rules.getOrDefault(chain, List.of());
    }

    public List<String> userChains() {
      return chains.entrySet().stream()
          .filter(e -> e.getValue().equals("-"))
          .map(Map.Entry::getKey)
          .toList();
    }
  }

  public Table table(IptablesTable table) {
    Table t = tables.get(table.toString());
    return t == null ? new Table(table.toString(), Map.of(), Map.of()) : t;
  }

  public int ruleCount() {
    return tables.values().stream()
        .mapToInt(t -> t.rules().values().stream().mapToInt(List::size).sum())
        .sum();
  }

  /**
   * Parses iptables-save (or ip6tables-save) output of either backend. Comment lines, including the
   * "legacy tables present" warning some versions print on stdout, are skipped; {@code stderr} is
   * only looked at for that warning.
   *
   * @throws IllegalArgumentException on a line iptables-save does not print, naming it
   */
  public static SavedRuleset parse(String stdout, String stderr) {
    boolean legacy = stdout.contains(LEGACY_WARNING) || stderr.contains(LEGACY_WARNING);
    Map<String, Table> tables = new LinkedHashMap<>();
    String table = null;
    Map<String, String> chains = null;
    Map<String, List<String>> rules = null;
    int n = 0;
    for (String line : stdout.split("\n", -1)) {
      n++;
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      if (line.startsWith("*")) {
        table = line.substring(1).strip();
        chains = new LinkedHashMap<>();
        rules = new LinkedHashMap<>();
      } else if (table == null) {
        throw new IllegalArgumentException("line " + n + " is outside a table: '" + line + "'");
      } else if (line.equals("COMMIT")) {
        tables.put(table, new Table(table, chains, rules));
        table = null;
      } else if (line.startsWith(":")) {
        String[] parts = line.substring(1).split(" ");
        if (parts.length < 2) {
          throw new IllegalArgumentException("line " + n + " is not a chain: '" + line + "'");
        }
        chains.put(parts[0], parts[1]);
        rules.putIfAbsent(parts[0], new ArrayList<>());
      } else if (line.startsWith("-A ")) {
        int space = line.indexOf(' ', 3);
        String chain = space < 0 ? line.substring(3) : line.substring(3, space);
        String spec = space < 0 ? "" : line.substring(space + 1);
        rules.computeIfAbsent(chain, c -> new ArrayList<>()).add(spec);
      } else {
        throw new IllegalArgumentException(
            "line " + n + " is not iptables-save output: '" + line + "'");
      }
    }
    if (table != null) {
      throw new IllegalArgumentException("table " + table + " has no COMMIT");
    }
    return new SavedRuleset(tables, legacy);
  }
}
