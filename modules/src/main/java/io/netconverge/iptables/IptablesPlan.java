package io.netconverge.iptables;

import io.netconverge.core.diff.ListDiff;
import io.netconverge.core.engine.Change;
import io.netconverge.core.engine.ChangeValue;
import io.netconverge.core.engine.FieldChange;
import io.netconverge.core.net.Family;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What converging iptables means, computed without I/O from the declared chains and a reading of
 * the host: the changes to report and, per family, the one {@code iptables-restore --noflush} input
 * that makes them. Diff and apply both derive from this one computation, so what plan shows is what
 * apply does.
 */
final class IptablesPlan {

  private static final Pattern OWNED_JUMP =
      Pattern.compile(
          Pattern.quote("-m comment --comment " + IptablesChain.OWNER_COMMENT + " -j ") + "(\\S+)");

  private final List<Change> changes = new ArrayList<>();
  private final List<IptablesBatches.Batch> batches = new ArrayList<>();
  private List<IptablesChain> declared = List.of();

  private IptablesPlan() {}

  List<Change> changes() {
    return Collections.unmodifiableList(changes);
  }

  /** The iptables-restore input per family; a family without changes has none. */
  IptablesBatches batches() {
    return new IptablesBatches(batches, "", declared);
  }

  /**
   * @param declared the declared chains, with their canonical rules when canonicalized
   * @param live the state read from the host
   */
  static IptablesPlan of(IptablesState declared, IptablesState live) {
    return of(declared, live, ChainSweep.ALL);
  }

  /**
   * @param sweep which owned chains that are not declared are removed
   */
  static IptablesPlan of(IptablesState declared, IptablesState live, ChainSweep sweep) {
    IptablesState.Reading reading = live.reading();
    if (reading == null) {
      throw new IllegalArgumentException("the live iptables state has no reading of the host");
    }
    Map<String, List<String>> canonical =
        declared.reading() == null ? Map.of() : declared.reading().canonical();
    IptablesPlan plan = new IptablesPlan();
    plan.declared = declared.chains();
    List<Change> deletions = new ArrayList<>();
    Map<String, Change> byKey = new LinkedHashMap<>();
    for (Family family : Family.values()) {
      StringBuilder batch = new StringBuilder();
      SavedRuleset ruleset = reading.ruleset(family);
      for (IptablesTable table : IptablesTable.values()) {
        List<IptablesChain> chains =
            declared.chains().stream()
                .filter(c -> c.family() == family && c.table() == table)
                .toList();
        TableBatch ops =
            planTable(
                family, table, chains, ruleset.table(table), canonical, byKey, deletions, sweep);
        if (!ops.isEmpty()) {
          batch.append('*').append(table).append('\n');
          ops.appendTo(batch);
          batch.append("COMMIT\n");
        }
      }
      if (!batch.isEmpty()) {
        plan.batches.add(
            new IptablesBatches.Batch(family, backendOf(reading, family), batch.toString()));
      }
    }
    for (IptablesChain chain : declared.chains()) {
      plan.changes.add(byKey.get(chain.key()));
    }
    plan.changes.addAll(deletions);
    return plan;
  }

  /** The lines of one table's block, in the order iptables-restore must run them. */
  private record TableBatch(
      List<String> chainHeads,
      List<String> jumpDeletes,
      List<String> ruleAdds,
      List<String> chainFlushes,
      List<String> chainDeletes,
      List<String> jumpInserts) {

    TableBatch() {
      this(
          new ArrayList<>(),
          new ArrayList<>(),
          new ArrayList<>(),
          new ArrayList<>(),
          new ArrayList<>(),
          new ArrayList<>());
    }

    boolean isEmpty() {
      return chainHeads.isEmpty()
          && jumpDeletes.isEmpty()
          && ruleAdds.isEmpty()
          && chainFlushes.isEmpty()
          && chainDeletes.isEmpty()
          && jumpInserts.isEmpty();
    }

    void appendTo(StringBuilder sb) {
      // ':' creates a chain, or (with --noflush) flushes an existing one; jumps leave before the
      // chains they point at are deleted, and enter once their chains are filled. Every chain that
      // goes is flushed before any is deleted, as one of them may jump to another.
      for (List<String> lines :
          List.of(chainHeads, jumpDeletes, ruleAdds, chainFlushes, chainDeletes, jumpInserts)) {
        lines.forEach(l -> sb.append(l).append('\n'));
      }
    }
  }

