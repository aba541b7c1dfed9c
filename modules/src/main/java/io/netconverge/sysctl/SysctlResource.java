package io.netconverge.sysctl;

import io.netconverge.core.engine.Change;
import io.netconverge.core.engine.DeclarationRejectedException;
import io.netconverge.core.engine.Diff;
import io.netconverge.core.engine.FieldChange;
import io.netconverge.core.engine.ResourceId;
import io.netconverge.core.engine.ResourceModule;
import io.netconverge.core.exec.Command;
import io.netconverge.core.exec.ExecException;
import io.netconverge.core.exec.ExecResult;
import io.netconverge.core.exec.Executor;
import io.netconverge.core.exec.ThrowAwayNamespace;
import io.netconverge.core.spec.SpecProblem;
import io.netconverge.core.spec.SpecSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kernel parameters under /proc/sys. Read: one {@code grep -H} over every declared file (through
 * the executor, so it works in a namespace or remotely). Write: one {@code sysctl -w} with every
 * changed key, in declared order; a restore writes every value read before.
 */
public final class SysctlResource implements ResourceModule<SysctlState, SysctlPlan> {

  private static final Logger LOG = LoggerFactory.getLogger(SysctlResource.class);

  /**
   * Writes every {@code key=value} argument with one sysctl (in a throw-away network namespace):
   * sysctl goes on past a refused value and complains about each, {@code sysctl: setting key "KEY":
   * REASON}. A key the namespace does not have gets another complaint, which is not a verdict on
   * the value (its name is checked elsewhere).
   */
  static final String TRY_VALUES = "sysctl -q -w \"$@\" 2>&1; exit 0";

  private static final Pattern REFUSED =
      Pattern.compile("^sysctl: setting key \"([^\"]+)\": (.*)$");

  private final SpecSource source;

  /**
   * @param source the file the keys were declared in, to name the line of a key the target lacks
   */
  public SysctlResource(SpecSource source) {
    this.source = source;
  }

  public SysctlResource() {
    this(SpecSource.none());
  }

  @Override
  public String kind() {
    return "sysctl";
  }

  @Override
  public SysctlState read(Executor executor, SysctlState declared) throws ExecException {
    if (declared.values().isEmpty()) {
      return declared;
    }
    List<String> argv = new ArrayList<>(List.of("grep", "-H", "-a", "--", ""));
    Map<String, SysctlKey> byPath = new HashMap<>();
    for (SysctlKey key : declared.values().keySet()) {
      argv.add(key.procPath());
      byPath.put(key.procPath(), key);
    }
    ExecResult result = executor.run(Command.of(argv));
    List<String> problems = new ArrayList<>();
    List<SpecProblem> absent = new ArrayList<>();
    // Only grep's own complaints count: a remote login shell may print noise on stderr too.
    for (String line : result.stderr().split("\n")) {
      if (line.startsWith("grep: ")) {
        SysctlKey missing = missingKey(line, byPath);
        if (missing != null) {
          absent.add(
              source.problem(
                  "sysctl[\"" + missing.name() + "\"]",
                  "no such sysctl on " + executor.describe() + ": " + explain(line, byPath)));
        } else {
          problems.add(explain(line, byPath));
        }
      }
    }
    if (problems.isEmpty() && !absent.isEmpty()) {
      // A key the target's kernel does not have is the file's mistake (or the wrong target):
      // nothing was written, and the user is sent to the line.
      throw new DeclarationRejectedException(absent);
    }
    absent.forEach(p -> problems.add(p.message()));
    if (!problems.isEmpty() || result.exitCode() > 1) {
      if (problems.isEmpty()) {
        problems.add("grep exited " + result.exitCode() + ": " + result.stderr().strip());
      }
      throw new ExecException(
          "cannot read sysctl on " + executor.describe() + ": " + String.join("; ", problems));
    }
    Map<SysctlKey, String> live = new LinkedHashMap<>();
    Map<SysctlKey, StringBuilder> lines = new HashMap<>();
    for (String line : result.stdout().split("\n")) {
      int colon = line.indexOf(':');
      if (colon < 0) {
        continue;
      }
      SysctlKey key = byPath.get(line.substring(0, colon));
      if (key != null) {
        lines
            .computeIfAbsent(key, k -> new StringBuilder())
            .append(' ')
            .append(line.substring(colon + 1));
      }
    }
    for (SysctlKey key : declared.values().keySet()) {
      // An empty file prints no line at all: its value is empty.
      StringBuilder value = lines.get(key);
      live.put(key, value == null ? "" : SysctlState.canonical(value.toString()));
    }
    Map<SysctlKey, String> toWrite = new LinkedHashMap<>();
    declared
        .values()
        .forEach(
            (key, want) -> {
              if (!SysctlState.same(want, live.get(key))) {
                toWrite.put(key, want);
              }
            });
    List<SpecProblem> refused = refusedValues(executor, toWrite);
    if (!refused.isEmpty()) {
      throw new DeclarationRejectedException(refused);
    }
    return new SysctlState(live);
  }

