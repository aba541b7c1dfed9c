package io.netconverge.route;

import io.netconverge.core.net.Family;
import io.netconverge.core.net.TableRef;
import io.netconverge.core.spec.SpecViolation;
import java.util.List;

/**
 * A routing table as the file declares it. Its routes are owned: routes in it that the file does
 * not declare are removed, unless {@code purge: false}, which keeps routes netconverge did not
 * create.
 *
 * @param name written to rt_tables.d when that folder exists; with no id, looked up in rt_tables
 * @param id the table number, 1..4294967295
 * @param purge remove undeclared routes; default true, and false for main, local and default
 * @param routes the routes, IPv4 and IPv6 alike
 */
public record RouteTableSpec(String name, Long id, Boolean purge, List<RouteSpec> routes) {

  public RouteTableSpec {
    routes = routes == null ? List.of() : List.copyOf(routes);
    if (name == null && id == null) {
      throw new IllegalArgumentException("a route table needs 'id', 'name' or both");
    }
    TableRef ref = new TableRef(id, name);
    Long reserved = name == null ? null : TableRef.RESERVED.get(name);
    if (reserved != null && id != null && !reserved.equals(id)) {
      throw new IllegalArgumentException(
          "table '" + name + "' is number " + reserved + ", not " + id);
    }
    if (reserved == null && name != null && id != null && TableRef.isReserved(id)) {
      // Naming it would write "255 isp1" into rt_tables.d: every tool would then call the
      // kernel's local table isp1, and routes meant for an ISP would land in it.
      String system =
          TableRef.RESERVED.entrySet().stream()
              .filter(e -> e.getValue().equals(id))
              .map(java.util.Map.Entry::getKey)
              .findFirst()
              .orElseThrow();
      throw new IllegalArgumentException(
          "table "
              + id
              + " is the system's '"
              + system
              + "' table: it cannot be named '"
              + name
              + "' (choose an id in 1..252 or 256..4294967295, or write name: "
              + system
              + ")");
    }
    if (name != null && name.chars().allMatch(Character::isDigit)) {
      throw new IllegalArgumentException("a table name cannot be a number; use 'id'");
    }
    if (Boolean.TRUE.equals(purge)
        && ref.resolve(TableRef.RESERVED).map(TableRef::isReserved).orElse(false)) {
      throw new IllegalArgumentException(
          "table "
              + ref
              + " holds the system's own routes: it cannot be purged (use purge: false)");
    }
  }

  /** The table as rules and routes refer to it: by number when known, else by name. */
  public TableRef ref() {
    Long known = id != null ? id : TableRef.RESERVED.get(name);
    return new TableRef(known, name);
  }

  /** Whether undeclared routes are removed. */
  public boolean purges() {
    if (purge != null) {
      return purge;
    }
    return !ref().resolve(TableRef.RESERVED).map(TableRef::isReserved).orElse(false);
  }

  /** The metric the kernel gives a route declared without one. */
  public static long defaultMetric(Family family) {
    return family == Family.IPV4 ? 0 : 1024;
  }

  /** The metric the kernel stores: IPv6 turns 0 into its default, 1024. */
  public static long effectiveMetric(Family family, Long declared) {
    return declared == null || (declared == 0 && family == Family.IPV6)
        ? defaultMetric(family)
        : declared;
  }

  /**
   * Checks that span tables: each table declared once (by number and by name), each route once in
   * its table (family, destination and metric are the kernel's key).
   *
   * @param path the field path of the list, for messages
   */
  public static void validate(List<RouteTableSpec> tables, String path) {
    java.util.Map<String, Integer> seen = new java.util.HashMap<>();
    for (int i = 0; i < tables.size(); i++) {
      RouteTableSpec t = tables.get(i);
      for (String key : new String[] {t.ref().id() == null ? null : "#" + t.ref().id(), t.name()}) {
        if (key == null) {
          continue;
        }
        Integer before = seen.putIfAbsent(key, i);
        if (before != null) {
          throw new SpecViolation(
              path + "[" + i + "]",
              "table "
                  + key.replace("#", "")
                  + " is already declared at "
                  + path
                  + "["
                  + before
                  + "]");
        }
      }
      java.util.Map<String, Integer> routes = new java.util.HashMap<>();
      for (int j = 0; j < t.routes().size(); j++) {
        RouteSpec r = t.routes().get(j);
        Family f = r.resolvedFamily();
        long metric = effectiveMetric(f, r.metric());
        String key = f + " " + r.destination() + " metric " + metric;
        Integer before = routes.putIfAbsent(key, j);
        if (before != null) {
          throw new SpecViolation(
              path + "[" + i + "].routes[" + j + "]",
              "route "
                  + key
                  + " is already declared at routes["
                  + before
                  + "] of this table (give"
                  + " one of them another metric)");
        }
      }
    }
  }

  public static RouteTableSpec of(String name, long id, List<RouteSpec> routes) {
    return new RouteTableSpec(name, id, null, routes);
  }
}
