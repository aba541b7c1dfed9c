package io.netconverge.hoststate;

import io.netconverge.core.spec.SpecViolation;
import io.netconverge.core.spec.Validated;
import io.netconverge.iprule.IpRule;
import io.netconverge.iprule.IpRuleSpec;
import io.netconverge.route.RouteTableSpec;
import io.netconverge.sysctl.SysctlKey;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The file form of a host state ({@code kind: HostState}). Each key is one module's section; the
 * sections are turned into the model by {@link HostState#from(HostStateSpec)}.
 *
 * @param apiVersion checked by the loader; optional inside an inventory
 * @param kind checked by the loader; optional inside an inventory
 * @param sysctl kernel parameters by dotted name
 * @param protocol the routing protocol number that tags the rules and routes netconverge creates
 *     (and the only foreign-free mark of what it owns); default 77
 * @param routeTables routing tables, each owned whole (unless {@code purge: false})
 * @param ipRules policy routing rules, IPv4 and IPv6
 */
public record HostStateSpec(
    String apiVersion,
    String kind,
    Map<SysctlKey, String> sysctl,
    Integer protocol,
    List<RouteTableSpec> routeTables,
    List<IpRuleSpec> ipRules)
    implements Validated {

  /** The protocol number no routing daemon uses, so that what carries it is ours. */
  public static final int DEFAULT_PROTOCOL = 77;

  public HostStateSpec {
    sysctl = sysctl == null ? Map.of() : new LinkedHashMap<>(sysctl);
    routeTables = routeTables == null ? List.of() : List.copyOf(routeTables);
    ipRules = ipRules == null ? List.of() : List.copyOf(ipRules);
  }

  public HostStateSpec(String apiVersion, String kind, Map<SysctlKey, String> sysctl) {
    this(apiVersion, kind, sysctl, null, null, null);
  }

  /** The protocol number in effect. */
  public int routingProtocol() {
    return protocol == null ? DEFAULT_PROTOCOL : protocol;
  }

  @Override
  public void validate() {
    for (var e : sysctl.entrySet()) {
      if (e.getValue() == null) {
        throw new SpecViolation("sysctl" + pathKey(e.getKey().name()), "a value is required");
      }
    }
    if (protocol != null && (protocol < 5 || protocol > 255)) {
      throw new SpecViolation(
          "protocol",
          "protocol "
              + protocol
              + " is out of range 5..255 (0-4 are the kernel's: unspec, redirect, kernel, boot,"
              + " static)");
    }
    RouteTableSpec.validate(routeTables, "routeTables");
    // The kernel refuses the same rule twice, and a rule without priority twice is the duplicate
    // netconverge promises never to make.
    Map<IpRule, Integer> rules = new java.util.HashMap<>();
    for (int i = 0; i < ipRules.size(); i++) {
      IpRule rule = IpRule.of(ipRules.get(i), routingProtocol());
      Integer before = rules.putIfAbsent(rule, i);
      if (before != null) {
        throw new SpecViolation(
            "ipRules[" + i + "]", "the same rule as ipRules[" + before + "]: declare it once");
      }
    }
  }

  static String pathKey(String key) {
    return "[\"" + key + "\"]";
  }
}
