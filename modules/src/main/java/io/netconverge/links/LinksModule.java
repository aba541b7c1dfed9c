package io.netconverge.links;

import io.netconverge.core.engine.Declared;
import io.netconverge.core.net.InterfaceName;
import io.netconverge.core.spec.SpecViolation;
import io.netconverge.hoststate.Assembly;
import io.netconverge.hoststate.HostStateSpec;
import io.netconverge.hoststate.SectionModule;
import io.netconverge.sysctl.SysctlKey;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code links} section of a host state: interfaces up or down, their MTU and addresses. It
 * runs after sysctls and before routing, so routes find their addresses and links up. In a sandbox
 * the interfaces it names get exactly the addresses it declares.
 */
public final class LinksModule extends SectionModule<LinksSpec> {

  public static final LinksModule REGISTRATION = new LinksModule();

  private LinksModule() {
    super("links", LinksSpec.class, 20);
  }

  @Override
  public void check(LinksSpec section, HostStateSpec spec, List<SpecViolation> found) {
    section.check(found, itf -> keepsAddressesOnDown(spec, itf));
  }

  private static boolean keepsAddressesOnDown(HostStateSpec spec, String itf) {
    try {
      String value = spec.sysctl().get(SysctlKey.of("net.ipv6.conf." + itf + ".keep_addr_on_down"));
      return value != null && value.strip().equals("1");
    } catch (IllegalArgumentException e) {
      return false; // a name sysctl cannot spell (a VLAN's dot): no way to declare it
    }
  }

  @Override
  public LinksSpec merged(LinksSpec mine, LinksSpec more) {
    return mine == null ? more : more == null ? mine : mine.merged(more);
  }

  @Override
  public void declare(LinksSpec section, Assembly into) {
    if (section.links().isEmpty()) {
      return;
    }
    Map<String, Link> links = new LinkedHashMap<>();
    for (Map.Entry<InterfaceName, LinkSpec> e : section.links().entrySet()) {
      String name = e.getKey().name();
      LinkSpec spec = e.getValue();
      links.put(
          name,
          new Link(
              name,
              spec.up(),
              spec.mtu(),
              spec.addresses().stream().map(LinkAddress::declared).toList(),
              spec.isExclusive()));
      into.sandboxAddresses(name, spec.addresses().stream().map(Object::toString).toList());
    }
    into.add(new Declared<>(new LinksResource(into.source()), new LinksState(links)));
  }
}
