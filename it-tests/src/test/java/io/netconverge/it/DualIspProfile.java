package io.netconverge.it;

import io.netconverge.it.DualIspNetwork.Family;
import io.netconverge.it.DualIspNetwork.Isp;
import java.util.EnumSet;
import java.util.Set;

/**
 * The dualWan HostState for the router of {@link DualIspNetwork}, as a user would write it: both
 * ISPs (marks 10 and 20, tables 110 and 120) with their gateways and the router's addresses. A WAN
 * whose gateway is {@code dhcp}, or that is left {@link #unaddressed}, gets no address in the file.
 *
 * @param before top-level sections (e.g. {@code ipRules:}) written before the profile
 * @param backend {@code nftables} or {@code iptables}
 * @param dualStack {@code families: both}, with each WAN's IPv6 gateway and address
 * @param defaultTable the profile's outbound default through table 100
 * @param isp1Gateway ISP1's IPv4 gateway as the file gives it: an address, or {@code dhcp}
 * @param unaddressed WANs given no address
 * @param tracked each WAN tracked by pinging the client through it (1 s, timeout 500 ms, down 2, up
 *     2)
 */
record DualIspProfile(
    String before,
    String backend,
    boolean dualStack,
    boolean defaultTable,
    String isp1Gateway,
    Set<Isp> unaddressed,
    boolean tracked) {

  /** Both ISPs over IPv4 with nftables marking, untracked, without an outbound default. */
  static DualIspProfile of() {
    return new DualIspProfile(
        "", "nftables", false, false, Isp.ISP1.gateway(Family.IPV4), Set.of(), false);
  }

  DualIspProfile before(String sections) {
    return new DualIspProfile(
        sections, backend, dualStack, defaultTable, isp1Gateway, unaddressed, tracked);
  }

  DualIspProfile backend(String name) {
    return new DualIspProfile(
        before, name, dualStack, defaultTable, isp1Gateway, unaddressed, tracked);
  }

  DualIspProfile bothFamilies() {
    return new DualIspProfile(
        before, backend, true, defaultTable, isp1Gateway, unaddressed, tracked);
  }

  DualIspProfile withDefaultTable() {
    return new DualIspProfile(before, backend, dualStack, true, isp1Gateway, unaddressed, tracked);
  }

  DualIspProfile isp1Gateway(String gateway) {
    return new DualIspProfile(
        before, backend, dualStack, defaultTable, gateway, unaddressed, tracked);
  }

  DualIspProfile unaddressed(Isp isp) {
    Set<Isp> none = EnumSet.of(isp);
    none.addAll(unaddressed);
    return new DualIspProfile(before, backend, dualStack, defaultTable, isp1Gateway, none, tracked);
  }

  DualIspProfile tracked(boolean track) {
    return new DualIspProfile(
        before, backend, dualStack, defaultTable, isp1Gateway, unaddressed, track);
  }

  String yaml() {
    StringBuilder sb =
        new StringBuilder(
            "apiVersion: netconverge/v1\nkind: HostState\n"
                + before
                + "dualWan:\n  backend: "
                + backend
                + "\n  markMask: \"0xff\"\n"
                + (dualStack ? "  families: both\n" : "")
                + (defaultTable ? "  defaultTable: 100\n" : "")
                + "  wans:\n");
    for (Isp isp : Isp.values()) {
      int n = isp.ordinal() + 1;
      String gateway = isp == Isp.ISP1 ? isp1Gateway : isp.gateway(Family.IPV4);
      sb.append("    - name: isp")
          .append(n)
          .append("\n      interface: ")
          .append(isp.wan())
          .append("\n      mark: ")
          .append(n * 10)
          .append("\n      table: ")
          .append(100 + n * 10)
          .append("\n      gateway: ")
          .append(gateway)
          .append('\n');
      if (dualStack) {
        sb.append("      gateway6: ").append(isp.gateway(Family.IPV6)).append('\n');
      }
      if (!gateway.equals("dhcp") && !unaddressed.contains(isp)) {
        sb.append("      address: ").append(isp.routerCidr(Family.IPV4)).append('\n');
        if (dualStack) {
          sb.append("      address6: ").append(isp.routerCidr(Family.IPV6)).append('\n');
        }
      }
      if (tracked) {
        sb.append("      track: { targets: [")
            .append(DualIspNetwork.clientAddress(Family.IPV4))
            .append("], interval: 1s, timeout: 500ms, down: 2, up: 2 }\n");
      }
    }
    return sb.toString();
  }
}
