package io.netconverge.hoststate;

import static org.assertj.core.api.Assertions.assertThat;

import io.netconverge.Netconverge;
import io.netconverge.core.sandbox.SandboxInterface;
import io.netconverge.core.spec.InvalidSpecException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class HostStateRoutingTest {

  private static HostState parse(String body) throws InvalidSpecException {
    return HostState.from(
        Netconverge.loader()
            .parse(
                "apiVersion: netconverge/v1\nkind: HostState\n" + body,
                "f.yaml",
                HostStateSpec.class),
        Path.of("/nonexistent"));
  }

  @Test
  void routesAndRulesComeAfterSysctlsAndRulesAfterTables() throws Exception {
    HostState state =
        parse(
            "sysctl: { net.ipv4.ip_forward: 1 }\n"
                + "routeTables: [ { id: 5, routes: [ { to: default, via: 192.0.2.1, dev: wan0 } ] } ]\n"
                + "ipRules: [ { fwmark: 1, table: 5 } ]\n");
    assertThat(state.declared())
        .extracting(d -> d.module().kind())
        .containsExactly("sysctl", "route-tables", "ip-rules");
  }

  @Test
  void aLoadedFileMakesTheSameHostStateAsFromTheSpec() throws Exception {
    String text =
        "apiVersion: netconverge/v1\nkind: HostState\n"
            + "sysctl: { net.ipv4.ip_forward: 1 }\n"
            + "routeTables: [ { id: 5, routes: [ { to: default, via: 192.0.2.1, dev: wan0 } ] } ]\n"
            + "ipRules: [ { fwmark: 1, table: 5 } ]\n";
    var loaded = Netconverge.loader().parseWithSource(text, "f.yaml", HostStateSpec.class);
    Path names = Path.of("/nonexistent");
    HostState once = HostState.fromLoaded(loaded, names);
    HostState twice = HostState.from(loaded.spec(), loaded.source(), names);
    assertThat(once.declared())
        .extracting(d -> d.module().kind())
        .containsExactly("sysctl", "route-tables", "ip-rules");
    assertThat(once.declared())
        .extracting(d -> d.state())
        .isEqualTo(twice.declared().stream().map(d -> d.state()).toList());
    assertThat(once.interfaces()).isEqualTo(twice.interfaces());
  }

  @Test
  void aSysctlOnlyFileHasNoRoutingModules() throws Exception {
    assertThat(parse("sysctl: { net.ipv4.ip_forward: 1 }\n").declared()).hasSize(1);
  }

  @Test
  void theSandboxGetsTheDevicesGatewaysAndAddressesRoutesName() throws Exception {
    HostState state =
        parse(
            "routeTables:\n  - id: 5\n    routes:\n"
                + "      - { to: 198.51.100.0/24, dev: wan0, src: 198.51.100.2 }\n"
                + "      - { to: default, via: 198.51.100.1, dev: wan0 }\n"
                + "      - to: 10.0.0.0/8\n        nexthops:\n"
                + "          - { via: 203.0.113.1, dev: wan1 }\n"
                + "          - { via: 198.51.100.1, dev: wan0 }\n"
                + "ipRules: [ { iif: lan0, table: 5 } ]\n");
    assertThat(state.interfaces())
        .containsExactly(
            new SandboxInterface(
                "wan0", java.util.List.of("198.51.100.2/24"), java.util.List.of("198.51.100.1")),
            new SandboxInterface("wan1", java.util.List.of(), java.util.List.of("203.0.113.1")),
            SandboxInterface.bare("lan0"));
  }

  @Test
  void theSameRuleTwiceIsRejected() {
    try {
      parse(
          "ipRules:\n  - { fwmark: 1, table: 5 }\n  - { fwmark: \"0x1/0xffffffff\", table: 5 }\n");
    } catch (InvalidSpecException e) {
      assertThat(e.getMessage()).contains("f.yaml:5:").contains("the same rule as ipRules[0]");
      return;
    }
    throw new AssertionError("expected a duplicate rule to be rejected");
  }
}
