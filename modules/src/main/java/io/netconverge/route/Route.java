package io.netconverge.route;

import io.netconverge.core.engine.ChangeValue;
import io.netconverge.core.engine.FieldChange;
import io.netconverge.core.net.Family;
import io.netconverge.core.net.IpPrefix;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One route of a table, as the kernel holds it. The kernel's key is the family, destination and
 * metric (within the table); everything else is what the route does.
 *
 * @param family ipv4 or ipv6
 * @param type the kernel's route type number (1 unicast, 6 blackhole, 9 throw...)
 * @param to the destination
 * @param metric the priority
 * @param via the gateway, or null
 * @param dev the output interface, or null
 * @param src the preferred source, or null
 * @param scope the kernel's scope number (0 global, 253 link, 254 host); 0 for IPv6
 * @param onlink the gateway is taken as on the link
 * @param nexthops paths of a multipath route (empty otherwise)
 * @param protocol the routing protocol that installed it
 */
public record Route(
    Family family,
    int type,
    IpPrefix to,
    long metric,
    IpPrefix via,
    String dev,
    IpPrefix src,
    int scope,
    boolean onlink,
    List<Nexthop> nexthops,
    int protocol)
    implements ChangeValue {

  private static final String[] TYPE_NAMES = {
    "unspec",
    "unicast",
    "local",
    "broadcast",
    "anycast",
    "multicast",
    "blackhole",
    "unreachable",
    "prohibit",
    "throw",
    "nat",
    "xresolve"
  };

  public Route {
    Objects.requireNonNull(family, "family");
    Objects.requireNonNull(to, "to");
    nexthops = List.copyOf(nexthops);
  }

  /** The model of a declared route: kernel defaults filled in, our protocol on it. */
  public static Route of(RouteSpec spec, int protocol) {
    Family family = spec.resolvedFamily();
    RouteType type = spec.type() == null ? RouteType.UNICAST : spec.type();
    List<Nexthop> nexthops =
        spec.nexthops().stream()
            .map(
                n ->
                    new Nexthop(
                        n.via() == null ? null : IpPrefix.address(n.via()),
                        n.dev() == null ? null : n.dev().name(),
                        n.weight() == null ? 1 : n.weight(),
                        Boolean.TRUE.equals(n.onlink())))
            .toList();
    int scope = 0;
    if (family == Family.IPV4) {
      // What `ip route add` picks when no scope is given.
      boolean direct = spec.via() == null && nexthops.isEmpty();
      scope =
          spec.scope() != null
              ? spec.scope().number()
              : (type == RouteType.UNICAST && direct ? RouteScope.LINK.number() : 0);
    }
    return new Route(
        family,
        type.number(),
        spec.destination(),
        RouteTableSpec.effectiveMetric(family, spec.metric()),
        spec.via() == null ? null : IpPrefix.address(spec.via()),
        spec.dev() == null ? null : spec.dev().name(),
        spec.src() == null ? null : IpPrefix.address(spec.src()),
        scope,
        Boolean.TRUE.equals(spec.onlink()),
        nexthops,
        protocol);
  }

  /**
   * Whether the live route {@code have} is this declared one. A gateway declared without a device
   * leaves the device to the kernel, so whatever device it picked matches.
   */
  public boolean satisfiedBy(Route have) {
    return equals(have) || equals(have.asDeclaredBy(this));
  }

  /** {@code have} with what {@code want} leaves to the kernel taken from {@code want}. */
  private Route asDeclaredBy(Route want) {
    String device = want.dev == null && want.via != null ? null : dev;
    List<Nexthop> paths = nexthops;
    if (want.nexthops.size() == nexthops.size()) {
      List<Nexthop> adjusted = new ArrayList<>();
      for (int i = 0; i < nexthops.size(); i++) {
        Nexthop h = nexthops.get(i);
        Nexthop w = want.nexthops.get(i);
        adjusted.add(
            w.dev() == null && w.via() != null
                ? new Nexthop(h.via(), null, h.weight(), h.onlink())
                : h);
      }
      paths = adjusted;
    }
    return new Route(family, type, to, metric, via, device, src, scope, onlink, paths, protocol);
  }

  /** The kernel's key within a table. */
  public Key key() {
    return new Key(family, to, metric);
  }

  /** Family, destination and metric: what the kernel keeps one route per (within a table). */
  public record Key(Family family, IpPrefix to, long metric) {
    @Override
    public String toString() {
      return (family == Family.IPV6 && to.length() == 0 ? "default (ipv6)" : to.toString())
          + " metric "
          + metric;
    }
  }

  public static String typeName(int type) {
    return type >= 0 && type < TYPE_NAMES.length ? TYPE_NAMES[type] : Integer.toString(type);
  }

  /** The words of {@code ip route add|replace} after the verb, for table {@code table}. */
  public List<String> words(long table) {
    List<String> w = new ArrayList<>();
    w.add(typeName(type));
    w.add(to.toString());
    w.add("table");
    w.add(Long.toString(table));
    w.add("proto");
    w.add(Integer.toString(protocol));
    w.add("metric");
    w.add(Long.toString(metric));
    if (family == Family.IPV4) {
      w.add("scope");
      w.add(Integer.toString(scope));
    }
    if (src != null) {
      w.add("src");
      w.add(src.address());
    }
    if (via != null) {
      w.add("via");
      w.add(via.address());
    }
    if (dev != null) {
      w.add("dev");
      w.add(dev);
    }
    if (onlink) {
      w.add("onlink");
    }
    for (Nexthop n : nexthops) {
      w.add("nexthop");
      w.addAll(n.words());
    }
    return w;
  }

  /**
   * The words of {@code ip route del} that pick exactly this route: key, type and protocol, and for
   * a single path its gateway and device (multipath routes go whole).
   */
  public List<String> deleteWords(long table) {
    List<String> w = new ArrayList<>();
    w.add(typeName(type));
    w.add(to.toString());
    w.add("table");
    w.add(Long.toString(table));
    w.add("proto");
    w.add(Integer.toString(protocol));
    w.add("metric");
    w.add(Long.toString(metric));
    if (via != null) {
      w.add("via");
      w.add(via.address());
    }
    if (dev != null) {
      w.add("dev");
      w.add(dev);
    }
    return w;
  }

  /**
   * What differs from {@code other}, field by field, typed: addresses as {@link IpPrefix}, the
   * metric as a Long, scope and protocol as Integer, the device as a String.
   */
  public List<FieldChange> differences(Route other) {
    List<FieldChange> d = new ArrayList<>();
    field(d, "type", ChangeValue.text(typeName(type)), ChangeValue.text(typeName(other.type)));
    field(d, "metric", ChangeValue.of(metric), ChangeValue.of(other.metric));
    field(d, "via", address(via), address(other.via));
    field(d, "dev", ChangeValue.of(dev), ChangeValue.of(other.dev));
    field(d, "src", address(src), address(other.src));
    field(d, "scope", ChangeValue.of(scope), ChangeValue.of(other.scope));
    field(d, "onlink", ChangeValue.of(onlink), ChangeValue.of(other.onlink));
    field(d, "nexthops", ChangeValue.text(nexthopText()), ChangeValue.text(other.nexthopText()));
    field(d, "protocol", ChangeValue.of(protocol), ChangeValue.of(other.protocol));
    return d;
  }

  private String nexthopText() {
    return nexthops.isEmpty() ? null : nexthops.toString();
  }

  /** An address shown as ip prints a gateway or source: without its length. */
  private static ChangeValue address(IpPrefix address) {
    return address == null ? null : ChangeValue.of(address, address.address());
  }

  private static void field(
      List<FieldChange> d, String name, ChangeValue before, ChangeValue after) {
    if (!Objects.equals(before, after)) {
      d.add(new FieldChange(name, before, after));
    }
  }

  /** Routes that need no gateway go into a batch first: gateways are checked against them. */
  int batchOrder() {
    return via == null && nexthops.isEmpty() ? 0 : 1;
  }

  /** As reports show it: {@link #toString()}. */
  @Override
  public String render() {
    return toString();
  }

  @Override
  public String toString() {
    List<String> w = new ArrayList<>();
    if (type != RouteType.UNICAST.number()) {
      w.add(typeName(type));
    }
    w.add(to.toString());
    if (via != null) {
      w.add("via " + via.address());
    }
    if (dev != null) {
      w.add("dev " + dev);
    }
    for (Nexthop n : nexthops) {
      w.add("nexthop " + n);
    }
    if (src != null) {
      w.add("src " + src.address());
    }
    w.add("metric " + metric);
    if (family == Family.IPV4 && scope != 0) {
      w.add("scope " + (scope == 253 ? "link" : scope == 254 ? "host" : Integer.toString(scope)));
    }
    if (onlink) {
      w.add("onlink");
    }
    w.add("proto " + protocol);
    return String.join(" ", w);
  }
}
