package io.netconverge.route;

import java.util.List;

/**
 * The routing tables a host state owns, and its files in iproute2's configuration folder.
 *
 * @param tables declared: the tables with their routes; live: the same tables as the kernel holds
 *     them, by number, with every route but the kernel's own
 * @param files declared: what to write; live: what is there, and the names the host knows
 * @param captured live only: the routes of those tables as ip printed them, what a restore replays
 */
public record RouteTablesState(
    List<RouteTable> tables, Iproute2Files files, List<CapturedRoute> captured) {

  public RouteTablesState {
    tables = List.copyOf(tables);
    captured = List.copyOf(captured);
  }

  public RouteTablesState(List<RouteTable> tables, Iproute2Files files) {
    this(tables, files, List.of());
  }
}
