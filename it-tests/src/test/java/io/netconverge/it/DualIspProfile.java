package io.netconverge.it;

import io.netconverge.it.DualIspNetwork.Family;
import io.netconverge.it.DualIspNetwork.Isp;

/**
 * The dualWan HostState for the router of {@link DualIspNetwork}: both ISPs (nftables marking,
 * marks 10 and 20, tables 110 and 120) with their IPv4 gateways and addresses. A WAN whose gateway
 * is {@code dhcp} gets no address in the file.
 */
final class DualIspProfile {

  private final String before;
  private final boolean defaultTable;
  private final String isp1Gateway;
  private final boolean tracked;

  private DualIspProfile(String before, boolean defaultTable, String isp1Gateway, boolean tracked) {
    this.before = before;
    this.defaultTable = defaultTable;
    this.isp1Gateway = isp1Gateway;
    this.tracked = tracked;
  }

  /** Both ISPs, untracked, without an outbound default. */
  static DualIspProfile of() {
    return new DualIspProfile("", false, Isp.ISP1.gateway(Family.IPV4), false);
  }

  /** Top-level sections (e.g. {@code ipRules:}) written before the profile. */
  DualIspProfile before(String sections) {
    return new DualIspProfile(sections, defaultTable, isp1Gateway, tracked);
  }

  /** The profile's outbound default through table 100. */
  DualIspProfile withDefaultTable() {
    return new DualIspProfile(before, true, isp1Gateway, tracked);
  }

  /** ISP1's gateway as the file gives it: an address, or {@code dhcp}. */
  DualIspProfile isp1Gateway(String gateway) {
    return new DualIspProfile(before, defaultTable, gateway, tracked);
  }

  /** Each WAN tracked by pinging the client through it (1 s, timeout 500 ms, down 2, up 2). */
  DualIspProfile tracked(boolean track) {
    return new DualIspProfile(before, defaultTable, isp1Gateway, track);
  }

  String yaml() {
    StringBuilder sb =
        new StringBuilder(
            "apiVersion: netconverge/v1\nkind: HostState\n"
                + before
                + "dualWan:\n  backend: nftables\n  markMask: \"0xff\"\n"
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
      if (!gateway.equals("dhcp")) {
        sb.append("      address: ").append(isp.routerCidr(Family.IPV4)).append('\n');
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
