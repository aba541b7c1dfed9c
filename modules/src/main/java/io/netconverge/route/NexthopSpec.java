package io.netconverge.route;

import io.netconverge.core.net.InterfaceName;
import io.netconverge.core.net.IpPrefix;

/**
 * One path of a multipath route, as the file writes it.
 *
 * @param via the gateway; optional for a path that is only a device
 * @param dev the interface
 * @param weight 1..256, default 1
 * @param onlink take the gateway as on the link even without a route to it
 */
public record NexthopSpec(String via, InterfaceName dev, Integer weight, Boolean onlink) {

  public NexthopSpec {
    if (via == null && dev == null) {
      throw new IllegalArgumentException("a nexthop needs 'via', 'dev' or both");
    }
    if (via != null) {
      IpPrefix.address(via);
    }
    if (Boolean.TRUE.equals(onlink) && (via == null || dev == null)) {
      throw new IllegalArgumentException("a nexthop with onlink needs 'via' and 'dev'");
    }
    if (weight != null && (weight < 1 || weight > 256)) {
      throw new IllegalArgumentException("weight " + weight + " is out of range 1..256");
    }
  }

  public static NexthopSpec of(String via, String dev, int weight) {
    return new NexthopSpec(via, dev == null ? null : InterfaceName.of(dev), weight, null);
  }
}
