package io.netconverge.dualwan;

import io.netconverge.core.net.Family;
import io.netconverge.core.net.InterfaceAddress;
import io.netconverge.core.net.InterfaceName;
import io.netconverge.core.net.IpPrefix;
import io.netconverge.core.net.Mark;
import io.netconverge.core.net.TableRef;
import io.netconverge.core.sandbox.SandboxInterface;
import io.netconverge.core.spec.SpecViolation;
import io.netconverge.iprule.IpRuleSpec;
import io.netconverge.iptables.ChainSweep;
import io.netconverge.iptables.IptablesChainSpec;
import io.netconverge.iptables.IptablesTable;
import io.netconverge.iptables.JumpPosition;
import io.netconverge.links.LinkSpec;
import io.netconverge.links.LinksModule;
import io.netconverge.links.LinksSpec;
import io.netconverge.nftables.NftTableName;
import io.netconverge.nftables.NftTableSpec;
import io.netconverge.route.NexthopSpec;
import io.netconverge.route.RouteScope;
import io.netconverge.route.RouteSpec;
import io.netconverge.route.RouteTableSpec;
import io.netconverge.sysctl.SysctlKey;
import io.netconverge.sysctl.SysctlState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Expands the dualWan profile into the low-level resources that implement the proven recipe:
 *
 * <ul>
 *   <li>each new connection coming in on a WAN gets that WAN's mark in conntrack, in the markMask
 *       bits only; the mark is put back on the packets of the connection in prerouting (replies
 *       forwarded from the LAN) and in output (replies of the router itself; in nftables a chain of
 *       type route, so that the new mark re-routes the packet);
 *   <li>ICMPv6 neighbour discovery is left alone before any mark is set or restored: it must go out
 *       of the interface the kernel chose, never through a WAN's table;
 *   <li>sysctls: {@code tcp_fwmark_accept} (a local service's replies carry the SYN's mark), {@code
 *       fwmark_reflect} of both families (so do the kernel's own replies: RSTs, ICMP errors), and
 *       on each IPv4 WAN {@code src_valid_mark=1} and loose {@code rp_filter=2}. The kernel takes
 *       max(all, interface) for rp_filter, so 2 on the WAN is loose whatever {@code all} says;
 *       {@code all} is left alone, so LAN interfaces keep the host's (perhaps strict) setting;
 *   <li>ip rules per WAN and family: {@code fwmark M/mask lookup main suppress_prefixlength 0} (LAN
 *       and connected destinations still win over the WAN's default route), then {@code fwmark
 *       M/mask lookup TABLE}; with an address also {@code from ADDRESS lookup main
 *       suppress_prefixlength 0} and {@code from ADDRESS lookup TABLE} (connections the router
 *       starts from that address);
 *   <li>a table per WAN: the connected route, and {@code default via GATEWAY dev INTERFACE}.
 * </ul>
 *
 * <p>Identity is stable: a WAN's resources follow from its own fields, never from its place in the
 * list. Rule priorities are {@code base + table id} ({@value #SUPPRESS_MARK}, {@value
 * #SUPPRESS_FROM}, {@value #LOOKUP_MARK}, {@value #LOOKUP_FROM}), which is why a table id is at
 * most {@value DualWanSpec#MAX_TABLE}: every rule then sits before the main table's (32766). WANs
 * are emitted in the order of their table ids, so reordering the list changes nothing.
 *
 * <p>The outbound half (which WAN a LAN connection uses, source NAT, port forwards) is {@link
 * Outbound}'s: its lines join the same nft table, or come as chains of their own.
 */
public final class DualWanProfile {

  public static final NftTableName NFT_TABLE = new NftTableName("inet", "dualwan");
  public static final String PREROUTING_CHAIN = "NC-DUALWAN-PRE";
  public static final String OUTPUT_CHAIN = "NC-DUALWAN-OUT";

  public static final long SUPPRESS_MARK = 10000;
  public static final long SUPPRESS_FROM = 15000;
  public static final long LOOKUP_MARK = 20000;
  public static final long LOOKUP_FROM = 25000;

  /** The rules of the profile's outbound default (see {@link DualWanSpec#defaultTable}). */
  public static final long DEFAULT_SUPPRESS = 30000;

  public static final long DEFAULT_LOOKUP = 30001;

  private static final String ND_TYPES_NFT =
      "nd-router-solicit, nd-router-advert, nd-neighbor-solicit, nd-neighbor-advert, nd-redirect";
  private static final List<Integer> ND_TYPES = List.of(133, 134, 135, 136, 137);

  private DualWanProfile() {}

  /**
   * The marking of the backend a profile does not use, which must not be on the host: after a
   * switch of {@code backend}, the old one's would go on marking beside the new one's.
   *
   * @param nftTables nft tables to remove when present (backend iptables: {@code inet dualwan})
   * @param iptables the owned iptables chains to remove when present (backend nftables: those named
   *     {@code NC-DUALWAN-*}, with their jumps); empty when none
   */
  public record Retired(List<NftTableName> nftTables, Optional<ChainSweep> iptables) {

    public static final Retired NONE = new Retired(List.of(), Optional.empty());

    public Retired {
      nftTables = List.copyOf(nftTables);
    }
  }

  /** The name every iptables chain of the profile starts with. */
  public static final String CHAIN_PREFIX = "NC-DUALWAN-";

  /** The resources a profile stands for, in the file form of their modules. */
  public record Expansion(
      Map<SysctlKey, String> sysctl,
      List<RouteTableSpec> routeTables,
      List<IpRuleSpec> ipRules,
      List<NftTableSpec> nftables,
      List<IptablesChainSpec> iptables,
      List<SandboxInterface> interfaces,
      Map<String, Object> sections,
      List<TableRef> heldTables,
      Retired retired) {

    public Expansion {
      sysctl = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(sysctl));
      routeTables = List.copyOf(routeTables);
      ipRules = List.copyOf(ipRules);
      nftables = List.copyOf(nftables);
      iptables = List.copyOf(iptables);
      interfaces = List.copyOf(interfaces);
      sections =
          java.util.Collections.unmodifiableMap(
              new LinkedHashMap<>(sections == null ? Map.of() : sections));
      heldTables = heldTables == null ? List.of() : List.copyOf(heldTables);
      retired = retired == null ? Retired.NONE : retired;
    }

    /**
     * The same expansion without the routing tables of {@code held} and the sysctls of interfaces
     * in {@code missingInterfaces}: what converges while those WANs are pending. The tables left
     * out are held ({@link #heldTables()}): their routes stay as they are and their names stay in
     * rt_tables.d, since a WAN that waits must not lose what it had.
     *
     * @param held the pending WANs' tables, by number and name
     */
    public Expansion without(List<TableRef> held, Set<String> missingInterfaces) {
      Set<Long> ids = new java.util.HashSet<>();
      held.forEach(t -> ids.add(t.id()));
      Map<SysctlKey, String> keptSysctl = new LinkedHashMap<>();
      sysctl.forEach(
          (key, value) -> {
            boolean missing = key.interfaceName().map(missingInterfaces::contains).orElse(false);
            if (!missing) {
              keptSysctl.put(key, value);
            }
          });
      List<TableRef> allHeld = new ArrayList<>(heldTables);
      allHeld.addAll(held);
      return new Expansion(
          keptSysctl,
          routeTables.stream().filter(t -> !ids.contains(t.id())).toList(),
          ipRules,
          nftables,
          iptables,
          interfaces,
          withoutLinks(missingInterfaces),
          allHeld,
          retired);
    }

    private Map<String, Object> withoutLinks(Set<String> missingInterfaces) {
      Map<String, Object> kept = new LinkedHashMap<>(sections);
      if (kept.get(LinksModule.REGISTRATION.key()) instanceof LinksSpec links) {
        Map<InterfaceName, LinkSpec> present = new LinkedHashMap<>(links.links());
        present.keySet().removeIf(itf -> missingInterfaces.contains(itf.name()));
        kept.put(LinksModule.REGISTRATION.key(), new LinksSpec(present));
      }
      return kept;
    }

    /**
     * Checks that what the file declares next to the profile does not contradict it; each problem
     * is located at the explicit declaration.
     */
    public void checkAgainst(
        Map<SysctlKey, String> explicitSysctl,
        List<RouteTableSpec> explicitTables,
        List<IpRuleSpec> explicitRules,
        List<NftTableSpec> explicitNft,
        List<IptablesChainSpec> explicitIptables) {
      for (var e : explicitSysctl.entrySet()) {
        String mine = sysctl.get(e.getKey());
        if (mine != null && e.getValue() != null && !SysctlState.same(e.getValue(), mine)) {
          throw new SpecViolation(
              "sysctl[\"" + e.getKey() + "\"]",
              "dualWan needs "
                  + e.getKey()
                  + " = "
                  + mine
                  + "; this says "
                  + e.getValue()
                  + " (remove it here, or make it "
                  + mine
                  + ")");
        }
      }
      for (int i = 0; i < explicitTables.size(); i++) {
        RouteTableSpec t = explicitTables.get(i);
        for (RouteTableSpec mine : routeTables) {
          boolean sameId = t.ref().id() != null && t.ref().id().equals(mine.id());
          boolean sameName = t.name() != null && t.name().equals(mine.name());
          if (sameId || sameName) {
            throw new SpecViolation(
                "routeTables[" + i + "]",
                "table "
                    + (sameId ? t.ref().id() : t.name())
                    + " is dualWan's table of "
                    + mine.name()
                    + " ("
                    + mine.id()
                    + "); declare its routes there, or give this table another id and name");
          }
        }
      }
      Set<Long> priorities = new TreeSet<>();
      ipRules.forEach(r -> priorities.add(r.priority()));
      for (int i = 0; i < explicitRules.size(); i++) {
        IpRuleSpec r = explicitRules.get(i);
        if (r.priority() != null && priorities.contains(r.priority())) {
          throw new SpecViolation(
              "ipRules[" + i + "].priority",
              "priority "
                  + r.priority()
                  + " is one of dualWan's rules (base + table id: "
                  + SUPPRESS_MARK
                  + ", "
                  + SUPPRESS_FROM
                  + ", "
                  + LOOKUP_MARK
                  + ", "
                  + LOOKUP_FROM
                  + "); choose another");
        }
      }
      for (int i = 0; i < explicitNft.size(); i++) {
        NftTableSpec t = explicitNft.get(i);
        for (NftTableSpec mine : nftables) {
          if (mine.table().equals(t.table())) {
            throw new SpecViolation(
                "nftables[" + i + "].table",
                "table " + t.table() + " is dualWan's (backend nftables); name yours differently");
          }
        }
      }
      for (int i = 0; i < explicitIptables.size(); i++) {
        IptablesChainSpec c = explicitIptables.get(i);
        for (IptablesChainSpec mine : iptables) {
          if (mine.key().equals(c.key())) {
            throw new SpecViolation(
                "iptables[" + i + "].chain",
                "chain " + c.key() + " is dualWan's (backend iptables); name yours differently");
          }
        }
      }
    }
  }

  /** Expands a valid profile (see {@link DualWanSpec#validate}), every WAN active. */
  public static Expansion expand(DualWanSpec spec) {
    return expand(spec, wan -> true);
  }

  /** Expands a valid profile with only the WANs named in {@code active} active. */
  public static Expansion expand(DualWanSpec spec, Set<String> active) {
    return expand(spec, wan -> active.contains(wan.name()));
  }

  /**
   * Expands a valid profile. A WAN whose gateway is still {@code dhcp} or {@code ra} (not resolved
   * from the host, see {@link WanSpec#resolved}) gets no table: it is pending.
   *
   * @param active the WANs in the outbound default and the balance (healthy, link up, gateway
   *     known; see {@link Outbound}); the others keep their marking, rules and table, so that their
   *     inbound connections still work
   */
  public static Expansion expand(DualWanSpec spec, Predicate<WanSpec> active) {
    List<WanSpec> wans = new ArrayList<>(spec.wans());
    wans.sort(Comparator.comparing(WanSpec::table));
    List<WanSpec> up = wans.stream().filter(w -> routable(spec, w)).filter(active).toList();
    Set<String> upNames = new TreeSet<>();
    up.forEach(w -> upNames.add(w.name()));
    List<RouteTableSpec> tables = new ArrayList<>(tables(spec, wans));
    List<IpRuleSpec> rules = new ArrayList<>(rules(spec, wans));
    if (spec.defaultTable() != null) {
      tables.add(defaultTable(spec, up));
      rules.addAll(defaultRules(spec));
    }
    List<IptablesChainSpec> chains = new ArrayList<>();
    if (spec.backend() == Backend.IPTABLES) {
      chains.addAll(chains(spec, wans));
      chains.addAll(Outbound.iptablesChains(spec, wans, upNames));
    }
    return new Expansion(
        sysctl(spec, wans),
        tables,
        rules,
        spec.backend() == Backend.NFTABLES ? List.of(nftTable(spec, wans, upNames)) : List.of(),
        chains,
        interfaces(spec),
        sections(spec),
        List.of(),
        spec.backend() == Backend.NFTABLES
            ? new Retired(List.of(), Optional.of(ChainSweep.named(CHAIN_PREFIX)))
            : new Retired(List.of(NFT_TABLE), Optional.empty()));
  }

  /**
   * With {@code staticAddresses: true}, the links section the WANs stand for: each WAN's interface
   * up, with its {@code address} and {@code address6} (of the families it carries, and not for a
   * family whose gateway is learnt by DHCP or router advertisements, whose client sets the
   * address).
   */
  private static Map<String, Object> sections(DualWanSpec spec) {
    if (!Boolean.TRUE.equals(spec.staticAddresses())) {
      return Map.of();
    }
    Map<InterfaceName, LinkSpec> links = new LinkedHashMap<>();
    for (WanSpec wan : spec.wans()) {
      List<InterfaceAddress> addresses = new ArrayList<>();
      for (Family family : spec.familiesOf(wan).members()) {
        if (!wan.dynamicGateway(family)) {
          wan.addressOf(family).ifPresent(addresses::add);
        }
      }
      links.put(wan.itf(), new LinkSpec(true, null, addresses, null));
    }
    return Map.of(LinksModule.REGISTRATION.key(), new LinksSpec(links));
  }

  private static Map<SysctlKey, String> sysctl(DualWanSpec spec, List<WanSpec> wans) {
    Map<SysctlKey, String> values = new LinkedHashMap<>();
    // Though under net.ipv4, it governs the mark of accepted TCP sockets of both families.
    values.put(SysctlKey.of("net.ipv4.tcp_fwmark_accept"), "1");
    if (spec.allFamilies().has(Family.IPV4)) {
      values.put(SysctlKey.of("net.ipv4.fwmark_reflect"), "1");
    }
    if (spec.allFamilies().has(Family.IPV6)) {
      values.put(SysctlKey.of("net.ipv6.fwmark_reflect"), "1");
    }
    for (WanSpec wan : spec.wansOf(Family.IPV4, wans)) {
      String conf = "net.ipv4.conf." + wan.itf().name().replace('.', '/') + ".";
      values.put(SysctlKey.of(conf + "src_valid_mark"), "1");
      values.put(SysctlKey.of(conf + "rp_filter"), "2");
    }
    return values;
  }

  /** Whether every gateway the WAN needs is an address (not a {@code dhcp} still unresolved). */
  static boolean routable(DualWanSpec spec, WanSpec wan) {
    return spec.familiesOf(wan).members().stream().noneMatch(wan::dynamicGateway);
  }

  /**
   * The profile's outbound default: one path per active WAN, a multipath route when there are
   * several (the kernel hashes each flow onto one path); no route at all when none is active, so
   * that the main table's own default is the last resort.
   */
  private static RouteTableSpec defaultTable(DualWanSpec spec, List<WanSpec> active) {
    List<RouteSpec> routes = new ArrayList<>();
    for (Family family : spec.allFamilies().members()) {
      List<NexthopSpec> paths = new ArrayList<>();
      for (WanSpec wan : spec.wansOf(family, active)) {
        paths.add(
            NexthopSpec.of(IpPrefix.address(wan.gatewayOf(family)).address(), wan.itf().name(), 1));
      }
      if (paths.size() == 1) {
        routes.add(RouteSpec.via("default", paths.get(0).via(), paths.get(0).dev().name()));
      } else if (paths.size() > 1) {
        routes.add(
            new RouteSpec(family, "default", null, null, null, null, null, null, null, paths));
      }
    }
    return RouteTableSpec.of(DualWanSpec.DEFAULT_TABLE_NAME, spec.defaultTable(), routes);
  }

  /** After every WAN's rules: local and connected routes first, then the outbound default. */
  private static List<IpRuleSpec> defaultRules(DualWanSpec spec) {
    List<IpRuleSpec> rules = new ArrayList<>();
    TableRef main = TableRef.of("main");
    TableRef table = new TableRef(spec.defaultTable(), DualWanSpec.DEFAULT_TABLE_NAME);
    for (Family family : spec.allFamilies().members()) {
      rules.add(suppress(family, DEFAULT_SUPPRESS, null, null, main));
      rules.add(
          new IpRuleSpec(
              family,
              DEFAULT_LOOKUP,
              null,
              null,
              null,
              null,
              null,
              null,
              table,
              null,
              null,
              null,
              null,
              null,
              null));
    }
    return rules;
  }

  private static List<RouteTableSpec> tables(DualWanSpec spec, List<WanSpec> wans) {
    List<RouteTableSpec> tables = new ArrayList<>();
    for (WanSpec wan : wans) {
      if (!routable(spec, wan)) {
        continue;
      }
      List<RouteSpec> routes = new ArrayList<>();
      for (Family family : spec.familiesOf(wan).members()) {
        String gateway = IpPrefix.address(wan.gatewayOf(family)).address();
        String dev = wan.itf().name();
        RouteScope scope = family == Family.IPV4 ? RouteScope.of("link") : null;
        // Without the router's address the subnet is unknown: the gateway alone is on the link.
        String connected =
            wan.addressOf(family)
                .map(a -> a.subnet().toString())
                .orElse(IpPrefix.address(gateway).toString());
        routes.add(RouteSpec.dev(family, connected, dev, scope));
        routes.add(RouteSpec.via("default", gateway, dev));
      }
      tables.add(RouteTableSpec.of(wan.name(), wan.table(), routes));
    }
    return tables;
  }

  private static List<IpRuleSpec> rules(DualWanSpec spec, List<WanSpec> wans) {
    List<IpRuleSpec> rules = new ArrayList<>();
    TableRef main = TableRef.of("main");
    for (Family family : spec.allFamilies().members()) {
      for (WanSpec wan : spec.wansOf(family, wans)) {
        TableRef table = new TableRef(wan.table(), wan.name());
        Mark mark = new Mark(wan.mark().value(), spec.markMask().value());
        rules.add(suppress(family, SUPPRESS_MARK + wan.table(), mark, null, main));
        rules.add(IpRuleSpec.fwmark(family, LOOKUP_MARK + wan.table(), mark, table));
        wan.addressOf(family)
            .ifPresent(
                a -> {
                  rules.add(suppress(family, SUPPRESS_FROM + wan.table(), null, a.address(), main));
                  rules.add(IpRuleSpec.from(LOOKUP_FROM + wan.table(), a.address(), table));
                });
      }
    }
    return rules;
  }

  private static IpRuleSpec suppress(
      Family family, long priority, Mark mark, String from, TableRef main) {
    return new IpRuleSpec(
        family, priority, null, from, null, mark, null, null, main, 0, null, null, null, null,
        null);
  }

  private static NftTableSpec nftTable(DualWanSpec spec, List<WanSpec> wans, Set<String> active) {
    long mask = spec.markMask().value();
    List<String> pre = new ArrayList<>();
    List<String> out = new ArrayList<>();
    if (spec.allFamilies().has(Family.IPV6)) {
      // Counted, so that "neighbour discovery was never marked" can be seen on a live router.
      String nd = "icmpv6 type { " + ND_TYPES_NFT + " } counter return";
      pre.add(nd);
      out.add(nd);
    }
    for (WanSpec wan : wans) {
      long m = wan.mark().value();
      String comment = " comment \"" + wan.name() + "\"";
      pre.add(
          only(spec, wan)
              + "ct state new iifname \""
              + wan.itf().name()
              + "\" ct mark set "
              + keepOthers("ct mark", m, mask)
              + comment);
    }
    pre.addAll(Outbound.nftPrerouting(spec));
    for (WanSpec wan : wans) {
      long m = wan.mark().value();
      String restore =
          only(spec, wan)
              + "ct mark & "
              + hex8(mask)
              + " == "
              + hex8(m)
              + " meta mark set "
              + keepOthers("meta mark", m, mask)
              + " comment \""
              + wan.name()
              + "\"";
      pre.add(restore);
      out.add(restore);
    }
    StringBuilder sb = new StringBuilder(Outbound.nftSets(spec, wans));
    sb.append("chain prerouting {\n")
        .append("  type filter hook prerouting priority mangle; policy accept;\n");
    pre.forEach(line -> sb.append("  ").append(line).append('\n'));
    sb.append("}\n");
    // Type route: a mark set here makes the kernel route the packet again.
    sb.append("chain output {\n")
        .append("  type route hook output priority mangle; policy accept;\n");
    out.forEach(line -> sb.append("  ").append(line).append('\n'));
    sb.append("}\n");
    sb.append(Outbound.nftChains(spec, wans, active));
    return new NftTableSpec(NFT_TABLE, sb.toString());
  }

  /** The family guard of a WAN's marking lines: none when it carries both families. */
  private static String only(DualWanSpec spec, WanSpec wan) {
    return switch (spec.familiesOf(wan)) {
      case IPV4 -> "meta nfproto ipv4 ";
      case IPV6 -> "meta nfproto ipv6 ";
      case BOTH -> "";
    };
  }

  /** {@code X & ~mask | M}: only the profile's bits change. */
  static String keepOthers(String what, long mark, long mask) {
    long others = ~mask & Mark.FULL;
    return others == 0 ? hex8(mark) : what + " & " + hex8(others) + " | " + hex8(mark);
  }

  private static String hex8(long n) {
    return String.format("0x%08x", n);
  }

  private static List<IptablesChainSpec> chains(DualWanSpec spec, List<WanSpec> wans) {
    String mask = Mark.hex(spec.markMask().value());
    String restore = "-j CONNMARK --restore-mark --nfmask " + mask + " --ctmask " + mask;
    List<IptablesChainSpec> chains = new ArrayList<>();
    for (Family family : spec.allFamilies().members()) {
      Family ipFamily = family == Family.IPV4 ? Family.IPV4 : Family.IPV6;
      List<String> nd = new ArrayList<>();
      if (family == Family.IPV6) {
        for (int type : ND_TYPES) {
          nd.add("-p ipv6-icmp -m icmp6 --icmpv6-type " + type + " -j RETURN");
        }
      }
      List<String> pre = new ArrayList<>(nd);
      for (WanSpec wan : spec.wansOf(family, wans)) {
        pre.add(
            "-i "
                + wan.itf().name()
                + " -m conntrack --ctstate NEW -j CONNMARK --set-xmark "
                + Mark.hex(wan.mark().value())
                + "/"
                + mask);
      }
      pre.add(restore);
      List<String> out = new ArrayList<>(nd);
      out.add(restore);
      chains.add(
          new IptablesChainSpec(
              ipFamily,
              IptablesTable.MANGLE,
              PREROUTING_CHAIN,
              "PREROUTING",
              JumpPosition.FIRST,
              pre));
      chains.add(
          new IptablesChainSpec(
              ipFamily, IptablesTable.MANGLE, OUTPUT_CHAIN, "OUTPUT", JumpPosition.FIRST, out));
    }
    return chains;
  }

  /**
   * The WAN interfaces as the sandbox builds them: their addresses, a peer at each gateway. For a
   * {@code dhcp} or {@code ra} gateway the sandbox plays the client: it gives the interface a lease
   * (an address from 100.64.N.0/24 or fd00:64:N::/64 unless the file gives one) and puts the
   * client's default route ({@code proto dhcp} or {@code proto ra}) into the main table.
   */
  private static List<SandboxInterface> interfaces(DualWanSpec spec) {
    List<SandboxInterface> interfaces = new ArrayList<>();
    for (int n = 0; n < spec.wans().size(); n++) {
      WanSpec wan = spec.wans().get(n);
      List<String> addresses = new ArrayList<>();
      List<String> gateways = new ArrayList<>();
      List<String> leases = new ArrayList<>();
      for (Family family : spec.familiesOf(wan).members()) {
        if (wan.dynamicGateway(family)) {
          InterfaceAddress address =
              wan.addressOf(family)
                  .orElse(
                      InterfaceAddress.parse(
                          family == Family.IPV4
                              ? "100.64." + (n + 1) + ".2/24"
                              : "fd00:64:" + (n + 1) + "::2/64"));
          addresses.add(address.toString());
          String gateway = leaseGateway(address);
          gateways.add(gateway);
          leases.add(gateway);
          continue;
        }
        wan.addressOf(family).ifPresent(a -> addresses.add(a.toString()));
        gateways.add(IpPrefix.address(wan.gatewayOf(family)).address());
      }
      interfaces.add(new SandboxInterface(wan.itf().name(), addresses, gateways, leases));
    }
    return interfaces;
  }

  /** The first address of the subnet that is not the router's own: the sandbox's DHCP server. */
  static String leaseGateway(InterfaceAddress address) {
    try {
      byte[] bytes =
          java.net.InetAddress.getByName(address.subnet().address()).getAddress().clone();
      for (int step = 0; step < 2; step++) {
        bytes[bytes.length - 1]++;
        String candidate = java.net.InetAddress.getByAddress(bytes).getHostAddress();
        if (!IpPrefix.address(candidate).equals(IpPrefix.address(address.address()))) {
          return IpPrefix.address(candidate).address();
        }
      }
      throw new IllegalStateException("no gateway address beside " + address);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
