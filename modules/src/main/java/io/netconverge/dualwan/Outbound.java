package io.netconverge.dualwan;

import io.netconverge.core.net.Family;
import io.netconverge.core.net.IpPrefix;
import io.netconverge.core.net.Mark;
import io.netconverge.core.spec.SpecViolation;
import io.netconverge.dualwan.PolicySpec.Policy;
import io.netconverge.dualwan.PortForwardSpec.Forward;
import io.netconverge.iptables.IptablesChainSpec;
import io.netconverge.iptables.IptablesTable;
import io.netconverge.iptables.JumpPosition;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The outbound half of the dualWan profile: which WAN a new connection from the LAN uses, the
 * source NAT of each WAN and the port forwards. It expands into more of the profile's own nft table
 * or into iptables chains of its own; {@link DualWanProfile} puts them together with the inbound
 * marking.
 *
 * <p>The recipe: a new connection that did not come in through a WAN, is not for the router itself
 * and carries no WAN mark yet is matched against the policies in order, then the balance. The
 * choice is the WAN's mark, set in conntrack (markMask bits only) like an inbound connection's, so
 * the existing restore and {@code fwmark} rules route all of the connection's packets through that
 * WAN's table: a flow never changes WAN, and its replies come back to the LAN host through
 * conntrack. The balance chooses per new connection at random in proportion to the weights (nft
 * {@code numgen random}, iptables {@code statistic}); with {@code sticky}, a source seen on a WAN
 * within the timeout keeps it (an nft set with timeouts, or an iptables {@code recent} list, per
 * WAN and family). A policy {@code use: main} leaves the connection unmarked, to the main table.
 *
 * <p>Source NAT matches the output interface and a mark that is that WAN's or none, so a packet
 * that a WAN's table sent out is never rewritten to another WAN's address. Port forwards are DNAT
 * on the WANs they name; the inbound marking already makes their replies leave through the WAN they
 * came in on.
 *
 * <p>Only the active WANs take part in choosing (today every declared WAN; a WAN found down is left
 * out): a policy pinned to an inactive WAN is skipped, the balance spreads over the active members.
 * Everything else (NAT, port forwards, sets, per-WAN chains) stays as declared, so that a WAN going
 * down and up changes only the choosing lines. Lines follow from each WAN's own fields and each
 * policy's or forward's own fields, in table order, so adding a WAN or a policy adds its own lines.
 */
final class Outbound {

  static final String OUTBOUND_CHAIN = "NC-DUALWAN-OUTBOUND";
  static final String SNAT_CHAIN = "NC-DUALWAN-SNAT";
  static final String DNAT_CHAIN = "NC-DUALWAN-DNAT";

  private Outbound() {}

  /** Checks the outbound keys of a profile whose WANs are already valid. */
  static void validate(DualWanSpec spec, String path) {
    List<SpecViolation> found = new ArrayList<>();
    for (int i = 0; i < spec.wans().size(); i++) {
      WanSpec wan = spec.wans().get(i);
      String at = path + ".wans[" + i + "]";
      DualWanSpec.check(found, () -> validateNat(spec, wan, at));
    }
    Set<String> names = new TreeSet<>();
    spec.wans().forEach(w -> names.add(w.name()));
    if (spec.balance() != null) {
      DualWanSpec.check(found, () -> spec.balance().validate(path + ".balance", names));
    }
    for (int i = 0; i < spec.policies().size(); i++) {
      PolicySpec p = spec.policies().get(i);
      String at = path + ".policies[" + i + "]";
      if (p == null) {
        found.add(new SpecViolation(at, "an empty entry; expected at least 'use'"));
        continue;
      }
      DualWanSpec.check(found, () -> p.resolve(at, spec));
    }
    List<Forward> forwards = new ArrayList<>();
    for (int i = 0; i < spec.portForwards().size(); i++) {
      PortForwardSpec f = spec.portForwards().get(i);
      String at = path + ".portForwards[" + i + "]";
      if (f == null) {
        found.add(new SpecViolation(at, "an empty entry; expected wan, protocol, port, to"));
        continue;
      }
      Forward forward;
      try {
        forward = f.resolve(at, spec);
      } catch (SpecViolation v) {
        found.add(v);
        continue;
      }
      for (int j = 0; j < forwards.size(); j++) {
        if (PortForwardSpec.clash(forwards.get(j), forward)) {
          found.add(
              new SpecViolation(
                  at + ".port",
                  forward.protocol()
                      + " "
                      + forward.port()
                      + " is already forwarded on the same WAN by "
                      + path
                      + ".portForwards["
                      + j
                      + "]"));
          break;
        }
      }
      forwards.add(forward);
    }
    if (!found.isEmpty()) {
      throw SpecViolation.all(found);
    }
  }

