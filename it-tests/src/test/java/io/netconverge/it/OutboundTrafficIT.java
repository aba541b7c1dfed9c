package io.netconverge.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.netconverge.it.OutboundNetwork.Isp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The dualWan profile's outbound half with real traffic, for both backends: LAN connections are
 * balanced or pinned as declared, NATed per WAN, and their replies come back to the LAN host; port
 * forwards answer through the WAN they came in on. The ISPs of {@link OutboundNetwork} accept only
 * their customer's own address and record every connection's source port, so each connection's WAN
 * is counted where it arrives.
 */
@ExtendWith(NetnsExtension.class)
class OutboundTrafficIT {

  /** The router's file: forwarding on, both WANs masquerading, then the outbound keys given. */
  static String profile(String backend, boolean ipv6OnIsp1, String outbound) {
    String isp1v6 =
        ipv6OnIsp1
            ? "      gateway6: 2001:db8:1::1\n      address6: 2001:db8:1::2/64\n"
            : "      families: ipv4\n";
    return "apiVersion: netconverge/v1\nkind: HostState\n"
        + "sysctl:\n  net.ipv4.ip_forward: 1\n  net.ipv6.conf.all.forwarding: 1\n"
        + "dualWan:\n  backend: "
        + backend
        + "\n  markMask: \"0xff\"\n  families: both\n  wans:\n"
        + "    - name: isp1\n      interface: wan1\n      mark: 10\n      table: 110\n"
        + "      gateway: 198.51.100.1\n      address: 198.51.100.2/24\n      masquerade: true\n"
        + isp1v6
        + "    - name: isp2\n      interface: wan2\n      mark: 20\n      table: 120\n"
        + "      gateway: 203.0.113.1\n      address: 203.0.113.2/24\n"
        + "      gateway6: 2001:db8:2::1\n      address6: 2001:db8:2::2/64\n"
        + "      masquerade: true\n"
        + outbound;
  }

  private static void apply(TestNamespace ns, Path file) {
    Cli apply = Cli.run("apply", "--netns", ns.name(), file.toString());
    assertThat(apply.exitCode()).as(apply.toString()).isZero();
  }

  private static void applyAgainChangesNothing(TestNamespace ns, Path file) {
    Cli again = Cli.run("apply", "--netns", ns.name(), file.toString());
    assertThat(again.exitCode()).as(again.toString()).isZero();
    assertThat(again.out()).as(again.toString()).contains("changed=0 failed=0");
  }

  private static Path write(Path dir, String text) throws Exception {
    Path file = dir.resolve("router.yaml");
    Files.writeString(file, text);
    return file;
  }

  /**
   * Each connection (by its source port, which the router's NAT kept) was carried by exactly one
   * ISP, and nothing was dropped as spoofed: every packet had its WAN's own address as source.
   */
  private static Map<Isp, Integer> assertEachConnectionUsedOneWan(
      OutboundNetwork net, List<Integer> ports) {
    Map<Isp, Set<Integer>> flows = new EnumMap<>(Isp.class);
    Map<Isp, Integer> count = new EnumMap<>(Isp.class);
    for (Isp isp : Isp.values()) {
      flows.put(isp, net.flows(isp));
      count.put(isp, 0);
      assertThat(net.spoofed(isp)).as("%s dropped packets with a foreign source", isp).isZero();
    }
    for (int port : ports) {
      List<Isp> carriers =
          Arrays.stream(Isp.values()).filter(i -> flows.get(i).contains(port)).toList();
      assertThat(carriers).as("the ISPs that carried the connection from port %d", port).hasSize(1);
      count.merge(carriers.get(0), 1, Integer::sum);
    }
    return count;
  }

