package io.netconverge.wan;

import static org.assertj.core.api.Assertions.assertThat;

import io.netconverge.Netconverge;
import io.netconverge.dualwan.DualWanSpec;
import io.netconverge.hoststate.HostStateSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutboundDefaultTest {

  private static DualWanSpec profile() throws Exception {
    return Netconverge.loader()
        .parse(
            "apiVersion: netconverge/v1\nkind: HostState\ndualWan:\n  backend: nftables\n"
                + "  markMask: \"0xff\"\n  families: both\n  defaultTable: 100\n  wans:\n"
                + "    - { name: isp1, interface: wan1, mark: 10, table: 110, gateway: dhcp,"
                + " gateway6: ra }\n"
                + "    - { name: isp2, interface: wan2, mark: 20, table: 120,"
                + " gateway: 203.0.113.1, gateway6: 2001:db8:2::1 }\n",
            "f.yaml",
            HostStateSpec.class)
        .dualWan();
  }

  private static WanStatus up(String name, String itf, String gw4, String gw6) {
    return new WanStatus(name, itf, true, true, true, gw4, gw6, Health.UP, true, List.of());
  }

  @Test
  void twoUsableWansMakeOneMultipathDefaultPerFamily() throws Exception {
    assertThat(
            OutboundDefault.batch(
                profile(),
                List.of(
                    up("isp1", "wan1", "100.64.1.1", "fe80::1"),
                    up("isp2", "wan2", "203.0.113.1", "2001:db8:2::1")),
                77))
        .isEqualTo(
            "route replace 0.0.0.0/0 table 100 proto 77 nexthop via 100.64.1.1 dev wan1 weight 1"
                + " nexthop via 203.0.113.1 dev wan2 weight 1\n"
                + "route replace ::/0 table 100 proto 77 metric 1024 nexthop via fe80::1 dev wan1"
                + " weight 1 nexthop via 2001:db8:2::1 dev wan2 weight 1\n");
  }

  @Test
  void oneUsableWanIsAPlainDefaultAndNoneEmptiesTheTable() throws Exception {
    assertThat(
            OutboundDefault.batch(
                profile(), List.of(up("isp2", "wan2", "203.0.113.1", "2001:db8:2::1")), 77))
        .isEqualTo(
            "route replace 0.0.0.0/0 table 100 proto 77 via 203.0.113.1 dev wan2\n"
                + "route replace ::/0 table 100 proto 77 metric 1024 via 2001:db8:2::1 dev wan2\n");
    assertThat(OutboundDefault.batch(profile(), List.of(), 77))
        .isEqualTo("route flush 0.0.0.0/0 table 100\nroute flush ::/0 table 100\n");
  }
}
