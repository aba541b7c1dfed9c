package io.netconverge.route;

import io.netconverge.core.net.Family;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One route as {@code ip -N -d route show} printed it, in the words {@code ip route replace} takes
 * back: what a restore replays, so that attributes netconverge does not model (a route's {@code
 * mtu}, {@code advmss}, {@code tos}...) come back too.
 *
 * @param family ipv4 or ipv6
 * @param table the table number
 * @param protocol the route's protocol number
 * @param words the route's words after {@code route replace}, {@code table N} included
 */
public record CapturedRoute(Family family, long table, int protocol, String words) {

  /** Flags ip prints about a route's state; none is an attribute {@code ip route add} takes. */
  private static final Set<String> STATE_FLAGS =
      Set.of(
          "linkdown",
          "dead",
          "pervasive",
          "offload",
          "trap",
          "offload_failed",
          "rt_offload",
          "rt_trap",
          "rt_offload_failed",
          "notify",
          "unresolved");

  /**
   * Parses the text of {@code ip -N -d route show table all} (one family): a multipath route's
   * nexthops are on the lines after it, indented. Kernel routes (protocol 2) and cache entries are
   * left out, as the JSON read leaves them out.
   */
  public static List<CapturedRoute> parse(String text, Family family) {
    List<String> entries = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      if (Character.isWhitespace(line.charAt(0)) && !entries.isEmpty()) {
        entries.set(entries.size() - 1, entries.get(entries.size() - 1) + " " + line.strip());
      } else {
        entries.add(line.strip());
      }
    }
    List<CapturedRoute> routes = new ArrayList<>();
    for (String entry : entries) {
      List<String> in = List.of(entry.split("\\s+"));
      if (in.isEmpty() || in.get(0).equals("cache")) {
        continue;
      }
      List<String> out = new ArrayList<>();
      long table = 254;
      int protocol = 0;
      for (int i = 0; i < in.size(); i++) {
        String w = in.get(i);
        if (i == 0 && w.matches("\\d+")) {
          // -N prints the route type as a number, which ip does not take back.
          out.add(Route.typeName(Integer.parseInt(w)));
        } else if (w.equals("table") && i + 1 < in.size()) {
          table = Long.parseLong(in.get(++i));
        } else if (w.equals("proto") && i + 1 < in.size()) {
          protocol = Integer.parseInt(in.get(++i));
          out.add("proto");
          out.add(in.get(i));
        } else if (w.equals("expires") && i + 1 < in.size()) {
          i++; // a remaining lifetime, which a replay cannot give back
        } else if (!STATE_FLAGS.contains(w)) {
          out.add(w);
        }
      }
      if (protocol == RouteJson.KERNEL) {
        continue;
      }
      // ip takes a route's table before its nexthops, not after them.
      int at = out.indexOf("nexthop");
      out.addAll(at < 0 ? out.size() : at, List.of("table", Long.toString(table)));
      routes.add(new CapturedRoute(family, table, protocol, String.join(" ", out)));
    }
    return routes;
  }

  /** Routes that need no gateway go into a batch first: gateways are checked against them. */
  int batchOrder() {
    return (" " + words + " ").contains(" via ") ? 1 : 0;
  }
}