  /**
   * The values the kernel of {@code executor}'s machine refuses, each at its line: every
   * per-network-namespace key is written in a throw-away network namespace (one process), so that a
   * value like {@code yes} is the file's mistake before anything is changed, not a failed apply.
   * Interface keys are tried as their {@code default} twin (the interface is not in that
   * namespace). Where no such namespace can be made, nothing is checked here: the apply's own write
   * then refuses the value.
   */
  public List<SpecProblem> refusedValues(Executor executor, Map<SysctlKey, String> values) {
    List<String> argv = new ArrayList<>(List.of("sh", "-c", TRY_VALUES, "netconverge"));
    Map<String, SysctlKey> byTried = new HashMap<>();
    values.forEach(
        (key, value) -> {
          if (SysctlScope.isPerNamespace(key)) {
            SysctlKey tried = asDefault(key);
            byTried.putIfAbsent(tried.name(), key);
            argv.add(tried.name() + "=" + SysctlState.canonical(value));
          }
        });
    if (byTried.isEmpty()) {
      return List.of();
    }
    ExecResult result;
    try {
      result = ThrowAwayNamespace.run(executor, argv, "", "check the declared sysctl values");
    } catch (ExecException e) {
      LOG.debug("sysctl values not checked before the write: {}", e.getMessage());
      return List.of();
    }
    List<SpecProblem> problems = new ArrayList<>();
    for (String line : result.stdout().split("\n")) {
      Matcher m = REFUSED.matcher(line.strip());
      if (!m.matches()) {
        continue;
      }
      SysctlKey key = byTried.get(m.group(1));
      // Only the kernel's verdict on the value counts; another failure is no verdict.
      if (key != null) {
        refusal(key, SysctlState.canonical(values.get(key)), m.group(2)).ifPresent(problems::add);
      }
    }
    return problems;
  }

  /**
   * The file's mistake at {@code key}'s line when sysctl's reason ({@code why}) is the kernel's
   * verdict on the value; empty for any other reason.
   */
  private Optional<SpecProblem> refusal(SysctlKey key, String value, String why) {
    String reason = why.strip();
    boolean range = reason.contains("out of range");
    if (!range && !reason.equals("Invalid argument")) {
      return Optional.empty();
    }
    return Optional.of(
        source.problem(
            "sysctl[\"" + key.name() + "\"]",
            "the kernel refuses the value '"
                + value
                + "' of "
                + key
                + (range ? " (out of range)" : " (invalid argument)")));
  }

  /** An interface's key as its {@code default} twin: the interface may exist only on the target. */
  public static SysctlKey asDefault(SysctlKey key) {
    if (key.interfaceName().isEmpty()) {
      return key;
    }
    String[] parts = key.name().split("\\.");
    parts[3] = "default";
    return SysctlKey.of(String.join(".", parts));
  }

