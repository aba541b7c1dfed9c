package io.netconverge.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.netconverge.it.DualIspNetwork.Attempt;
import io.netconverge.it.DualIspNetwork.Family;
import io.netconverge.it.DualIspNetwork.Isp;
import io.netconverge.it.DualIspNetwork.Service;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The dualWan profile with real traffic, for both backends: the router of {@link DualIspNetwork} is
 * converged with the profile alone (no hand-written rule), and every connection's replies leave
 * through the WAN it came in on.
 */
@ExtendWith(NetnsExtension.class)
class DualWanTrafficIT {

  /**
   * The profile for the router of {@link DualIspNetwork}, as a user would write it. isp2 is given
   * no address on purpose: its replies can then only find their way by the connection's mark (with
   * an address, the {@code from ADDRESS} rule alone would route the router's own replies).
   */
  static String profile(String backend) {
    return DualIspProfile.of().backend(backend).bothFamilies().unaddressed(Isp.ISP2).yaml();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"nftables", "iptables"})
  void withTheProfileEachReplyLeavesThroughTheWanItsConnectionCameIn(
      String backend, TestNamespace ns, @TempDir Path dir) throws Exception {
    Path file = dir.resolve("router.yaml");
    Files.writeString(file, profile(backend));
    try (DualIspNetwork net = DualIspNetwork.build(ns)) {
      Attempt before = net.connect(Isp.ISP2, Service.ROUTER, Family.IPV4);
      assertThat(before.answered()).as("without the profile: %s", before).isFalse();

      String untouched = ns.dump();
      Cli plan = Cli.run("plan", "--diff", "--netns", ns.name(), file.toString());
      assertThat(plan.exitCode()).as(plan.toString()).isEqualTo(2);
      assertThat(ns.dump()).as("plan changes nothing").isEqualTo(untouched);

      // Strict reverse-path filtering for the whole host: the profile's rp_filter=2 on each WAN
      // still wins, since the kernel takes max(all, interface).
      ns.run("sysctl", "-q", "-w", "net.ipv4.conf.all.rp_filter=1");

      Cli apply = Cli.run("apply", "--netns", ns.name(), file.toString());
      assertThat(apply.exitCode()).as(apply.toString()).isZero();

      net.assertEachReplyLeavesThroughItsWan();
      // IPv6 needed neighbour discovery with the ISPs and the LAN server: it went through both
      // marking chains and was returned before any mark was set or restored.
      assertThat(neighbourDiscoveryReturned(ns, backend, "prerouting")).isPositive();
      assertThat(neighbourDiscoveryReturned(ns, backend, "output")).isPositive();

      Cli again = Cli.run("apply", "--netns", ns.name(), file.toString());
      assertThat(again.exitCode()).as(again.toString()).isZero();
      assertThat(again.out()).contains("changed=0 failed=0");
      assertThat(ns.run("sysctl", "-n", "net.ipv4.conf.all.rp_filter").strip()).isEqualTo("1");
      // The owner's port forward is a foreign table: it survived, and it still forwards.
      assertThat(ns.run("nft", "list", "tables")).contains("table inet portforward");
    }
  }

  /** Packets the neighbour discovery rules of a marking chain returned unmarked. */
  private static long neighbourDiscoveryReturned(TestNamespace ns, String backend, String hook) {
    long packets = 0;
    if (backend.equals("nftables")) {
      Matcher m =
          Pattern.compile("icmpv6 type \\{[^}]*nd-neighbor-solicit[^}]*} counter packets (\\d+)")
              .matcher(ns.run("nft", "list", "chain", "inet", "dualwan", hook));
      while (m.find()) {
        packets += Long.parseLong(m.group(1));
      }
      return packets;
    }
    String chain = hook.equals("prerouting") ? "NC-DUALWAN-PRE" : "NC-DUALWAN-OUT";
    for (String line :
        ns.run("ip6tables", "-t", "mangle", "-L", chain, "-v", "-x", "-n").split("\n")) {
      String[] f = line.strip().split("\\s+");
      // pkts bytes target prot opt in out source destination [match]
      if (f.length > 3 && f[2].equals("RETURN") && line.contains("ipv6-icmptype 13")) {
        packets += Long.parseLong(f[0]);
      }
    }
    return packets;
  }
}