  private static void validateNat(DualWanSpec spec, WanSpec wan, String at) {
    Families carried = spec.familiesOf(wan);
    Masquerade masq = wan.masquerade();
    if (masq != null && masq.on()) {
      if (wan.snat() != null || wan.snat6() != null) {
        throw new SpecViolation(
            at + ".masquerade",
            "masquerade and snat" + (wan.snat() != null ? "" : "6") + " exclude each other");
      }
      if (masq.only() != null && !masq.only().members().stream().allMatch(carried::has)) {
        throw new SpecViolation(
            at + ".masquerade",
            "WAN " + wan.name() + " carries " + carried + " only; it cannot masquerade " + masq);
      }
    }
    for (Family family : Family.values()) {
      Optional<String> snat = wan.snatOf(family);
      if (snat.isEmpty()) {
        continue;
      }
      String key = family == Family.IPV4 ? "snat" : "snat6";
      IpPrefix address;
      try {
        address = IpPrefix.address(snat.get());
      } catch (IllegalArgumentException e) {
        throw new SpecViolation(at + "." + key, e.getMessage());
      }
      if (address.family() != family) {
        throw new SpecViolation(
            at + "." + key,
            "'"
                + snat.get()
                + "' is not an "
                + family
                + " address ("
                + key
                + " is "
                + family
                + ")");
      }
      if (!carried.has(family)) {
        throw new SpecViolation(
            at + "." + key, "WAN " + wan.name() + " carries " + carried + " only");
      }
    }
  }

  /** Whether LAN connections are chosen a WAN at all: a balance or a policy is declared. */
  static boolean routesLan(DualWanSpec spec) {
    return spec.balance() != null || !spec.policies().isEmpty();
  }

  private static boolean natsAny(DualWanSpec spec) {
    return spec.wans().stream()
        .anyMatch(
            w ->
                (w.masquerade() != null && w.masquerade().on())
                    || w.snat() != null
                    || w.snat6() != null);
  }

  private static List<Policy> policies(DualWanSpec spec) {
    List<Policy> all = new ArrayList<>();
    for (int i = 0; i < spec.policies().size(); i++) {
      all.add(spec.policies().get(i).resolve("dualWan.policies[" + i + "]", spec));
    }
    return all;
  }

  private static List<Forward> forwards(DualWanSpec spec) {
    List<Forward> all = new ArrayList<>();
    for (int i = 0; i < spec.portForwards().size(); i++) {
      all.add(spec.portForwards().get(i).resolve("dualWan.portForwards[" + i + "]", spec));
    }
    return all;
  }

  /** The balance's member WANs in table order, each with its weight. */
  private record Member(WanSpec wan, int weight) {}

  private static List<Member> members(DualWanSpec spec, List<WanSpec> wans) {
    List<Member> members = new ArrayList<>();
    if (spec.balance() != null) {
      for (WanSpec wan : wans) {
        Integer weight = spec.balance().weights().get(wan.name());
        if (weight != null) {
          members.add(new Member(wan, weight));
        }
      }
    }
    return members;
  }

  private static List<Member> choosing(
      DualWanSpec spec, List<Member> members, Family family, Set<String> active) {
    return members.stream()
        .filter(m -> active.contains(m.wan().name()) && spec.familiesOf(m.wan()).has(family))
        .toList();
  }

  private static boolean sticky(DualWanSpec spec) {
    return spec.balance() != null && spec.balance().sticky() != null;
  }

