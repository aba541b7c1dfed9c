package io.netconverge.hoststate;

import io.netconverge.core.engine.Declared;
import io.netconverge.core.sandbox.SandboxInterface;
import io.netconverge.core.spec.InvalidSpecException;
import io.netconverge.core.spec.SpecLoader;
import io.netconverge.core.spec.SpecProblem;
import io.netconverge.core.spec.SpecSource;
import io.netconverge.core.spec.SpecViolation;
import io.netconverge.sysctl.SysctlKey;
import io.netconverge.sysctl.SysctlScope;
import io.netconverge.sysctl.SysctlState;
import io.netconverge.wan.LiveProfile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A host state as the engine converges it: the declared state of each module, in apply order
 * (sysctls and routing tables before the rules that point at them; marking rules last), and the
 * interfaces it names.
 *
 * <p>A state with a dualWan profile also keeps what it was made from ({@link #live()}): its
 * declared state is the profile expanded as written, and a {@code Converger} makes it again for
 * each host from that host's WANs as they are.
 *
 * @param declared what each module converges, in apply order
 * @param interfaces the interfaces it names (what a sandbox builds)
 * @param live what to make the state again from for a host's live WANs; empty without dualWan
 */
public record HostState(
    List<Declared<?, ?>> declared, List<SandboxInterface> interfaces, Optional<LiveProfile> live) {

  /**
   * Where iproute2 keeps its names on the target. A system property moves it: for hosts built with
   * another CONFDIR, and for tests, which must not write into the real /etc.
   */
  public static final String IPROUTE2_DIR_PROPERTY = "netconverge.iproute2.dir";

  public HostState {
    declared = List.copyOf(declared);
    interfaces = List.copyOf(interfaces);
    Objects.requireNonNull(live, "live");
  }

  /** A host state that does not depend on the host's WANs. */
  public HostState(List<Declared<?, ?>> declared, List<SandboxInterface> interfaces) {
    this(declared, interfaces, Optional.empty());
  }

  /**
   * Validates the spec exactly as a file's is, then builds the host state; its iproute2 names go to
   * {@code /etc/iproute2} (or the folder {@value #IPROUTE2_DIR_PROPERTY} names).
   *
   * @throws InvalidSpecException naming each problem by field path (a spec built in code has no
   *     file lines: it is named {@code (declared in code)})
   */
  public static HostState from(HostStateSpec spec) throws InvalidSpecException {
    return from(spec, SpecSource.none(), defaultIproute2Dir());
  }

  public static HostState from(HostStateSpec spec, Path iproute2Dir) throws InvalidSpecException {
    return from(spec, SpecSource.none(), iproute2Dir);
  }

  /**
   * @param source the file the spec was loaded from, to name the user's line when a tool on the
   *     target rejects a declaration
   */
  public static HostState from(HostStateSpec spec, SpecSource source) throws InvalidSpecException {
    return from(spec, source, defaultIproute2Dir());
  }

  /** A host state written in Java, checked like a file when built. */
  public static HostStateBuilder builder() {
    return new HostStateBuilder();
  }

  /**
   * Declared sysctls that the kernel keeps for the whole machine, not per network namespace
   * (everything outside {@code net.}, and the {@code net.} keys {@link SysctlScope} knows to be
   * host-wide): writing them inside a namespace changes the host.
   */
  public List<String> hostWideSysctls() {
    return sysctlKeys().stream()
        .filter(k -> !SysctlScope.isPerNamespace(k))
        .map(SysctlKey::name)
        .toList();
  }

  /**
   * The problems of converging this host state into a network namespace ({@code --netns}, a netns
   * inventory host, a sandbox): each host-wide sysctl, located in the file it was read from.
   *
   * @param text the text of that file
   * @param source the file's name for messages
   * @param prefix the path of the host state within the file ({@code hosts[0].hostState.}), or
   *     empty
   */
  public List<SpecProblem> namespaceTargetProblems(String text, String source, String prefix)
      throws InvalidSpecException {
    List<SpecProblem> problems = new ArrayList<>();
    for (SysctlKey key : sysctlKeys()) {
      if (!SysctlScope.isPerNamespace(key)) {
        problems.add(
            SpecLoader.locate(
                text,
                source,
                prefix + "sysctl" + HostStateSpec.pathKey(key.name()),
                SysctlScope.namespaceProblem(key)));
      }
    }
    return problems;
  }

  private List<SysctlKey> sysctlKeys() {
    List<SysctlKey> keys = new ArrayList<>();
    for (Declared<?, ?> d : declared) {
      if (d.state() instanceof SysctlState s) {
        keys.addAll(s.values().keySet());
      }
    }
    return keys;
  }

  /** The iproute2 folder names go to unless told otherwise: /etc/iproute2, or the property's. */
  public static Path defaultNamesDir() {
    return defaultIproute2Dir();
  }

  static Path defaultIproute2Dir() {
    return Path.of(System.getProperty(IPROUTE2_DIR_PROPERTY, "/etc/iproute2"));
  }

  public static HostState from(HostStateSpec file, SpecSource source, Path iproute2Dir)
      throws InvalidSpecException {
    try {
      file.validate();
    } catch (SpecViolation v) {
      List<SpecProblem> problems = new ArrayList<>();
      for (SpecViolation one : v.violations()) {
        problems.add(source.problem(one.path(), one.getMessage()));
      }
      throw new InvalidSpecException(problems);
    }
    return fromValid(file, source, iproute2Dir);
  }

  /**
   * Like {@link #from(HostStateSpec, SpecSource, Path)} for a file a {@link SpecLoader} bound: the
   * loader validated the spec as it bound it (it runs {@link
   * io.netconverge.core.spec.Validated#validate()} on everything it binds), so it is not validated
   * a second time (at scale, that is every one of thousands of addresses read again).
   */
  /** {@link #fromLoaded(SpecLoader.Loaded, Path)} with the names in /etc/iproute2. */
  public static HostState fromLoaded(SpecLoader.Loaded<HostStateSpec> loaded)
      throws InvalidSpecException {
    return fromLoaded(loaded, defaultIproute2Dir());
  }

  public static HostState fromLoaded(SpecLoader.Loaded<HostStateSpec> loaded, Path iproute2Dir)
      throws InvalidSpecException {
    return fromValid(loaded.spec(), loaded.source(), iproute2Dir);
  }

  private static HostState fromValid(HostStateSpec file, SpecSource source, Path iproute2Dir)
      throws InvalidSpecException {
    // A profile is only a shorthand: the modules see the resources it stands for. It names its
    // interfaces first, so a sandbox builds them first.
    HostStateSpec spec = file.expanded();
    Assembly assembly = new Assembly(source, iproute2Dir, spec);
    for (ModuleRegistration<?> module : Modules.ALL) {
      if (module.profile()) {
        declare(module, file, assembly);
      }
    }
    for (ModuleRegistration<?> module : Modules.ALL) {
      if (!module.profile()) {
        declare(module, spec, assembly);
      }
    }
    HostState built = assembly.build();
    // A dualWan profile keeps what it was made from: each converge makes it again for the host.
    return file.dualWan() == null
        ? built
        : new HostState(
            built.declared(),
            built.interfaces(),
            Optional.of(new LiveProfile(file, source, iproute2Dir)));
  }

  private static <T> void declare(
      ModuleRegistration<T> module, HostStateSpec spec, Assembly assembly) {
    T section = module.section(spec);
    if (section != null) {
      module.declare(section, assembly);
    }
  }
}
