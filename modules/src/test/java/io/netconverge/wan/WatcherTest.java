package io.netconverge.wan;

import static org.assertj.core.api.Assertions.assertThat;

import io.netconverge.Netconverge;
import io.netconverge.core.spec.SpecSource;
import io.netconverge.hoststate.HostStateSpec;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class WatcherTest {

  private static Watcher watcher() throws Exception {
    HostStateSpec spec =
        Netconverge.loader()
            .parse(
                "apiVersion: netconverge/v1\nkind: HostState\ndualWan:\n  backend: nftables\n"
                    + "  markMask: \"0xff\"\n  wans:\n"
                    + "    - { name: isp1, interface: wan1, mark: 10, table: 110, gateway: dhcp,"
                    + " track: { targets: [192.0.2.53] } }\n"
                    + "    - { name: isp2, interface: eth0.2, mark: 20, table: 120,"
                    + " gateway: 203.0.113.1 }\n",
                "w.yaml",
                HostStateSpec.class);
    return new Watcher(
        spec, SpecSource.none(), Path.of("/nonexistent"), null, "w.yaml", Watcher.Options.DEFAULT);
  }

  @Test
  void linkAddressAndMainTableEventsOfAWanInterfaceLeadToAConverge() throws Exception {
    Watcher w = watcher();
    assertThat(w.concerns("3: wan1@if2: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500 state DOWN"))
        .isTrue();
    assertThat(w.concerns("3: wan1    inet 100.64.1.2/24 scope global wan1")).isTrue();
    assertThat(w.concerns("default via 100.64.1.1 dev wan1 proto dhcp metric 100")).isTrue();
    assertThat(w.concerns("Deleted default via 100.64.1.1 dev wan1 proto dhcp metric 100"))
        .isTrue();
    assertThat(w.concerns("default via 203.0.113.1 dev eth0.2 proto dhcp")).isTrue();
  }

  @Test
  void otherInterfacesAndTheProfilesOwnTablesAreIgnored() throws Exception {
    Watcher w = watcher();
    assertThat(w.concerns("5: wan10: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500")).isFalse();
    assertThat(w.concerns("default via 192.0.2.1 dev lan0")).isFalse();
    assertThat(w.concerns("default via 203.0.113.1 dev eth0.20 proto dhcp")).isFalse();
    assertThat(w.concerns("default via 100.64.1.1 dev wan1 table 110 proto 77")).isFalse();
    assertThat(w.concerns("local 100.64.1.2 dev wan1 table local proto kernel scope host"))
        .isFalse();
  }

  @Test
  void onlyTrackedWansHaveAHealth() throws Exception {
    assertThat(watcher().health()).containsExactly(java.util.Map.entry("isp1", Health.UNKNOWN));
  }

  @Test
  void theStatusWrittenBetweenConvergesShowsTheHealthOfTheLatestTransition() {
    WanStatus up =
        new WanStatus(
            "isp1", "wan1", true, true, true, "198.51.100.1", null, Health.UP, true, List.of());
    WanStatus waiting =
        new WanStatus(
            "isp2",
            "wan2",
            true,
            true,
            false,
            null,
            null,
            Health.UP,
            false,
            List.of(
                new io.netconverge.core.engine.PendingPart(
                    "isp2", "route table isp2 (120)", "no carrier on wan2")));
    List<WanStatus> now =
        Watcher.withHealth(
            List.of(up, waiting), java.util.Map.of("isp1", Health.DOWN, "isp2", Health.UP));
    assertThat(now.get(0).health()).isEqualTo(Health.DOWN);
    assertThat(now.get(0).active()).as("a WAN tracked down leaves the default").isFalse();
    assertThat(now.get(1).active()).as("a pending WAN stays out").isFalse();
    assertThat(Watcher.withHealth(List.of(now.get(0)), java.util.Map.of("isp1", Health.UP)))
        .singleElement()
        .satisfies(w -> assertThat(w.active()).isTrue());
  }
}
