package io.netconverge.route;

import io.netconverge.core.net.TableRef;
import java.util.List;

/**
 * A routing table this host state owns and the routes it declares (or, read live, holds).
 *
 * @param ref the table by number and/or name
 * @param purge whether routes it does not declare are removed
 * @param routes its routes, IPv4 and IPv6
 */
public record RouteTable(TableRef ref, boolean purge, List<Route> routes) {

  public RouteTable {
    routes = List.copyOf(routes);
  }

  public static RouteTable of(RouteTableSpec spec, int protocol) {
    return new RouteTable(
        spec.ref(), spec.purges(), spec.routes().stream().map(r -> Route.of(r, protocol)).toList());
  }
}