  // ---- nftables ----------------------------------------------------------------------------

  /** Lines of the prerouting chain, after the inbound marking and before the restore. */
  static List<String> nftPrerouting(DualWanSpec spec) {
    if (!routesLan(spec)) {
      return List.of();
    }
    return List.of(
        "ct state new ct mark & " + hex8(spec.markMask().value()) + " == 0x00000000 jump outbound");
  }

  /** The sticky sets, which the table declares before its chains. */
  static String nftSets(DualWanSpec spec, List<WanSpec> wans) {
    if (!sticky(spec)) {
      return "";
    }
    long timeout = spec.balance().sticky().seconds();
    StringBuilder sb = new StringBuilder();
    for (Member m : members(spec, wans)) {
      for (Family family : spec.familiesOf(m.wan()).members()) {
        sb.append("set ")
            .append(stickySet(m.wan(), family))
            .append(" { typeof ")
            .append(family == Family.IPV4 ? "ip" : "ip6")
            .append(" saddr; flags dynamic,timeout; timeout ")
            .append(timeout)
            .append("s; }\n");
      }
    }
    return sb.toString();
  }

  /**
   * The chains of outbound routing and NAT, in nft syntax; {@code wans} in table order, {@code
   * active} the names of the WANs that take part in choosing.
   */
  static String nftChains(DualWanSpec spec, List<WanSpec> wans, Set<String> active) {
    StringBuilder sb = new StringBuilder();
    if (routesLan(spec)) {
      List<String> outbound = new ArrayList<>();
      for (WanSpec wan : wans) {
        outbound.add("iifname \"" + wan.itf().name() + "\" return");
      }
      // The router's own addresses, broadcasts and multicast are not the internet.
      outbound.add("fib daddr type { local, broadcast, multicast } return");
      for (Policy p : policies(spec)) {
        nftPolicy(spec, p, active).ifPresent(outbound::add);
      }
      if (spec.balance() != null) {
        outbound.add("goto balance");
      }
      chain(sb, "outbound", null, outbound);
      if (spec.balance() != null) {
        chain(sb, "balance", null, nftBalance(spec, wans, active));
      }
      if (sticky(spec)) {
        for (Member m : members(spec, wans)) {
          List<String> lines = new ArrayList<>();
          for (Family family : spec.familiesOf(m.wan()).members()) {
            lines.add(
                "update @"
                    + stickySet(m.wan(), family)
                    + " { "
                    + (family == Family.IPV4 ? "ip" : "ip6")
                    + " saddr }");
          }
          lines.add("goto to-" + m.wan().name());
          chain(sb, "sticky-" + m.wan().name(), null, lines);
        }
      }
      long mask = spec.markMask().value();
      for (WanSpec wan : wans) {
        chain(
            sb,
            "to-" + wan.name(),
            null,
            List.of(
                "ct mark set "
                    + DualWanProfile.keepOthers("ct mark", wan.mark().value(), mask)
                    + " comment \""
                    + wan.name()
                    + "\""));
      }
    }
    if (natsAny(spec)) {
      chain(
          sb, "nat-postrouting", "type nat hook postrouting priority srcnat", nftSnat(spec, wans));
    }
    List<Forward> forwards = forwards(spec);
    if (!forwards.isEmpty()) {
      List<String> lines = new ArrayList<>();
      for (Forward f : forwards) {
        for (WanSpec wan : sorted(f.wans())) {
          lines.add(
              "iifname \""
                  + wan.itf().name()
                  + "\" meta nfproto "
                  + f.family()
                  + " "
                  + f.protocol().toolName()
                  + " dport "
                  + f.port().nft()
                  + " dnat "
                  + (f.family() == Family.IPV4 ? "ip" : "ip6")
                  + " to "
                  + f.destination());
        }
      }
      chain(sb, "nat-prerouting", "type nat hook prerouting priority dstnat", lines);
    }
    return sb.toString();
  }

