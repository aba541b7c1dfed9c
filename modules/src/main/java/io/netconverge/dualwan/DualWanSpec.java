package io.netconverge.dualwan;

import io.netconverge.core.net.Family;
import io.netconverge.core.net.InterfaceAddress;
import io.netconverge.core.net.IpPrefix;
import io.netconverge.core.net.Mark;
import io.netconverge.core.net.TableRef;
import io.netconverge.core.spec.SpecViolation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The file form of the dualWan profile: a router with several ISPs, where each connection's replies
 * leave through the WAN the connection came in on.
 *
 * <pre>
 * dualWan:
 *   backend: nftables        # nftables | iptables
 *   markMask: "0xff"         # the mark bits the profile owns
 *   families: ipv4           # ipv4 | ipv6 | both; default ipv4
 *   wans:
 *     - { name: isp1, interface: wan0, mark: 10, table: 110, gateway: 198.51.100.1 }
 * </pre>
 *
 * @param backend what marks connections: nftables or iptables
 * @param markMask the bits of the mark the profile owns
 * @param families ipv4, ipv6 or both; null means ipv4. The default of each WAN's own {@code
 *     families}, not a limit: a WAN may carry fewer or more
 * @param wans the uplinks
 * @param balance how new connections from the LAN are spread over the WANs; optional (without it
 *     and without a policy, they follow the main table)
 * @param policies ordered rules pinning LAN connections to a WAN, the balance or main
 * @param portForwards connections to a port of a WAN forwarded to a LAN address
 * @param defaultTable the id of the profile's own outbound default: a table (named {@value
 *     #DEFAULT_TABLE_NAME}) holding a default route over the active WANs, looked up after every
 *     WAN's rules; absent: the profile owns no default route
 * @param staticAddresses true: the profile also stands for a {@code links} section that sets each
 *     WAN's interface up with its {@code address}/{@code address6} (for families with a fixed
 *     gateway); absent or false: the WANs' addresses are the host's business
 */
