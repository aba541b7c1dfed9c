package io.netconverge.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.netconverge.it.DualIspNetwork.Attempt;
import io.netconverge.it.DualIspNetwork.Counters;
import io.netconverge.it.DualIspNetwork.Family;
import io.netconverge.it.DualIspNetwork.Isp;
import io.netconverge.it.DualIspNetwork.Service;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The dual-ISP topology itself, before netconverge is involved: the problem is real (replies to
 * connections through the second ISP die), and the recipe written by hand fixes it. The profile's
 * traffic tests rely on both facts.
 */
@ExtendWith(NetnsExtension.class)
class DualIspTopologyIT {

  @Test
  void withoutPolicyRoutingRepliesToTheSecondWanLeaveThroughTheFirstAndDie(TestNamespace ns) {
    try (DualIspNetwork net = DualIspNetwork.build(ns)) {
      for (Family family : Family.values()) {
        for (Service service : Service.values()) {
          assertThat(net.connect(Isp.ISP1, service, family).answered())
              .as("%s %s through isp1", family, service)
              .isTrue();

          Counters isp1Before = net.counters(Isp.ISP1);
          Attempt second = net.connect(Isp.ISP2, service, family);
          assertThat(second.answered())
              .as("%s %s through isp2: %s", family, service, second)
              .isFalse();
          // The SYN came in through isp2; its SYN-ACK went out through isp1, which dropped it.
          assertThat(net.counters(Isp.ISP1).minus(isp1Before).spoofed())
              .as("%s %s replies dropped by isp1", family, service)
              .isPositive();
        }
      }
    }
  }

  @Test
  void theRecipeWrittenByHandSendsEachReplyOutThroughItsOwnWan(TestNamespace ns) {
    try (DualIspNetwork net = DualIspNetwork.build(ns)) {
      applyTheRecipeByHand(ns);
      net.assertEachReplyLeavesThroughItsWan();
    }
  }

  /**
   * The known-good recipe, as plain commands: mark new inbound connections by WAN in conntrack
   * (within 0xff only), put the mark back on replies (forwarded: prerouting; local: output, a route
   * chain so the new mark re-routes), and route marked packets by their WAN's table.
   */
  private static void applyTheRecipeByHand(TestNamespace ns) {
    ns.run(
        "sysctl",
        "-q",
        "-w",
        "net.ipv4.tcp_fwmark_accept=1",
        "net.ipv4.fwmark_reflect=1",
        "net.ipv6.fwmark_reflect=1",
        "net.ipv4.conf.all.src_valid_mark=1",
        "net.ipv4.conf.wan1.rp_filter=2",
        "net.ipv4.conf.wan2.rp_filter=2");
    String nd =
        "icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert, nd-router-solicit,"
            + " nd-router-advert, nd-redirect } return";
    String restore1 = "ct mark & 0xff == 0xa meta mark set meta mark & 0xffffff00 | 0xa";
    String restore2 = "ct mark & 0xff == 0x14 meta mark set meta mark & 0xffffff00 | 0x14";
    ns.runWithStdin(
        String.join(
            "\n",
            "table inet dualwan {",
            "  chain prerouting {",
            "    type filter hook prerouting priority mangle; policy accept;",
            "    " + nd,
            "    ct state new iifname \"wan1\" ct mark set ct mark & 0xffffff00 | 0xa",
            "    ct state new iifname \"wan2\" ct mark set ct mark & 0xffffff00 | 0x14",
            "    " + restore1,
            "    " + restore2,
            "  }",
            "  chain output {",
            "    type route hook output priority mangle; policy accept;",
            "    " + nd,
            "    " + restore1,
            "    " + restore2,
            "  }",
            "}",
            ""),
        "nft",
        "-f",
        "-");
    for (Family family : Family.values()) {
      StringBuilder batch = new StringBuilder();
      for (Isp isp : Isp.values()) {
        String mark = isp == Isp.ISP1 ? "0xa/0xff" : "0x14/0xff";
        int table = isp == Isp.ISP1 ? 110 : 120;
        batch
            .append("rule add priority 1000 fwmark ")
            .append(mark)
            .append(" lookup main suppress_prefixlength 0\n")
            .append("rule add priority ")
            .append(900 + table)
            .append(" fwmark ")
            .append(mark)
            .append(" lookup ")
            .append(table)
            .append('\n')
            .append("route add ")
            .append(isp.subnet(family))
            .append(" dev ")
            .append(isp.wan())
            .append(" table ")
            .append(table)
            .append('\n')
            .append("route add default via ")
            .append(isp.gateway(family))
            .append(" dev ")
            .append(isp.wan())
            .append(" table ")
            .append(table)
            .append('\n');
      }
      ns.runWithStdin(batch.toString(), "ip", family == Family.IPV4 ? "-4" : "-6", "-batch", "-");
    }
  }
}