  private static Optional<String> nftPolicy(DualWanSpec spec, Policy p, Set<String> active) {
    String verdict;
    if (p.usesMain()) {
      verdict = "return";
    } else if (p.usesBalance()) {
      verdict = "goto balance";
    } else if (active.contains(p.use())) {
      verdict = "goto to-" + p.use();
    } else {
      return Optional.empty();
    }
    StringBuilder m = new StringBuilder();
    if (p.family().isPresent() && p.to().isEmpty() && p.from().isEmpty()) {
      m.append("meta nfproto ").append(p.family().get()).append(' ');
    }
    p.iif().ifPresent(i -> m.append("iifname \"").append(i).append("\" "));
    p.from().ifPresent(a -> m.append(ip(a.family())).append(" saddr ").append(a).append(' '));
    p.to().ifPresent(a -> m.append(ip(a.family())).append(" daddr ").append(a).append(' '));
    if (p.protocol().isPresent()) {
      Protocol proto = p.protocol().get();
      if (p.port().isPresent()) {
        m.append(proto.toolName()).append(" dport ").append(p.port().get().nft()).append(' ');
      } else {
        m.append("meta l4proto ").append(proto.toolName()).append(' ');
      }
    }
    return Optional.of(m + verdict);
  }

  private static List<String> nftBalance(DualWanSpec spec, List<WanSpec> wans, Set<String> active) {
    List<Member> members = members(spec, wans);
    List<String> lines = new ArrayList<>();
    boolean sticky = sticky(spec);
    if (sticky) {
      for (Member m : members) {
        if (!active.contains(m.wan().name())) {
          continue;
        }
        for (Family family : spec.familiesOf(m.wan()).members()) {
          lines.add(
              ip(family)
                  + " saddr @"
                  + stickySet(m.wan(), family)
                  + " goto sticky-"
                  + m.wan().name());
        }
      }
    }
    Families all = spec.allFamilies();
    List<Member> v4 = choosing(spec, members, Family.IPV4, active);
    List<Member> v6 = choosing(spec, members, Family.IPV6, active);
    if (all == Families.BOTH && v4.equals(v6)) {
      if (!v4.isEmpty()) {
        lines.add(choice(v4, sticky));
      }
    } else {
      for (Family family : all.members()) {
        List<Member> chosen = family == Family.IPV4 ? v4 : v6;
        if (!chosen.isEmpty()) {
          lines.add("meta nfproto " + family + " " + choice(chosen, sticky));
        }
      }
    }
    return lines;
  }

  private static String choice(List<Member> members, boolean sticky) {
    String prefix = sticky ? "goto sticky-" : "goto to-";
    if (members.size() == 1) {
      return prefix + members.get(0).wan().name();
    }
    int total = members.stream().mapToInt(Member::weight).sum();
    List<String> entries = new ArrayList<>();
    int at = 0;
    for (Member m : members) {
      int last = at + m.weight() - 1;
      entries.add((at == last ? at : at + "-" + last) + " : " + prefix + m.wan().name());
      at = last + 1;
    }
    return "numgen random mod " + total + " vmap { " + String.join(", ", entries) + " }";
  }

  private static List<String> nftSnat(DualWanSpec spec, List<WanSpec> wans) {
    String mask = hex8(spec.markMask().value());
    List<String> lines = new ArrayList<>();
    for (WanSpec wan : wans) {
      Families carried = spec.familiesOf(wan);
      String head =
          "oifname \""
              + wan.itf().name()
              + "\" meta mark & "
              + mask
              + " { 0x00000000, "
              + hex8(wan.mark().value())
              + " } ";
      String comment = " comment \"" + wan.name() + "\"";
      Masquerade masq = wan.masquerade();
      if (masq != null && masq.on()) {
        List<Family> covered =
            carried.members().stream().filter(f -> masq.covers(f, carried)).toList();
        if (covered.size() == 2 || (covered.size() == 1 && carried != Families.BOTH)) {
          // Every family the WAN carries: no family guard (the WAN routes no other).
          lines.add(head + "masquerade" + comment);
        } else {
          for (Family f : covered) {
            lines.add(
                head.replace("\" meta mark", "\" meta nfproto " + f + " meta mark")
                    + "masquerade"
                    + comment);
          }
        }
      }
      for (Family f : Family.values()) {
        wan.snatOf(f)
            .ifPresent(
                a ->
                    lines.add(
                        head.replace("\" meta mark", "\" meta nfproto " + f + " meta mark")
                            + "snat "
                            + ip(f)
                            + " to "
                            + IpPrefix.address(a).address()
                            + comment));
      }
    }
    return lines;
  }

