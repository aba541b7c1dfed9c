package io.netconverge.wan;

import io.netconverge.core.net.Family;
import io.netconverge.dualwan.DualWanSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code ip -batch} lines that make the profile's outbound default table route through {@code
 * usable} only: what a failover writes before its full converge. The lines match what the route
 * module writes for the same table (default metric, our protocol, weight 1 per path).
 */
final class OutboundDefault {

  private OutboundDefault() {}

  static String batch(DualWanSpec profile, List<WanStatus> usable, int protocol) {
    long table = profile.defaultTable();
    StringBuilder sb = new StringBuilder();
    for (Family family : profile.allFamilies().members()) {
      List<String> paths = new ArrayList<>();
      for (WanStatus w : usable) {
        String gateway = family == Family.IPV4 ? w.gateway4() : w.gateway6();
        if (gateway != null) {
          paths.add("via " + gateway + " dev " + w.itf());
        }
      }
      String any = family == Family.IPV4 ? "0.0.0.0/0" : "::/0";
      String metric = family == Family.IPV4 ? "" : " metric 1024";
      String head = "route replace " + any + " table " + table + " proto " + protocol + metric;
      if (paths.isEmpty()) {
        sb.append("route flush ").append(any).append(" table ").append(table).append('\n');
      } else if (paths.size() == 1) {
        sb.append(head).append(' ').append(paths.get(0)).append('\n');
      } else {
        sb.append(head);
        paths.forEach(p -> sb.append(" nexthop ").append(p).append(" weight 1"));
        sb.append('\n');
      }
    }
    return sb.toString();
  }
}
