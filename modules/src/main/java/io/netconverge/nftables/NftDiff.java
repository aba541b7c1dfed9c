package io.netconverge.nftables;

import io.netconverge.core.diff.ListDiff;
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
   * The rules of one chain, aligned by {@link ListDiff} (linear memory, whatever the length): what
   * is not in the run that stays was moved (the same rule elsewhere), changed (a rule replaced in
   * the same place), added or removed. Positions are 1-based: declared positions for added and
   * changed rules, live ones ("live rule N") for removed rules.
   */
  static List<FieldChange> rules(
      String chain, List<TableForm.Rule> want, List<TableForm.Rule> have) {
    List<String> before = have.stream().map(TableForm.Rule::key).toList();
    List<String> after = want.stream().map(TableForm.Rule::key).toList();
    List<FieldChange> fields = new ArrayList<>();
    for (ListDiff.Edit edit : ListDiff.of(before, after)) {
      if (edit instanceof ListDiff.Moved m) {
        fields.add(
            new FieldChange(
                chain + " rule moved " + (m.from() + 1) + " -> " + (m.to() + 1),
                have.get(m.from()).text(),
                want.get(m.to()).text()));
      } else if (edit instanceof ListDiff.Changed c) {
        fields.add(
            new FieldChange(
                chain + " rule " + (c.to() + 1),
                have.get(c.from()).text(),
                want.get(c.to()).text()));
      } else if (edit instanceof ListDiff.Removed r) {
        fields.add(
            FieldChange.removed(chain + " live rule " + (r.from() + 1), have.get(r.from()).text()));
      } else if (edit instanceof ListDiff.Added a) {
        fields.add(FieldChange.added(chain + " rule " + (a.to() + 1), want.get(a.to()).text()));
      }
    }
    return fields;
  }
}
