package io.netconverge.route;

import io.netconverge.core.net.IpPrefix;
import java.util.ArrayList;
import java.util.List;

/**
 * One path of a route.
 *
 * @param via the gateway, or null
 * @param dev the interface, or null
 * @param weight 1..256
 * @param onlink the gateway is taken as on the link
 */
public record Nexthop(IpPrefix via, String dev, int weight, boolean onlink) {

  /** As {@code ip route} writes it after {@code nexthop}. */
  public List<String> words() {
    List<String> w = new ArrayList<>();
    if (via != null) {
      w.add("via");
      w.add(via.address());
    }
    if (dev != null) {
      w.add("dev");
      w.add(dev);
    }
    w.add("weight");
    w.add(Integer.toString(weight));
    if (onlink) {
      w.add("onlink");
    }
    return w;
  }

  @Override
  public String toString() {
    return String.join(" ", words());
  }
}