  /**
   * The two-sided 99.9 % acceptance interval of a binomial count: {@code [lo, hi]} with P(X < lo)
   * and P(X > hi) each at most 0.05 %.
   */
  static int[] binomialBounds(int n, double p) {
    double[] cdf = new double[n + 1];
    double sum = 0;
    for (int k = 0; k <= n; k++) {
      double logPmf =
          logFactorial(n)
              - logFactorial(k)
              - logFactorial(n - k)
              + k * Math.log(p)
              + (n - k) * Math.log(1 - p);
      sum += Math.exp(logPmf);
      cdf[k] = sum;
    }
    int lo = 0;
    while (lo < n && cdf[lo] <= 0.0005) {
      lo++;
    }
    int hi = n;
    while (hi > 0 && 1 - cdf[hi - 1] <= 0.0005) {
      hi--;
    }
    return new int[] {lo, hi};
  }

  private static double logFactorial(int n) {
    double s = 0;
    for (int i = 2; i <= n; i++) {
      s += Math.log(i);
    }
    return s;
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"nftables", "iptables"})
  void weightsThreeToOneSplitNewConnectionsAndNoFlowChangesWan(
      String backend, TestNamespace ns, @TempDir Path dir) throws Exception {
    Path file =
        write(dir, profile(backend, true, "  balance:\n    weights: { isp1: 3, isp2: 1 }\n"));
    try (OutboundNetwork net = OutboundNetwork.build(ns, true, dir)) {
      String untouched = ns.dump();
      Cli plan = Cli.run("plan", "--diff", "--netns", ns.name(), file.toString());
      assertThat(plan.exitCode()).as(plan.toString()).isEqualTo(2);
      assertThat(plan.out())
          .contains(backend.equals("nftables") ? "numgen random mod 4" : "statistic");
      assertThat(ns.dump()).as("plan changes nothing").isEqualTo(untouched);
      apply(ns, file);

      int n = 400;
      List<Integer> seen = net.connect("192.0.2.10", "198.18.0.10", 20000, n);
      Map<Isp, Integer> count = assertEachConnectionUsedOneWan(net, seen);
      int[] bounds = binomialBounds(n, 0.75);
      assertThat(count.get(Isp.ISP1))
          .as(
              "connections through isp1 of %d (99.9 %% bounds %d..%d): %s",
              n, bounds[0], bounds[1], count)
          .isBetween(bounds[0], bounds[1]);
      assertThat(count.get(Isp.ISP1) + count.get(Isp.ISP2)).isEqualTo(n);
      System.out.printf(
          "%s: %d new connections, isp1 %d, isp2 %d (99.9 %% bounds for isp1 %d..%d)%n",
          backend, n, count.get(Isp.ISP1), count.get(Isp.ISP2), bounds[0], bounds[1]);
      applyAgainChangesNothing(ns, file);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"nftables", "iptables"})
  void aStickySourceKeepsItsWan(String backend, TestNamespace ns, @TempDir Path dir)
      throws Exception {
    Path file =
        write(
            dir,
            profile(
                backend,
                true,
                "  balance:\n    weights: { isp1: 1, isp2: 1 }\n"
                    + "    sticky: { by: source, timeout: 600s }\n"));
    try (OutboundNetwork net = OutboundNetwork.build(ns, true, dir)) {
      apply(ns, file);
      for (String source : List.of("192.0.2.10", "192.0.2.11")) {
        net.forget();
        int first = source.endsWith(".10") ? 21000 : 22000;
        List<Integer> seen = net.connect(source, "198.18.0.10", first, 50);
        Map<Isp, Integer> count = assertEachConnectionUsedOneWan(net, seen);
        assertThat(count.values()).as("%s's 50 connections: %s", source, count).contains(50);
      }
      // The datapath's sticky entries are not drift.
      applyAgainChangesNothing(ns, file);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"nftables", "iptables"})
  void aPolicyPinsADestinationToIsp2AndPortForwardsReplyThroughTheirWan(
      String backend, TestNamespace ns, @TempDir Path dir) throws Exception {
    Path file =
        write(
            dir,
            profile(
                backend,
                true,
                "  balance:\n    weights: { isp1: 1 }\n"
                    + "  policies:\n    - { to: 198.18.0.20/32, use: isp2 }\n"
                    + "  portForwards:\n"
                    + "    - { wan: any, protocol: tcp, port: 8080, to: \"192.0.2.10:7002\" }\n"
                    + "    - { wan: any, protocol: tcp, port: 8080,"
                    + " to: \"[2001:db8:100::10]:7002\" }\n"));
    try (OutboundNetwork net = OutboundNetwork.build(ns, true, dir)) {
      apply(ns, file);
      Map<Isp, Integer> balanced =
          assertEachConnectionUsedOneWan(net, net.connect("192.0.2.10", "198.18.0.10", 23000, 20));
      assertThat(balanced.get(Isp.ISP1)).as("the balance picks isp1: %s", balanced).isEqualTo(20);
      net.forget();
      Map<Isp, Integer> pinned =
          assertEachConnectionUsedOneWan(net, net.connect("192.0.2.10", "198.18.0.20", 24000, 20));
      assertThat(pinned.get(Isp.ISP2)).as("pinned to isp2: %s", pinned).isEqualTo(20);

      for (boolean ipv6 : List.of(false, true)) {
        for (Isp isp : Isp.values()) {
          net.forget();
          long spoofedBefore = net.spoofed(Isp.ISP1) + net.spoofed(Isp.ISP2);
          assertThat(net.connectFromInternet(isp, ipv6, 8080))
              .as("port forward through %s (ipv6 %s)", isp, ipv6)
              .isEqualTo("lan");
          for (Isp each : Isp.values()) {
            assertThat(net.flows(each).contains(8080))
                .as("replies of the forward through %s seen at %s", isp, each)
                .isEqualTo(each == isp);
          }
          assertThat(net.spoofed(Isp.ISP1) + net.spoofed(Isp.ISP2)).isEqualTo(spoofedBefore);
        }
      }
      applyAgainChangesNothing(ns, file);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"nftables", "iptables"})
  void ipv6OnlyOnIsp2ConvergesAndCarriesIpv6ThroughIsp2(
      String backend, TestNamespace ns, @TempDir Path dir) throws Exception {
    Path file =
        write(
            dir,
            profile(
                backend,
                false,
                "  balance:\n    weights: { isp1: 1, isp2: 1 }\n"
                    + "  portForwards:\n"
                    + "    - { wan: any, protocol: tcp, port: 8080, to: \"192.0.2.10:7002\" }\n"
                    + "    - { wan: isp2, protocol: tcp, port: 8080,"
                    + " to: \"[2001:db8:100::10]:7002\" }\n"));
    try (OutboundNetwork net = OutboundNetwork.build(ns, false, dir)) {
      apply(ns, file);
      Map<Isp, Integer> v4 =
          assertEachConnectionUsedOneWan(net, net.connect("192.0.2.10", "198.18.0.10", 25000, 40));
      assertThat(v4.get(Isp.ISP1)).as("IPv4 balanced over both: %s", v4).isPositive();
      assertThat(v4.get(Isp.ISP2)).as("IPv4 balanced over both: %s", v4).isPositive();
      net.forget();
      List<Integer> v6seen = net.connect("2001:db8:100::10", "2001:db8:ff::10", 26000, 20);
      Map<Isp, Integer> v6 = assertEachConnectionUsedOneWan(net, v6seen);
      assertThat(v6.get(Isp.ISP2)).as("IPv6 only through isp2: %s", v6).isEqualTo(20);
      for (Isp isp : Isp.values()) {
        assertThat(net.connectFromInternet(isp, false, 8080))
            .as("IPv4 forward %s", isp)
            .isEqualTo("lan");
      }
      assertThat(net.connectFromInternet(Isp.ISP2, true, 8080)).isEqualTo("lan");
      // isp1's table has no IPv6 half (the kernel has no such table at all).
      assertThat(ns.attempt("ip", "-6", "route", "show", "table", "110").stdout()).isBlank();
      assertThat(ns.run("ip", "-N", "-6", "rule", "show")).doesNotContain("lookup 110");
      applyAgainChangesNothing(ns, file);
    }
  }
}
