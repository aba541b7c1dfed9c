package io.netconverge.wan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netconverge.core.exec.Command;
import io.netconverge.core.exec.ExecException;
import io.netconverge.core.exec.ExecResult;
import io.netconverge.core.exec.Executor;
import io.netconverge.core.net.InterfaceAddress;
import io.netconverge.core.net.IpPrefix;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the host's interfaces look like right now, as far as WANs care: present, up, carrier,
 * addresses, and the gateway a DHCP or router advertisement client left on each. Read in one
 * process per converge: {@code ip -j addr}, the main table of both families, and systemd-networkd's
 * lease files when there are any.
 *
 * @param interfaces by name
 */
public record WanFacts(Map<String, Link> interfaces) {

  /** The fixed script: no text from any file reaches it. */
  static final String SCRIPT =
      "ip -j addr show; echo '#--'; ip -4 -j route show table main; echo '#--';"
          + " ip -6 -j route show table main; echo '#--';"
          + " for f in /run/systemd/netif/leases/*; do"
          + " [ -f \"$f\" ] && { echo \"#lease ${f##*/}\"; cat \"$f\"; }; done; true";

  public static final Command READ = Command.of("sh", "-c", SCRIPT);

  /** IPv6 link-local: a gateway there is on its link by definition. */
  private static final IpPrefix LINK_LOCAL6 = IpPrefix.parse("fe80::/10");

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Protocols a DHCP or RA client's default route carries; others are someone else's. */
  private static final List<String> LEARNT = List.of("dhcp", "16", "ra", "9");

  /**
   * One interface.
   *
   * @param name its name
   * @param index its ifindex (names networkd's lease file)
   * @param adminUp {@code ip link set up} was done
   * @param carrier the link is up at the lower layer (a cable, the veth's peer)
   * @param addresses4 its global IPv4 addresses
   * @param addresses6 its global IPv6 addresses
   * @param gateway4 the IPv4 default gateway learnt on it, if any
   * @param gateway6 the IPv6 default gateway learnt on it, if any
   * @param onLink what the kernel reaches on this link without a gateway: the subnets of its
   *     addresses, their peers, and the main table's routes through it that have no gateway
   */
  public record Link(
      String name,
      int index,
      boolean adminUp,
      boolean carrier,
      List<InterfaceAddress> addresses4,
      List<InterfaceAddress> addresses6,
      String gateway4,
      String gateway6,
      List<IpPrefix> onLink) {

    public Link {
      addresses4 = List.copyOf(addresses4);
      addresses6 = List.copyOf(addresses6);
      onLink = List.copyOf(onLink);
    }

    /** A link that reaches the subnets of its addresses only. */
    public Link(
        String name,
        int index,
        boolean adminUp,
        boolean carrier,
        List<InterfaceAddress> addresses4,
        List<InterfaceAddress> addresses6,
        String gateway4,
        String gateway6) {
      this(
          name,
          index,
          adminUp,
          carrier,
          addresses4,
          addresses6,
          gateway4,
          gateway6,
          java.util.stream.Stream.concat(addresses4.stream(), addresses6.stream())
              .map(InterfaceAddress::subnet)
              .toList());
    }

    /**
     * Whether a route via {@code gateway} on this link is one the kernel takes now: an IPv6
     * link-local gateway always is, another only when an address or route of the link covers it.
     */
    public boolean reaches(String gateway) {
      IpPrefix address = IpPrefix.address(gateway);
      if (LINK_LOCAL6.contains(address)) {
        return true;
      }
      return onLink.stream().anyMatch(p -> p.contains(address));
    }

    public boolean up() {
      return adminUp && carrier;
    }
  }

