package io.netconverge.wan;

import io.netconverge.core.engine.PendingPart;
import io.netconverge.core.net.Family;
import io.netconverge.core.net.InterfaceAddress;
import io.netconverge.core.net.TableRef;
import io.netconverge.core.spec.SpecSource;
import io.netconverge.dualwan.DualWanProfile;
import io.netconverge.dualwan.DualWanSpec;
import io.netconverge.dualwan.WanSpec;
import io.netconverge.hoststate.HostState;
import io.netconverge.hoststate.HostStateSpec;
import io.netconverge.links.LinkSpec;
import io.netconverge.links.LinksModule;
import io.netconverge.links.LinksSpec;
import io.netconverge.sysctl.SysctlKey;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A host state made for the host as it is now: the dualWan profile expanded with the gateways the
 * host learnt ({@code gateway: dhcp}, {@code gateway6: ra}), and without what a WAN that is down,
 * missing or without its gateway cannot take yet. Everything else converges; those parts are
 * reported as {@link PendingPart}. A WAN that health tracking found down keeps its table, rules and
 * marking (its inbound connections still work while its link carries them) but leaves the outbound
 * default.
 *
 * @param state what the runner converges
 * @param wans every WAN as found, in the file's order
 * @param broughtUp the WAN interfaces that are down and that this state's links bring up
 */
public record LiveHostState(HostState state, List<WanStatus> wans, Set<String> broughtUp) {

  public LiveHostState {
    wans = List.copyOf(wans);
    broughtUp = java.util.Collections.unmodifiableSet(new java.util.LinkedHashSet<>(broughtUp));
  }

  public LiveHostState(HostState state, List<WanStatus> wans) {
    this(state, wans, Set.of());
  }

  /**
   * Whether applying this state changes what the WANs' links are: a WAN interface that is down and
   * that the state's links bring up. Its WAN is pending in this state; once it is applied, the WANs
   * are read again and their routes converge in the same apply ({@code Converger}).
   */
  public boolean awaitsApply() {
    return !broughtUp.isEmpty();
  }

  public List<PendingPart> pending() {
    return wans.stream().flatMap(w -> w.pending().stream()).toList();
  }

