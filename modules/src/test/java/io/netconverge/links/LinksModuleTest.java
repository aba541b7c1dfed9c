package io.netconverge.links;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netconverge.Netconverge;
import io.netconverge.core.engine.Declared;
import io.netconverge.core.sandbox.SandboxInterface;
import io.netconverge.core.spec.InvalidSpecException;
import io.netconverge.hoststate.HostState;
import io.netconverge.hoststate.Modules;
import java.util.List;
import org.junit.jupiter.api.Test;

class LinksModuleTest {

  private static final String HEADER = "apiVersion: netconverge/v1\nkind: HostState\n";

  private static List<String> problems(String yaml) {
    try {
      Netconverge.parse(HEADER + yaml, "links.yaml");
    } catch (InvalidSpecException e) {
      return e.getMessage().lines().toList();
    }
    throw new AssertionError("accepted: " + yaml);
  }

  @Test
  void linksRunAfterSysctlsAndBeforeRouting() throws Exception {
    HostState state =
        Netconverge.parse(
            HEADER
                + "sysctl: { net.ipv4.ip_forward: 1 }\n"
                + "links:\n"
                + "  lan0: { up: true, mtu: 9000, addresses: [10.1.0.1/24, fd00:1::1/64] }\n"
                + "routeTables:\n"
                + "  - id: 100\n"
                + "    routes: [ { to: 10.2.0.0/16, via: 10.1.0.254, dev: lan0 } ]\n",
            "links.yaml");
    assertThat(state.declared())
        .extracting(d -> d.module().kind())
        .containsExactly("sysctl", "links", "route-tables", "ip-rules");
    Declared<?, ?> links = state.declared().get(1);
    assertThat(((LinksState) links.state()).links().get("lan0"))
        .isEqualTo(
            new Link(
                "lan0",
                true,
                9000,
                List.of(
                    LinkAddress.declared(
                        io.netconverge.core.net.InterfaceAddress.parse("10.1.0.1/24")),
                    LinkAddress.declared(
                        io.netconverge.core.net.InterfaceAddress.parse("fd00:1::1/64"))),
                false));
  }

  @Test
  void theSandboxGetsTheAddressesLinksDeclaresInsteadOfGuessedOnes() throws Exception {
    String routes =
        "routeTables:\n"
            + "  - id: 100\n"
            + "    routes:\n"
            + "      - { to: 10.1.0.0/24, dev: lan0 }\n"
            + "      - { to: 10.2.0.0/16, via: 10.1.0.254, dev: lan0, src: 10.1.0.7 }\n";
    HostState guessed = Netconverge.parse(HEADER + routes, "links.yaml");
    assertThat(guessed.interfaces())
        .containsExactly(
            new SandboxInterface("lan0", List.of("10.1.0.7/24"), List.of("10.1.0.254")));

    HostState declared =
        Netconverge.parse(
            HEADER + routes + "links:\n  lan0: { addresses: [10.1.0.7/24, 10.1.0.1/24] }\n",
            "links.yaml");
    assertThat(declared.interfaces())
        .containsExactly(
            new SandboxInterface(
                "lan0", List.of("10.1.0.7/24", "10.1.0.1/24"), List.of("10.1.0.254")));
  }

  @Test
  void badInputIsNamedAtItsLine() {
    assertThat(problems("links:\n  eth#0: { up: true }\n"))
        .singleElement()
        .asString()
        .startsWith("links.yaml:4:3: links[\"eth#0\"]: 'eth#0' is not an interface name");
    assertThat(problems("links:\n  eth0:\n    addresses: [10.0.0.1/33]\n"))
        .singleElement()
        .asString()
        .startsWith("links.yaml:5:")
        .contains("links.eth0.addresses[0]")
        .contains("prefix length 33 is out of range 1..32");
    assertThat(problems("links:\n  eth0:\n    addresses: [300.0.0.1/24]\n"))
        .singleElement()
        .asString()
        .startsWith("links.yaml:5:")
        .contains("links.eth0.addresses[0]");
    assertThat(problems("links:\n  eth0:\n    mtu: 20\n"))
        .containsExactly("links.yaml:5:10: links.eth0.mtu: mtu 20 is out of range 68..65535");
    assertThat(problems("links:\n  eth0:\n    speed: 100\n"))
        .singleElement()
        .asString()
        .startsWith("links.yaml:5:5: links.eth0.speed: unknown key 'speed'");
    assertThat(
            problems(
                "links:\n  eth0:\n    addresses: [10.0.0.1/24, 10.0.0.1/16]\n  eth1: { mtu: 1 }\n"))
        .containsExactly(
            "links.yaml:5:30: links.eth0.addresses[1]: 10.0.0.1 is declared twice (also at"
                + " addresses[0]); an interface has an address once",
            "links.yaml:6:16: links.eth1.mtu: mtu 1 is out of range 68..65535");
  }

