package io.netconverge.wan;

import static org.assertj.core.api.Assertions.assertThat;

import io.netconverge.core.testing.FakeExecutor;
import io.netconverge.core.testing.TestResources;
import java.util.List;
import org.junit.jupiter.api.Test;

class WanFactsTest {

  private static final String OUTPUT = TestResources.text("/wan/facts-wan1-up-wan2-down.txt");

  @Test
  void oneProcessReadsLinksAddressesAndBothMainTables() throws Exception {
    FakeExecutor fake = new FakeExecutor().on(List.of("sh", "-c"), OUTPUT);
    WanFacts facts = WanFacts.read(fake);
    assertThat(fake.commands()).hasSize(1);
    assertThat(fake.commands().get(0).argv()).containsExactly("sh", "-c", WanFacts.SCRIPT);
    assertThat(facts.interfaces()).containsOnlyKeys("lo", "wan1", "wan2");
  }

  @Test
  void anUpLinkWithLearntGatewaysOfBothFamilies() {
    WanFacts.Link wan1 = WanFacts.parse(OUTPUT).link("wan1").orElseThrow();
    assertThat(wan1.up()).isTrue();
    assertThat(wan1.addresses4()).extracting(Object::toString).containsExactly("100.64.1.2/24");
    // The link-local address is no WAN address.
    assertThat(wan1.addresses6()).extracting(Object::toString).containsExactly("2001:db8:1::2/64");
    assertThat(wan1.gateway4()).isEqualTo("100.64.1.1");
    assertThat(wan1.gateway6()).isEqualTo("2001:db8:1::1");
  }

  @Test
  void aDownLinkWithoutRouteTakesItsGatewayFromTheNetworkdLease() {
    WanFacts.Link wan2 = WanFacts.parse(OUTPUT).link("wan2").orElseThrow();
    assertThat(wan2.adminUp()).isFalse();
    assertThat(wan2.carrier()).isFalse();
    assertThat(wan2.index()).isEqualTo(3);
    assertThat(wan2.gateway4()).isEqualTo("203.0.113.1");
    assertThat(wan2.gateway6()).isNull();
  }

  @Test
  void aLearntDefaultWinsOverAnotherProtocolsAndTheLowerMetricWins() {
    String out =
        "[{\"ifindex\":2,\"ifname\":\"wan1\",\"flags\":[\"UP\",\"LOWER_UP\"],\"addr_info\":[]}]\n"
            + "#--\n"
            + "[{\"dst\":\"default\",\"gateway\":\"192.0.2.9\",\"dev\":\"wan1\","
            + "\"protocol\":\"static\",\"metric\":1,\"flags\":[]},"
            + "{\"dst\":\"default\",\"gateway\":\"192.0.2.2\",\"dev\":\"wan1\","
            + "\"protocol\":\"dhcp\",\"metric\":200,\"flags\":[]},"
            + "{\"dst\":\"default\",\"gateway\":\"192.0.2.1\",\"dev\":\"wan1\","
            + "\"protocol\":\"dhcp\",\"metric\":100,\"flags\":[]}]\n"
            + "#--\n[]\n#--\n";
    assertThat(WanFacts.parse(out).link("wan1").orElseThrow().gateway4()).isEqualTo("192.0.2.1");
  }

  @Test
  void aLinkReachesItsSubnetsItsPeerAndItsDirectRoutesOnly() {
    String out =
        "[{\"ifindex\":2,\"ifname\":\"wan1\",\"flags\":[\"UP\",\"LOWER_UP\"],\"addr_info\":["
            + "{\"family\":\"inet\",\"local\":\"198.51.100.2\",\"prefixlen\":24,"
            + "\"scope\":\"global\"}]},"
            + "{\"ifindex\":3,\"ifname\":\"ppp0\",\"flags\":[\"UP\",\"LOWER_UP\"],\"addr_info\":["
            + "{\"family\":\"inet\",\"local\":\"100.64.0.2\",\"address\":\"100.64.9.1\","
            + "\"prefixlen\":32,\"scope\":\"global\"}]},"
            + "{\"ifindex\":4,\"ifname\":\"wan3\",\"flags\":[\"UP\",\"LOWER_UP\"],\"addr_info\":["
            + "{\"family\":\"inet\",\"local\":\"192.0.2.77\",\"prefixlen\":32,"
            + "\"scope\":\"global\"}]}]\n"
            + "#--\n"
            + "[{\"dst\":\"192.0.2.1\",\"dev\":\"wan3\",\"protocol\":\"static\","
            + "\"scope\":\"link\",\"flags\":[]},"
            + "{\"dst\":\"10.0.0.0/8\",\"gateway\":\"198.51.100.1\",\"dev\":\"wan1\",\"flags\":[]}]\n"
            + "#--\n[]\n#--\n";
    WanFacts facts = WanFacts.parse(out);
    WanFacts.Link wan1 = facts.link("wan1").orElseThrow();
    assertThat(wan1.reaches("198.51.100.1")).isTrue();
    assertThat(wan1.reaches("203.0.113.1")).isFalse();
    assertThat(wan1.reaches("10.1.2.3")).as("a route through a gateway is no link").isFalse();
    assertThat(wan1.reaches("fe80::1")).as("IPv6 link-local is always on the link").isTrue();
    assertThat(facts.link("ppp0").orElseThrow().reaches("100.64.9.1")).as("the peer").isTrue();
    assertThat(facts.link("wan3").orElseThrow().reaches("192.0.2.1")).as("a direct route").isTrue();
    assertThat(facts.link("wan3").orElseThrow().reaches("192.0.2.2")).isFalse();
  }

  @Test
  void anAbsentInterfaceIsNoLink() {
    assertThat(WanFacts.parse(OUTPUT).link("wan9")).isEmpty();
  }
}