  public WanFacts {
    interfaces = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(interfaces));
  }

  public Optional<Link> link(String name) {
    return Optional.ofNullable(interfaces.get(name));
  }

  /** Reads the facts of every interface in one process. */
  public static WanFacts read(Executor executor) throws ExecException {
    ExecResult r = executor.check(READ);
    return parse(r.stdout());
  }

  /** Parses what {@link #SCRIPT} printed. */
  public static WanFacts parse(String output) {
    String[] parts = output.split("(?m)^#--\\s*$", -1);
    if (parts.length < 3) {
      throw new IllegalArgumentException("unexpected output of the WAN facts read: " + output);
    }
    Map<Integer, String> leases = leases(parts.length > 3 ? parts[3] : "");
    Map<String, String> defaults4 = defaults(parts[1]);
    Map<String, String> defaults6 = defaults(parts[2]);
    Map<String, List<IpPrefix>> direct = new LinkedHashMap<>();
    direct(parts[1], direct);
    direct(parts[2], direct);
    Map<String, Link> links = new LinkedHashMap<>();
    for (JsonNode itf : json(parts[0])) {
      String name = itf.path("ifname").asText();
      int index = itf.path("ifindex").asInt();
      List<String> flags = new ArrayList<>();
      itf.path("flags").forEach(f -> flags.add(f.asText()));
      List<InterfaceAddress> v4 = new ArrayList<>();
      List<InterfaceAddress> v6 = new ArrayList<>();
      List<IpPrefix> onLink = new ArrayList<>(direct.getOrDefault(name, List.of()));
      for (JsonNode a : itf.path("addr_info")) {
        if (a.hasNonNull("address") && !a.path("scope").asText().equals("host")) {
          // A point-to-point address (PPP): its peer is on the link.
          onLink.add(IpPrefix.address(a.path("address").asText()));
        }
        if (!a.path("scope").asText().equals("global") || a.path("local").isMissingNode()) {
          continue;
        }
        InterfaceAddress address =
            InterfaceAddress.parse(a.path("local").asText() + "/" + a.path("prefixlen").asInt());
        (a.path("family").asText().equals("inet6") ? v6 : v4).add(address);
        onLink.add(address.subnet());
      }
      String gateway4 = defaults4.get(name);
      if (gateway4 == null) {
        gateway4 = leases.get(index);
      }
      links.put(
          name,
          new Link(
              name,
              index,
              flags.contains("UP"),
              flags.contains("LOWER_UP"),
              v4,
              v6,
              gateway4,
              defaults6.get(name),
              onLink));
    }
    return new WanFacts(links);
  }

  /** Per device, the gateway of its best learnt default route in the main table. */
  private static Map<String, String> defaults(String text) {
    record Candidate(String dev, String gateway, boolean learnt, long metric) {}
    List<Candidate> candidates = new ArrayList<>();
    for (JsonNode r : json(text)) {
      if (!r.path("dst").asText().equals("default")
          || r.path("gateway").isMissingNode()
          || r.path("dev").isMissingNode()) {
        continue;
      }
      String protocol = r.path("protocol").asText("");
      candidates.add(
          new Candidate(
              r.path("dev").asText(),
              IpPrefix.address(r.path("gateway").asText()).address(),
              LEARNT.contains(protocol),
              r.path("metric").asLong(0)));
    }
    candidates.sort(
        Comparator.comparing((Candidate c) -> !c.learnt()).thenComparingLong(Candidate::metric));
    Map<String, String> best = new LinkedHashMap<>();
    for (Candidate c : candidates) {
      best.putIfAbsent(c.dev(), c.gateway());
    }
    return best;
  }

  /** Per device, the destinations of the main table's routes through it without a gateway. */
  private static void direct(String text, Map<String, List<IpPrefix>> into) {
    for (JsonNode r : json(text)) {
      if (!r.path("gateway").isMissingNode()
          || r.path("dev").isMissingNode()
          || r.path("dst").asText().equals("default")
          || !r.path("type").asText("unicast").equals("unicast")) {
        continue;
      }
      try {
        into.computeIfAbsent(r.path("dev").asText(), d -> new ArrayList<>())
            .add(IpPrefix.parse(r.path("dst").asText()));
      } catch (IllegalArgumentException e) {
        // Not a prefix we read: it reaches nothing we check.
      }
    }
  }

  /** networkd's lease files: {@code ROUTER=} by interface index. */
  private static Map<Integer, String> leases(String text) {
    Map<Integer, String> routers = new LinkedHashMap<>();
    Integer index = null;
    for (String line : text.split("\n")) {
      if (line.startsWith("#lease ")) {
        try {
          index = Integer.parseInt(line.substring(7).strip());
        } catch (NumberFormatException e) {
          index = null;
        }
      } else if (index != null && line.startsWith("ROUTER=")) {
        String first = line.substring(7).strip().split("\\s+")[0];
        try {
          routers.put(index, IpPrefix.address(first).address());
        } catch (IllegalArgumentException e) {
          // A lease we cannot read names no gateway; the route, when there is one, still does.
        }
      }
    }
    return routers;
  }

  private static JsonNode json(String text) {
    String trimmed = text.strip();
    if (trimmed.isEmpty()) {
      return JSON.createArrayNode();
    }
    try {
      return JSON.readTree(trimmed);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot parse ip's JSON: " + e.getMessage(), e);
    }
  }
}