  @Test
  void anUnknownSectionIsNamedAtItsKeyWithEveryKnownKey() {
    assertThat(problems("sysctl: {}\nlinkz: {}\n"))
        .containsExactly(
            "links.yaml:4:1: linkz: unknown key 'linkz' (known keys: allowHostSysctls, apiVersion,"
                + " dualWan, ipRules, iptables, kind, links, nftables, protocol, routeTables,"
                + " sysctl)");
    // Also when another section fails to bind: every problem at once.
    assertThat(problems("protocol: many\nlinkz: {}\nlinks: { eth0: { up: true } }\n"))
        .hasSize(2)
        .anySatisfy(p -> assertThat(p).startsWith("links.yaml:3:11: protocol:"))
        .anySatisfy(p -> assertThat(p).startsWith("links.yaml:4:1: linkz: unknown key 'linkz'"));
  }

  @Test
  void codeBuildsTheSectionThroughTheBuilderAndItIsChecked() throws Exception {
    HostState state =
        HostState.builder()
            .section(
                LinksModule.REGISTRATION,
                LinksSpec.of("wan0", new LinkSpec(true, 1492, List.of(), null)))
            .build();
    assertThat(state.declared()).extracting(d -> d.module().kind()).containsExactly("links");
    assertThatThrownBy(
            () ->
                HostState.builder()
                    .section(
                        LinksModule.REGISTRATION,
                        LinksSpec.of("wan0", new LinkSpec(true, 12, List.of(), null)))
                    .build())
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("links.wan0.mtu: mtu 12 is out of range");
  }

  @Test
  void everyModuleIsOneRegistrationInRunOrder() {
    assertThat(Modules.ALL)
        .extracting(m -> m.keys().get(0) + "@" + m.order())
        .containsExactly(
            "sysctl@10", "links@20", "routeTables@30", "nftables@40", "iptables@50", "dualWan@60");
    assertThat(Modules.section("links")).contains(LinksModule.REGISTRATION);
  }

  @Test
  void aDownInterfaceWithIpv6AddressesNeedsTheKernelToKeepThem() throws Exception {
    String links = "links:\n  lan0: { up: false, addresses: [fd00:1::1/64] }\n";
    assertThat(problems(links))
        .containsExactly(
            "links.yaml:4:15: links.lan0.up: an interface that is down loses its IPv6 addresses;"
                + " declare sysctl net.ipv6.conf.lan0.keep_addr_on_down: 1 to keep them");
    HostState kept =
        Netconverge.parse(
            HEADER + "sysctl: { net.ipv6.conf.lan0.keep_addr_on_down: 1 }\n" + links, "l.yaml");
    assertThat(kept.declared()).extracting(d -> d.module().kind()).contains("links");
  }

  @Test
  void theDualWanProfileSetsStaticWanAddressesThroughLinks() throws Exception {
    String profile =
        "dualWan:\n"
            + "  backend: nftables\n"
            + "  markMask: \"0xff\"\n"
            + "  families: both\n"
            + "  staticAddresses: true\n"
            + "  wans:\n"
            + "    - { name: isp1, interface: wan0, mark: 0x10, table: 110, gateway: 198.51.100.1,"
            + " address: 198.51.100.2/24, gateway6: 2001:db8:1::1, address6: 2001:db8:1::2/64 }\n"
            + "    - { name: isp2, interface: wan1, mark: 0x20, table: 120, gateway: dhcp,"
            + " families: ipv4 }\n";
    HostState state =
        Netconverge.parse(HEADER + "links:\n  wan0: { mtu: 1492 }\n" + profile, "dualwan.yaml");
    LinksState links =
        (LinksState)
            state.declared().stream()
                .filter(d -> d.module().kind().equals("links"))
                .findFirst()
                .orElseThrow()
                .state();
    // The file's own fields first, the profile's address and state beside them; a DHCP WAN's
    // address is its client's business: only its state.
    assertThat(links.links().get("wan0"))
        .isEqualTo(
            new Link(
                "wan0",
                true,
                1492,
                List.of(
                    LinkAddress.declared(
                        io.netconverge.core.net.InterfaceAddress.parse("198.51.100.2/24")),
                    LinkAddress.declared(
                        io.netconverge.core.net.InterfaceAddress.parse("2001:db8:1::2/64"))),
                false));
    assertThat(links.links().get("wan1")).isEqualTo(new Link("wan1", true, null, List.of(), false));
    // Without the flag the profile leaves addresses alone, as before.
    HostState without =
        Netconverge.parse(
            HEADER + profile.replace("  staticAddresses: true\n", ""), "dualwan.yaml");
    assertThat(without.declared()).extracting(d -> d.module().kind()).doesNotContain("links");
  }
}
