package io.netconverge.hoststate;

import io.netconverge.core.engine.Declared;
import io.netconverge.core.sandbox.SandboxInterface;
import io.netconverge.core.spec.SpecSource;
import io.netconverge.iptables.IptablesChain;
import io.netconverge.iptables.IptablesResource;
import io.netconverge.iptables.IptablesState;
import io.netconverge.sysctl.SysctlKey;
import io.netconverge.sysctl.SysctlResource;
import io.netconverge.sysctl.SysctlState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A host state as the engine converges it: the declared state of each module, in apply order
 * (sysctls and routing tables before the rules that point at them; marking rules last), and the
 * interfaces it names.
 */
public record HostState(List<Declared<?>> declared, List<SandboxInterface> interfaces) {

  public HostState {
    declared = List.copyOf(declared);
    interfaces = List.copyOf(interfaces);
  }

  public static HostState from(HostStateSpec spec) {
    return from(spec, SpecSource.none());
  }

  /**
   * @param source the file the spec was loaded from, to name the user's line when a tool on the
   *     target rejects a declaration
   */
  public static HostState from(HostStateSpec spec, SpecSource source) {
    List<Declared<?>> declared = new ArrayList<>();
    Map<String, SandboxInterface> interfaces = new LinkedHashMap<>();

    Map<SysctlKey, String> sysctl = new LinkedHashMap<>(spec.sysctl());
    if (!sysctl.isEmpty()) {
      declared.add(new Declared<>(new SysctlResource(), new SysctlState(sysctl)));
    }
    for (SysctlKey key : sysctl.keySet()) {
      key.interfaceName()
          .ifPresent(i -> interfaces.merge(i, SandboxInterface.bare(i), SandboxInterface::merge));
    }
    if (spec.iptables() != null) {
      List<IptablesChain> chains = new ArrayList<>();
      for (int i = 0; i < spec.iptables().size(); i++) {
        chains.add(IptablesChain.from(spec.iptables().get(i), "iptables[" + i + "]"));
      }
      declared.add(new Declared<>(new IptablesResource(source), IptablesState.declared(chains)));
    }
    return new HostState(declared, new ArrayList<>(interfaces.values()));
  }
}
