package io.netconverge.route;

import io.netconverge.core.engine.Declared;
import io.netconverge.core.net.TableRef;
import io.netconverge.core.sandbox.SandboxInterface;
import io.netconverge.core.spec.SpecViolation;
import io.netconverge.hoststate.Assembly;
import io.netconverge.hoststate.HostStateSpec;
import io.netconverge.hoststate.ModuleRegistration;
import io.netconverge.iprule.IpRule;
import io.netconverge.iprule.IpRulesResource;
import io.netconverge.iprule.IpRulesState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Policy routing in a host state: {@code protocol}, {@code routeTables} and {@code ipRules}, read
 * together since rules name the tables and both carry the protocol. Its section is the whole spec.
 */
public final class RoutingModule implements ModuleRegistration<HostStateSpec> {

  public static final RoutingModule REGISTRATION = new RoutingModule();

  private RoutingModule() {}

  @Override
  public List<String> keys() {
    return List.of("routeTables", "ipRules", "protocol");
  }

  @Override
  public int order() {
    return 30;
  }

  @Override
  public HostStateSpec section(HostStateSpec spec) {
    return spec;
  }

  @Override
  public void check(HostStateSpec spec, HostStateSpec whole, List<SpecViolation> found) {
    Integer protocol = spec.protocol();
    if (protocol != null && (protocol < 5 || protocol > 255)) {
      found.add(
          new SpecViolation(
              "protocol",
              "protocol "
                  + protocol
                  + " is out of range 5..255 (0-4 are the kernel's: unspec, redirect, kernel,"
                  + " boot, static)"));
    }
    try {
      RouteTableSpec.validate(spec.routeTables(), "routeTables");
    } catch (SpecViolation v) {
      found.add(v);
    }
    // The kernel refuses the same rule twice, and a rule without priority twice is the duplicate
    // netconverge promises never to make.
    Map<IpRule, Integer> rules = new HashMap<>();
    List<SpecViolation> duplicates = new ArrayList<>();
    try {
      for (int i = 0; i < spec.ipRules().size(); i++) {
        IpRule rule = IpRule.of(spec.ipRules().get(i), spec.routingProtocol());
        Integer before = rules.putIfAbsent(rule, i);
        if (before != null) {
          duplicates.add(
              new SpecViolation(
                  "ipRules[" + i + "]",
                  "the same rule as ipRules[" + before + "]: declare it once"));
        }
      }
    } catch (SpecViolation v) {
      duplicates.add(v);
    }
    if (!duplicates.isEmpty()) {
      found.add(SpecViolation.all(duplicates));
    }
  }

  @Override
  public void declare(HostStateSpec spec, Assembly into) {
    if (!spec.ownsProtocolRoutes() && !spec.managesIpRules() && spec.protocol() == null) {
      return;
    }
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
    List<TableRef> held = spec.heldRouteTables();
    for (TableRef t : held) {
      // A pending WAN keeps its table's name, as it keeps the table's routes.
      if (t.id() != null && t.name() != null && !TableRef.RESERVED.containsKey(t.name())) {
        names.putIfAbsent(t.name(), t.id());
      }
    }
    into.add(
        new Declared<>(
            new RouteTablesResource(protocol, into.namesDir()),
            new RouteTablesState(
                tables,
                Iproute2Files.declared(names, protocol),
                List.of(),
                spec.ownsProtocolRoutes(),
                held)));
    List<IpRule> rules = spec.ipRules().stream().map(r -> IpRule.of(r, protocol)).toList();
    // No ipRules key: rules are not looked at, so tables alone never remove a rule of ours.
    if (spec.managesIpRules()) {
      into.add(
          new Declared<>(
              new IpRulesResource(protocol, into.namesDir()), new IpRulesState(rules, names)));
    }
    sandboxInterfaces(tables, rules, into);
  }

  /**
   * The devices routes and rules name, with the gateways the sandbox's far end must answer at, and
   * an address wherever a route gives one ({@code src}) inside a connected prefix on that device.
   */
  private static void sandboxInterfaces(
      List<RouteTable> tables, List<IpRule> rules, Assembly into) {
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
        into.sandboxInterface(new SandboxInterface(r.dev(), addresses, gateways));
      }
      for (Nexthop n : r.nexthops()) {
        if (n.dev() != null) {
          List<String> gateways = n.via() == null ? List.of() : List.of(n.via().address());
          into.sandboxInterface(new SandboxInterface(n.dev(), List.of(), gateways));
        }
      }
    }
    for (IpRule rule : rules) {
      for (String itf : new String[] {rule.iif(), rule.oif()}) {
        if (itf != null && !itf.equals("lo")) {
          into.sandboxInterface(SandboxInterface.bare(itf));
        }
      }
    }
  }
}
