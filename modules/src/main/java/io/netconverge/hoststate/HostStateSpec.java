package io.netconverge.hoststate;

import io.netconverge.core.spec.SpecViolation;
import io.netconverge.core.spec.Validated;
import io.netconverge.dualwan.DualWanProfile;
import io.netconverge.dualwan.DualWanSpec;
import io.netconverge.iprule.IpRule;
import io.netconverge.iprule.IpRuleSpec;
import io.netconverge.iptables.IptablesChainSpec;
import io.netconverge.nftables.NftTableSpec;
import io.netconverge.route.RouteTableSpec;
import io.netconverge.sysctl.SysctlKey;
import io.netconverge.sysctl.SysctlScope;
import java.util.ArrayList;
import java.util.HashMap;
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
 * @param nftables nft tables owned whole, each with its definition in nft syntax; null when the
 *     file has no {@code nftables} key (then netconverge does not look at nft at all), empty for
 *     {@code nftables: []} (then tables it created earlier, which carry its mark, are removed)
 * @param iptables owned iptables/ip6tables chains; null when the file has no {@code iptables} key
 *     (then netconverge does not look at iptables at all), empty for {@code iptables: []} (then
 *     chains it created earlier are removed)
 * @param dualWan the dual-WAN router profile, expanded into the sections above
 * @param allowHostSysctls true lets {@code sysctl} declare keys outside {@code net.}, which change
 *     the whole machine (see {@link SysctlScope}); a network-namespace target refuses them anyway
 */