  private static TableBatch planTable(
      Family family,
      IptablesTable table,
      List<IptablesChain> declared,
      SavedRuleset.Table live,
      Map<String, List<String>> canonical,
      Map<String, Change> byKey,
      List<Change> deletions,
      ChainSweep sweep) {
    TableBatch ops = new TableBatch();
    Set<String> placedJumps = new HashSet<>();
    for (String builtin : table.builtins()) {
      List<String> first = jumpsOf(declared, builtin, JumpPosition.FIRST);
      List<String> last = jumpsOf(declared, builtin, JumpPosition.LAST);
      JumpLayout layout = JumpLayout.of(live.rules(builtin), first, last);
      layout.placed().forEach(j -> placedJumps.add(builtin + " " + j));
      // A partial sweep declares nothing (so inserts nothing): of the jumps, only its own go.
      layout.deletes().stream()
          .filter(j -> ownedTarget(j).map(sweep::covers).orElse(true))
          .forEach(j -> ops.jumpDeletes.add("-D " + builtin + " " + j));
      layout.inserts().forEach(i -> ops.jumpInserts.add(i.command(builtin)));
    }

    Set<String> declaredNames = new HashSet<>();
    for (IptablesChain chain : declared) {
      declaredNames.add(chain.name());
      List<String> want = canonical.getOrDefault(chain.key(), chain.rules());
      List<FieldChange> fields = new ArrayList<>();
      String liveJump = describeLiveJump(live, table, chain.name());
      // A chain restored from a snapshot may have had no owned jump: then none is wanted.
      boolean jumpPlaced =
          chain.jumpFrom() == null
              ? liveJump == null
              : placedJumps.contains(chain.jumpFrom() + " " + chain.jumpRule());
      String wantJump = chain.jumpFrom() == null ? null : chain.jumpFrom() + " " + chain.position();
      if (!jumpPlaced) {
        fields.add(new FieldChange("jump", liveJump, wantJump));
      }
      boolean exists = live.hasChain(chain.name());
      List<String> have = live.rules(chain.name());
      if (!exists || !have.equals(want)) {
        ops.chainHeads.add(":" + chain.name() + " - [0:0]");
        // The rules as the host's iptables printed them in the throw-away namespace: what the
        // diff showed is what goes in.
        want.forEach(r -> ops.ruleAdds.add("-A " + chain.name() + " " + r));
        fields.addAll(ruleChanges(exists ? have : List.of(), want));
      }
      ChangeValue after = render(chain.name(), wantJump, want);
      Change change;
      if (!exists) {
        change = Change.create(chain.resource(), after, fields);
      } else if (fields.isEmpty()) {
        change = Change.ok(chain.resource(), after);
      } else {
        change =
            Change.update(chain.resource(), render(chain.name(), liveJump, have), after, fields);
      }
      byKey.put(chain.key(), change);
    }

    for (String owned : ownedChains(live, table)) {
      if (declaredNames.contains(owned) || !live.hasChain(owned) || !sweep.covers(owned)) {
        continue;
      }
      // Its jump already goes: no declared chain claims it in any built-in chain.
      ops.chainFlushes.add("-F " + owned);
      ops.chainDeletes.add("-X " + owned);
      String liveJump = describeLiveJump(live, table, owned);
      List<FieldChange> fields = new ArrayList<>();
      fields.add(FieldChange.removed("jump", liveJump));
      fields.addAll(ruleChanges(live.rules(owned), List.of()));
      deletions.add(
          Change.delete(
              IptablesChain.resource(family, table, owned),
              render(owned, liveJump, live.rules(owned)),
              fields));
    }
    return ops;
  }

  private static IptablesBackend backendOf(IptablesState.Reading reading, Family family) {
    IptablesBackend backend = reading.backends().get(family);
    if (backend == null) {
      throw new IllegalArgumentException("no iptables backend was read for " + family);
    }
    return backend;
  }