  /**
   * @param spec a valid host state file
   * @param facts the host's interfaces, read just before
   * @param health what tracking says of each WAN by name; a WAN not in it is unknown when it has
   *     {@code track:} (not probed yet), untracked otherwise
   */
  public static LiveHostState resolve(
      HostStateSpec spec,
      SpecSource source,
      Path iproute2Dir,
      WanFacts facts,
      Map<String, Health> health)
      throws io.netconverge.core.spec.InvalidSpecException {
    DualWanSpec profile = spec.dualWan();
    if (profile == null) {
      return new LiveHostState(HostState.from(spec, source, iproute2Dir), List.of());
    }
    // What this apply's links section (the file's own and the profile's) does to each interface.
    LinksSpec links = links(spec);
    Set<String> broughtUp = new java.util.LinkedHashSet<>();
    List<WanSpec> resolved = new ArrayList<>();
    List<WanStatus> statuses = new ArrayList<>();
    List<TableRef> pendingTables = new ArrayList<>();
    Set<String> missing = new HashSet<>();
    Set<String> active = new HashSet<>();
    for (WanSpec wan : profile.wans()) {
      String itf = wan.itf().name();
      WanFacts.Link link = facts.link(itf).orElse(null);
      LinkSpec declared = links.links().get(wan.itf());
      List<String> reasons = new ArrayList<>();
      linkReason(itf, link, declared).ifPresent(reasons::add);
      if (link == null) {
        missing.add(itf);
      } else if (!link.adminUp() && declared != null && Boolean.TRUE.equals(declared.up())) {
        broughtUp.add(itf);
      }
      String[] gateways = new String[2];
      InterfaceAddress[] addresses = new InterfaceAddress[2];
      for (Family family : Family.values()) {
        int i = family.ordinal();
        addresses[i] = wan.addressOf(family).orElse(null);
        gateways[i] = wan.gatewayOf(family);
        if (!profile.familiesOf(wan).has(family)) {
          continue;
        }
        if (!wan.dynamicGateway(family)) {
          // The kernel refuses a route via a gateway it cannot reach on the link (no address
          // yet): that WAN waits, as one that is down, and the rest converges.
          // An address this apply gives the interface (links, or the profile's staticAddresses)
          // puts the gateway on the link before the routes need it.
          String gateway = gateways[i];
          boolean added =
              declared != null
                  && gateway != null
                  && declared.addresses().stream().anyMatch(a -> a.contains(gateway));
          if (gateway != null && link != null && link.up() && !added && !link.reaches(gateway)) {
            reasons.add(
                "gateway "
                    + gateway
                    + " is not on the link of "
                    + itf
                    + " yet (no address or route of "
                    + itf
                    + " covers it)");
          }
          continue;
        }
        String learnt = null;
        if (link != null) {
          learnt = family == Family.IPV4 ? link.gateway4() : link.gateway6();
          List<InterfaceAddress> own =
              family == Family.IPV4 ? link.addresses4() : link.addresses6();
          if (addresses[i] == null && !own.isEmpty()) {
            addresses[i] = own.get(0);
          }
        }
        if (learnt == null) {
          reasons.add(
              family == Family.IPV4
                  ? "no gateway from DHCP on " + itf + " yet"
                  : "no gateway from router advertisements on " + itf + " yet");
        } else {
          gateways[i] = learnt;
        }
      }
      WanSpec live = wan.resolved(gateways[0], addresses[0], gateways[1], addresses[1]);
      resolved.add(live);
      // A tracked WAN no watch has probed yet is unknown, the word status and plan share.
      Health h =
          health.getOrDefault(wan.name(), wan.track() == null ? Health.UNTRACKED : Health.UNKNOWN);
      boolean ready = reasons.isEmpty();
      List<PendingPart> pending = new ArrayList<>();
      if (!ready) {
        pendingTables.add(new TableRef(wan.table(), wan.name()));
        String why = String.join("; ", reasons);
        pending.add(
            new PendingPart(
                wan.name(), "route table " + wan.name() + " (" + wan.table() + ")", why));
        if (link == null) {
          pending.add(new PendingPart(wan.name(), "sysctl net.ipv4.conf." + itf + ".*", why));
        }
        if (profile.defaultTable() != null) {
          pending.add(new PendingPart(wan.name(), "outbound default via " + itf, why));
        }
      }
      if (ready && h.usable()) {
        active.add(wan.name());
      }
      statuses.add(
          new WanStatus(
              wan.name(),
              itf,
              link != null,
              link != null && link.adminUp(),
              link != null && link.carrier(),
              literal(gateways[0]),
              literal(gateways[1]),
              h,
              ready && h.usable(),
              pending));
    }
    DualWanSpec live =
        new DualWanSpec(
            profile.backend(),
            profile.markMask(),
            profile.families(),
            resolved,
            profile.balance(),
            profile.policies(),
            profile.portForwards(),
            profile.defaultTable(),
            profile.staticAddresses());
    DualWanProfile.Expansion expansion =
        DualWanProfile.expand(live, w -> active.contains(w.name())).without(pendingTables, missing);
    HostStateSpec expanded = spec.expanded(expansion);
    Map<SysctlKey, String> sysctl = new LinkedHashMap<>();
    expanded
        .sysctl()
        .forEach(
            (key, value) -> {
              if (key.interfaceName().map(missing::contains).orElse(false)) {
                return; // also a key the file declares itself: the interface is not there yet
              }
              sysctl.put(key, value);
            });
    HostStateSpec ready = expanded.withSysctl(sysctl);
    return new LiveHostState(HostState.from(ready, source, iproute2Dir), statuses, broughtUp);
  }

  /** The links section an apply of {@code spec} runs: the file's own merged with the profile's. */
  private static LinksSpec links(HostStateSpec spec) {
    LinksSpec all = spec.expanded().section(LinksModule.REGISTRATION);
    return all == null ? new LinksSpec(Map.of()) : all;
  }

  /**
   * Why a WAN's link keeps its routes out of this converge, judged from the link as read and what
   * this converge's links section does to it; empty when the link carries them now.
   *
   * <p>An interface that is down but which this apply brings up has no carrier yet to judge (the
   * kernel reports none while it is down): it waits with a reason that says so, and the apply reads
   * it again once it is up ({@link #broughtUp}) and converges its routes then, when it has carrier.
   * One without carrier then waits like any interface that is up without carrier: a route through
   * it would be taken by the kernel ({@code linkdown}) yet carry nothing.
   *
   * @param link the interface as read, null when missing
   * @param declared its entry in the links section, null when none
   */
  static Optional<String> linkReason(String itf, WanFacts.Link link, LinkSpec declared) {
    Boolean up = declared == null ? null : declared.up();
    if (link == null) {
      return Optional.of("interface " + itf + " is missing");
    }
    if (Boolean.FALSE.equals(up)) {
      return Optional.of(
          link.adminUp()
              ? "interface " + itf + " is set down by this file's links"
              : "interface " + itf + " is down (this file's links keep it down)");
    }
    if (!link.adminUp()) {
      return Optional.of(
          Boolean.TRUE.equals(up)
              ? "interface "
                  + itf
                  + " is down; this apply brings it up, and its routes follow once it has carrier"
              : "interface " + itf + " is down");
    }
    if (!link.carrier()) {
      return Optional.of("interface " + itf + " has no carrier");
    }
    return Optional.empty();
  }

  private static String literal(String gateway) {
    return gateway == null || gateway.equals(WanSpec.DHCP) || gateway.equals(WanSpec.RA)
        ? null
        : gateway;
  }
}
