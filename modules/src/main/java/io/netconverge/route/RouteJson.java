package io.netconverge.route;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netconverge.core.net.Family;
import io.netconverge.core.net.IpPrefix;
import io.netconverge.core.spec.SpecLoader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Parses {@code ip -N -j -d route show table all}: numbers for tables, types and protocols. */
public final class RouteJson {

  /** RTPROT_KERNEL: routes the kernel derives from addresses; never ours, never removed. */
  public static final int KERNEL = 2;

  private static final ObjectMapper JSON = SpecLoader.json();

  private RouteJson() {}

  /** A route with the table it is in. */
  public record InTable(long table, Route route) {}

  public static List<InTable> parse(String json, Family family) throws IOException {
    List<InTable> routes = new ArrayList<>();
    if (json.isBlank()) {
      return routes;
    }
    for (JsonNode n : JSON.readTree(json)) {
      int protocol = number(n, "protocol", 0);
      if (protocol == KERNEL || n.has("cache")) {
        continue;
      }
      String dst = n.path("dst").asText("default");
      IpPrefix to = dst.equals("default") ? IpPrefix.any(family) : IpPrefix.parse(dst);
      int type = number(n, "type", 1);
      boolean unicast = type == RouteType.UNICAST.number();
      List<Nexthop> nexthops = new ArrayList<>();
      for (JsonNode h : n.path("nexthops")) {
        nexthops.add(
            new Nexthop(
                h.has("gateway") ? IpPrefix.address(h.get("gateway").asText()) : null,
                h.has("dev") ? h.get("dev").asText() : null,
                h.path("weight").asInt(1),
                hasFlag(h, "onlink")));
      }
      Route route =
          new Route(
              family,
              type,
              to,
              n.path("metric").asLong(0),
              n.has("gateway") ? IpPrefix.address(n.get("gateway").asText()) : null,
              // A blackhole IPv6 route reports dev lo; it is no part of what was declared.
              unicast && n.has("dev") ? n.get("dev").asText() : null,
              n.has("prefsrc") ? IpPrefix.address(n.get("prefsrc").asText()) : null,
              family == Family.IPV4 ? number(n, "scope", 0) : 0,
              hasFlag(n, "onlink"),
              nexthops,
              protocol);
      routes.add(new InTable(Long.parseLong(n.path("table").asText("254")), route));
    }
    return routes;
  }

  private static boolean hasFlag(JsonNode n, String flag) {
    for (JsonNode f : n.path("flags")) {
      if (f.asText().equals(flag)) {
        return true;
      }
    }
    return false;
  }

  /** With -N, ip prints numbers as strings; a missing field is the kernel's zero. */
  private static int number(JsonNode n, String field, int absent) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return absent;
    }
    return (int) Long.parseLong(v.asText());
  }
}
