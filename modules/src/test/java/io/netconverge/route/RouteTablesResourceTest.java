package io.netconverge.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netconverge.core.engine.Action;
import io.netconverge.core.engine.Change;
import io.netconverge.core.engine.FieldChange;
import io.netconverge.core.exec.Command;
import io.netconverge.core.exec.ExecException;
import io.netconverge.core.net.Family;
import io.netconverge.core.net.IpPrefix;
import io.netconverge.core.net.TableRef;
import io.netconverge.core.testing.FakeExecutor;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RouteTablesResourceTest {

  /** Where iproute2-files.txt was captured. */
  private static final Path DIR = Path.of("/tmp/nc-iproute2-capture");

  private static final List<String> READ4 =
      List.of("ip", "-N", "-4", "-j", "-d", "route", "show", "table", "all");
  private static final List<String> READ6 =
      List.of("ip", "-N", "-6", "-j", "-d", "route", "show", "table", "all");
  private static final List<String> TEXT4 =
      List.of("ip", "-N", "-4", "-d", "route", "show", "table", "all");
  private static final List<String> TEXT6 =
      List.of("ip", "-N", "-6", "-d", "route", "show", "table", "all");

  private final RouteTablesResource module = new RouteTablesResource(77, DIR);

  static String resource(String name) {
    return io.netconverge.core.testing.TestResources.text("/route/" + name);
  }

  private static FakeExecutor host() {
    return new FakeExecutor()
        .on(List.of("sh", "-c"), resource("iproute2-files.txt"))
        .on(READ4, resource("route-4.json"))
        .on(READ6, resource("route-6.json"))
        .on(TEXT4, resource("route-4-numeric.txt"))
        .on(TEXT6, resource("route-6-numeric.txt"));
  }

  private static Route v4(String to, String via, String dev, long metric) {
    return Route.of(
        new RouteSpec(
            null,
            to,
            via,
            dev == null ? null : io.netconverge.core.net.InterfaceName.of(dev),
            null,
            metric,
            null,
            null,
            null,
            null),
        77);
  }

  private static Map<String, Long> names() {
    Map<String, Long> names = new java.util.LinkedHashMap<>();
    names.put("isp1", 110L);
    names.put("isp2", 120L);
    return names;
  }

  private static RouteTablesState declared(RouteTable... tables) {
    return new RouteTablesState(List.of(tables), Iproute2Files.declared(names(), 77));
  }

  @Test
  void parsesEveryKindOfRouteFromRealOutputAndSkipsTheKernels() throws Exception {
    List<RouteJson.InTable> v4 = RouteJson.parse(resource("route-4.json"), Family.IPV4);
    assertThat(v4).allMatch(r -> r.route().protocol() != RouteJson.KERNEL);
    assertThat(v4.stream().filter(r -> r.table() == 110).map(r -> r.route().toString()))
        .containsExactlyInAnyOrder(
            "default via 198.51.100.1 dev wan0 metric 0 proto 77",
            "10.1.0.0/16 via 198.51.100.1 dev wan0 metric 50 onlink proto 77",
            "blackhole 10.2.0.0/16 metric 0 proto 77",
            "unreachable 10.3.0.0/16 metric 5 proto 77",
            "prohibit 10.4.0.0/16 metric 0 proto 77",
            "throw 10.6.0.0/16 metric 0 proto 77",
            "198.51.100.0/24 dev wan0 src 198.51.100.2 metric 0 scope link proto 77");
    assertThat(v4.stream().filter(r -> r.table() == 120).map(r -> r.route().toString()))
        .containsExactlyInAnyOrder(
            "default via 203.0.113.1 dev wan1 metric 100 proto 3",
            "10.5.0.0/16 nexthop via 198.51.100.1 dev wan0 weight 2 nexthop via 203.0.113.1 dev"
                + " wan1 weight 1 metric 0 proto 77",
            "192.0.2.7 dev wan1 metric 0 scope link proto 77");
    List<RouteJson.InTable> v6 = RouteJson.parse(resource("route-6.json"), Family.IPV6);
    assertThat(v6.stream().filter(r -> r.table() == 110).map(r -> r.route().toString()))
        .containsExactlyInAnyOrder(
            "2001:db8:1::/64 dev wan0 metric 1024 proto 77",
            "default via 2001:db8:1::1 dev wan0 metric 1024 proto 77",
            "2001:db8:5::/48 via 2001:db8:1::1 dev wan0 metric 10 proto 77",
            // The kernel reports dev lo for an IPv6 blackhole; it is not part of the route.
            "blackhole 2001:db8:6::/48 metric 1024 proto 77",
            "2001:db8:7::/48 nexthop via 2001:db8:1::1 dev wan0 weight 3 nexthop via 2001:db8:1::3"
                + " dev wan0 weight 1 metric 1024 proto 77");
  }

  @Test
  void aDeclaredRouteEqualsWhatTheKernelReportsForIt() throws Exception {
    Route live =
        RouteJson.parse(resource("route-4.json"), Family.IPV4).stream()
            .filter(r -> r.table() == 110 && r.route().to().toString().equals("198.51.100.0/24"))
            .findFirst()
            .orElseThrow()
            .route();
    Route declared =
        Route.of(
            new RouteSpec(
                null,
                "198.51.100.0/24",
                null,
                io.netconverge.core.net.InterfaceName.of("wan0"),
                "198.51.100.2",
                null,
                null,
                null,
                null,
                null),
            77);
    // No scope declared: link, as `ip route add` picks for a route without gateway.
    assertThat(declared).isEqualTo(live);
  }

  @Test
  void readsNamesAndBothFamiliesInFiveProcesses() throws Exception {
    FakeExecutor host = host();
    RouteTablesState live =
        module.read(host, declared(RouteTable.of(RouteTableSpec.of("isp1", 110, List.of()), 77)));
    assertThat(host.argvs())
        .containsExactly(
            List.of("sh", "-c", RouteTablesResource.READ_FILES, "netconverge", DIR.toString()),
            READ4,
            TEXT4,
            READ6,
            TEXT6);
    assertThat(live.files().tablesDir()).isTrue();
    assertThat(live.files().known()).containsEntry("main", 254L).containsEntry("vpn", 512L);
    assertThat(live.files().known()).containsEntry("lab", 201L).doesNotContainKey("isp1");
    assertThat(live.files().names()).containsEntry("isp1", 110L);
    assertThat(live.files().protosConf()).isNull();
    RouteTable t = live.tables().get(0);
    assertThat(t.ref().id()).isEqualTo(110L);
    assertThat(t.purge()).isTrue();
    assertThat(t.routes()).hasSize(12);
  }

  /** Owns table 130 only, and the routes of our protocol in every table it does not declare. */
  private static RouteTablesState owningProtocolRoutes(List<TableRef> held) {
    return new RouteTablesState(
        List.of(RouteTable.of(RouteTableSpec.of("isp3", 130, List.of()), 77)),
        Iproute2Files.declared(names(), 77),
        List.of(),
        true,
        held);
  }

  private static List<String> batchLines(RoutePlan plan) {
    return plan.batches().values().stream().flatMap(List::stream).toList();
  }

  @Test
  void routesOfOursInTablesNoLongerDeclaredAreRemovedInTheSameFiveProcesses() throws Exception {
    FakeExecutor host = host();
    RouteTablesState declared = owningProtocolRoutes(List.of());
    RouteTablesState live = module.read(host, declared);
    assertThat(host.argvs()).hasSize(5);
    assertThat(live.tables().stream().map(t -> t.ref().id()))
        .as("table 130, then the tables holding routes of ours, local apart")
        .containsExactly(130L, 110L, 120L);
    assertThat(live.tables().subList(1, 3)).noneMatch(RouteTable::purge);

    var diff = module.diff(declared, live);
    List<Change> removals =
        diff.changes().stream().filter(c -> c.action() == Action.DELETE).toList();
    // Table 110: its 12 routes, all ours; table 120: the two of ours, not proto 3 nor proto 4.
    assertThat(removals).hasSize(14);
    assertThat(removals.stream().map(c -> c.resource().render()))
        .anyMatch(r -> r.startsWith("route table isp1(110) "))
        .anyMatch(r -> r.contains("isp2(120)") && r.contains("10.5.0.0/16"))
        .noneMatch(r -> r.contains("default") && r.contains("120"))
        .noneMatch(r -> r.contains("2001:db8:8::/48"));
    List<String> lines = batchLines(diff.plan());
    assertThat(lines).allMatch(l -> l.startsWith("route del ")).hasSize(14);
    assertThat(lines).noneMatch(l -> l.contains("203.0.113.1"));
  }

  @Test
  void aHeldTableKeepsItsRoutesAndItIsNotEvenReadAsOurs() throws Exception {
    FakeExecutor host = host();
    RouteTablesState declared = owningProtocolRoutes(List.of(new TableRef(110L, "isp1")));
    RouteTablesState live = module.read(host, declared);
    assertThat(live.tables().stream().map(t -> t.ref().id())).containsExactly(130L, 120L);
    List<String> lines = batchLines(module.diff(declared, live).plan());
    assertThat(lines).hasSize(2).noneMatch(l -> l.contains("table 110"));
    // Even a live state that holds it (read for another declaration) is not touched.
    RouteTablesState wider = module.read(host(), owningProtocolRoutes(List.of()));
    assertThat(batchLines(module.diff(declared, wider).plan()))
        .hasSize(2)
        .noneMatch(l -> l.contains("table 110"));
  }

  @Test
  void withoutOwningProtocolRoutesUndeclaredTablesAreNeitherReadNorTouched() throws Exception {
    RouteTablesState declared =
        new RouteTablesState(
            List.of(RouteTable.of(RouteTableSpec.of("isp3", 130, List.of()), 77)),
            Iproute2Files.declared(names(), 77));
    RouteTablesState live = module.read(host(), declared);
    assertThat(live.tables().stream().map(t -> t.ref().id())).containsExactly(130L);
    assertThat(batchLines(module.diff(declared, live).plan())).isEmpty();
  }

  @Test
  void aRestorePutsBackOnlyOurRoutesOfATableNoLongerDeclared() throws Exception {
    RouteTablesState declared = owningProtocolRoutes(List.of(new TableRef(110L, "isp1")));
    RouteTablesState snapshot = module.read(host(), declared);
    List<String> lines = batchLines(module.restore(snapshot, declared));
    assertThat(lines).contains("route flush table 120 proto 77");
    assertThat(lines.stream().filter(l -> l.startsWith("route replace ")))
        .allMatch(l -> l.contains("table 120") && l.contains("proto 77"))
        .anyMatch(l -> l.contains("10.5.0.0/16"))
        .hasSize(2);
    assertThat(lines).noneMatch(l -> l.contains("table 110"));
  }

  @Test
  void whereIproute2KeepsItsDefaultsUnderUsrTheNamesAreWrittenToTheEtcFolderItReads()
      throws Exception {
    // Debian 13: iproute2 6.15 has its rt_tables in /usr/share/iproute2 and no /etc/iproute2, yet
    // reads /etc/iproute2/rt_tables.d and rt_protos.d (captured in a trixie container).
    Path etc = Path.of("/etc/iproute2");
    RouteTablesResource onTrixie = new RouteTablesResource(77, etc);
    FakeExecutor host =
        new FakeExecutor()
            .on(List.of("sh", "-c"), resource("iproute2-files-trixie.txt"))
            .on(READ4, "[]")
            .on(READ6, "[]")
            .on(TEXT4, "")
            .on(TEXT6, "");
    RouteTablesState declared =
        declared(RouteTable.of(RouteTableSpec.of("isp1", 110, List.of()), 77));
    RouteTablesState live = onTrixie.read(host, declared);
    assertThat(host.argvs().get(0))
        .containsExactly(
            "sh",
            "-c",
            RouteTablesResource.READ_FILES,
            "netconverge",
            "/etc/iproute2",
            "/usr/share/iproute2",
            "/usr/lib/iproute2");
    assertThat(live.files().tablesDir()).isTrue();
    assertThat(live.files().protosDir()).isTrue();
    assertThat(live.files().known()).containsEntry("main", 254L);
    var diff = onTrixie.diff(declared, live);
    assertThat(diff.changes())
        .extracting((Change c) -> c.resource().render(), Change::action)
        .contains(
            org.assertj.core.groups.Tuple.tuple("file rt_tables.d/netconverge.conf", Action.CREATE),
            org.assertj.core.groups.Tuple.tuple(
                "file rt_protos.d/netconverge.conf", Action.CREATE));

    assertThat(
            onTrixie.commands(diff.plan()).stream()
                .map(io.netconverge.core.exec.Command::argv)
                .toList()
                .subList(0, 2))
        .containsExactly(
            List.of(
                "sh",
                "-c",
                RouteTablesResource.WRITE_FILE,
                "netconverge",
                "/etc/iproute2/rt_tables.d/netconverge.conf"),
            List.of(
                "sh",
                "-c",
                RouteTablesResource.WRITE_FILE,
                "netconverge",
                "/etc/iproute2/rt_protos.d/netconverge.conf"));
    assertThat(RouteTablesResource.WRITE_FILE).contains("mkdir -p \"$d\"").contains("mktemp");
  }

  @Test
  void aNamedFolderWithoutSubfoldersGetsThemMadeRatherThanNoNames() throws Exception {
    // --names-dir DIR: DIR exists, rt_tables.d and rt_protos.d do not (yet).
    RouteTablesResource named = new RouteTablesResource(77, Path.of("/srv/names"));
    FakeExecutor host =
        new FakeExecutor()
            .on(List.of("sh", "-c"), "==> dir itself\n")
            .on(READ4, "[]")
            .on(READ6, "[]")
            .on(TEXT4, "")
            .on(TEXT6, "");
    RouteTablesState declared =
        declared(RouteTable.of(RouteTableSpec.of("isp1", 110, List.of()), 77));
    RouteTablesState live = named.read(host, declared);
    assertThat(live.files().tablesDir()).isTrue();
    assertThat(live.files().protosDir()).isTrue();
    var diff = named.diff(declared, live);
    assertThat(diff.changes())
        .extracting((Change c) -> c.resource().render(), Change::action)
        .contains(
            org.assertj.core.groups.Tuple.tuple("file rt_tables.d/netconverge.conf", Action.CREATE),
            org.assertj.core.groups.Tuple.tuple(
                "file rt_protos.d/netconverge.conf", Action.CREATE));
    assertThat(named.commands(diff.plan()).get(0).argv())
        .containsExactly(
            "sh",
            "-c",
            RouteTablesResource.WRITE_FILE,
            "netconverge",
            "/srv/names/rt_tables.d/netconverge.conf");
  }

  @Test
  void etcIproute2WithoutSubfoldersAndNoDefaultsUnderUsrGetsNoNames() throws Exception {
    RouteTablesResource etc = new RouteTablesResource(77, Path.of("/etc/iproute2"));
    FakeExecutor host =
        new FakeExecutor()
            .on(List.of("sh", "-c"), "==> dir itself\n")
            .on(READ4, "[]")
            .on(READ6, "[]")
            .on(TEXT4, "")
            .on(TEXT6, "");
    RouteTablesState live =
        etc.read(host, declared(RouteTable.of(RouteTableSpec.of("isp1", 110, List.of()), 77)));
    assertThat(live.files().tablesDir()).isFalse();
    assertThat(live.files().protosDir()).isFalse();
  }

  @Test
  void aMovedFolderIsNeverBackedByTheDefaultsUnderUsr() throws Exception {
    FakeExecutor host = host();
    module.read(host, declared(RouteTable.of(RouteTableSpec.of("isp1", 110, List.of()), 77)));
    assertThat(host.argvs().get(0)).doesNotContain("/usr/share/iproute2");
  }

  @Test
  void aTableDeclaredByNameOnlyTakesItsNumberFromRtTables() throws Exception {
    RouteTablesState live =
        module.read(host(), declared(new RouteTable(new TableRef(null, "lab"), true, List.of())));
    assertThat(live.tables().get(0).ref().id()).isEqualTo(201L);
  }

  @Test
  void aNameNoFileKnowsIsAnErrorBeforeAnythingRuns() {
    assertThatThrownBy(
            () ->
                module.read(
                    host(),
                    declared(new RouteTable(new TableRef(null, "nowhere"), true, List.of()))))
        .isInstanceOf(ExecException.class)
        .hasMessageContaining("table 'nowhere' has no number");
  }

  @Test
  void twoDeclarationsOfOneTableAreAnError() {
    assertThatThrownBy(
            () ->
                module.read(
                    host(),
                    declared(
                        new RouteTable(TableRef.id(201), true, List.of()),
                        new RouteTable(new TableRef(null, "lab"), true, List.of()))))
        .isInstanceOf(ExecException.class)
        .hasMessageContaining("table lab is table 201, which the file already declares");
  }

  @Test
  void aNameTheHostGivesAnotherNumberIsAnError() {
    assertThatThrownBy(
            () ->
                module.read(
                    host(), declared(new RouteTable(new TableRef(300L, "vpn"), true, List.of()))))
        .isInstanceOf(ExecException.class)
        .hasMessageContaining("table name 'vpn' is 512");
  }

  @Test
  void aLibraryUserReadsARouteChangesGatewayAsAnAddressWithoutParsingText() throws Exception {
    RouteTable want =
        new RouteTable(
            new TableRef(110L, "isp1"),
            true,
            List.of(
                v4("10.1.0.0/16", "198.51.100.9", "wan0", 50), // gateway drifted
                v4("10.3.0.0/16", "198.51.100.1", "wan0", 7))); // replaces metric 5
    RouteTablesState declared = declared(want);
    List<Change> changes = module.diff(declared, module.read(host(), declared)).changes();
    Change gateway =
        changes.stream()
            .filter(c -> c.resource().key().equals("isp1(110) 10.1.0.0/16 metric 50"))
            .findFirst()
            .orElseThrow();

    assertThat(gateway.resource().kind()).isEqualTo("route table");
    Route before = gateway.before(Route.class).orElseThrow();
    Route after = gateway.after(Route.class).orElseThrow();
    assertThat(before.via()).isEqualTo(IpPrefix.address("198.51.100.1"));
    assertThat(after.via().inetAddress()).isEqualTo(InetAddress.getByName("198.51.100.9"));
    assertThat(after.dev()).isEqualTo("wan0");
    assertThat(after.metric()).isEqualTo(50);
    FieldChange via = gateway.field("via").orElseThrow();
    assertThat(via.before(IpPrefix.class)).hasValue(IpPrefix.address("198.51.100.1"));
    assertThat(via.after(IpPrefix.class).orElseThrow().inetAddress())
        .isEqualTo(InetAddress.getByName("198.51.100.9"));
    // The same values print as ip prints them.
    assertThat(via.afterText()).isEqualTo("198.51.100.9");
    assertThat(gateway.afterText()).isEqualTo(after.render());

    Change metric =
        changes.stream()
            .filter(c -> c.resource().key().equals("isp1(110) 10.3.0.0/16 metric 7"))
            .findFirst()
            .orElseThrow();
    assertThat(metric.field("metric").orElseThrow().before(Long.class)).hasValue(5L);
    assertThat(metric.field("metric").orElseThrow().after(Long.class)).hasValue(7L);
    assertThat(metric.before(Route.class).orElseThrow().type())
        .isEqualTo(RouteType.UNREACHABLE.number());
  }

  @Test
  void driftIsReplacedInPlaceAndUndeclaredRoutesArePurged() throws Exception {
    FakeExecutor host = host();
    RouteTable want =
        new RouteTable(
            new TableRef(110L, "isp1"),
            true,
            List.of(
                v4("default", "198.51.100.1", "wan0", 0), // as it is
                v4("10.1.0.0/16", "198.51.100.9", "wan0", 50), // gateway drifted (and onlink)
                v4("10.3.0.0/16", "198.51.100.1", "wan0", 7), // metric and type drifted
                v4("10.9.0.0/16", "198.51.100.1", "wan0", 0))); // new
    RouteTablesState declared = declared(want);
    RouteTablesState live = module.read(host, declared);
    List<Change> changes = module.diff(declared, live).changes();

    assertThat(changes)
        .extracting((Change c) -> c.resource().render(), Change::action)
        .contains(
            org.assertj.core.groups.Tuple.tuple(
                "route table isp1(110) default metric 0", Action.OK),
            org.assertj.core.groups.Tuple.tuple(
                "route table isp1(110) 10.1.0.0/16 metric 50", Action.UPDATE),
            org.assertj.core.groups.Tuple.tuple(
                "route table isp1(110) 10.3.0.0/16 metric 7", Action.UPDATE),
            org.assertj.core.groups.Tuple.tuple(
                "route table isp1(110) 10.9.0.0/16 metric 0", Action.CREATE),
            org.assertj.core.groups.Tuple.tuple(
                "route table isp1(110) 10.6.0.0/16 metric 0", Action.DELETE),
            org.assertj.core.groups.Tuple.tuple(
                "route table isp1(110) default (ipv6) metric 1024", Action.DELETE));
    Change gateway =
        changes.stream()
            .filter(c -> c.resource().render().endsWith("10.1.0.0/16 metric 50"))
            .findFirst()
            .orElseThrow();
    assertThat(gateway.fields())
        .extracting(f -> f.field() + ": " + f.beforeText() + " -> " + f.afterText())
        .containsExactly("via: 198.51.100.1 -> 198.51.100.9", "onlink: true -> false");
    // The file exists with the same names: nothing to write; rt_protos.d has none of ours yet.
    assertThat(changes)
        .extracting((Change c) -> c.resource().render(), Change::action)
        .contains(
            org.assertj.core.groups.Tuple.tuple("file rt_tables.d/netconverge.conf", Action.OK),
            org.assertj.core.groups.Tuple.tuple(
                "file rt_protos.d/netconverge.conf", Action.CREATE));

    List<Command> commands = module.commands(module.diff(declared, live).plan());
    assertThat(commands.get(0).argv())
        .containsExactly(
            "sh",
            "-c",
            RouteTablesResource.WRITE_FILE,
            "netconverge",
            DIR.resolve("rt_protos.d/netconverge.conf").toString());
    assertThat(commands.get(0).stdin()).isEqualTo(Iproute2Files.HEADER + "77\tnetconverge\n");
    assertThat(commands.get(1).argv()).containsExactly("ip", "-4", "-batch", "-");
    assertThat(commands.get(1).stdin())
        .isEqualTo(
            "route replace unicast 10.1.0.0/16 table 110 proto 77 metric 50 scope 0 via"
                + " 198.51.100.9 dev wan0\n"
                + "route add unicast 10.3.0.0/16 table 110 proto 77 metric 7 scope 0 via"
                + " 198.51.100.1 dev wan0\n"
                + "route add unicast 10.9.0.0/16 table 110 proto 77 metric 0 scope 0 via"
                + " 198.51.100.1 dev wan0\n"
                + "route del unreachable 10.3.0.0/16 table 110 proto 77 metric 5\n"
                + "route del blackhole 10.2.0.0/16 table 110 proto 77 metric 0\n"
                + "route del prohibit 10.4.0.0/16 table 110 proto 77 metric 0\n"
                + "route del throw 10.6.0.0/16 table 110 proto 77 metric 0\n"
                + "route del unicast 198.51.100.0/24 table 110 proto 77 metric 0 dev wan0\n");
    assertThat(commands.get(2).argv()).containsExactly("ip", "-6", "-batch", "-");
    assertThat(commands.get(2).stdin())
        .startsWith("route del unicast 2001:db8:1::/64 table 110 proto 77 metric 1024 dev wan0\n")
        .contains("route del unicast 2001:db8:7::/48 table 110 proto 77 metric 1024\n");
    assertThat(commands).hasSize(3);
  }

  @Test
  void aTableThatDoesNotPurgeKeepsForeignRoutesButNotOurs() throws Exception {
    FakeExecutor host = host();
    RouteTablesState declared =
        declared(new RouteTable(new TableRef(120L, "isp2"), false, List.of()));
    RouteTablesState live = module.read(host, declared);
    List<Change> changes = module.diff(declared, live).changes();
    assertThat(changes.stream().filter(c -> c.resource().render().startsWith("route")))
        .extracting((Change c) -> c.resource().render(), Change::action)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(
                "route table isp2(120) 10.5.0.0/16 metric 0", Action.DELETE),
            org.assertj.core.groups.Tuple.tuple(
                "route table isp2(120) 192.0.2.7 metric 0", Action.DELETE));
  }

  @Test
  void aTableThatPurgesRemovesRoutesOfOtherProtocolsToo() throws Exception {
    RouteTablesState declared =
        declared(new RouteTable(new TableRef(120L, "isp2"), true, List.of()));
    List<Change> changes = module.diff(declared, module.read(host(), declared)).changes();
    assertThat(changes.stream().filter(c -> c.resource().render().startsWith("route")))
        .extracting((Change c) -> c.resource().render(), Change::action, Change::beforeText)
        .contains(
            org.assertj.core.groups.Tuple.tuple(
                "route table isp2(120) default metric 100",
                Action.DELETE,
                "default via 203.0.113.1 dev wan1 metric 100 proto 3"),
            org.assertj.core.groups.Tuple.tuple(
                "route table isp2(120) 2001:db8:8::/48 metric 1024",
                Action.DELETE,
                "2001:db8:8::/48 via 2001:db8:1::1 dev wan0 metric 1024 proto 4"))
        .hasSize(4);
  }

  @Test
  void otherTablesAreNeverRead() throws Exception {
    RouteTablesState declared = declared(new RouteTable(TableRef.id(777), true, List.of()));
    RouteTablesState live = module.read(host(), declared);
    assertThat(live.tables().get(0).routes()).isEmpty();
    assertThat(
            module.diff(declared, live).changes().stream()
                .filter(c -> c.resource().render().startsWith("route")))
        .isEmpty();
  }

  @Test
  void withoutRtTablesDNoNamesAreWritten() {
    Iproute2Files none = new Iproute2Files(false, null, false, null, Map.of());
    RouteTablesState live = new RouteTablesState(List.of(), none);
    assertThat(module.diff(declared(), live).changes()).isEmpty();
  }

  @Test
  void theLiveTextOfEveryRouteOfAnOwnedTableIsCapturedInWordsIpTakesBack() throws Exception {
    RouteTablesState live =
        module.read(host(), declared(RouteTable.of(RouteTableSpec.of("isp2", 120, List.of()), 77)));
    assertThat(live.captured())
        .extracting(CapturedRoute::words)
        .containsExactly(
            "unicast default via 203.0.113.1 dev wan1 proto 3 scope 0 metric 100 table 120",
            // ip takes the table before the nexthops only.
            "unicast 10.5.0.0/16 proto 77 scope 0 table 120 nexthop via 198.51.100.1 dev wan0"
                + " weight 2 nexthop via 203.0.113.1 dev wan1 weight 1",
            "unicast 192.0.2.7 dev wan1 proto 77 scope 253 table 120",
            "unicast 2001:db8:8::/48 via 2001:db8:1::1 dev wan0 proto 4 scope 0 metric 1024 pref"
                + " medium table 120");
  }

  @Test
  void stateFlagsAreNotReplayedAndAnMtuIs() {
    List<CapturedRoute> routes =
        CapturedRoute.parse(
            "1 10.8.0.0/24 via 10.9.0.1 dev eg0 table 110 proto 77 scope 0 metric 5 linkdown"
                + " mtu 1400 \n"
                + "1 10.9.0.0/24 dev eg0 table 254 proto 2 scope 253 src 10.9.0.2 \n",
            Family.IPV4);
    assertThat(routes)
        .containsExactly(
            new CapturedRoute(
                Family.IPV4,
                110,
                77,
                "unicast 10.8.0.0/24 via 10.9.0.1 dev eg0 proto 77 scope 0 metric 5 mtu 1400 table"
                    + " 110"));
  }

  @Test
  void restoreFlushesOurRoutesOfEachTableAndReplaysTheSnapshotDirectRoutesFirst() throws Exception {
    RouteTablesState declared =
        declared(
            new RouteTable(
                new TableRef(120L, "isp2"),
                true,
                List.of(v4("10.9.0.0/16", "203.0.113.1", "wan1", 0))));
    RouteTablesState snapshot = module.read(host(), declared);
    List<Command> commands = module.commands(module.restore(snapshot, declared));
    assertThat(commands)
        .extracting(Command::argv)
        .containsExactly(
            List.of(
                "sh",
                "-c",
                RouteTablesResource.WRITE_FILE,
                "netconverge",
                DIR.resolve("rt_tables.d/netconverge.conf").toString()),
            List.of("rm", "-f", "--", DIR.resolve("rt_protos.d/netconverge.conf").toString()),
            // A restore goes on past a line that fails: each route brings back what it can.
            List.of("ip", "-force", "-4", "-batch", "-"),
            List.of("ip", "-force", "-6", "-batch", "-"));
    assertThat(commands.get(0).stdin()).isEqualTo(snapshot.files().tablesConf());
    assertThat(commands.get(2).stdin())
        .isEqualTo(
            "route flush table 120 proto 77\n"
                + "route replace unicast 192.0.2.7 dev wan1 proto 77 scope 253 table 120\n"
                + "route replace unicast default via 203.0.113.1 dev wan1 proto 3 scope 0 metric"
                + " 100 table 120\n"
                + "route replace unicast 10.5.0.0/16 proto 77 scope 0 table 120 nexthop via"
                + " 198.51.100.1 dev wan0 weight 2 nexthop via 203.0.113.1 dev wan1 weight 1\n");
    assertThat(commands.get(3).stdin())
        .isEqualTo(
            "route flush table 120 proto 77\n"
                + "route replace unicast 2001:db8:8::/48 via 2001:db8:1::1 dev wan0 proto 4 scope"
                + " 0 metric 1024 pref medium table 120\n");
  }

  /**
   * A restore writes back the name files as they were read: the read must give a file's content
   * exactly (a newline more per read made every restore of a failed apply "incomplete").
   */
  @Test
  void nameFilesReadBackExactlyAndARestoreWritesThemUnchanged(@TempDir Path dir) throws Exception {
    io.netconverge.core.exec.Executor local = new io.netconverge.core.exec.LocalExecutor();
    Path tables = java.nio.file.Files.createDirectories(dir.resolve("rt_tables.d"));
    java.nio.file.Files.createDirectories(dir.resolve("rt_protos.d"));
    for (String content :
        List.of(Iproute2Files.HEADER + "110\tisp1\n", "110 isp1", Iproute2Files.HEADER + "\n\n")) {
      java.nio.file.Files.writeString(tables.resolve(Iproute2Files.FILE), content);
      Iproute2Files read = RouteTablesResource.readFiles(local, dir);
      assertThat(read.tablesConf()).isEqualTo(content);

      RouteTablesResource module = new RouteTablesResource(77, dir);
      RouteTablesState snapshot = new RouteTablesState(List.of(), read);
      for (Command c : module.commands(module.restore(snapshot, snapshot))) {
        local.check(c);
      }
      assertThat(java.nio.file.Files.readString(tables.resolve(Iproute2Files.FILE)))
          .isEqualTo(content);
      assertThat(RouteTablesResource.readFiles(local, dir)).isEqualTo(read);
    }
  }
}