  /**
   * The restore inputs that put a snapshot back whatever the host holds now: per table that the
   * declared or snapshot chains live in, the owned chains are created or flushed and refilled from
   * the snapshot's saved lines, the built-in chains that hold (or may have got) an owned jump are
   * flushed and refilled from the snapshot (foreign rules included, in one transaction), and
   * declared chains the snapshot did not have are removed.
   */
  static IptablesBatches restore(IptablesState snapshot, IptablesState declared) {
    return restore(snapshot, declared, ChainSweep.ALL);
  }

  /**
   * As {@link #restore(IptablesState, IptablesState)}, for the owned chains {@code sweep} covers.
   */
  static IptablesBatches restore(IptablesState snapshot, IptablesState declared, ChainSweep sweep) {
    IptablesState.Reading reading = snapshot.reading();
    if (reading == null) {
      throw new IllegalArgumentException("a snapshot is a state read from a host");
    }
    List<IptablesBatches.Batch> batches = new ArrayList<>();
    StringBuilder nft = new StringBuilder();
    for (Family family : Family.values()) {
      SavedRuleset ruleset = reading.ruleset(family);
      // Which nft tables and base chains there were, when the snapshot looked (iptables-nft).
      Map<String, Set<String>> nftHad =
          reading.backends().get(family) == IptablesBackend.NFT
              ? reading.nftTables().get(family)
              : null;
      StringBuilder input = new StringBuilder();
      for (IptablesTable table : IptablesTable.values()) {
        SavedRuleset.Table had = ruleset.table(table);
        List<IptablesChain> chains =
            declared.chains().stream()
                .filter(c -> c.family() == family && c.table() == table)
                .toList();
        Set<String> owned = new LinkedHashSet<>(ownedChains(had, table));
        owned.removeIf(c -> !sweep.covers(c));
        if (chains.isEmpty() && owned.isEmpty()) {
          continue;
        }
        if (nftHad != null && !nftHad.containsKey(table.toString())) {
          // The apply made this table: it goes whole, whatever is in it now ("add" first makes
          // the delete valid whether or not it is there).
          String id = (family == Family.IPV4 ? "ip " : "ip6 ") + table;
          nft.append("table ").append(id).append('\n');
          nft.append("delete table ").append(id).append('\n');
          continue;
        }
        Set<String> baseChains = nftHad == null ? null : nftHad.get(table.toString());
        Set<String> restored = new LinkedHashSet<>();
        Set<String> removed = new LinkedHashSet<>();
        Set<String> builtins = new LinkedHashSet<>();
        for (IptablesChain chain : chains) {
          (had.hasChain(chain.name()) ? restored : removed).add(chain.name());
          if (chain.jumpFrom() != null) {
            builtins.add(chain.jumpFrom());
          }
        }
        restored.addAll(owned);
        for (String builtin : table.builtins()) {
          if (had.rules(builtin).stream()
              .anyMatch(r -> ownedTarget(r).filter(sweep::covers).isPresent())) {
            builtins.add(builtin);
          }
        }
        input.append('*').append(table).append('\n');
        for (String chain : restored) {
          input.append(':').append(chain).append(" - [0:0]\n");
        }
        for (String chain : removed) {
          input.append(':').append(chain).append(" - [0:0]\n");
        }
        for (String builtin : table.builtins()) {
          if (builtins.contains(builtin)) {
            input.append("-F ").append(builtin).append('\n');
            if (baseChains != null && !baseChains.contains(builtin)) {
              // An nft base chain the apply made (-F makes it when missing, so -X always finds
              // it): iptables-nft-save would print it the same, empty or absent.
              input.append("-X ").append(builtin).append('\n');
              continue;
            }
            for (String rule : had.rules(builtin)) {
              input.append("-A ").append(builtin).append(' ').append(rule).append('\n');
            }
          }
        }
        for (String chain : restored) {
          for (String rule : had.rules(chain)) {
            input.append("-A ").append(chain).append(' ').append(rule).append('\n');
          }
        }
        for (String chain : removed) {
          input.append("-X ").append(chain).append('\n');
        }
        input.append("COMMIT\n");
      }
      if (!input.isEmpty()) {
        batches.add(
            new IptablesBatches.Batch(family, backendOf(reading, family), input.toString()));
      }
    }
    return new IptablesBatches(batches, nft.toString());
  }

