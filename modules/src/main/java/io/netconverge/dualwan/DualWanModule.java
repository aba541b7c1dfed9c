package io.netconverge.dualwan;

import io.netconverge.core.sandbox.SandboxInterface;
import io.netconverge.core.spec.SpecViolation;
import io.netconverge.hoststate.Assembly;
import io.netconverge.hoststate.HostStateSpec;
import io.netconverge.hoststate.ModuleRegistration;
import io.netconverge.route.RouteTableSpec;
import java.util.List;

/**
 * The {@code dualWan} profile: a shorthand for other modules' sections ({@link
 * HostStateSpec#expanded()}). It declares no resource of its own, only the WAN interfaces a sandbox
 * builds, and is checked after the sections it expands into.
 */
public final class DualWanModule implements ModuleRegistration<DualWanSpec> {

  public static final DualWanModule REGISTRATION = new DualWanModule();

  private DualWanModule() {}

  @Override
  public List<String> keys() {
    return List.of("dualWan");
  }

  @Override
  public int order() {
    return 60;
  }

  @Override
  public boolean profile() {
    return true;
  }

  @Override
  public DualWanSpec section(HostStateSpec spec) {
    return spec.dualWan();
  }

  @Override
  public void check(DualWanSpec dualWan, HostStateSpec spec, List<SpecViolation> found) {
    if (!found.isEmpty()) {
      try {
        dualWan.validate("dualWan");
        spec.checkHooks();
      } catch (SpecViolation v) {
        found.add(v);
      }
      return;
    }
    // The profile is checked against the other sections, so only once they are sound.
    dualWan.validate("dualWan");
    spec.checkHooks();
    DualWanProfile.expand(dualWan)
        .checkAgainst(
            spec.sysctl(),
            spec.routeTables(),
            spec.ipRules(),
            spec.nftables() == null ? List.of() : spec.nftables(),
            spec.iptables() == null ? List.of() : spec.iptables());
    // A WAN whose gateway the host learns expands into no table until it is known: its id and
    // name are still the profile's.
    for (int i = 0; i < spec.routeTables().size(); i++) {
      RouteTableSpec t = spec.routeTables().get(i);
      for (var wan : dualWan.wans()) {
        boolean sameId = t.ref().id() != null && t.ref().id().equals(wan.table());
        if (sameId || wan.name().equals(t.name())) {
          throw new SpecViolation(
              "routeTables[" + i + "]",
              "table "
                  + (sameId ? t.ref().id() : t.name())
                  + " is dualWan's table of "
                  + wan.name()
                  + " ("
                  + wan.table()
                  + "); give this table another id and name");
        }
      }
    }
  }

  @Override
  public void declare(DualWanSpec dualWan, Assembly into) {
    for (SandboxInterface wan : DualWanProfile.expand(dualWan).interfaces()) {
      into.sandboxInterface(wan);
    }
  }
}
