package io.netconverge.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netconverge.core.exec.Command;
import io.netconverge.core.exec.ExecException;
import io.netconverge.core.exec.ExecResult;
import io.netconverge.core.exec.NetnsExecutor;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A small dual-ISP world around a router namespace, for traffic tests. Every address lives in
 * namespaces this fixture makes (documentation and benchmarking ranges), so no packet can leave
 * them.
 *
 * <pre>
 *                 isp1 (anti-spoofing: only 198.51.100.0/24, 2001:db8:1::/64 from its customer)
 *   router wan1 --+                                            +-- client 198.18.0.10
 *   router wan2 --+ isp2 (only 203.0.113.0/24, 2001:db8:2::/64) +   2001:db8:ff::10
 *   router lan0 --- lan server 192.0.2.10, 2001:db8:100::10
 * </pre>
 *
 * The router's main table sends everything out through isp1, so without policy routing a reply to a
 * connection that came in through isp2 leaves through isp1 with isp2's address as its source, and
 * isp1 drops it: that is what makes asymmetric replies die, as real ISPs do (BCP 38). The router
 * runs a TCP service on port {@value #ROUTER_PORT}; port {@value #FORWARDED_PORT} on both WANs is
 * forwarded (DNAT) to the LAN server's service on port {@value #LAN_PORT}.
 *
 * <p>The other namespaces are named after the router's (which is random per test); {@link #close}
 * stops the services and removes them, and a failed {@link #build} removes what it made.
 */
public final class DualIspNetwork extends NamespaceLab {

  public static final int ROUTER_PORT = 7001;
  public static final int LAN_PORT = 7002;
  public static final int FORWARDED_PORT = 8080;

  /** Seconds a connection attempt may take to connect; a dead path fails in this time. */
  public static final long CONNECT_TIMEOUT_SECONDS = 2;

  /** One uplink of the router, with both families' addressing. */
  public enum Isp {
    ISP1("wan1", "198.51.100", "2001:db8:1::", "198.18.1", "2001:db8:f1::"),
    ISP2("wan2", "203.0.113", "2001:db8:2::", "198.18.2", "2001:db8:f2::");

    private final String wan;
    private final String v4;
    private final String v6;
    private final String coreV4;
    private final String coreV6;

    Isp(String wan, String v4, String v6, String coreV4, String coreV6) {
      this.wan = wan;
      this.v4 = v4;
      this.v6 = v6;
      this.coreV4 = coreV4;
      this.coreV6 = coreV6;
    }

    /** The router's interface towards this ISP. */
    public String wan() {
      return wan;
    }

    /** The router's address on this WAN, without prefix length. */
    public String routerAddress(Family family) {
      return family == Family.IPV4 ? v4 + ".2" : v6 + "2";
    }

    /** The router's address on this WAN with its prefix length, as an interface carries it. */
    public String routerCidr(Family family) {
      return routerAddress(family) + (family == Family.IPV4 ? "/24" : "/64");
    }

    /** The ISP's router, the customer's gateway. */
    public String gateway(Family family) {
      return family == Family.IPV4 ? v4 + ".1" : v6 + "1";
    }

    /** The customer subnet this ISP accepts as source. */
    public String subnet(Family family) {
      return family == Family.IPV4 ? v4 + ".0/24" : v6 + "/64";
    }

    String namespaceSuffix() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public enum Family {
    IPV4,
    IPV6
  }

  /** What the client connects to. */
  public enum Service {
    /** The TCP service on the router itself: its replies are generated locally. */
    ROUTER(ROUTER_PORT, "router"),
    /** The LAN server behind the port forward: its replies are forwarded by the router. */
    FORWARDED(FORWARDED_PORT, "lan");

    private final int port;
    private final String greeting;

    Service(int port, String greeting) {
      this.port = port;
      this.greeting = greeting;
    }

    public int port() {
      return port;
    }

    public String greeting() {
      return greeting;
    }
  }

  /** What one connection attempt gave: whether the service answered, and everything printed. */
  public record Attempt(boolean answered, String output) {}

  /** Packets an ISP saw from its customer: with the customer's source, and spoofed (dropped). */
  public record Counters(long fromCustomer, long spoofed) {
    public Counters minus(Counters before) {
      return new Counters(fromCustomer - before.fromCustomer, spoofed - before.spoofed);
    }
  }

  private final TestNamespace router;
  private final String client;
  private final String lan;

  private DualIspNetwork(TestNamespace router) {
    this.router = router;
    this.client = router.name() + "-client";
    this.lan = router.name() + "-lan";
  }

  /** Builds the world around {@code router} (a fresh namespace) and starts both services. */
  public static DualIspNetwork build(TestNamespace router) {
    DualIspNetwork net = new DualIspNetwork(router);
    try {
      net.wire();
      net.startService(router.name(), ROUTER_PORT, Service.ROUTER.greeting());
      net.startService(net.lan, LAN_PORT, Service.FORWARDED.greeting());
      return net;
    } catch (RuntimeException | Error e) {
      try {
        net.close();
      } catch (RuntimeException | Error cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
  }

  public TestNamespace router() {
    return router;
  }

  private String ispNamespace(Isp isp) {
    return router.name() + "-" + isp.namespaceSuffix();
  }

  private void wire() {
    for (Isp isp : Isp.values()) {
      addNamespace(ispNamespace(isp));
    }
    addNamespace(client);
    addNamespace(lan);
    String r = router.name();
    // Without duplicate address detection, interfaces are usable the moment they are up: a
    // tentative link-local address makes the first IPv6 connections of a test fail at random.
    for (String ns : namespaces()) {
      noDad(ns);
    }
    noDad(r);
    for (Isp isp : Isp.values()) {
      veth(isp.wan(), r, "cust", ispNamespace(isp));
      veth("core", ispNamespace(isp), isp.namespaceSuffix(), client);
    }
    veth("lan0", r, "eth0", lan);

    List<String> routerLines = new ArrayList<>();
    for (Isp isp : Isp.values()) {
      routerLines.add("addr add " + isp.routerCidr(Family.IPV4) + " dev " + isp.wan());
      routerLines.add("addr add " + isp.routerCidr(Family.IPV6) + " dev " + isp.wan() + " nodad");
      routerLines.add("link set " + isp.wan() + " up");
    }
    routerLines.add("addr add 192.0.2.1/24 dev lan0");
    routerLines.add("addr add 2001:db8:100::1/64 dev lan0 nodad");
    routerLines.add("link set lan0 up");
    // The first ISP is the default way out: the main table knows nothing of the second.
    routerLines.add("route add default via " + Isp.ISP1.gateway(Family.IPV4));
    routerLines.add("route add default via " + Isp.ISP1.gateway(Family.IPV6));
    batch(r, routerLines);

    batch(
        lan,
        List.of(
            "link set lo up",
            "addr add 192.0.2.10/24 dev eth0",
            "addr add 2001:db8:100::10/64 dev eth0 nodad",
            "link set eth0 up",
            "route add default via 192.0.2.1",
            "route add default via 2001:db8:100::1"));

    List<String> clientLines = new ArrayList<>(List.of("link set lo up"));
    clientLines.add("addr add " + clientAddress(Family.IPV4) + "/32 dev lo");
    clientLines.add("addr add " + clientAddress(Family.IPV6) + "/128 dev lo nodad");
    List<String> clientRoutes = new ArrayList<>();
    for (Isp isp : Isp.values()) {
      String itf = isp.namespaceSuffix();
      String ns = ispNamespace(isp);
      clientLines.add("addr add " + isp.coreV4 + ".2/30 dev " + itf);
      clientLines.add("addr add " + isp.coreV6 + "2/64 dev " + itf + " nodad");
      clientLines.add("link set " + itf + " up");
      // The client reaches each router address through the ISP that owns it.
      clientRoutes.add(
          "route add "
              + isp.subnet(Family.IPV4)
              + " via "
              + isp.coreV4
              + ".1 src "
              + clientAddress(Family.IPV4));
      clientRoutes.add(
          "route add "
              + isp.subnet(Family.IPV6)
              + " via "
              + isp.coreV6
              + "1 src "
              + clientAddress(Family.IPV6));
      batch(
          ns,
          List.of(
              "link set lo up",
              "addr add " + isp.gateway(Family.IPV4) + "/24 dev cust",
              "addr add " + isp.gateway(Family.IPV6) + "/64 dev cust nodad",
              "link set cust up",
              "addr add " + isp.coreV4 + ".1/30 dev core",
              "addr add " + isp.coreV6 + "1/64 dev core nodad",
              "link set core up",
              "route add " + clientAddress(Family.IPV4) + "/32 via " + isp.coreV4 + ".2",
              "route add " + clientAddress(Family.IPV6) + "/128 via " + isp.coreV6 + "2"));
      in(ns, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1");
      inWithStdin(ns, antiSpoofing(isp), "nft", "-f", "-");
    }
    clientLines.addAll(clientRoutes);
    batch(client, clientLines);

    in(r, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1");
    // A handshake that failed dies quietly: no SYN-ACK is sent again after the client gave up,
    // so the ISPs' counters during a later connection count that connection only.
    for (String ns : List.of(r, lan)) {
      in(ns, "sysctl", "-q", "-w", "net.ipv4.tcp_synack_retries=0");
    }
    // The port forward is the router owner's own configuration, not netconverge's: a foreign
    // table that every converge must leave alone.
    inWithStdin(
        r,
        String.join(
            "\n",
            "table inet portforward {",
            "  chain prerouting {",
            "    type nat hook prerouting priority dstnat; policy accept;",
            "    iifname { \"wan1\", \"wan2\" } tcp dport "
                + FORWARDED_PORT
                + " meta nfproto ipv4 dnat ip to 192.0.2.10:"
                + LAN_PORT,
            "    iifname { \"wan1\", \"wan2\" } tcp dport "
                + FORWARDED_PORT
                + " meta nfproto ipv6 dnat ip6 to [2001:db8:100::10]:"
                + LAN_PORT,
            "  }",
            "}",
            ""),
        "nft",
        "-f",
        "-");
  }

  private static String antiSpoofing(Isp isp) {
    return String.join(
        "\n",
        "table inet antispoof {",
        "  counter from_customer { }",
        "  counter spoofed { }",
        "  chain forward {",
        "    type filter hook forward priority filter; policy accept;",
        "    iifname \"cust\" ip saddr "
            + isp.subnet(Family.IPV4)
            + " counter name from_customer accept",
        "    iifname \"cust\" ip6 saddr "
            + isp.subnet(Family.IPV6)
            + " counter name from_customer accept",
        "    iifname \"cust\" counter name spoofed drop",
        "  }",
        "}",
        "");
  }

  public static String clientAddress(Family family) {
    return family == Family.IPV4 ? "198.18.0.10" : "2001:db8:ff::10";
  }

  /**
   * One TCP connection from the client to {@code service} on the router's address at {@code isp}:
   * at most {@value #CONNECT_TIMEOUT_SECONDS} seconds to connect, a few more to hear the greeting.
   */
  public Attempt connect(Isp isp, Service service, Family family) {
    String host =
        family == Family.IPV4 ? isp.routerAddress(family) : "[" + isp.routerAddress(family) + "]";
    Command command =
        Command.of(
                "socat",
                "-t",
                "3",
                "-T",
                "3",
                "-",
                "TCP:"
                    + host
                    + ":"
                    + service.port()
                    + ",connect-timeout="
                    + CONNECT_TIMEOUT_SECONDS)
            .withTimeout(Duration.ofSeconds(8));
    try {
      ExecResult r = new NetnsExecutor(client, HOST).run(command);
      boolean answered = r.exitCode() == 0 && r.stdout().strip().equals(service.greeting());
      return new Attempt(answered, r.stdout() + r.stderr());
    } catch (ExecException e) {
      return new Attempt(false, e.getMessage());
    }
  }

  /** What {@code isp}'s anti-spoofing filter has counted so far. */
  public Counters counters(Isp isp) {
    String json =
        in(ispNamespace(isp), "nft", "-j", "list", "counters", "table", "inet", "antispoof");
    try {
      long fromCustomer = -1;
      long spoofed = -1;
      for (JsonNode item : new ObjectMapper().readTree(json).path("nftables")) {
        JsonNode counter = item.path("counter");
        if (counter.isMissingNode()) {
          continue;
        }
        long packets = counter.path("packets").asLong(-1);
        switch (counter.path("name").asText()) {
          case "from_customer" -> fromCustomer = packets;
          case "spoofed" -> spoofed = packets;
          default -> {}
        }
      }
      if (fromCustomer < 0 || spoofed < 0) {
        throw new AssertionError("no counters in: " + json);
      }
      return new Counters(fromCustomer, spoofed);
    } catch (IOException e) {
      throw new AssertionError("cannot parse nft counters: " + json, e);
    }
  }

  /** Every service, through every ISP, in both families answers, and only through that ISP. */
  public void assertEachReplyLeavesThroughItsWan() {
    for (Family family : Family.values()) {
      for (Service service : Service.values()) {
        for (Isp isp : Isp.values()) {
          Map<Isp, Counters> before = new EnumMap<>(Isp.class);
          for (Isp each : Isp.values()) {
            before.put(each, counters(each));
          }
          Attempt attempt = connect(isp, service, family);
          assertThat(attempt.answered())
              .as("%s %s through %s: %s", family, service, isp, attempt)
              .isTrue();
          for (Isp each : Isp.values()) {
            Counters seen = counters(each).minus(before.get(each));
            assertThat(seen.spoofed()).as("%s dropped spoofed packets", each).isZero();
            if (each == isp) {
              assertThat(seen.fromCustomer())
                  .as("%s %s replies through %s", family, service, each)
                  .isPositive();
            } else {
              assertThat(seen.fromCustomer())
                  .as("%s %s replies through the other ISP %s", family, service, each)
                  .isZero();
            }
          }
        }
      }
    }
  }

  private void startService(String namespace, int port, String greeting) {
    startSocat(
        namespace,
        "TCP6-LISTEN:" + port + ",fork,reuseaddr,ipv6only=0",
        "SYSTEM:echo " + greeting,
        port,
        "");
  }
}
