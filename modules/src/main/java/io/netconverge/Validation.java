package io.netconverge;

import io.netconverge.core.engine.DeclarationRejectedException;
import io.netconverge.core.engine.Declared;
import io.netconverge.core.exec.ExecException;
import io.netconverge.core.exec.LocalExecutor;
import io.netconverge.core.sandbox.Sandbox;
import io.netconverge.core.spec.InvalidSpecException;
import io.netconverge.core.spec.SpecLoader;
import io.netconverge.core.spec.SpecProblem;
import io.netconverge.hoststate.HostState;
import io.netconverge.hoststate.HostStateSpec;
import io.netconverge.sysctl.SysctlKey;
import io.netconverge.sysctl.SysctlResource;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * What {@code converge validate} checks beyond the file itself, on this machine and without
 * touching it: sysctl names against /proc/sys of the current network namespace (an interface's key
 * is checked as the {@code default} one, since the interface may live only on the target), and nft
 * definitions and iptables rules by this machine's own nft and iptables, in a throw-away network
 * namespace (the checks a plan makes on a target). Every check says whether it ran, and why not.
 */
public final class Validation {

  /**
   * The outcome: the problems found (empty when valid) and what was and was not checked, each in a
   * sentence.
   */
  public record Result(List<SpecProblem> problems, List<String> checked, List<String> notChecked) {
    public Result {
      problems = List.copyOf(problems);
      checked = List.copyOf(checked);
      notChecked = List.copyOf(notChecked);
    }

    public boolean valid() {
      return problems.isEmpty();
    }
  }

  private final Path procSys;
  private final Predicate<String> onPath;
  private final boolean root;

  /**
   * @param procSys where the current namespace's sysctls are ({@code /proc/sys})
   * @param onPath whether a program is installed
   * @param root whether this process may make network namespaces
   */
  Validation(Path procSys, Predicate<String> onPath, boolean root) {
    this.procSys = procSys;
    this.onPath = onPath;
    this.root = root;
  }

  /** Checks against this machine: /proc/sys, the PATH, and root's right to make namespaces. */
  public static Validation here() {
    return new Validation(
        Path.of("/proc/sys"),
        Validation::installed,
        "root".equals(System.getProperty("user.name")));
  }

  /**
   * Loads the host state file (every problem of the file itself is an {@link
   * InvalidSpecException}), then checks it with this machine's tools.
   */
  public Result check(Path file, Path namesDir) throws InvalidSpecException {
    SpecLoader.Loaded<HostStateSpec> loaded =
        Netconverge.loader().loadWithSource(file, HostStateSpec.class);
    HostState state = HostState.fromLoaded(loaded, namesDir);
    List<SpecProblem> problems = new ArrayList<>();
    List<String> checked = new ArrayList<>();
    List<String> notChecked = new ArrayList<>();
    checked.add("the file: keys, types, values and what they refer to");

    List<SysctlKey> keys = new ArrayList<>(loaded.spec().expanded().sysctl().keySet());
    if (keys.isEmpty()) {
      // nothing to say
    } else if (!Files.isDirectory(procSys)) {
      notChecked.add("sysctl names: " + procSys + " is not there");
    } else {
      for (SysctlKey key : keys) {
        SysctlKey asHere = asDefault(key);
        if (!Files.exists(Path.of(procSys + asHere.procPath().substring("/proc/sys".length())))) {
          problems.add(
              loaded
                  .source()
                  .problem(
                      "sysctl[\"" + key.name() + "\"]",
                      "no such sysctl"
                          + (asHere.equals(key) ? "" : " (checked as " + asHere + ")")
                          + " in this machine's kernel; is it misspelled?"));
        }
      }
      checked.add(keys.size() + " sysctl names, against " + procSys + " of this network namespace");
      if (!root) {
        notChecked.add(
            "sysctl values: only root may make the throw-away network namespace they are tried in");
      } else if (!onPath.test("unshare") || !onPath.test("sysctl")) {
        notChecked.add("sysctl values: unshare or sysctl not installed here");
      } else {
        problems.addAll(
            new SysctlResource(loaded.source())
                .refusedValues(new LocalExecutor(), loaded.spec().expanded().sysctl()));
        checked.add(
            "sysctl values of network namespaces, by this machine's kernel in a throw-away network"
                + " namespace");
      }
    }

    List<Declared<?, ?>> toolChecked =
        state.declared().stream()
            .filter(
                d -> d.module().kind().equals("nftables") || d.module().kind().equals("iptables"))
            .toList();
    if (!toolChecked.isEmpty()) {
      Optional<String> missing = missingForTools(toolChecked);
      if (missing.isPresent()) {
        notChecked.add("nft definitions and iptables rules: " + missing.get());
      } else {
        problems.addAll(withTools(state, toolChecked, checked, notChecked));
      }
    }
    return new Result(problems, checked, notChecked);
  }

  private Optional<String> missingForTools(List<Declared<?, ?>> toolChecked) {
    if (!root) {
      return Optional.of("only root may make the throw-away network namespace they are loaded in");
    }
    List<String> tools = new ArrayList<>(List.of("ip", "unshare"));
    for (Declared<?, ?> d : toolChecked) {
      tools.add(d.module().kind().equals("nftables") ? "nft" : "iptables-restore");
    }
    List<String> absent = tools.stream().distinct().filter(onPath.negate()).toList();
    return absent.isEmpty()
        ? Optional.empty()
        : Optional.of(String.join(", ", absent) + " not installed here");
  }

  /**
   * Reads the nft and iptables parts against an empty sandbox, as a plan would on a target: their
   * declarations are loaded into a throw-away namespace by the tools, whose verdict is final.
   */
  private static List<SpecProblem> withTools(
      HostState state,
      List<Declared<?, ?>> toolChecked,
      List<String> checked,
      List<String> notChecked) {
    List<SpecProblem> problems = new ArrayList<>();
    try (Sandbox box = Sandbox.create(new LocalExecutor(), state.interfaces())) {
      for (Declared<?, ?> d : toolChecked) {
        String kind = d.module().kind();
        try {
          d.plan(box.executor());
          checked.add(kind + ", by this machine's own tools in a throw-away network namespace");
        } catch (DeclarationRejectedException e) {
          problems.addAll(e.problems());
          checked.add(kind + ", by this machine's own tools in a throw-away network namespace");
        } catch (ExecException e) {
          notChecked.add(kind + ": " + e.getMessage());
        }
      }
    } catch (ExecException | IllegalArgumentException e) {
      notChecked.add(
          "nft definitions and iptables rules: cannot make a sandbox: " + e.getMessage());
    }
    return problems;
  }

  /** An interface's key as its {@code default} twin: the interface may exist only on the target. */
  static SysctlKey asDefault(SysctlKey key) {
    Optional<String> itf = key.interfaceName();
    if (itf.isEmpty()) {
      return key;
    }
    String[] parts = key.name().split("\\.");
    parts[3] = "default";
    return SysctlKey.of(String.join(".", parts));
  }

  private static boolean installed(String program) {
    String path = System.getenv("PATH");
    List<String> dirs =
        new ArrayList<>(List.of((path == null ? "" : path).split(File.pathSeparator)));
    // root's tools live in sbin, which a user's PATH may lack.
    dirs.addAll(List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin"));
    return dirs.stream().anyMatch(d -> !d.isEmpty() && Files.isExecutable(Path.of(d, program)));
  }
}
