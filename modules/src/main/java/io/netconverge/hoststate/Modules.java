package io.netconverge.hoststate;

import io.netconverge.dualwan.DualWanModule;
import io.netconverge.iptables.IptablesModule;
import io.netconverge.links.LinksModule;
import io.netconverge.nftables.NftablesModule;
import io.netconverge.route.RoutingModule;
import io.netconverge.sysctl.SysctlModule;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Every module a host state file may use: one line each. */
public final class Modules {

  /** The registered modules, in run order. */
  public static final List<ModuleRegistration<?>> ALL =
      sorted(
          List.of(
              SysctlModule.REGISTRATION,
              LinksModule.REGISTRATION,
              RoutingModule.REGISTRATION,
              NftablesModule.REGISTRATION,
              IptablesModule.REGISTRATION,
              DualWanModule.REGISTRATION));

  private Modules() {}

  /** The module with a section of its own under {@code key}, if one is registered. */
  public static Optional<SectionModule<?>> section(String key) {
    for (ModuleRegistration<?> m : ALL) {
      if (m instanceof SectionModule<?> s && s.key().equals(key)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  private static List<ModuleRegistration<?>> sorted(List<ModuleRegistration<?>> modules) {
    List<ModuleRegistration<?>> byOrder =
        modules.stream().sorted(Comparator.comparingInt(ModuleRegistration::order)).toList();
    long keys = modules.stream().flatMap(m -> m.keys().stream()).distinct().count();
    if (keys != modules.stream().mapToLong(m -> m.keys().size()).sum()) {
      throw new IllegalStateException("two modules register the same file key");
    }
    return byOrder;
  }
}
