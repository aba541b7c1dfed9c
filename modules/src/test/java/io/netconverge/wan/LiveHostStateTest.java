package io.netconverge.wan;

import static org.assertj.core.api.Assertions.assertThat;

import io.netconverge.Netconverge;
import io.netconverge.core.engine.Declared;
import io.netconverge.core.engine.PendingPart;
import io.netconverge.core.net.InterfaceAddress;
import io.netconverge.core.net.TableRef;
import io.netconverge.core.spec.SpecSource;
import io.netconverge.hoststate.HostStateSpec;
import io.netconverge.route.RouteTable;
import io.netconverge.route.RouteTablesState;
import io.netconverge.sysctl.SysctlState;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LiveHostStateTest {

  private static final String FILE =
      "apiVersion: netconverge/v1\nkind: HostState\n"
          + "sysctl: { net.ipv4.ip_forward: 1 }\n"
          + "dualWan:\n"
          + "  backend: nftables\n"
          + "  markMask: \"0xff\"\n"
          + "  defaultTable: 100\n"
          + "  wans:\n"
          + "    - { name: isp1, interface: wan1, mark: 10, table: 110, gateway: dhcp }\n"
          + "    - { name: isp2, interface: wan2, mark: 20, table: 120, gateway: 203.0.113.1,"
          + " address: 203.0.113.2/24 }\n";

  private static HostStateSpec spec() throws Exception {
    return Netconverge.loader().parse(FILE, "router.yaml", HostStateSpec.class);
  }

  private static WanFacts.Link link(String name, boolean up, String gateway, String address) {
    return new WanFacts.Link(
        name,
        name.equals("wan1") ? 2 : 3,
        up,
        up,
        address == null ? List.of() : List.of(InterfaceAddress.parse(address)),
        List.of(),
        gateway,
        null);
  }

  private static WanFacts facts(WanFacts.Link... links) {
    java.util.Map<String, WanFacts.Link> m = new java.util.LinkedHashMap<>();
    for (WanFacts.Link l : links) {
      m.put(l.name(), l);
    }
    return new WanFacts(m);
  }

  private static LiveHostState resolve(WanFacts facts, Map<String, Health> health)
      throws Exception {
    return LiveHostState.resolve(spec(), SpecSource.none(), Path.of("/nonexistent"), facts, health);
  }

  private static Map<Long, List<String>> tables(LiveHostState live) {
    java.util.Map<Long, List<String>> t = new java.util.TreeMap<>();
    for (Declared<?, ?> d : live.state().declared()) {
      if (d.state() instanceof RouteTablesState s) {
        for (RouteTable table : s.tables()) {
          t.put(table.ref().id(), table.routes().stream().map(Object::toString).toList());
        }
      }
    }
    return t;
  }

  private static RouteTablesState routeTables(LiveHostState live) {
    for (Declared<?, ?> d : live.state().declared()) {
      if (d.state() instanceof RouteTablesState s) {
        return s;
      }
    }
    throw new AssertionError("no route tables in " + live);
  }

  private static List<String> sysctls(LiveHostState live) {
    for (Declared<?, ?> d : live.state().declared()) {
      if (d.state() instanceof SysctlState s) {
        return s.values().keySet().stream().map(k -> k.name()).toList();
      }
    }
    return List.of();
  }

  @Test
  void aDhcpGatewayAndAddressComeFromTheHostIntoTheWansTable() throws Exception {
    LiveHostState live =
        resolve(
            facts(
                link("wan1", true, "100.64.1.1", "100.64.1.2/24"),
                link("wan2", true, null, "203.0.113.2/24")),
            Map.of());
    assertThat(live.pending()).isEmpty();
    assertThat(tables(live).get(110L))
        .anySatisfy(r -> assertThat(r).contains("default via 100.64.1.1 dev wan1"))
        .anySatisfy(r -> assertThat(r).startsWith("100.64.1.0/24 dev wan1"));
    assertThat(live.wans().get(0).gateway4()).isEqualTo("100.64.1.1");
    // Both WANs are in the outbound default.
    assertThat(String.join("\n", tables(live).get(100L)))
        .contains("via 100.64.1.1 dev wan1")
        .contains("via 203.0.113.1 dev wan2");
  }

  @Test
  void aWanWithoutItsDhcpGatewayIsPendingAndTheRestConverges() throws Exception {
    LiveHostState live =
        resolve(
            facts(link("wan1", true, null, null), link("wan2", true, null, "203.0.113.2/24")),
            Map.of());
    assertThat(live.pending())
        .extracting(Object::toString)
        .containsExactly(
            "isp1: route table isp1 (110): no gateway from DHCP on wan1 yet",
            "isp1: outbound default via wan1: no gateway from DHCP on wan1 yet");
    assertThat(tables(live)).containsOnlyKeys(100L, 120L);
    assertThat(tables(live).get(100L)).singleElement().asString().contains("dev wan2");
    // Its table is held: not declared, yet never taken for a table of ours no longer declared,
    // and its name stays in rt_tables.d.
    RouteTablesState routes = routeTables(live);
    assertThat(routes.protocolRoutes()).isTrue();
    assertThat(routes.held()).containsExactly(new TableRef(110L, "isp1"));
    assertThat(routes.files().tablesConf()).contains("110\tisp1").contains("120\tisp2");
    // Its sysctls still converge: the interface is there.
    assertThat(sysctls(live)).contains("net.ipv4.conf.wan1.rp_filter", "net.ipv4.ip_forward");
  }

  @Test
  void aStaticGatewayNotYetOnTheLinkIsPendingAndKeepsOutOfTheDefault() throws Exception {
    // wan2 is up, but its address (and so a route to its gateway) is not there yet.
    LiveHostState live =
        resolve(
            facts(
                link("wan1", true, "100.64.1.1", "100.64.1.2/24"), link("wan2", true, null, null)),
            Map.of());
    assertThat(live.pending())
        .extracting(Object::toString)
        .containsExactly(
            "isp2: route table isp2 (120): gateway 203.0.113.1 is not on the link of wan2 yet (no"
                + " address or route of wan2 covers it)",
            "isp2: outbound default via wan2: gateway 203.0.113.1 is not on the link of wan2 yet"
                + " (no address or route of wan2 covers it)");
    assertThat(tables(live)).containsOnlyKeys(100L, 110L);
    assertThat(tables(live).get(100L)).singleElement().asString().contains("dev wan1");
    assertThat(live.wans().get(1).active()).isFalse();
  }

  @Test
  void aMissingInterfaceLeavesOutItsTableAndItsSysctlsOnly() throws Exception {
    LiveHostState live =
        resolve(facts(link("wan1", true, "100.64.1.1", "100.64.1.2/24")), Map.of());
    WanStatus isp2 = live.wans().get(1);
    assertThat(isp2.link()).isEqualTo("missing");
    assertThat(isp2.active()).isFalse();
    assertThat(isp2.pending()).extracting(PendingPart::resource).contains("route table isp2 (120)");
    assertThat(isp2.pending())
        .allSatisfy(p -> assertThat(p.reason()).isEqualTo("interface wan2 is missing"));
    assertThat(tables(live)).containsOnlyKeys(100L, 110L);
    assertThat(sysctls(live))
        .contains("net.ipv4.conf.wan1.rp_filter")
        .doesNotContain("net.ipv4.conf.wan2.rp_filter", "net.ipv4.conf.wan2.src_valid_mark");
  }

  @Test
  void aDownLinkIsPendingEvenWithAStaticGateway() throws Exception {
    LiveHostState live =
        resolve(
            facts(
                link("wan1", true, "100.64.1.1", "100.64.1.2/24"),
                link("wan2", false, null, "203.0.113.2/24")),
            Map.of());
    assertThat(live.wans().get(1).pending())
        .extracting(Object::toString)
        .contains("isp2: route table isp2 (120): interface wan2 is down");
    assertThat(tables(live)).containsOnlyKeys(100L, 110L);
  }

  @Test
  void aWanTrackedDownLeavesTheOutboundDefaultButKeepsItsTable() throws Exception {
    LiveHostState live =
        resolve(
            facts(
                link("wan1", true, "100.64.1.1", "100.64.1.2/24"),
                link("wan2", true, null, "203.0.113.2/24")),
            Map.of("isp1", Health.DOWN, "isp2", Health.UP));
    assertThat(live.pending()).isEmpty();
    assertThat(live.wans()).extracting(WanStatus::active).containsExactly(false, true);
    assertThat(tables(live)).containsOnlyKeys(100L, 110L, 120L);
    assertThat(tables(live).get(100L))
        .containsExactly("default via 203.0.113.1 dev wan2 metric 0 proto 77");
  }

  @Test
  void aTrackedWanNoWatchHasProbedIsUnknownAndAnUntrackedOneUntracked() throws Exception {
    HostStateSpec tracked =
        Netconverge.loader()
            .parse(
                FILE.replace(
                    "gateway: dhcp }", "gateway: dhcp, track: { targets: [192.0.2.53] } }"),
                "router.yaml",
                HostStateSpec.class);
    LiveHostState live =
        LiveHostState.resolve(
            tracked,
            SpecSource.none(),
            Path.of("/nonexistent"),
            facts(
                link("wan1", true, "100.64.1.1", "100.64.1.2/24"),
                link("wan2", true, null, "203.0.113.2/24")),
            Map.of());
    assertThat(live.wans())
        .extracting(WanStatus::health)
        .containsExactly(Health.UNKNOWN, Health.UNTRACKED);
    assertThat(live.wans()).extracting(WanStatus::active).containsExactly(true, true);
  }

  private static final String STATIC =
      "apiVersion: netconverge/v1\nkind: HostState\n"
          + "dualWan:\n"
          + "  backend: nftables\n"
          + "  markMask: \"0xff\"\n"
          + "  defaultTable: 100\n"
          + "  staticAddresses: true\n"
          + "  wans:\n"
          + "    - { name: isp1, interface: wan1, mark: 10, table: 110, gateway: 198.51.100.1,"
          + " address: 198.51.100.2/24 }\n"
          + "    - { name: isp2, interface: wan2, mark: 20, table: 120, gateway: 203.0.113.1,"
          + " address: 203.0.113.2/24 }\n";

  private static LiveHostState resolve(String file, WanFacts facts) throws Exception {
    return LiveHostState.resolve(
        Netconverge.loader().parse(file, "router.yaml", HostStateSpec.class),
        SpecSource.none(),
        Path.of("/nonexistent"),
        facts,
        Map.of());
  }

  private static WanFacts.Link down(String name) {
    return new WanFacts.Link(name, 4, false, false, List.of(), List.of(), null, null);
  }

  @Test
  void aWanInterfaceDownThatTheProfilesLinksBringUpWaitsForThisApplyToReadItAgain()
      throws Exception {
    LiveHostState live =
        resolve(STATIC, facts(down("wan1"), link("wan2", true, null, "203.0.113.2/24")));
    assertThat(live.awaitsApply()).isTrue();
    assertThat(live.broughtUp()).containsExactly("wan1");
    assertThat(live.pending())
        .extracting(PendingPart::reason)
        .containsOnly(
            "interface wan1 is down; this apply brings it up, and its routes follow once it"
                + " has carrier");
    assertThat(tables(live)).containsOnlyKeys(100L, 120L);
  }

  @Test
  void withoutStaticAddressesADownWanInterfaceIsDownAndNothingWaitsForTheApply() throws Exception {
    LiveHostState live =
        resolve(
            STATIC.replace("  staticAddresses: true\n", ""),
            facts(down("wan1"), link("wan2", true, null, "203.0.113.2/24")));
    assertThat(live.awaitsApply()).isFalse();
    assertThat(live.pending())
        .extracting(PendingPart::reason)
        .containsOnly("interface wan1 is down");
  }

  @Test
  void theFilesOwnLinksBringAWanUpAndPutItsGatewayOnTheLink() throws Exception {
    String own =
        STATIC.replace("  staticAddresses: true\n", "")
            + "links:\n  wan1: { up: true, addresses: [198.51.100.2/24] }\n";
    LiveHostState down =
        resolve(own, facts(down("wan1"), link("wan2", true, null, "203.0.113.2/24")));
    assertThat(down.broughtUp()).containsExactly("wan1");
    // Up, without the address yet: the address the links add covers the gateway.
    LiveHostState up =
        resolve(
            own, facts(link("wan1", true, null, null), link("wan2", true, null, "203.0.113.2/24")));
    assertThat(up.awaitsApply()).isFalse();
    assertThat(up.pending()).isEmpty();
    assertThat(tables(up)).containsKeys(110L, 120L);
  }

  @Test
  void linkReasonsFollowTheLinkAndWhatTheLinksSectionDoesToIt() {
    var upAndCarrier = link("wan1", true, null, null);
    var upNoCarrier = new WanFacts.Link("wan1", 2, true, false, List.of(), List.of(), null, null);
    var bringUp = new io.netconverge.links.LinkSpec(true, null, List.of(), null);
    var setDown = new io.netconverge.links.LinkSpec(false, null, List.of(), null);
    assertThat(LiveHostState.linkReason("wan1", null, bringUp))
        .contains("interface wan1 is missing");
    assertThat(LiveHostState.linkReason("wan1", upAndCarrier, null)).isEmpty();
    assertThat(LiveHostState.linkReason("wan1", upAndCarrier, bringUp)).isEmpty();
    assertThat(LiveHostState.linkReason("wan1", upNoCarrier, bringUp))
        .contains("interface wan1 has no carrier");
    assertThat(LiveHostState.linkReason("wan1", down("wan1"), null))
        .contains("interface wan1 is down");
    assertThat(LiveHostState.linkReason("wan1", down("wan1"), bringUp).orElseThrow())
        .startsWith("interface wan1 is down; this apply brings it up");
    assertThat(LiveHostState.linkReason("wan1", upAndCarrier, setDown))
        .contains("interface wan1 is set down by this file's links");
    assertThat(LiveHostState.linkReason("wan1", down("wan1"), setDown))
        .contains("interface wan1 is down (this file's links keep it down)");
  }
}
