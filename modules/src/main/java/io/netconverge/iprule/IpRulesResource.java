package io.netconverge.iprule;

import io.netconverge.core.engine.Change;
import io.netconverge.core.engine.Diff;
import io.netconverge.core.engine.FieldChange;
import io.netconverge.core.engine.ResourceId;
import io.netconverge.core.engine.ResourceModule;
import io.netconverge.core.exec.Command;
import io.netconverge.core.exec.ExecException;
import io.netconverge.core.exec.ExecResult;
import io.netconverge.core.exec.Executor;
import io.netconverge.core.net.Family;
import io.netconverge.core.net.IpBatch;
import io.netconverge.core.net.TableRef;
import io.netconverge.route.RouteTablesResource;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The set of {@code ip rule}s a host state owns: those tagged with its protocol. Read: {@code ip -N
 * -j -d rule show} once per family (and the rt_tables files when a rule names a table only they
 * know). Write: one {@code ip -batch -} per family, additions before deletions so that a changed
 * rule never leaves a gap. Rules with another protocol are never matched, changed or removed.
 */
public final class IpRulesResource implements ResourceModule<IpRulesState, IpRulePlan> {

  private final int protocol;
  private final Path iproute2Dir;

  public IpRulesResource(int protocol, Path iproute2Dir) {
    this.protocol = protocol;
    this.iproute2Dir = iproute2Dir;
  }

  @Override
  public String kind() {
    return "ip-rules";
  }

  @Override
  public IpRulesState read(Executor executor, IpRulesState declared) throws ExecException {
    Map<String, Long> names = new HashMap<>(TableRef.RESERVED);
    names.putAll(declared.tableNames());
    boolean unknownName =
        declared.rules().stream().anyMatch(r -> !r.resolved(names).tableResolved());
    if (unknownName) {
      Map<String, Long> host = RouteTablesResource.readFiles(executor, iproute2Dir).names();
      host.forEach(names::putIfAbsent);
      for (IpRule r : declared.rules()) {
        if (!r.resolved(names).tableResolved()) {
          throw new ExecException(
              "rule '"
                  + r
                  + "' names table '"
                  + r.table().name()
                  + "', which is neither declared in routeTables nor named in rt_tables on "
                  + executor.describe());
        }
      }
    }
    List<IpRule> owned = new ArrayList<>();
    List<CapturedRule> captured = new ArrayList<>();
    List<String> shared = new ArrayList<>();
    for (Family family : Family.values()) {
      Command command = Command.of("ip", "-N", family.ipOption(), "-j", "-d", "rule", "show");
      ExecResult result = executor.run(command);
      if (IpBatch.familyMissing(family, result)) {
        continue;
      }
      if (!result.ok()) {
        throw ExecException.failed(executor, command, result);
      }
      try {
        for (IpRule r : IpRuleJson.parse(result.stdout(), family)) {
          if (r.protocol() == protocol) {
            owned.add(r);
          }
        }
      } catch (IOException | IllegalArgumentException e) {
        throw new ExecException(
            "cannot parse the output of '" + command.display() + "': " + e.getMessage(), result, e);
      }
      Command text = Command.of("ip", "-N", family.ipOption(), "-d", "rule", "show");
      List<CapturedRule> all = CapturedRule.parse(executor.check(text).stdout(), family);
      for (CapturedRule r : all) {
        if (r.protocol() == protocol) {
          captured.add(r);
        }
      }
      shared.addAll(IpRulesState.sharedOrder(all, protocol));
    }
    return new IpRulesState(owned, names, captured, shared);
  }

  @Override
  public Diff<IpRulePlan> diff(IpRulesState declared, IpRulesState live) {
    List<Op> ops = plan(declared, live);
    Map<Family, List<String>> adds = new EnumMap<>(Family.class);
    List<IpRule> doomed = new ArrayList<>();
    for (Op op : ops) {
      if (op.add() != null) {
        adds.computeIfAbsent(op.add().family(), f -> new ArrayList<>())
            .add("rule add " + String.join(" ", op.add().words()));
      }
      if (op.delete() != null) {
        doomed.add(op.delete());
      }
    }
    Map<Family, List<String>> batches = new EnumMap<>(Family.class);
    for (Family family : Family.values()) {
      // Additions first: a changed rule never leaves a gap, and a new rule goes after the old
      // rules of its priority, so it cannot be what a deletion below picks.
      List<String> lines = new ArrayList<>(adds.getOrDefault(family, List.of()));
      lines.addAll(deletions(family, live.rules(), doomed));
      if (!lines.isEmpty()) {
        batches.put(family, lines);
      }
    }
    return new Diff<>(ops.stream().map(Op::change).toList(), new IpRulePlan(batches));
  }

