package io.netconverge.route;

import io.netconverge.core.net.Family;
import io.netconverge.core.net.InterfaceName;
import io.netconverge.core.net.IpPrefix;
import java.util.ArrayList;
import java.util.List;

/**
 * One route of a declared table, as the file writes it. The family follows from the addresses;
 * {@code family} is needed only when none is given ({@code to: default} with a device only, or a
 * blackhole default).
 *
 * @param family ipv4 or ipv6; inferred from the addresses when absent
 * @param to the destination prefix, or {@code default}
 * @param via the gateway
 * @param dev the output interface
 * @param src the preferred source address ({@code ip route ... src})
 * @param metric the priority; absent means the kernel's default (0 for IPv4, 1024 for IPv6)
 * @param scope IPv4 only: global, link or host; absent means what {@code ip route add} picks
 * @param onlink take the gateway as on the link even without a route to it
 * @param type unicast (default), blackhole, unreachable or prohibit
 * @param nexthops paths of a multipath route, instead of via/dev
 */
public record RouteSpec(
    Family family,
    String to,
    String via,
    InterfaceName dev,
    String src,
    Long metric,
    RouteScope scope,
    Boolean onlink,
    RouteType type,
    List<NexthopSpec> nexthops) {

  public RouteSpec {
    nexthops = nexthops == null ? List.of() : List.copyOf(nexthops);
    if (to == null) {
      throw new IllegalArgumentException("a route needs 'to' (a prefix or default)");
    }
    RouteType kind = type == null ? RouteType.UNICAST : type;
    List<Family> seen = new ArrayList<>();
    if (!IpPrefix.isAny(to)) {
      seen.add(field("to", () -> IpPrefix.parse(to).family()));
    }
    if (via != null) {
      seen.add(field("via", () -> IpPrefix.address(via).family()));
    }
    if (src != null) {
      seen.add(field("src", () -> IpPrefix.address(src).family()));
    }
    for (NexthopSpec nh : nexthops) {
      if (nh.via() != null) {
        seen.add(IpPrefix.address(nh.via()).family());
      }
    }
    if (family != null) {
      seen.add(0, family);
    }
    if (seen.stream().distinct().count() > 1) {
      throw new IllegalArgumentException(
          "route to "
              + to
              + " mixes IPv4 and IPv6 addresses"
              + (family == null ? "" : " (family " + family + ")"));
    }
    if (seen.isEmpty()) {
      throw new IllegalArgumentException(
          "route to " + to + " names no address: add 'family: ipv4' or 'family: ipv6'");
    }
    if (metric != null && (metric < 0 || metric > 0xffffffffL)) {
      throw new IllegalArgumentException("metric " + metric + " is out of range 0..4294967295");
    }
    if (kind != RouteType.UNICAST
        && (via != null || dev != null || !nexthops.isEmpty() || src != null)) {
      throw new IllegalArgumentException("a " + kind + " route takes no via, dev, src or nexthops");
    }
    if (kind == RouteType.UNICAST && via == null && dev == null && nexthops.isEmpty()) {
      throw new IllegalArgumentException(
          "route to " + to + " needs 'via', 'dev' or 'nexthops' (or a type such as blackhole)");
    }
    if (!nexthops.isEmpty() && (via != null || dev != null)) {
      throw new IllegalArgumentException(
          "route to " + to + ": give either via/dev or nexthops, not both");
    }
    if (nexthops.size() == 1) {
      throw new IllegalArgumentException(
          "route to " + to + ": one nexthop is not multipath; write via/dev instead");
    }
    if (scope != null && seen.get(0) == Family.IPV6) {
      throw new IllegalArgumentException(
          "route to " + to + ": scope is an IPv4 notion; the kernel ignores it for IPv6");
    }
    if (Boolean.TRUE.equals(onlink) && (via == null || dev == null)) {
      throw new IllegalArgumentException("route to " + to + ": onlink needs 'via' and 'dev'");
    }
  }

  /** The family the addresses (or {@code family}) give. */
  public Family resolvedFamily() {
    if (family != null) {
      return family;
    }
    if (!IpPrefix.isAny(to)) {
      return IpPrefix.parse(to).family();
    }
    if (via != null) {
      return IpPrefix.address(via).family();
    }
    if (src != null) {
      return IpPrefix.address(src).family();
    }
    return nexthops.stream()
        .filter(n -> n.via() != null)
        .map(n -> IpPrefix.address(n.via()).family())
        .findFirst()
        .orElseThrow();
  }

  /** The destination as a prefix of the route's family. */
  public IpPrefix destination() {
    return IpPrefix.isAny(to) ? IpPrefix.any(resolvedFamily()) : IpPrefix.parse(to);
  }

  /** A unicast route via a gateway out of a device. */
  public static RouteSpec via(String to, String via, String dev) {
    return new RouteSpec(
        null,
        to,
        via,
        dev == null ? null : InterfaceName.of(dev),
        null,
        null,
        null,
        null,
        null,
        null);
  }

  /** A route to a directly connected prefix, or a default out of a point-to-point device. */
  public static RouteSpec dev(Family family, String to, String dev, RouteScope scope) {
    return new RouteSpec(
        family, to, null, InterfaceName.of(dev), null, null, scope, null, null, null);
  }

  /** A value of one field, whose refusal names that field (the loader locates it). */
  private static <T> T field(String name, java.util.function.Supplier<T> value) {
    try {
      return value.get();
    } catch (io.netconverge.core.spec.InvalidFieldException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw new io.netconverge.core.spec.InvalidFieldException(name, e.getMessage());
    }
  }
}
