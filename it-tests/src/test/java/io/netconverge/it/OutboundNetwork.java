package io.netconverge.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netconverge.core.exec.Command;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A LAN behind a dual-ISP router, and an internet beyond both ISPs, for outbound traffic tests.
 * Every address lives in namespaces this fixture makes (documentation and benchmarking ranges), so
 * no packet can leave them.
 *
 * <pre>
 *   lan 192.0.2.10, .11  ---  router lan0 192.0.2.1
 *       2001:db8:100::10             wan1 198.51.100.2 --- isp1 ---+
 *                                    wan2 203.0.113.2  --- isp2 ---+--- net: servers 198.18.0.10, .20
 *                                                                        2001:db8:ff::10, ::20
 * </pre>
 *
 * Each ISP forwards only packets whose source is exactly its customer's address (the router's WAN
 * address): an un-NATed LAN packet, or one NATed to the other WAN's address, is counted as spoofed
 * and dropped. Each ISP also records the TCP source port of every packet its customer sends (set
 * {@code flows}), so a test can tell which WAN carried each connection, and that none used both
 * (source NAT keeps the LAN host's port when it can, as it can here). The servers on port {@value
 * #ECHO_PORT} answer each connection by closing it. The LAN server answers {@code lan} on port
 * {@value #LAN_PORT}, the target of port forwards. The router's main table has its IPv4 default
 * through isp1 and its IPv6 default through isp2.
 */
public final class OutboundNetwork extends NamespaceLab {

  public static final int ECHO_PORT = 9000;
  public static final int LAN_PORT = 7002;

  public enum Isp {
    ISP1("wan1", "198.51.100", "2001:db8:1::", "198.18.1", "2001:db8:f1::"),
    ISP2("wan2", "203.0.113", "2001:db8:2::", "198.18.2", "2001:db8:f2::");

    final String wan;
    final String v4;
    final String v6;
    final String coreV4;
    final String coreV6;

    Isp(String wan, String v4, String v6, String coreV4, String coreV6) {
      this.wan = wan;
      this.v4 = v4;
      this.v6 = v6;
      this.coreV4 = coreV4;
      this.coreV6 = coreV6;
    }

    public String wan() {
      return wan;
    }

    /** The router's address on this WAN: the only source the ISP accepts. */
    public String routerAddress(boolean ipv6) {
      return ipv6 ? v6 + "2" : v4 + ".2";
    }

    public String gateway(boolean ipv6) {
      return ipv6 ? v6 + "1" : v4 + ".1";
    }

    String suffix() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The ISP whose customer address this is, as a server saw it. */
    static Isp ofRouterAddress(String address) {
      for (Isp isp : values()) {
        if (isp.routerAddress(false).equals(address) || isp.routerAddress(true).equals(address)) {
          return isp;
        }
      }
      return null;
    }
  }

  /**
   * Opens TCP connections one after the other from a source address and port, in one process: a
   * small Java program run in the LAN namespace, so that hundreds of connections take seconds on a
   * loaded machine. Each line of its output is {@code PORT ok} or {@code PORT failed: WHY}.
   */
  private static final String PROBE =
      String.join(
          "\n",
          "import java.io.InputStream;",
          "import java.net.InetAddress;",
          "import java.net.InetSocketAddress;",
          "import java.net.Socket;",
          "public class Probe {",
          "  public static void main(String[] a) throws Exception {",
          "    InetAddress src = InetAddress.getByName(a[0]);",
          "    InetSocketAddress dst = new InetSocketAddress(InetAddress.getByName(a[1]),"
              + " Integer.parseInt(a[2]));",
          "    int first = Integer.parseInt(a[3]);",
          "    int count = Integer.parseInt(a[4]);",
          "    for (int i = 0; i < count; i++) {",
          "      int port = first + i;",
          "      try (Socket s = new Socket()) {",
          "        s.setReuseAddress(true);",
          "        s.bind(new InetSocketAddress(src, port));",
          "        s.connect(dst, 2000);",
          "        s.setSoTimeout(3000);",
          "        s.shutdownOutput();",
          "        InputStream in = s.getInputStream();",
          "        while (in.read() >= 0) { }",
          "        System.out.println(port + \" ok\");",
          "      } catch (Exception e) {",
          "        System.out.println(port + \" failed: \" + e);",
          "      }",
          "    }",
          "  }",
          "}",
          "");

  private final TestNamespace router;
  private final String lan;
  private final String net;
  private final Path probe;

  private OutboundNetwork(TestNamespace router, Path dir) {
    this.router = router;
    this.probe = dir.resolve("Probe.java");
    this.lan = router.name() + "-lan";
    this.net = router.name() + "-net";
  }

  /**
   * Builds the world around {@code router} (a fresh namespace) and starts the services; {@code
   * ipv6OnIsp1} false leaves wan1 and isp1 without IPv6.
   */
  public static OutboundNetwork build(TestNamespace router, boolean ipv6OnIsp1, Path dir) {
    OutboundNetwork n = new OutboundNetwork(router, dir);
    try {
      Files.writeString(n.probe, PROBE);
      n.wire(ipv6OnIsp1);
      n.startService(n.net, "TCP4-LISTEN:" + ECHO_PORT + ",fork,reuseaddr", ECHO_PORT, true);
      n.startService(
          n.net, "TCP6-LISTEN:" + ECHO_PORT + ",fork,reuseaddr,ipv6only=1", ECHO_PORT, true);
      n.startService(
          n.lan, "TCP6-LISTEN:" + LAN_PORT + ",fork,reuseaddr,ipv6only=0", LAN_PORT, false);
      return n;
    } catch (IOException e) {
      n.close();
      throw new UncheckedIOException(e);
    } catch (RuntimeException | Error e) {
      try {
        n.close();
      } catch (RuntimeException | Error cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
  }

  private String isp(Isp isp) {
    return router.name() + "-" + isp.suffix();
  }

  private void wire(boolean ipv6OnIsp1) {
    for (Isp isp : Isp.values()) {
      addNamespace(isp(isp));
    }
    addNamespace(lan);
    addNamespace(net);
    String r = router.name();
    for (String ns : namespaces()) {
      noDad(ns);
    }
    noDad(r);
    for (Isp isp : Isp.values()) {
      veth(isp.wan, r, "cust", isp(isp));
      veth("core", isp(isp), isp.suffix(), net);
    }
    veth("lan0", r, "eth0", lan);

    List<String> routerLines = new ArrayList<>();
    for (Isp isp : Isp.values()) {
      routerLines.add("addr add " + isp.routerAddress(false) + "/24 dev " + isp.wan);
      if (isp == Isp.ISP2 || ipv6OnIsp1) {
        routerLines.add("addr add " + isp.routerAddress(true) + "/64 dev " + isp.wan + " nodad");
      }
      routerLines.add("link set " + isp.wan + " up");
    }
    routerLines.add("addr add 192.0.2.1/24 dev lan0");
    routerLines.add("addr add 2001:db8:100::1/64 dev lan0 nodad");
    routerLines.add("link set lan0 up");
    routerLines.add("route add default via " + Isp.ISP1.gateway(false));
    routerLines.add("route add default via " + Isp.ISP2.gateway(true));
    batch(r, routerLines);

    batch(
        lan,
        List.of(
            "link set lo up",
            "addr add 192.0.2.10/24 dev eth0",
            "addr add 192.0.2.11/24 dev eth0",
            "addr add 2001:db8:100::10/64 dev eth0 nodad",
            "link set eth0 up",
            "route add default via 192.0.2.1",
            "route add default via 2001:db8:100::1"));

    List<String> netLines =
        new ArrayList<>(
            List.of(
                "link set lo up",
                "addr add 198.18.0.10/32 dev lo",
                "addr add 198.18.0.20/32 dev lo",
                "addr add 2001:db8:ff::10/128 dev lo nodad",
                "addr add 2001:db8:ff::20/128 dev lo nodad"));
    for (Isp isp : Isp.values()) {
      String itf = isp.suffix();
      netLines.add("addr add " + isp.coreV4 + ".2/30 dev " + itf);
      netLines.add("addr add " + isp.coreV6 + "2/64 dev " + itf + " nodad");
      netLines.add("link set " + itf + " up");
      batch(
          isp(isp),
          List.of(
              "link set lo up",
              "addr add " + isp.gateway(false) + "/24 dev cust",
              "addr add " + isp.gateway(true) + "/64 dev cust nodad",
              "link set cust up",
              "addr add " + isp.coreV4 + ".1/30 dev core",
              "addr add " + isp.coreV6 + "1/64 dev core nodad",
              "link set core up",
              "route add 198.18.0.0/24 via " + isp.coreV4 + ".2",
              "route add 2001:db8:ff::/64 via " + isp.coreV6 + "2"));
      in(isp(isp), "sysctl", "-q", "-w", "net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1");
      inWithStdin(isp(isp), antiSpoofing(isp), "nft", "-f", "-");
    }
    for (Isp isp : Isp.values()) {
      netLines.add("route add " + isp.v4 + ".0/24 via " + isp.coreV4 + ".1");
      netLines.add("route add " + isp.v6 + "/64 via " + isp.coreV6 + "1");
    }
    batch(net, netLines);
  }

  private static String antiSpoofing(Isp isp) {
    return String.join(
        "\n",
        "table inet antispoof {",
        "  counter from_customer { }",
        "  counter spoofed { }",
        "  set flows { type inet_service; flags dynamic; size 65535; }",
        "  chain forward {",
        "    type filter hook forward priority filter; policy accept;",
        "    iifname \"cust\" meta l4proto tcp add @flows { tcp sport }",
        "    iifname \"cust\" ip saddr "
            + isp.routerAddress(false)
            + " counter name from_customer accept",
        "    iifname \"cust\" ip6 saddr "
            + isp.routerAddress(true)
            + " counter name from_customer accept",
        "    iifname \"cust\" counter name spoofed drop",
        "  }",
        "}",
        "");
  }

  /**
   * Opens {@code count} TCP connections from the LAN host's {@code source} to the server at {@code
   * destination}, one after the other, each from its own port starting at {@code firstPort}, and
   * returns those ports. A connection that failed fails the test.
   */
  public List<Integer> connect(String source, String destination, int firstPort, int count) {
    String java = ProcessHandle.current().info().command().orElse("java");
    String out =
        run(
            lan,
            Command.of(
                    java,
                    probe.toString(),
                    source,
                    destination,
                    Integer.toString(ECHO_PORT),
                    Integer.toString(firstPort),
                    Integer.toString(count))
                .withTimeout(Duration.ofSeconds(60 + count / 5)));
    List<Integer> ports = new ArrayList<>();
    for (String line : out.strip().split("\n")) {
      if (!line.endsWith(" ok")) {
        throw new AssertionError("connection failed: '" + line + "' in\n" + out);
      }
      ports.add(Integer.parseInt(line.substring(0, line.indexOf(' '))));
    }
    if (ports.size() != count) {
      throw new AssertionError("expected " + count + " connections, got:\n" + out);
    }
    return ports;
  }

  /** One connection from the internet to {@code isp}'s router address and {@code port}. */
  public String connectFromInternet(Isp isp, boolean ipv6, int port) {
    String target =
        ipv6 ? "TCP6:[" + isp.routerAddress(true) + "]" : "TCP4:" + isp.routerAddress(false);
    return run(
            net,
            Command.of(
                    "socat", "-t", "3", "-T", "3", "-", target + ":" + port + ",connect-timeout=2")
                .withTimeout(Duration.ofSeconds(10)),
            true)
        .strip();
  }

  /** The TCP source ports {@code isp} saw from its customer since the last {@link #forget}. */
  public Set<Integer> flows(Isp isp) {
    String json = in(isp(isp), "nft", "-j", "list", "set", "inet", "antispoof", "flows");
    Set<Integer> ports = new TreeSet<>();
    try {
      for (JsonNode item : new ObjectMapper().readTree(json).path("nftables")) {
        for (JsonNode e : item.path("set").path("elem")) {
          ports.add(e.isInt() ? e.asInt() : e.path("elem").path("val").asInt());
        }
      }
    } catch (IOException e) {
      throw new AssertionError("cannot parse " + json, e);
    }
    return ports;
  }

  /** Packets {@code isp} dropped because their source was not its customer's address. */
  public long spoofed(Isp isp) {
    return counter(isp, "spoofed");
  }

  public long fromCustomer(Isp isp) {
    return counter(isp, "from_customer");
  }

  private long counter(Isp isp, String name) {
    String json = in(isp(isp), "nft", "-j", "list", "counter", "inet", "antispoof", name);
    try {
      for (JsonNode item : new ObjectMapper().readTree(json).path("nftables")) {
        JsonNode c = item.path("counter");
        if (!c.isMissingNode()) {
          return c.path("packets").asLong();
        }
      }
    } catch (IOException e) {
      throw new AssertionError("cannot parse " + json, e);
    }
    throw new AssertionError("no counter " + name + " in " + json);
  }

  /** Empties both ISPs' flow sets. */
  public void forget() {
    for (Isp isp : Isp.values()) {
      in(isp(isp), "nft", "flush", "set", "inet", "antispoof", "flows");
    }
  }

  private void startService(String namespace, String listen, int port, boolean echoPeer) {
    // The echo servers only close: a connection is proven by its handshake and its close.
    startSocat(
        namespace,
        listen,
        echoPeer ? "PIPE" : "SYSTEM:echo lan",
        port,
        listen.startsWith("TCP6") ? "-6" : "-4");
  }

  private static String run(String namespace, Command command) {
    return run(namespace, command, false);
  }
}
