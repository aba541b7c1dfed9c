package io.netconverge.route;

import static org.assertj.core.api.Assertions.assertThat;

import io.netconverge.Netconverge;
import io.netconverge.core.net.Family;
import io.netconverge.core.net.IpPrefix;
import io.netconverge.core.net.Mark;
import io.netconverge.core.net.TableRef;
import io.netconverge.core.spec.InvalidSpecException;
import io.netconverge.core.spec.SpecProblem;
import io.netconverge.hoststate.HostStateSpec;
import io.netconverge.iprule.IpRuleSpec;
import io.netconverge.iprule.RuleAction;
import org.junit.jupiter.api.Test;

class RoutingSpecTest {

  private static final String HEAD = "apiVersion: netconverge/v1\nkind: HostState\n";

  private static HostStateSpec parse(String body) throws InvalidSpecException {
    return Netconverge.loader().parse(HEAD + body, "f.yaml", HostStateSpec.class);
  }

  private static SpecProblem problem(String body) {
    try {
      parse(body);
    } catch (InvalidSpecException e) {
      return e.problems().get(0);
    }
    throw new AssertionError("expected the file to be rejected");
  }

  @Test
  void bindsTablesRoutesAndRules() throws Exception {
    HostStateSpec spec =
        parse(
            "protocol: 99\n"
                + "routeTables:\n"
                + "  - name: isp1\n    id: 110\n    routes:\n"
                + "      - { to: default, via: 198.51.100.1, dev: wan0 }\n"
                + "      - { to: 198.51.100.0/24, dev: wan0, scope: link, src: 198.51.100.2 }\n"
                + "      - { to: 2001:db8:0:0::/48, type: blackhole, metric: 10 }\n"
                + "      - to: 10.5.0.0/16\n        nexthops:\n"
                + "          - { via: 198.51.100.1, dev: wan0, weight: 2 }\n"
                + "          - { via: 198.51.100.9, dev: wan0 }\n"
                + "ipRules:\n"
                + "  - { priority: 1010, fwmark: \"0xa/0xff\", table: isp1 }\n"
                + "  - { from: 2001:db8::/32, table: 110, not: true }\n"
                + "  - { priority: 1300, oif: wan1, uidRange: 1000-2000, ipProto: tcp, dport: 80,"
                + " type: prohibit }\n");
    assertThat(spec.routingProtocol()).isEqualTo(99);
    RouteTableSpec t = spec.routeTables().get(0);
    assertThat(t.ref()).isEqualTo(new TableRef(110L, "isp1"));
    assertThat(t.purges()).isTrue();
    assertThat(t.routes().get(2).destination()).isEqualTo(IpPrefix.parse("2001:db8::/48"));
    assertThat(t.routes().get(2).resolvedFamily()).isEqualTo(Family.IPV6);
    assertThat(t.routes().get(3).nexthops()).hasSize(2);
    IpRuleSpec r0 = spec.ipRules().get(0);
    assertThat(r0.fwmark()).isEqualTo(new Mark(0xa, 0xff));
    assertThat(r0.table()).isEqualTo(new TableRef(null, "isp1"));
    assertThat(spec.ipRules().get(1).resolvedFamily()).isEqualTo(Family.IPV6);
    assertThat(spec.ipRules().get(1).table()).isEqualTo(TableRef.id(110));
    assertThat(spec.ipRules().get(2).type()).isEqualTo(RuleAction.PROHIBIT);
  }

  @Test
  void ipv6AddressesAreCanonicalAsIpPrintsThem() {
    assertThat(IpPrefix.parse("2001:0db8:0000:0000:0001::/80").toString())
        .isEqualTo("2001:db8:0:0:1::/80");
    assertThat(IpPrefix.parse("2001:db8:1:0:0:0:0:2").toString()).isEqualTo("2001:db8:1::2");
    assertThat(IpPrefix.parse("::/0").toString()).isEqualTo("default");
    assertThat(IpPrefix.parse("10.0.0.1/32").toString()).isEqualTo("10.0.0.1");
  }

  @Test
  void aPrefixWithHostBitsIsRejectedWithItsLine() {
    SpecProblem p =
        problem("routeTables:\n  - id: 110\n    routes:\n      - { to: 10.1.2.3/8, dev: wan0 }\n");
    assertThat(p.line()).isEqualTo(6);
    assertThat(p.message()).contains("host bits set").contains("10.0.0.0/8");
  }

  @Test
  void aRuleNeedsATableOrAType() {
    SpecProblem p = problem("ipRules:\n  - { priority: 10, fwmark: 1 }\n");
    assertThat(p.path()).isEqualTo("ipRules[0]");
    assertThat(p.message()).contains("exactly one of 'table'");
  }

  @Test
  void aBareMarkZeroIsRejectedButAMaskedOneIsNot() throws Exception {
    SpecProblem p = problem("ipRules:\n  - { priority: 10, fwmark: 0, table: 5 }\n");
    assertThat(p.path()).isEqualTo("ipRules[0]");
    assertThat(p.message()).contains("fwmark 0 matches every packet");
    assertThat(parse("ipRules:\n  - { priority: 10, fwmark: 0/0xff, table: 5 }\n").ipRules())
        .hasSize(1);
  }

  @Test
  void mixedFamiliesAreRejected() {
    assertThat(
            problem("ipRules:\n  - { from: 10.0.0.0/8, to: 2001:db8::/32, table: 5 }\n").message())
        .contains("cannot mix IPv4 and IPv6");
    assertThat(
            problem(
                    "routeTables:\n  - id: 5\n    routes:\n"
                        + "      - { to: 10.0.0.0/8, via: 2001:db8::1 }\n")
                .message())
        .contains("mixes IPv4 and IPv6");
  }