  private static List<String> jumpsOf(
      List<IptablesChain> declared, String builtin, JumpPosition position) {
    return declared.stream()
        .filter(c -> builtin.equals(c.jumpFrom()) && c.position() == position)
        .map(IptablesChain::jumpRule)
        .toList();
  }

  /** Chains an owned jump points at, in the order the jumps appear. */
  static Set<String> ownedChains(SavedRuleset.Table live, IptablesTable table) {
    Set<String> owned = new LinkedHashSet<>();
    for (String builtin : table.builtins()) {
      for (String rule : live.rules(builtin)) {
        ownedTarget(rule).ifPresent(owned::add);
      }
    }
    return owned;
  }

  static java.util.Optional<String> ownedTarget(String rule) {
    Matcher m = OWNED_JUMP.matcher(rule);
    return m.matches() ? java.util.Optional.of(m.group(1)) : java.util.Optional.empty();
  }

  /**
   * Where the owned jump into {@code chain} is: {@code PREROUTING first}; null when there is none.
   */
  static String describeLiveJump(SavedRuleset.Table live, IptablesTable table, String chain) {
    String jump = IptablesChain.jumpRule(chain);
    List<String> places = new ArrayList<>();
    for (String builtin : table.builtins()) {
      List<String> rules = live.rules(builtin);
      for (int i = 0; i < rules.size(); i++) {
        if (rules.get(i).equals(jump)) {
          places.add(builtin + " " + placeWord(rules, i));
        }
      }
    }
    return places.isEmpty() ? null : String.join(", ", places);
  }

  /** The live position as the file would say it; "rule N" when it is between foreign rules. */
  static String placeWord(List<String> rules, int index) {
    JumpPosition position = livePosition(rules, index);
    return position != null ? position.toString() : "rule " + (index + 1);
  }

  static JumpPosition livePosition(List<String> rules, int index) {
    boolean onlyOwnedBefore =
        rules.subList(0, index).stream().allMatch(r -> ownedTarget(r).isPresent());
    if (onlyOwnedBefore) {
      return JumpPosition.FIRST;
    }
    boolean onlyOwnedAfter =
        rules.subList(index + 1, rules.size()).stream().allMatch(r -> ownedTarget(r).isPresent());
    return onlyOwnedAfter ? JumpPosition.LAST : null;
  }

  /** A chain as reports show it: where it is jumped from, then its rules as iptables-save. */
  private static ChangeValue render(String chain, String jump, List<String> rules) {
    StringBuilder sb = new StringBuilder("jump from " + (jump == null ? "nowhere" : jump));
    for (String rule : rules) {
      sb.append("\n-A ").append(chain).append(' ').append(rule);
    }
    return ChangeValue.text(sb.toString());
  }

  /**
   * Rules added, removed and moved, by position ({@link ListDiff}, linear memory): the longest run
   * of rules both lists share in order stays; a rule outside it that is in both lists moved. A rule
   * replaced in place is one added and one removed, as iptables has no rule identity but its text.
   */
  static List<FieldChange> ruleChanges(List<String> before, List<String> after) {
    java.util.TreeMap<Integer, FieldChange> byAfter = new java.util.TreeMap<>();
    java.util.TreeMap<Integer, FieldChange> removed = new java.util.TreeMap<>();
    for (ListDiff.Edit edit : ListDiff.of(before, after)) {
      if (edit instanceof ListDiff.Moved m) {
        String rule = after.get(m.to());
        byAfter.put(
            m.to(),
            new FieldChange(
                "rule " + (m.to() + 1) + " (moved from " + (m.from() + 1) + ")", rule, rule));
      } else if (edit instanceof ListDiff.Changed c) {
        byAfter.put(c.to(), FieldChange.added("rule " + (c.to() + 1), after.get(c.to())));
        removed.put(c.from(), FieldChange.removed("rule " + (c.from() + 1), before.get(c.from())));
      } else if (edit instanceof ListDiff.Added a) {
        byAfter.put(a.to(), FieldChange.added("rule " + (a.to() + 1), after.get(a.to())));
      } else if (edit instanceof ListDiff.Removed r) {
        removed.put(r.from(), FieldChange.removed("rule " + (r.from() + 1), before.get(r.from())));
      }
    }
    List<FieldChange> fields = new ArrayList<>(byAfter.values());
    fields.addAll(removed.values());
    return fields;
  }
}