  private static SysctlKey missingKey(String grepError, Map<String, SysctlKey> byPath) {
    if (!grepError.contains("No such file")) {
      return null;
    }
    for (var e : byPath.entrySet()) {
      if (grepError.contains(e.getKey() + ":")) {
        return e.getValue();
      }
    }
    return null;
  }

  private static String explain(String grepError, Map<String, SysctlKey> byPath) {
    for (var e : byPath.entrySet()) {
      if (grepError.contains(e.getKey() + ":")) {
        SysctlKey key = e.getValue();
        if (grepError.contains("No such file")) {
          return key
              + " does not exist"
              + key.interfaceName().map(i -> " (is interface " + i + " there?)").orElse("");
        }
        if (grepError.contains("Permission denied")) {
          return key + " cannot be read (write-only or not permitted)";
        }
        return key + ": " + grepError;
      }
    }
    return grepError;
  }

  @Override
  public Diff<SysctlPlan> diff(SysctlState declared, SysctlState live) {
    List<Change> changes = new ArrayList<>();
    Map<SysctlKey, String> writes = new LinkedHashMap<>();
    for (var e : declared.values().entrySet()) {
      SysctlKey key = e.getKey();
      ResourceId resource = ResourceId.of("sysctl", key);
      SysctlValue want = new SysctlValue(key, e.getValue());
      String have = live.values().get(key);
      if (have == null) {
        changes.add(Change.create(resource, want, List.of(FieldChange.added("value", want))));
        writes.put(key, want.text());
      } else if (SysctlState.same(want.text(), have)) {
        changes.add(Change.ok(resource, new SysctlValue(key, have)));
      } else {
        SysctlValue was = new SysctlValue(key, have);
        changes.add(
            Change.update(resource, was, want, List.of(new FieldChange("value", was, want))));
        writes.put(key, want.text());
      }
    }
    return new Diff<>(changes, new SysctlPlan(writes));
  }

  /** One {@code sysctl -w} with every key to write, in declared order. */
  @Override
  public List<Command> commands(SysctlPlan plan) {
    if (plan.writes().isEmpty()) {
      return List.of();
    }
    List<String> argv = new ArrayList<>(List.of("sysctl", "-q", "-w"));
    plan.writes().forEach((key, value) -> argv.add(key + "=" + value));
    return List.of(Command.of(argv));
  }

  /**
   * The values the write refused because the kernel does not take them (an interface's own key that
   * its {@code default} twin accepted, e.g. an IPv6 MTU above the link's; or a target where no
   * throw-away namespace could try them), each at its line. Only when every key sysctl names is
   * such a refusal: a key that could not be written for another reason (permissions, a read-only
   * /proc/sys) is the host's failure, not the file's.
   */
  @Override
  public List<SpecProblem> rejected(SysctlPlan plan, ExecException failure) {
    if (failure.result() == null) {
      return List.of();
    }
    Map<String, SysctlKey> written = new HashMap<>();
    plan.writes().keySet().forEach(k -> written.put(k.toString(), k));
    List<SpecProblem> problems = new ArrayList<>();
    // Every line must be such a refusal: anything else sysctl said (permission denied, a
    // read-only /proc/sys) is the host's failure, and the file is not to blame for it.
    for (String line : failure.result().stderr().split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      Matcher m = REFUSED.matcher(line.strip());
      SysctlKey key = m.matches() ? written.get(m.group(1)) : null;
      Optional<SpecProblem> problem =
          key == null ? Optional.empty() : refusal(key, plan.writes().get(key), m.group(2));
      if (problem.isEmpty()) {
        return List.of();
      }
      problems.add(problem.get());
    }
    return problems;
  }

  /** Writes back every value the snapshot read, whatever the keys hold now. */
  @Override
  public SysctlPlan restore(SysctlState snapshot, SysctlState declared) {
    Map<SysctlKey, String> writes = new LinkedHashMap<>();
    snapshot.values().forEach((key, value) -> writes.put(key, value));
    return new SysctlPlan(writes);
  }
}