public record HostStateSpec(
    String apiVersion,
    String kind,
    Map<SysctlKey, String> sysctl,
    Integer protocol,
    List<RouteTableSpec> routeTables,
    List<IpRuleSpec> ipRules,
    List<NftTableSpec> nftables,
    List<IptablesChainSpec> iptables,
    DualWanSpec dualWan,
    Boolean allowHostSysctls)
    implements Validated {

  /** The protocol number no routing daemon uses, so that what carries it is ours. */
  public static final int DEFAULT_PROTOCOL = 77;

  public HostStateSpec {
    sysctl = sysctl == null ? Map.of() : new LinkedHashMap<>(sysctl);
    routeTables = routeTables == null ? List.of() : List.copyOf(routeTables);
    ipRules = ipRules == null ? List.of() : List.copyOf(ipRules);
    nftables = nftables == null ? null : new ArrayList<>(nftables);
    iptables = iptables == null ? null : List.copyOf(iptables);
  }

  public HostStateSpec(
      String apiVersion,
      String kind,
      Map<SysctlKey, String> sysctl,
      Integer protocol,
      List<RouteTableSpec> routeTables,
      List<IpRuleSpec> ipRules,
      List<NftTableSpec> nftables,
      List<IptablesChainSpec> iptables,
      DualWanSpec dualWan) {
    this(
        apiVersion,
        kind,
        sysctl,
        protocol,
        routeTables,
        ipRules,
        nftables,
        iptables,
        dualWan,
        null);
  }

  public HostStateSpec(String apiVersion, String kind, Map<SysctlKey, String> sysctl) {
    this(apiVersion, kind, sysctl, null, null, null, null, null, null);
  }

  /** Routing only: what code that builds tables and rules (not a file) needs. */
  public HostStateSpec(
      String apiVersion,
      String kind,
      Map<SysctlKey, String> sysctl,
      Integer protocol,
      List<RouteTableSpec> routeTables,
      List<IpRuleSpec> ipRules) {
    this(apiVersion, kind, sysctl, protocol, routeTables, ipRules, null, null, null);
  }

  /** The protocol number in effect. */
  public int routingProtocol() {
    return protocol == null ? DEFAULT_PROTOCOL : protocol;
  }

  /**
   * Checks what binding cannot, section by section: every section's first problem is reported, so a
   * file with a wrong sysctl and a wrong rule shows both at once.
   */
  @Override
  public void validate() {
    List<SpecViolation> found = new ArrayList<>();
    check(found, this::validateSysctl);
    check(found, this::validateProtocol);
    boolean tablesSound = check(found, () -> RouteTableSpec.validate(routeTables, "routeTables"));
    check(found, this::validateRules);
    if (nftables != null) {
      check(found, () -> NftTableSpec.validate(nftables, "nftables"));
    }
    check(found, this::validateIptables);
    if (dualWan != null) {
      boolean othersSound = found.isEmpty();
      boolean profileSound = check(found, () -> dualWan.validate("dualWan"));
      if (profileSound && tablesSound) {
        // A WAN whose gateway the host learns expands into no table until it is known: its id
        // and name are still the profile's.
        for (int i = 0; i < routeTables.size(); i++) {
          RouteTableSpec t = routeTables.get(i);
          for (var wan : dualWan.wans()) {
            boolean sameId = t.ref().id() != null && t.ref().id().equals(wan.table());
            if (sameId || wan.name().equals(t.name())) {
              found.add(
                  new SpecViolation(
                      "routeTables[" + i + "]",
                      "table "
                          + (sameId ? t.ref().id() : t.name())
                          + " is dualWan's table of "
                          + wan.name()
                          + " ("
                          + wan.table()
                          + "); give this table another id and name"));
              break;
            }
          }
        }
      }
      if (profileSound && othersSound) {
        // What the profile expands into is checked against the other sections, so only once
        // they are sound.
        check(
            found,
            () ->
                DualWanProfile.expand(dualWan)
                    .checkAgainst(
                        sysctl,
                        routeTables,
                        ipRules,
                        nftables == null ? List.of() : nftables,
                        iptables == null ? List.of() : iptables));
      }
    }
    if (!found.isEmpty()) {
      throw SpecViolation.all(found);
    }
  }

  /** Runs one section's check, keeping what it finds; whether the section was sound. */
  private static boolean check(List<SpecViolation> found, Runnable section) {
    try {
      section.run();
      return true;
    } catch (SpecViolation v) {
      found.add(v);
      return false;
    }
  }

  private void validateSysctl() {
    List<SpecViolation> found = new ArrayList<>();
    for (var e : sysctl.entrySet()) {
      String at = "sysctl" + pathKey(e.getKey().name());
      if (e.getValue() == null) {
        found.add(new SpecViolation(at, "a value is required"));
      } else if (e.getValue().chars().anyMatch(c -> c < 0x20 && c != '\t' || c == 0x7f)) {
        found.add(
            new SpecViolation(
                at, "a sysctl value is one line of text: no line breaks or control characters"));
      }
      if (!SysctlScope.isNetwork(e.getKey()) && !Boolean.TRUE.equals(allowHostSysctls)) {
        found.add(new SpecViolation(at, SysctlScope.hostProblem(e.getKey())));
      }
    }
    if (!found.isEmpty()) {
      throw SpecViolation.all(found);
    }
  }

  private void validateProtocol() {
    if (protocol != null && (protocol < 5 || protocol > 255)) {
      throw new SpecViolation(
          "protocol",
          "protocol "
              + protocol
              + " is out of range 5..255 (0-4 are the kernel's: unspec, redirect, kernel, boot,"
              + " static)");
    }
  }

  private void validateRules() {
    // The kernel refuses the same rule twice, and a rule without priority twice is the duplicate
    // netconverge promises never to make.
    Map<IpRule, Integer> rules = new HashMap<>();
    List<SpecViolation> found = new ArrayList<>();
    for (int i = 0; i < ipRules.size(); i++) {
      IpRule rule = IpRule.of(ipRules.get(i), routingProtocol());
      Integer before = rules.putIfAbsent(rule, i);
      if (before != null) {
        found.add(
            new SpecViolation(
                "ipRules[" + i + "]", "the same rule as ipRules[" + before + "]: declare it once"));
      }
    }
    if (!found.isEmpty()) {
      throw SpecViolation.all(found);
    }
  }

  private void validateIptables() {
    if (iptables == null) {
      return;
    }
    List<SpecViolation> found = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < iptables.size(); i++) {
      IptablesChainSpec chain = iptables.get(i);
      if (chain == null) {
        found.add(new SpecViolation("iptables[" + i + "]", "an empty entry"));
        continue;
      }
      try {
        chain.validate("iptables[" + i + "]");
      } catch (SpecViolation v) {
        found.add(v);
        continue;
      }
      Integer first = seen.putIfAbsent(chain.key(), i);
      if (first != null) {
        found.add(
            new SpecViolation(
                "iptables[" + i + "].chain",
                chain.key() + " is declared twice (also at iptables[" + first + "])"));
      }
    }
    if (!found.isEmpty()) {
      throw SpecViolation.all(found);
    }
  }

  /**
   * The same host state with the dualWan profile replaced by the resources it stands for, after
   * what the file declares itself (a valid spec: see {@link #validate()}).
   */
  public HostStateSpec expanded() {
    if (dualWan == null) {
      return this;
    }
    return expanded(DualWanProfile.expand(dualWan));
  }

  /**
   * The same host state with the dualWan profile replaced by {@code profile}: an expansion made for
   * the host's live state (resolved gateways, pending WANs left out, see io.netconverge.wan).
   */
  public HostStateSpec expanded(DualWanProfile.Expansion profile) {
    Map<SysctlKey, String> allSysctl = new LinkedHashMap<>(sysctl);
    profile.sysctl().forEach(allSysctl::putIfAbsent);
    List<IptablesChainSpec> allIptables = iptables;
    if (!profile.iptables().isEmpty()) {
      allIptables = new ArrayList<>(iptables == null ? List.of() : iptables);
      allIptables.addAll(profile.iptables());
    }
    return new HostStateSpec(
        apiVersion,
        kind,
        allSysctl,
        protocol,
        concat(routeTables, profile.routeTables()),
        concat(ipRules, profile.ipRules()),
        nftables == null && profile.nftables().isEmpty()
            ? null
            : concat(nftables == null ? List.of() : nftables, profile.nftables()),
        allIptables,
        null,
        allowHostSysctls);
  }

  /** The same host state with other sysctls. */
  public HostStateSpec withSysctl(Map<SysctlKey, String> values) {
    return new HostStateSpec(
        apiVersion, kind, values, protocol, routeTables, ipRules, nftables, iptables, dualWan);
  }

  private static <T> List<T> concat(List<T> mine, List<T> more) {
    List<T> all = new ArrayList<>(mine);
    all.addAll(more);
    return all;
  }

  static String pathKey(String key) {
    return "[\"" + key + "\"]";
  }
}
