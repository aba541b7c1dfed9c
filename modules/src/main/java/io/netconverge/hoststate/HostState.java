package io.netconverge.hoststate;

import io.netconverge.core.engine.Declared;
import io.netconverge.core.net.TableRef;
import io.netconverge.core.sandbox.SandboxInterface;
import io.netconverge.core.spec.InvalidSpecException;
import io.netconverge.core.spec.SpecLoader;
import io.netconverge.core.spec.SpecProblem;
import io.netconverge.core.spec.SpecSource;
import io.netconverge.core.spec.SpecViolation;
import io.netconverge.dualwan.DualWanProfile;
import io.netconverge.iprule.IpRule;
import io.netconverge.iprule.IpRulesResource;
import io.netconverge.iprule.IpRulesState;
import io.netconverge.iptables.IptablesChain;
import io.netconverge.iptables.IptablesResource;
import io.netconverge.iptables.IptablesState;
import io.netconverge.nftables.NftState;
import io.netconverge.nftables.NftablesResource;
import io.netconverge.route.Iproute2Files;
import io.netconverge.route.Nexthop;
import io.netconverge.route.Route;
import io.netconverge.route.RouteTable;
import io.netconverge.route.RouteTablesResource;
import io.netconverge.route.RouteTablesState;
import io.netconverge.sysctl.SysctlKey;
import io.netconverge.sysctl.SysctlResource;
import io.netconverge.sysctl.SysctlScope;
import io.netconverge.sysctl.SysctlState;
import io.netconverge.wan.LiveProfile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
    List<Declared<?, ?>> declared = new ArrayList<>();
    Map<String, SandboxInterface> interfaces = new LinkedHashMap<>();
    if (file.dualWan() != null) {
      for (SandboxInterface wan : DualWanProfile.expand(file.dualWan()).interfaces()) {
        interfaces.merge(wan.name(), wan, SandboxInterface::merge);
      }
    }
    // A profile is only a shorthand: the modules below see the resources it stands for.
    HostStateSpec spec = file.expanded();

    Map<SysctlKey, String> sysctl = new LinkedHashMap<>(spec.sysctl());
    if (!sysctl.isEmpty()) {
      declared.add(new Declared<>(new SysctlResource(source), new SysctlState(sysctl)));
    }
    for (SysctlKey key : sysctl.keySet()) {
      key.interfaceName()
          .ifPresent(i -> interfaces.merge(i, SandboxInterface.bare(i), SandboxInterface::merge));
    }

    if (!spec.routeTables().isEmpty() || !spec.ipRules().isEmpty() || spec.protocol() != null) {
      int protocol = spec.routingProtocol();
      List<RouteTable> tables =
          spec.routeTables().stream().map(t -> RouteTable.of(t, protocol)).toList();
      Map<String, Long> names = new LinkedHashMap<>();
      for (RouteTable t : tables) {
        if (t.ref().id() != null
            && t.ref().name() != null
            && !TableRef.RESERVED.containsKey(t.ref().name())) {
          names.put(t.ref().name(), t.ref().id());
        }
      }
      declared.add(
          new Declared<>(
              new RouteTablesResource(protocol, iproute2Dir),
              new RouteTablesState(tables, Iproute2Files.declared(names, protocol))));
      List<IpRule> rules = spec.ipRules().stream().map(r -> IpRule.of(r, protocol)).toList();
      declared.add(
          new Declared<>(
              new IpRulesResource(protocol, iproute2Dir), new IpRulesState(rules, names)));
      sandboxInterfaces(tables, rules, interfaces);
    }

    if (spec.nftables() != null) {
      declared.add(
          new Declared<>(new NftablesResource(), NftState.declared(spec.nftables(), source)));
    }

    if (spec.iptables() != null) {
      List<IptablesChain> chains = new ArrayList<>();
      for (int i = 0; i < spec.iptables().size(); i++) {
        chains.add(IptablesChain.from(spec.iptables().get(i), "iptables[" + i + "]"));
      }
      declared.add(new Declared<>(new IptablesResource(source), IptablesState.declared(chains)));
    }
    return new HostState(
        declared,
        new ArrayList<>(interfaces.values()),
        file.dualWan() == null
            ? Optional.empty()
            : Optional.of(new LiveProfile(file, source, iproute2Dir)));
  }

  /**
   * The devices routes and rules name, with the gateways the sandbox's far end must answer at, and
   * an address wherever a route gives one ({@code src}) inside a connected prefix on that device.
   */
  private static void sandboxInterfaces(
      List<RouteTable> tables, List<IpRule> rules, Map<String, SandboxInterface> interfaces) {
    List<Route> routes = tables.stream().flatMap(t -> t.routes().stream()).toList();
    for (Route r : routes) {
      List<String> addresses = new ArrayList<>();
      if (r.src() != null && r.dev() != null) {
        for (Route link : routes) {
          if (r.dev().equals(link.dev())
              && link.via() == null
              && link.to().length() > 0
              && link.to().contains(r.src())) {
            addresses.add(r.src().address() + "/" + link.to().length());
            break;
          }
        }
      }
      if (r.dev() != null) {
        List<String> gateways = r.via() == null ? List.of() : List.of(r.via().address());
        interfaces.merge(
            r.dev(), new SandboxInterface(r.dev(), addresses, gateways), SandboxInterface::merge);
      }
      for (Nexthop n : r.nexthops()) {
        if (n.dev() != null) {
          List<String> gateways = n.via() == null ? List.of() : List.of(n.via().address());
          interfaces.merge(
              n.dev(), new SandboxInterface(n.dev(), List.of(), gateways), SandboxInterface::merge);
        }
      }
    }
    for (IpRule rule : rules) {
      for (String itf : new String[] {rule.iif(), rule.oif()}) {
        if (itf != null && !itf.equals("lo")) {
          interfaces.merge(itf, SandboxInterface.bare(itf), SandboxInterface::merge);
        }
      }
    }
  }
}
