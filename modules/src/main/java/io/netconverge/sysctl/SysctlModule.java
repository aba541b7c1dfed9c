package io.netconverge.sysctl;

import io.netconverge.core.engine.Declared;
import io.netconverge.core.sandbox.SandboxInterface;
import io.netconverge.core.spec.SpecViolation;
import io.netconverge.hoststate.Assembly;
import io.netconverge.hoststate.HostStateSpec;
import io.netconverge.hoststate.ModuleRegistration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The {@code sysctl} section (and {@code allowHostSysctls}) in a host state. */
public final class SysctlModule implements ModuleRegistration<Map<SysctlKey, String>> {

  public static final SysctlModule REGISTRATION = new SysctlModule();

  private SysctlModule() {}

  @Override
  public List<String> keys() {
    return List.of("sysctl", "allowHostSysctls");
  }

  @Override
  public int order() {
    return 10;
  }

  @Override
  public Map<SysctlKey, String> section(HostStateSpec spec) {
    return spec.sysctl();
  }

  @Override
  public void check(
      Map<SysctlKey, String> sysctl, HostStateSpec spec, List<SpecViolation> problems) {
    List<SpecViolation> found = new java.util.ArrayList<>();
    for (var e : sysctl.entrySet()) {
      String at = "sysctl[\"" + e.getKey().name() + "\"]";
      if (e.getValue() == null) {
        found.add(new SpecViolation(at, "a value is required"));
      } else if (e.getValue().chars().anyMatch(c -> c < 0x20 && c != '\t' || c == 0x7f)) {
        found.add(
            new SpecViolation(
                at, "a sysctl value is one line of text: no line breaks or control characters"));
      }
      if (!SysctlScope.isNetwork(e.getKey()) && !Boolean.TRUE.equals(spec.allowHostSysctls())) {
        found.add(new SpecViolation(at, SysctlScope.hostProblem(e.getKey())));
      }
    }
    if (!found.isEmpty()) {
      problems.add(SpecViolation.all(found));
    }
  }

  @Override
  public void declare(Map<SysctlKey, String> section, Assembly into) {
    Map<SysctlKey, String> sysctl = new LinkedHashMap<>(section);
    if (!sysctl.isEmpty()) {
      into.add(new Declared<>(new SysctlResource(into.source()), new SysctlState(sysctl)));
    }
    for (SysctlKey key : sysctl.keySet()) {
      key.interfaceName().ifPresent(i -> into.sandboxInterface(SandboxInterface.bare(i)));
    }
  }
}