  @Test
  void aDefaultRouteWithoutAddressesNeedsItsFamily() {
    assertThat(
            problem("routeTables:\n  - id: 5\n    routes:\n      - { to: default, dev: wan0 }\n")
                .message())
        .contains("add 'family: ipv4'");
  }

  @Test
  void aTableDeclaredTwiceIsRejected() {
    SpecProblem p = problem("routeTables:\n  - { name: a, id: 5 }\n  - { name: b, id: 5 }\n");
    assertThat(p.path()).isEqualTo("routeTables[1]");
    assertThat(p.line()).isEqualTo(5);
    assertThat(p.message()).contains("table 5 is already declared");
  }

  @Test
  void theSameRouteTwiceInATableIsRejected() {
    SpecProblem p =
        problem(
            "routeTables:\n  - id: 5\n    routes:\n      - { to: 10.0.0.0/8, dev: a }\n"
                + "      - { to: 10.0.0.0/8, dev: b, metric: 0 }\n");
    assertThat(p.path()).isEqualTo("routeTables[0].routes[1]");
    assertThat(p.message()).contains("already declared");
  }

  @Test
  void ipv6MetricZeroIsTheKernelsDefaultAndCollidesWithIt() throws Exception {
    HostStateSpec spec =
        parse(
            "routeTables:\n  - id: 5\n    routes:\n      - { to: \"2001:db8::/32\", dev: a, metric: 0 }\n");
    assertThat(Route.of(spec.routeTables().get(0).routes().get(0), 77).metric()).isEqualTo(1024);
    assertThat(
            problem(
                    "routeTables:\n  - id: 5\n    routes:\n"
                        + "      - { to: \"2001:db8::/32\", dev: a, metric: 0 }\n"
                        + "      - { to: \"2001:db8::/32\", dev: b }\n")
                .message())
        .contains("already declared");
  }

  @Test
  void onlinkNeedsAGatewayAndADevice() {
    assertThat(
            problem(
                    "routeTables:\n  - id: 5\n    routes:\n"
                        + "      - { to: 10.0.0.0/8, via: 192.0.2.1, onlink: true }\n")
                .message())
        .contains("onlink needs 'via' and 'dev'");
  }

  @Test
  void theSystemTablesCannotBePurged() {
    assertThat(problem("routeTables:\n  - { name: main, purge: true }\n").message())
        .contains("cannot be purged");
    assertThat(new RouteTableSpec("main", null, null, null).purges()).isFalse();
  }

  @Test
  void reservedProtocolNumbersAreRejected() {
    SpecProblem p = problem("protocol: 2\n");
    assertThat(p.path()).isEqualTo("protocol");
    assertThat(p.message()).contains("5..255");
  }

  @Test
  void hostnamesAreNotAddresses() {
    assertThat(problem("ipRules:\n  - { from: example.com, table: 5 }\n").message())
        .contains("is not an IPv4 or IPv6 address");
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource({"253, default", "254, main", "255, local"})
  void aSystemTableIdUnderACustomNameIsRejectedWithItsLine(long id, String system) {
    SpecProblem p =
        problem(
            "routeTables:\n  - name: isp1\n    id: "
                + id
                + "\n    routes:\n      - { to: default, via: 198.51.100.1, dev: wan0 }\n");
    assertThat(p.source()).isEqualTo("f.yaml");
    assertThat(p.line()).isEqualTo(4);
    assertThat(p.path()).isEqualTo("routeTables[0]");
    assertThat(p.message())
        .isEqualTo(
            "table "
                + id
                + " is the system's '"
                + system
                + "' table: it cannot be named 'isp1' (choose an id in 1..252 or"
                + " 256..4294967295, or write name: "
                + system
                + ")");
  }

  @Test
  void tableZeroIsRejectedWithItsLine() {
    SpecProblem p = problem("routeTables:\n  - name: isp1\n    id: 0\n");
    assertThat(p.line()).isEqualTo(4);
    assertThat(p.message()).contains("table 0 is out of range");
  }

  @Test
  void aSystemTableUnderItsOwnNameStaysAllowed() throws Exception {
    assertThat(parse("routeTables:\n  - { name: local, id: 255, purge: false }\n").routeTables())
        .hasSize(1);
  }

  @Test
  void everyProblemOfAFileIsReportedAtOnceSortedByLine() {
    InvalidSpecException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            InvalidSpecException.class,
            () ->
                parse(
                    "ipRules:\n"
                        + "  - { priority: 10, fwmark: 1, table: 5, colour: red }\n"
                        + "  - { priority: x, table: 5 }\n"
                        + "routeTables:\n"
                        + "  - { name: isp1, id: 255 }\n"
                        + "sysctl:\n"
                        + "  net..x: 1\n"));
    assertThat(e.problems()).extracting(SpecProblem::line).containsExactly(4, 5, 7, 9);
    assertThat(e.problems().get(0).message()).startsWith("unknown key 'colour'");
    assertThat(e.problems().get(1).path()).isEqualTo("ipRules[1].priority");
    assertThat(e.problems().get(2).message()).contains("is the system's 'local' table");
    assertThat(e.problems().get(3).message()).contains("is not a sysctl name");
    assertThat(e.getMessage().lines()).hasSize(4);
  }

  @Test
  void aLongListOfProblemsIsCutAtTwentyInTheMessage() {
    StringBuilder body = new StringBuilder("sysctl:\n");
    for (int i = 0; i < 25; i++) {
      body.append("  net..bad").append(i).append(": 1\n");
    }
    InvalidSpecException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            InvalidSpecException.class, () -> parse(body.toString()));
    assertThat(e.problems()).hasSize(25);
    assertThat(e.getMessage().lines()).hasSize(21);
    assertThat(e.getMessage()).endsWith("... and 5 more problems (25 in all)");
  }
}
