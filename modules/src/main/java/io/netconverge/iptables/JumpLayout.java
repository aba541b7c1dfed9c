package io.netconverge.iptables;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where the owned jumps of one built-in chain go, and the fewest precise steps to get them there.
 * Wanted: the {@code first} jumps in declared order before every foreign rule, the {@code last}
 * ones after every foreign rule, each exactly once; foreign rules keep their order.
 *
 * <p>A jump already in its place stays. Every other owned jump (misplaced, duplicated, or into a
 * chain no longer declared) is deleted by its full rule spec, as many times as it occurs, and the
 * missing ones are inserted at an index. Deleting by spec, not by number, means a rule somebody
 * adds between our read and our write can shift numbers but never makes us delete it.
 *
 * @param placed the jump rules already where they belong
 * @param deletes one entry per occurrence to delete ({@code -D CHAIN SPEC})
 * @param inserts in the order to run them
 */
record JumpLayout(Set<String> placed, List<String> deletes, List<Insert> inserts) {

  /** {@code -I CHAIN index SPEC}, or {@code -A CHAIN SPEC} when index is 0. */
  record Insert(int index, String jump) {
    String command(String builtin) {
      return index == 0 ? "-A " + builtin + " " + jump : "-I " + builtin + " " + index + " " + jump;
    }
  }

  static JumpLayout of(List<String> actual, List<String> first, List<String> last) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (String rule : actual) {
      if (IptablesPlan.ownedTarget(rule).isPresent()) {
        counts.merge(rule, 1, Integer::sum);
      }
    }
    int p = 0;
    while (p < first.size()
        && p < actual.size()
        && actual.get(p).equals(first.get(p))
        && counts.get(first.get(p)) == 1) {
      p++;
    }
    int s = 0;
    while (s < last.size()
        && s < actual.size() - p
        && actual.get(actual.size() - 1 - s).equals(last.get(last.size() - 1 - s))
        && counts.get(last.get(last.size() - 1 - s)) == 1) {
      s++;
    }
    Set<String> placed = new LinkedHashSet<>(first.subList(0, p));
    placed.addAll(last.subList(last.size() - s, last.size()));

    List<String> deletes = new ArrayList<>();
    int length = actual.size();
    Map<String, Integer> seen = new HashMap<>();
    for (String rule : actual) {
      if (counts.containsKey(rule)
          && !placed.contains(rule)
          && seen.merge(rule, 1, Integer::sum) == 1) {
        for (int k = 0; k < counts.get(rule); k++) {
          deletes.add(rule);
          length--;
        }
      }
    }
    List<Insert> inserts = new ArrayList<>();
    for (int i = p; i < first.size(); i++) {
      inserts.add(new Insert(i + 1, first.get(i)));
      length++;
    }
    for (int i = 0; i < last.size() - s; i++) {
      inserts.add(new Insert(s == 0 ? 0 : length - s + 1, last.get(i)));
      length++;
    }
    return new JumpLayout(placed, deletes, inserts);
  }
}
