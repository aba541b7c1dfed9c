package io.netconverge.nftables;

import io.netconverge.core.spec.SpecViolation;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The file form of one owned nft table: a list item under {@code nftables:}.
 *
 * <pre>
 * nftables:
 *   - table: inet dualwan
 *     definition: |
 *       chain prerouting { type filter hook prerouting priority mangle; ... }
 * </pre>
 *
 * @param table family and name, e.g. {@code inet dualwan}
 * @param definition the whole content of the table in nft syntax, what goes between the braces of
 *     {@code table inet dualwan { ... }}: chains, sets, maps, objects. Everything in the live table
 *     that is not here is removed; an empty definition declares an empty table.
 */
public record NftTableSpec(NftTableName table, String definition) {

  public static NftTableSpec of(String table, String definition) {
    return new NftTableSpec(NftTableName.parse(table), definition);
  }

  /**
   * Checks a {@code nftables:} list: every item names a table and has a definition, and no table is
   * declared twice (two owners of one table would undo each other).
   *
   * @param path the list's field path, e.g. {@code nftables}
   * @throws SpecViolation naming the first offending field
   */
  public static void validate(List<NftTableSpec> tables, String path) {
    Map<NftTableName, Integer> seen = new HashMap<>();
    for (int i = 0; i < tables.size(); i++) {
      NftTableSpec t = tables.get(i);
      String at = path + "[" + i + "]";
      if (t == null) {
        throw new SpecViolation(at, "expected a mapping with table and definition");
      }
      if (t.table() == null) {
        throw new SpecViolation(at, "missing required key 'table' (e.g. table: inet dualwan)");
      }
      if (t.definition() == null) {
        throw new SpecViolation(
            at + ".definition",
            "a definition is required: the content of the table in nft syntax (\"\" for an empty"
                + " table)");
      }
      if (t.definition().strip().matches("(?s)table\\s.*\\{.*")) {
        throw new SpecViolation(
            at + ".definition",
            "the definition is the content of table "
                + t.table()
                + ": leave out its 'table ... {' line and the closing brace");
      }
      NftDefinitionText.Problem problem = NftDefinitionText.check(t.definition());
      if (problem != null) {
        throw new SpecViolation(at + ".definition", problem.message(), problem.line());
      }
      Integer first = seen.putIfAbsent(t.table(), i);
      if (first != null) {
        throw new SpecViolation(
            at + ".table",
            "table " + t.table() + " is already declared at " + path + "[" + first + "]");
      }
    }
  }
}