  private static void chain(StringBuilder sb, String name, String hook, List<String> lines) {
    sb.append("chain ").append(name).append(" {\n");
    if (hook != null) {
      sb.append("  ").append(hook).append("; policy accept;\n");
    }
    lines.forEach(l -> sb.append("  ").append(l).append('\n'));
    sb.append("}\n");
  }

  private static String stickySet(WanSpec wan, Family family) {
    return "sticky" + (family == Family.IPV4 ? "4" : "6") + "-" + wan.name();
  }

  private static String ip(Family family) {
    return family == Family.IPV4 ? "ip" : "ip6";
  }

  private static String hex8(long n) {
    return String.format("0x%08x", n);
  }

  private static List<WanSpec> sorted(List<WanSpec> wans) {
    List<WanSpec> s = new ArrayList<>(wans);
    s.sort(Comparator.comparing(WanSpec::table));
    return s;
  }

  // ---- iptables ----------------------------------------------------------------------------

  /**
   * The chains of outbound routing, NAT and port forwards, per family, for the iptables backend.
   */
  static List<IptablesChainSpec> iptablesChains(
      DualWanSpec spec, List<WanSpec> wans, Set<String> active) {
    List<IptablesChainSpec> chains = new ArrayList<>();
    List<Policy> policies = policies(spec);
    List<Forward> forwards = forwards(spec);
    for (Family family : spec.allFamilies().members()) {
      if (routesLan(spec)) {
        chains.add(
            new IptablesChainSpec(
                family,
                IptablesTable.MANGLE,
                OUTBOUND_CHAIN,
                "PREROUTING",
                // After the inbound marking chain: a connection's choice is made once it has none.
                JumpPosition.LAST,
                iptablesOutbound(spec, wans, active, policies, family)));
      }
      List<String> snat = iptablesSnat(spec, wans, family);
      if (!snat.isEmpty()) {
        chains.add(
            new IptablesChainSpec(
                family, IptablesTable.NAT, SNAT_CHAIN, "POSTROUTING", JumpPosition.FIRST, snat));
      }
      List<String> dnat = new ArrayList<>();
      for (Forward f : forwards) {
        if (f.family() != family) {
          continue;
        }
        for (WanSpec wan : sorted(f.wans())) {
          dnat.add(
              "-i "
                  + wan.itf().name()
                  + " -p "
                  + f.protocol().toolName()
                  + " --dport "
                  + f.port().iptables()
                  + " -j DNAT --to-destination "
                  + f.destination());
        }
      }
      if (!dnat.isEmpty()) {
        chains.add(
            new IptablesChainSpec(
                family, IptablesTable.NAT, DNAT_CHAIN, "PREROUTING", JumpPosition.FIRST, dnat));
      }
    }
    return chains;
  }

