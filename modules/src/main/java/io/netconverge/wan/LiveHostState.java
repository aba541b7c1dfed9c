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
import io.netconverge.sysctl.SysctlKey;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 */
public record LiveHostState(HostState state, List<WanStatus> wans) {

  public LiveHostState {
    wans = List.copyOf(wans);
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
    List<WanSpec> resolved = new ArrayList<>();
    List<WanStatus> statuses = new ArrayList<>();
    List<TableRef> pendingTables = new ArrayList<>();
    Set<String> missing = new HashSet<>();
    Set<String> active = new HashSet<>();
    for (WanSpec wan : profile.wans()) {
      String itf = wan.itf().name();
      WanFacts.Link link = facts.link(itf).orElse(null);
      List<String> reasons = new ArrayList<>();
      if (link == null) {
        reasons.add("interface " + itf + " is missing");
        missing.add(itf);
      } else if (!link.adminUp()) {
        reasons.add("interface " + itf + " is down");
      } else if (!link.carrier()) {
        reasons.add("interface " + itf + " has no carrier");
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
          String gateway = gateways[i];
          InterfaceAddress declared = addresses[i];
          boolean added =
              Boolean.TRUE.equals(profile.staticAddresses())
                  && declared != null
                  && declared.contains(gateway);
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
    return new LiveHostState(HostState.from(ready, source, iproute2Dir), statuses);
  }

  private static String literal(String gateway) {
    return gateway == null || gateway.equals(WanSpec.DHCP) || gateway.equals(WanSpec.RA)
        ? null
        : gateway;
  }
}
