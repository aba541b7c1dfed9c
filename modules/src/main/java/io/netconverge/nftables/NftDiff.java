package io.netconverge.nftables;

import io.netconverge.core.engine.FieldChange;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The differences between two forms of one table, both printed by the same nft: per chain, rules
 * added, removed, moved and changed (in nft syntax); chains, sets, maps and objects added, removed
 * or changed. Pure.
 */
final class NftDiff {

  private NftDiff() {}

  static List<FieldChange> fields(TableForm want, TableForm have) {
    List<FieldChange> fields = new ArrayList<>();
    if (!want.attributes().equals(have.attributes())) {
      fields.add(new FieldChange("table", have.attributesText(), want.attributesText()));
    }
    Set<String> labels = new LinkedHashSet<>();
    want.items().forEach(i -> labels.add(i.kind() + "\u0000" + i.name()));
    have.items().forEach(i -> labels.add(i.kind() + "\u0000" + i.name()));
    for (String label : labels) {
      String[] parts = label.split("\u0000", 2);
      Optional<TableForm.Item> w = want.item(parts[0], parts[1]);
      Optional<TableForm.Item> h = have.item(parts[0], parts[1]);
      if (h.isEmpty()) {
        fields.add(FieldChange.added(w.get().label(), fullText(w.get())));
      } else if (w.isEmpty()) {
        fields.add(FieldChange.removed(h.get().label(), fullText(h.get())));
      } else {
        if (!sameItem(w.get(), h.get())) {
          fields.add(new FieldChange(w.get().label(), h.get().text(), w.get().text()));
        }
        if (w.get().kind().equals("chain")) {
          fields.addAll(rules(w.get().label(), w.get().rules(), h.get().rules()));
        }
      }
    }
    return fields;
  }

  /**
   * Whether a live item is what the declared one says. A set or map the datapath fills (flags
   * dynamic or timeout) whose definition declares no elements owns its shape, not its contents.
   */
  static boolean sameItem(TableForm.Item want, TableForm.Item have) {
    if (want.runtimeFilled() && !want.declaresElements()) {
      return want.keyWithoutElements().equals(have.keyWithoutElements());
    }
    return want.key().equals(have.key());
  }

  /**
   * Whether only rules differ: then the table can be flushed and re-declared in place, which keeps
   * set elements the datapath added and the state of named counters and quotas.
   */
  static boolean onlyRulesDiffer(TableForm want, TableForm have) {
    if (!want.attributes().equals(have.attributes())
        || want.items().size() != have.items().size()) {
      return false;
    }
    for (TableForm.Item w : want.items()) {
      Optional<TableForm.Item> h = have.item(w.kind(), w.name());
      if (h.isEmpty() || !sameItem(w, h.get())) {
        return false;
      }
    }
    return true;
  }

  private static String fullText(TableForm.Item item) {
    if (item.rules().isEmpty()) {
      return item.text();
    }
    // The chain's own lines, then its rules, one tab in: how nft lays out a chain.
    String text = item.text();
    StringBuilder sb = new StringBuilder(text.substring(0, text.length() - 1));
    for (TableForm.Rule r : item.rules()) {
      sb.append('\t').append(r.text()).append('\n');
    }
    return sb.append('}').toString();
  }

  /**
   * The rules of one chain, aligned by their longest common subsequence: what is outside it was
   * moved (the same rule elsewhere), changed (a rule replaced in the same place), added or removed.
   * Positions are 1-based: declared positions for added and changed rules, live ones ("live rule
   * N") for removed rules.
   */
  static List<FieldChange> rules(
      String chain, List<TableForm.Rule> want, List<TableForm.Rule> have) {
    int n = want.size();
    int m = have.size();
    int[][] lcs = new int[n + 1][m + 1];
    for (int i = n - 1; i >= 0; i--) {
      for (int j = m - 1; j >= 0; j--) {
        lcs[i][j] =
            want.get(i).key().equals(have.get(j).key())
                ? lcs[i + 1][j + 1] + 1
                : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
      }
    }
    // Gaps between matched rules: each holds the declared and live rules that did not match.
    List<List<Integer>> gapAdds = new ArrayList<>();
    List<List<Integer>> gapDels = new ArrayList<>();
    List<Integer> adds = new ArrayList<>();
    List<Integer> dels = new ArrayList<>();
    int i = 0;
    int j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && want.get(i).key().equals(have.get(j).key())) {
        gapAdds.add(adds);
        gapDels.add(dels);
        adds = new ArrayList<>();
        dels = new ArrayList<>();
        i++;
        j++;
      } else if (j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j])) {
        dels.add(j++);
      } else {
        adds.add(i++);
      }
    }
    gapAdds.add(adds);
    gapDels.add(dels);

    List<FieldChange> fields = new ArrayList<>();
    Set<Integer> movedAdds = new LinkedHashSet<>();
    Set<Integer> movedDels = new LinkedHashSet<>();
    for (List<Integer> gap : gapAdds) {
      for (int a : gap) {
        for (List<Integer> dgap : gapDels) {
          for (int d : dgap) {
            if (!movedDels.contains(d) && want.get(a).key().equals(have.get(d).key())) {
              movedAdds.add(a);
              movedDels.add(d);
              fields.add(
                  new FieldChange(
                      chain + " rule moved " + (d + 1) + " -> " + (a + 1),
                      have.get(d).text(),
                      want.get(a).text()));
              break;
            }
          }
          if (movedAdds.contains(a)) {
            break;
          }
        }
      }
    }
    for (int g = 0; g < gapAdds.size(); g++) {
      List<Integer> a = gapAdds.get(g).stream().filter(x -> !movedAdds.contains(x)).toList();
      List<Integer> d = gapDels.get(g).stream().filter(x -> !movedDels.contains(x)).toList();
      int paired = Math.min(a.size(), d.size());
      for (int k = 0; k < paired; k++) {
        fields.add(
            new FieldChange(
                chain + " rule " + (a.get(k) + 1),
                have.get(d.get(k)).text(),
                want.get(a.get(k)).text()));
      }
      for (int k = paired; k < d.size(); k++) {
        fields.add(
            FieldChange.removed(chain + " live rule " + (d.get(k) + 1), have.get(d.get(k)).text()));
      }
      for (int k = paired; k < a.size(); k++) {
        fields.add(FieldChange.added(chain + " rule " + (a.get(k) + 1), want.get(a.get(k)).text()));
      }
    }
    return fields;
  }
}
