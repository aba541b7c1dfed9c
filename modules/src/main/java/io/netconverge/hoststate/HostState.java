package io.netconverge.hoststate;

import io.netconverge.core.engine.Declared;
import io.netconverge.core.sandbox.SandboxInterface;
import io.netconverge.dualwan.DualWanProfile;
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

  public static HostState from(HostStateSpec file) {
    List<Declared<?>> declared = new ArrayList<>();
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
      declared.add(new Declared<>(new SysctlResource(), new SysctlState(sysctl)));
    }
    for (SysctlKey key : sysctl.keySet()) {
      key.interfaceName()
          .ifPresent(i -> interfaces.merge(i, SandboxInterface.bare(i), SandboxInterface::merge));
    }
    return new HostState(declared, new ArrayList<>(interfaces.values()));
  }
}