  private static List<String> iptablesOutbound(
      DualWanSpec spec,
      List<WanSpec> wans,
      Set<String> active,
      List<Policy> policies,
      Family family) {
    String mask = Mark.hex(spec.markMask().value());
    String unmarked = "-m connmark --mark 0x0/" + mask + " ";
    List<String> rules = new ArrayList<>();
    rules.add("-m conntrack ! --ctstate NEW -j RETURN");
    rules.add("-m connmark ! --mark 0x0/" + mask + " -j RETURN");
    for (WanSpec wan : wans) {
      rules.add("-i " + wan.itf().name() + " -j RETURN");
    }
    rules.add("-m addrtype --dst-type LOCAL -j RETURN");
    rules.add("-m addrtype --dst-type MULTICAST -j RETURN");
    if (family == Family.IPV4) {
      rules.add("-m addrtype --dst-type BROADCAST -j RETURN");
    }
    // Each rule below acts only while the connection has no mark: the first that sets one decides.
    for (Policy p : policies) {
      if (!p.applies(family)) {
        continue;
      }
      StringBuilder m = new StringBuilder(unmarked);
      p.iif().ifPresent(i -> m.append("-i ").append(i).append(' '));
      p.from().ifPresent(a -> m.append("-s ").append(a).append(' '));
      p.to().ifPresent(a -> m.append("-d ").append(a).append(' '));
      if (p.protocol().isPresent()) {
        m.append("-p ").append(p.protocol().get().toolName()).append(' ');
        p.port().ifPresent(r -> m.append("--dport ").append(r.iptables()).append(' '));
      }
      if (p.usesMain()) {
        rules.add(m + "-j RETURN");
      } else if (p.usesBalance()) {
        rules.addAll(iptablesBalance(spec, wans, active, family, m.toString()));
      } else if (active.contains(p.use())) {
        WanSpec wan = wans.stream().filter(w -> w.name().equals(p.use())).findFirst().orElseThrow();
        rules.add(m + setMark(wan, mask));
      }
    }
    if (spec.balance() != null) {
      rules.addAll(iptablesBalance(spec, wans, active, family, unmarked));
    }
    rules.add("-j CONNMARK --restore-mark --nfmask " + mask + " --ctmask " + mask);
    return rules;
  }

  private static List<String> iptablesBalance(
      DualWanSpec spec, List<WanSpec> wans, Set<String> active, Family family, String match) {
    List<Member> members = choosing(spec, members(spec, wans), family, active);
    String mask = Mark.hex(spec.markMask().value());
    List<String> rules = new ArrayList<>();
    boolean sticky = sticky(spec);
    if (sticky) {
      long seconds = spec.balance().sticky().seconds();
      for (Member m : members) {
        rules.add(
            match
                + "-m recent --update --seconds "
                + seconds
                + " --reap --name "
                + recentList(m.wan(), family)
                + " --rsource "
                + setMark(m.wan(), mask));
      }
    }
    int remaining = members.stream().mapToInt(Member::weight).sum();
    for (int i = 0; i < members.size(); i++) {
      Member m = members.get(i);
      StringBuilder r = new StringBuilder(match);
      if (i < members.size() - 1) {
        r.append("-m statistic --mode random --probability ")
            .append(probability(m.weight(), remaining))
            .append(' ');
      }
      if (sticky) {
        r.append("-m recent --set --name ")
            .append(recentList(m.wan(), family))
            .append(" --rsource ");
      }
      rules.add(r + setMark(m.wan(), mask));
      remaining -= m.weight();
    }
    return rules;
  }

  /** {@code weight / remaining}: each rule takes its share of what the rules before it left. */
  static String probability(int weight, int remaining) {
    return String.format(Locale.ROOT, "%.10f", (double) weight / remaining);
  }

  private static String setMark(WanSpec wan, String mask) {
    return "-j CONNMARK --set-xmark " + Mark.hex(wan.mark().value()) + "/" + mask;
  }

  private static String recentList(WanSpec wan, Family family) {
    return (family == Family.IPV4 ? "ncdw-" : "ncdw6-") + wan.name();
  }

  private static List<String> iptablesSnat(DualWanSpec spec, List<WanSpec> wans, Family family) {
    String mask = Mark.hex(spec.markMask().value());
    List<String> rules = new ArrayList<>();
    for (WanSpec wan : wans) {
      Families carried = spec.familiesOf(wan);
      String target;
      Optional<String> snat = wan.snatOf(family);
      if (snat.isPresent()) {
        target = "-j SNAT --to-source " + IpPrefix.address(snat.get()).address();
      } else if (wan.masquerade() != null && wan.masquerade().covers(family, carried)) {
        target = "-j MASQUERADE";
      } else {
        continue;
      }
      for (long mark : List.of(wan.mark().value(), 0L)) {
        rules.add(
            "-o "
                + wan.itf().name()
                + " -m mark --mark "
                + Mark.hex(mark)
                + "/"
                + mask
                + " "
                + target);
      }
    }
    return rules;
  }
}