  /** One {@code ip -batch -} per family. */
  @Override
  public List<Command> commands(IpRulePlan plan) {
    List<Command> commands = new ArrayList<>();
    plan.batches().forEach((family, lines) -> commands.add(IpBatch.command(family, lines)));
    return commands;
  }

  /**
   * Every rule of our protocol goes ({@code rule flush protocol}, whatever the apply got to), then
   * the snapshot's rules come back in the kernel's order, in the words ip printed them.
   */
  @Override
  public IpRulePlan restore(IpRulesState snapshot, IpRulesState declared) {
    Map<Family, List<String>> batches = new EnumMap<>(Family.class);
    for (Family family : Family.values()) {
      boolean used =
          snapshot.captured().stream().anyMatch(r -> r.family() == family)
              || declared.rules().stream().anyMatch(r -> r.family() == family);
      if (!used) {
        continue;
      }
      List<String> lines = new ArrayList<>();
      lines.add("rule flush protocol " + protocol);
      snapshot.captured().stream()
          .filter(r -> r.family() == family)
          .forEach(r -> lines.add("rule add " + r.words()));
      batches.put(family, lines);
    }
    return new IpRulePlan(batches);
  }

  /**
   * The lines that remove exactly {@code doomed}. {@code ip rule del} takes the first rule, in the
   * kernel's order, that has every field it is given; when one of ours that stays comes first and
   * says more, it is removed first and added back after (at the end of its priority).
   */
  static List<String> deletions(Family family, List<IpRule> liveInOrder, List<IpRule> doomed) {
    List<IpRule> current =
        new ArrayList<>(liveInOrder.stream().filter(r -> r.family() == family).toList());
    List<String> lines = new ArrayList<>();
    List<IpRule> readd = new ArrayList<>();
    for (IpRule x : List.copyOf(current)) {
      if (!doomed.contains(x) || !current.contains(x)) {
        continue;
      }
      for (IpRule r : List.copyOf(current.subList(0, current.indexOf(x)))) {
        if (x.deletionWouldMatch(r)) {
          lines.add("rule del " + String.join(" ", r.words()));
          current.remove(r);
          if (!doomed.contains(r)) {
            readd.add(r);
          }
        }
      }
      lines.add("rule del " + String.join(" ", x.words()));
      current.remove(x);
    }
    for (IpRule r : readd) {
      lines.add("rule add " + String.join(" ", r.words()));
    }
    return lines;
  }

  /**
   * @param add the rule to add, or null
   * @param delete the live rule to delete, or null
   */
  private record Op(Change change, IpRule add, IpRule delete) {}

  /**
   * Pure matching, in three passes: declared rules with a priority take their exact live rule;
   * rules declared without one take a live rule equal in all else (so they are never added twice);
   * what is left pairs up by priority as drift, and the rest is added or removed.
   */
  private List<Op> plan(IpRulesState declared, IpRulesState live) {
    Map<String, Long> names = new HashMap<>(TableRef.RESERVED);
    names.putAll(declared.tableNames());
    names.putAll(live.tableNames());
    List<IpRule> wanted = declared.rules().stream().map(r -> r.resolved(names)).toList();
    List<IpRule> unmatched = new ArrayList<>(live.rules());
    IpRule[] match = new IpRule[wanted.size()];
    for (int i = 0; i < wanted.size(); i++) {
      IpRule want = wanted.get(i);
      if (want.priority() != null && unmatched.remove(want)) {
        match[i] = want;
      }
    }
    for (int i = 0; i < wanted.size(); i++) {
      IpRule want = wanted.get(i);
      if (want.priority() == null) {
        for (IpRule have : unmatched) {
          if (have.sameButPriority(want)) {
            match[i] = have;
            unmatched.remove(have);
            break;
          }
        }
      }
    }
    List<Op> ops = new ArrayList<>();
    for (int i = 0; i < wanted.size(); i++) {
      IpRule want = wanted.get(i);
      if (match[i] != null) {
        ops.add(new Op(Change.ok(resource(match[i]), match[i]), null, null));
        continue;
      }
      IpRule drifted = null;
      if (want.priority() != null) {
        for (IpRule have : unmatched) {
          if (have.family() == want.family() && want.priority().equals(have.priority())) {
            drifted = have;
            break;
          }
        }
      }
      if (drifted != null) {
        unmatched.remove(drifted);
        ops.add(
            new Op(
                Change.update(resource(want), drifted, want, drifted.differences(want)),
                want,
                drifted));
      } else {
        ops.add(
            new Op(
                Change.create(resource(want), want, List.of(FieldChange.added("rule", want))),
                want,
                null));
      }
    }
    for (IpRule have : unmatched) {
      ops.add(
          new Op(
              Change.delete(resource(have), have, List.of(FieldChange.removed("rule", have))),
              null,
              have));
    }
    return ops;
  }

  private static ResourceId resource(IpRule rule) {
    return ResourceId.of("ip rule", rule);
  }
}