public record DualWanSpec(
    Backend backend,
    MarkMask markMask,
    Families families,
    List<WanSpec> wans,
    BalanceSpec balance,
    List<PolicySpec> policies,
    List<PortForwardSpec> portForwards,
    Long defaultTable,
    Boolean staticAddresses) {

  /** The name of the table of {@link #defaultTable}. */
  public static final String DEFAULT_TABLE_NAME = "dualwan";

  /**
   * Tables above this would put the profile's rules after the main table's rule (32766), where they
   * would never be reached; see {@link DualWanProfile} for how priorities follow tables.
   */
  public static final long MAX_TABLE = 4999;

  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]{0,30}");

  public DualWanSpec {
    families = families == null ? Families.IPV4 : families;
    wans = wans == null ? List.of() : List.copyOf(wans);
    policies = policies == null ? List.of() : List.copyOf(policies);
    portForwards = portForwards == null ? List.of() : List.copyOf(portForwards);
  }

  /** A profile whose WAN addresses are the host's business. */
  public DualWanSpec(
      Backend backend,
      MarkMask markMask,
      Families families,
      List<WanSpec> wans,
      BalanceSpec balance,
      List<PolicySpec> policies,
      List<PortForwardSpec> portForwards,
      Long defaultTable) {
    this(backend, markMask, families, wans, balance, policies, portForwards, defaultTable, null);
  }

  /** A profile without outbound routing, as files wrote it before it existed. */
  public DualWanSpec(Backend backend, MarkMask markMask, Families families, List<WanSpec> wans) {
    this(backend, markMask, families, wans, null, null, null, null);
  }

  /** The families {@code wan} carries: its own {@code families}, else the profile's. */
  public Families familiesOf(WanSpec wan) {
    return wan.families() != null ? wan.families() : families;
  }

  /** Every family some WAN carries: what the marking chains handle. */
  public Families allFamilies() {
    boolean v4 = false;
    boolean v6 = false;
    for (WanSpec wan : wans) {
      Families f = familiesOf(wan);
      v4 |= f.has(Family.IPV4);
      v6 |= f.has(Family.IPV6);
    }
    return v4 && v6 ? Families.BOTH : v6 ? Families.IPV6 : Families.IPV4;
  }

  /** The WANs that carry {@code family}, in the order given. */
  public List<WanSpec> wansOf(Family family, List<WanSpec> of) {
    return of.stream().filter(w -> familiesOf(w).has(family)).toList();
  }

  /**
   * Checks what binding cannot: every field a WAN needs for the families, marks within markMask and
   * distinct, tables distinct and usable, gateways on the WAN's subnet.
   *
   * @param path the profile's field path, {@code dualWan}
   * @throws SpecViolation naming every offending field found (see {@link SpecViolation#all})
   */
  public void validate(String path) {
    // A missing key does not hide what is wrong with the WANs: every problem is told at once.
    List<SpecViolation> found = new ArrayList<>();
    if (backend == null) {
      found.add(new SpecViolation(path, "missing required key 'backend' (nftables or iptables)"));
    }
    if (markMask == null) {
      found.add(
          new SpecViolation(
              path,
              "missing required key 'markMask': the mark bits the profile owns, e.g. \"0xff\""));
    }
    if (wans.isEmpty()) {
      found.add(new SpecViolation(path, "missing required key 'wans': at least one WAN"));
      throw SpecViolation.all(found);
    }
    Map<String, Integer> names = new HashMap<>();
    Map<String, Integer> interfaces = new HashMap<>();
    Map<Long, Integer> marks = new HashMap<>();
    Map<Long, Integer> tables = new HashMap<>();
    // Outbound, balance, policies and port forwards refer to WANs by name and read their keys:
    // they are checked when every WAN has them, whatever else is wrong with a WAN.
    boolean wansComplete = true;
    for (int i = 0; i < wans.size(); i++) {
      String at = path + ".wans[" + i + "]";
      WanSpec wan = wans.get(i);
      if (wan == null) {
        found.add(new SpecViolation(at, "an empty entry; expected name, interface, mark, table"));
        wansComplete = false;
        continue;
      }
      check(found, () -> validateWan(wan, at));
      if (wan.name() == null || wan.itf() == null || wan.mark() == null || wan.table() == null) {
        wansComplete = false;
        continue;
      }
      int index = i;
      check(
          found, () -> unique(names, wan.name(), index, at + ".name", "name " + wan.name(), path));
      check(
          found,
          () ->
              unique(
                  interfaces,
                  wan.itf().name(),
                  index,
                  at + ".interface",
                  "interface " + wan.itf().name(),
                  path));
      check(
          found,
          () -> unique(marks, wan.mark().value(), index, at + ".mark", "mark " + wan.mark(), path));
      check(
          found,
          () -> unique(tables, wan.table(), index, at + ".table", "table " + wan.table(), path));
    }
    if (defaultTable != null) {
      if (defaultTable < 1 || defaultTable > MAX_TABLE || TableRef.isReserved(defaultTable)) {
        found.add(
            new SpecViolation(
                path + ".defaultTable",
                "table "
                    + defaultTable
                    + " cannot be used: choose 1.."
                    + MAX_TABLE
                    + " except 253-255 (default, main, local)"));
      }
      Integer wan = tables.get(defaultTable);
      if (wan != null) {
        found.add(
            new SpecViolation(
                path + ".defaultTable",
                "table " + defaultTable + " is already used by " + path + ".wans[" + wan + "]"));
      }
    }
    if (wansComplete && backend != null && markMask != null) {
      check(found, () -> Outbound.validate(this, path));
    }
    if (!found.isEmpty()) {
      throw SpecViolation.all(found);
    }
  }

  /** Runs one independent check, keeping what it finds so that the next one runs too. */
  static void check(List<SpecViolation> found, Runnable check) {
    try {
      check.run();
    } catch (SpecViolation v) {
      found.add(v);
    }
  }

  /** Whether any WAN's gateway comes from DHCP or router advertisements. */
  public boolean hasDynamicGateways() {
    return wans.stream()
        .anyMatch(w -> familiesOf(w).members().stream().anyMatch(w::dynamicGateway));
  }

  private void validateWan(WanSpec wan, String at) {
    if (wan.name() == null) {
      throw new SpecViolation(at, "missing required key 'name' (the ISP's name, e.g. isp1)");
    }
    if (!NAME.matcher(wan.name()).matches()) {
      throw new SpecViolation(
          at + ".name",
          "'"
              + wan.name()
              + "' is not a WAN name: a lower-case letter, then up to 30 of a-z 0-9 _ -"
              + " (it names the routing table)");
    }
    if (TableRef.RESERVED.containsKey(wan.name())) {
      throw new SpecViolation(
          at + ".name", "'" + wan.name() + "' is the name of a system table; choose another");
    }
    if (wan.itf() == null) {
      throw new SpecViolation(at, "missing required key 'interface'");
    }
    if (wan.mark() == null) {
      throw new SpecViolation(at, "missing required key 'mark' (e.g. 10 or 0xa)");
    }
    Mark mark = wan.mark();
    if (!mark.fullMask()) {
      throw new SpecViolation(
          at + ".mark",
          "write the mark alone (" + Mark.hex(mark.value()) + "); its mask is markMask");
    }
    if (mark.value() == 0) {
      throw new SpecViolation(at + ".mark", "mark 0 is every unmarked packet; choose another");
    }
    if (markMask != null && (mark.value() & ~markMask.value()) != 0) {
      throw new SpecViolation(
          at + ".mark",
          "mark "
              + Mark.hex(mark.value())
              + " has bits outside markMask "
              + markMask
              + "; other tools own those bits");
    }
    if (wan.table() == null) {
      throw new SpecViolation(at, "missing required key 'table' (the routing table id, e.g. 110)");
    }
    long table = wan.table();
    if (table < 1 || table > MAX_TABLE || TableRef.isReserved(table)) {
      throw new SpecViolation(
          at + ".table",
          "table "
              + table
              + " cannot be used: choose 1.."
              + MAX_TABLE
              + " except 253-255 (default, main, local)");
    }
    if (wan.track() != null) {
      wan.track().validate(at + ".track");
    }
    if (wan.hooks() != null) {
      wan.hooks().validate(at + ".hooks");
    }
    Families families = familiesOf(wan);
    for (Family family : Family.values()) {
      String gatewayKey = family == Family.IPV4 ? "gateway" : "gateway6";
      String addressKey = family == Family.IPV4 ? "address" : "address6";
      String gateway = wan.gatewayOf(family);
      InterfaceAddress address = wan.addressOf(family).orElse(null);
      if (!families.has(family)) {
        if (gateway != null || address != null) {
          throw new SpecViolation(
              at + "." + (gateway != null ? gatewayKey : addressKey),
              "families is "
                  + families
                  + ": an "
                  + family
                  + " "
                  + (gateway != null ? "gateway" : "address")
                  + " is not used (set families: both on this WAN, or remove it)");
        }
        continue;
      }
      if (gateway == null) {
        throw new SpecViolation(
            at,
            "missing required key '"
                + gatewayKey
                + "' (families is "
                + families
                + "; a WAN without "
                + family
                + " says so with its own families: "
                + (family == Family.IPV4 ? "ipv6" : "ipv4")
                + ")");
      }
      String dynamic = family == Family.IPV4 ? WanSpec.DHCP : WanSpec.RA;
      if (gateway.equals(WanSpec.DHCP) || gateway.equals(WanSpec.RA)) {
        if (!gateway.equals(dynamic)) {
          throw new SpecViolation(
              at + "." + gatewayKey,
              "'"
                  + gateway
                  + "' is not a source of "
                  + family
                  + " gateways; write "
                  + gatewayKey
                  + ": "
                  + dynamic
                  + " or an address");
        }
        if (address != null && address.family() != family) {
          throw new SpecViolation(
              at + "." + addressKey, "'" + address + "' is not an " + family + " address");
        }
        continue;
      }
      IpPrefix gw;
      try {
        gw = IpPrefix.address(gateway);
      } catch (IllegalArgumentException e) {
        throw new SpecViolation(
            at + "." + gatewayKey,
            e.getMessage() + " (or " + dynamic + ": the gateway the host learns)");
      }
      if (gw.family() != family) {
        throw new SpecViolation(
            at + "." + gatewayKey, "'" + gateway + "' is not an " + family + " address");
      }
      if (address != null) {
        if (address.family() != family) {
          throw new SpecViolation(
              at + "." + addressKey, "'" + address + "' is not an " + family + " address");
        }
        // IPv6 ISPs often route through the gateway's link-local address: on every link.
        boolean linkLocal =
            family == Family.IPV6 && gw.address().matches("(?i)fe[89ab][0-9a-f]:.*");
        if (!linkLocal && !address.contains(gw.address())) {
          throw new SpecViolation(
              at + "." + gatewayKey,
              "gateway " + gateway + " is not on the WAN's subnet " + address.subnet());
        }
        if (address.address().equals(gw.address())) {
          throw new SpecViolation(
              at + "." + gatewayKey, "gateway " + gateway + " is the router's own address");
        }
      }
    }
  }

  private static <K> void unique(
      Map<K, Integer> seen, K key, int index, String at, String what, String path) {
    Integer first = seen.putIfAbsent(key, index);
    if (first != null) {
      throw new SpecViolation(
          at,
          what + " is already used by " + path + ".wans[" + first + "]; each WAN needs its own");
    }
  }
}
