package io.netconverge.route;

import io.netconverge.core.net.TableRef;
import java.util.List;

/**
 * The routing tables a host state owns, and its files in iproute2's configuration folder.
 *
 * @param tables declared: the tables with their routes; live: the same tables as the kernel holds
 *     them, by number, with every route but the kernel's own
 * @param files declared: what to write; live: what is there, and the names the host knows
 * @param captured live only: the routes of those tables as ip printed them, what a restore replays
 * @param protocolRoutes declared: routes carrying our protocol in tables it does not declare are
 *     ours, and removed (the local table and held tables apart); live: whether such routes were
 *     read, as tables of their own in {@code tables} (which never purge)
 * @param held declared only: tables whose routes are left as they are (a pending WAN's)
 */
public record RouteTablesState(
    List<RouteTable> tables,
    Iproute2Files files,
    List<CapturedRoute> captured,
    boolean protocolRoutes,
    List<TableRef> held) {

  public RouteTablesState {
    tables = List.copyOf(tables);
    captured = List.copyOf(captured);
    held = List.copyOf(held);
  }

  public RouteTablesState(
      List<RouteTable> tables, Iproute2Files files, List<CapturedRoute> captured) {
    this(tables, files, captured, false, List.of());
  }

  public RouteTablesState(List<RouteTable> tables, Iproute2Files files) {
    this(tables, files, List.of());
  }
}
