package io.netconverge.links;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netconverge.core.engine.Action;
import io.netconverge.core.engine.Change;
import io.netconverge.core.engine.DeclarationRejectedException;
import io.netconverge.core.engine.Diff;
import io.netconverge.core.exec.Command;
import io.netconverge.core.net.InterfaceAddress;
import io.netconverge.core.testing.FakeExecutor;
import io.netconverge.core.testing.TestResources;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LinksResourceTest {

  private final LinksResource module = new LinksResource();

  private static Link declared(
      String name, Boolean up, Integer mtu, boolean exclusive, String... addresses) {
    return new Link(
        name,
        up,
        mtu,
        Arrays.stream(addresses).map(a -> LinkAddress.declared(InterfaceAddress.parse(a))).toList(),
        exclusive);
  }

  private static LinksState state(Link... links) {
    java.util.LinkedHashMap<String, Link> map = new java.util.LinkedHashMap<>();
    for (Link l : links) {
      map.put(l.name(), l);
    }
    return new LinksState(map);
  }

  private static LinksState live() throws Exception {
    return new LinksState(LinksResource.parse(TestResources.text("/links/addr-show.json")));
  }

  @Test
  void readsEveryInterfaceInOneProcessAndKeepsOnlyTheDeclaredOnes() throws Exception {
    FakeExecutor fake =
        new FakeExecutor().on(List.of("ip"), TestResources.text("/links/addr-show.json"));
    LinksState live = module.read(fake, state(declared("v0", true, null, false)));
    assertThat(fake.argvs()).containsExactly(List.of("ip", "-j", "-d", "address", "show"));
    assertThat(live.links()).containsOnlyKeys("v0");
    Link v0 = live.links().get("v0");
    assertThat(v0.up()).isTrue();
    assertThat(v0.mtu()).isEqualTo(1500);
    assertThat(v0.addresses().stream().map(LinkAddress::toString))
        .containsExactly(
            "192.0.2.1/24",
            "192.0.2.7/24",
            "2001:db8::2/64",
            "2001:db8::1/64",
            "fe80::f8c1:ffff:fe27:5e1c/64");
    // What a restore replays: ip's own words, without lifetimes and state flags.
    assertThat(v0.addresses().stream().map(LinkAddress::replayWords))
        .containsExactly(
            "192.0.2.1/24",
            "192.0.2.7/24 broadcast 192.0.2.255 label v0:x noprefixroute",
            "2001:db8::2/64",
            "2001:db8::1/64 nodad",
            "fe80::f8c1:ffff:fe27:5e1c/64 scope link");
    assertThat(LinksResource.parse(TestResources.text("/links/addr-show.json")).get("v1").up())
        .isFalse();
  }

  @Test
  void aDeclaredInterfaceTheTargetLacksIsRejectedNotCreated() {
    FakeExecutor fake =
        new FakeExecutor().on(List.of("ip"), TestResources.text("/links/addr-show.json"));
    assertThatThrownBy(() -> module.read(fake, state(declared("wan9", true, null, false))))
        .isInstanceOf(DeclarationRejectedException.class)
        .hasMessageContaining("links.wan9")
        .hasMessageContaining("no interface wan9")
        .hasMessageContaining("never creates one");
    assertThat(fake.argvs()).hasSize(1);
  }

  @Test
  void inSyncIsOneOkChangeAndNoCommand() throws Exception {
    Diff<LinksPlan> diff =
        module.diff(state(declared("v0", true, 1500, false, "192.0.2.1/24")), live());
    assertThat(diff.changes()).extracting(Change::action).containsExactly(Action.OK);
    assertThat(diff.changes().get(0).beforeText()).isEqualTo("up mtu 1500 addresses 192.0.2.1/24");
    assertThat(module.commands(diff.plan())).isEmpty();
  }

  @Test
  void mtuAddressesAndStateAreOneBatchInOrder() throws Exception {
    LinksState want =
        state(
            declared(
                "v0", false, 1400, false, "192.0.2.1/24", "198.51.100.2/24", "2001:db8:5::1/64"),
            declared("v1", true, null, false, "10.9.0.1/30"));
    Diff<LinksPlan> diff = module.diff(want, live());
    assertThat(diff.plan().lines())
        .containsExactly(
            "link set dev v0 mtu 1400",
            "address add 198.51.100.2/24 dev v0",
            "address add 2001:db8:5::1/64 dev v0",
            "link set dev v0 down",
            "address add 10.9.0.1/30 dev v1",
            "link set dev v1 up");
    List<Command> commands = module.commands(diff.plan());
    assertThat(commands).hasSize(1);
    assertThat(commands.get(0).argv()).containsExactly("ip", "-batch", "-");
    assertThat(commands.get(0).stdin()).isEqualTo(String.join("\n", diff.plan().lines()) + "\n");
    assertThat(diff.changes())
        .extracting(c -> c.resource().render())
        .containsExactly("link v0", "link v1");
    assertThat(diff.changes().get(0).fields())
        .extracting(f -> f.field() + ":" + f.beforeText() + "->" + f.afterText())
        .containsExactly(
            "mtu:1500->1400",
            "address:null->198.51.100.2/24",
            "address:null->2001:db8:5::1/64",
            "state:up->down");
    // Typed, for a library user: the MTUs as numbers, the links themselves.
    assertThat(diff.changes().get(0).field("mtu").orElseThrow().before(Integer.class))
        .hasValue(1500);
    assertThat(diff.changes().get(0).after(Link.class).orElseThrow().mtu()).isEqualTo(1400);
  }

  @Test
  void undeclaredAddressesStayUnlessExclusiveAndLinkLocalAlwaysStays() throws Exception {
    Diff<LinksPlan> kept =
        module.diff(state(declared("v0", null, null, false, "192.0.2.9/24")), live());
    assertThat(kept.plan().lines()).containsExactly("address add 192.0.2.9/24 dev v0");

    Diff<LinksPlan> exclusive =
        module.diff(state(declared("v0", null, null, true, "192.0.2.1/24")), live());
    assertThat(exclusive.plan().lines())
        .containsExactly(
            "address del 192.0.2.7/24 dev v0",
            "address del 2001:db8::2/64 dev v0",
            "address del 2001:db8::1/64 dev v0");
  }

  @Test
  void anIpv6AddressDeclaredWithAnotherLengthReplacesTheLiveOne() throws Exception {
    Diff<LinksPlan> diff =
        module.diff(state(declared("v0", null, null, false, "2001:db8::1/96")), live());
    assertThat(diff.plan().lines())
        .containsExactly("address del 2001:db8::1/64 dev v0", "address add 2001:db8::1/96 dev v0");
  }

  @Test
  void restoreAssumesNothingAboutTheHostNow() throws Exception {
    LinksState want = state(declared("v0", null, 1400, false, "192.0.2.1/24", "198.51.100.2/24"));
    assertThat(module.restore(live(), want).lines())
        .containsExactly(
            "link set dev v0 mtu 1500",
            "address replace 198.51.100.2/24 dev v0",
            "address del 198.51.100.2/24 dev v0",
            "link set dev v0 up");

    // Set down, the link lost its IPv6 addresses to the kernel: every address comes back.
    LinksState down = state(declared("v0", false, null, false, "198.51.100.2/24"));
    assertThat(module.restore(live(), down).lines())
        .containsExactly(
            "link set dev v0 mtu 1500",
            "address replace 198.51.100.2/24 dev v0",
            "address del 198.51.100.2/24 dev v0",
            "address replace 192.0.2.1/24 dev v0",
            "address replace 192.0.2.7/24 broadcast 192.0.2.255 label v0:x noprefixroute dev v0",
            "address replace 2001:db8::2/64 dev v0",
            "address replace 2001:db8::1/64 nodad dev v0",
            "link set dev v0 up");

    LinksState exclusive = state(declared("v0", null, null, true, "192.0.2.1/24"));
    assertThat(module.restore(live(), exclusive).lines())
        .containsExactly(
            "link set dev v0 mtu 1500",
            "address replace 192.0.2.1/24 dev v0",
            "address replace 192.0.2.7/24 broadcast 192.0.2.255 label v0:x noprefixroute dev v0",
            "address replace 2001:db8::2/64 dev v0",
            "address replace 2001:db8::1/64 nodad dev v0",
            "link set dev v0 up");
    assertThat(module.restore(new LinksState(Map.of()), want).lines()).isEmpty();
  }
}
