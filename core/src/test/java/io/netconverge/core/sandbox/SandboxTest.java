package io.netconverge.core.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netconverge.core.testing.FakeExecutor;
import java.util.List;
import org.junit.jupiter.api.Test;

class SandboxTest {

  @Test
  void aGatewayWithoutAnAddressOfItsFamilyGetsAPointToPointPartner() {
    assertThat(Sandbox.pointToPointPartner("198.51.100.1")).isEqualTo("198.51.100.0/31");
    assertThat(Sandbox.pointToPointPartner("203.0.113.254")).isEqualTo("203.0.113.255/31");
    assertThat(Sandbox.pointToPointPartner("2001:db8:1::1")).isEqualTo("2001:db8:1:0:0:0:0:0/127");
    assertThatThrownBy(() -> Sandbox.pointToPointPartner("gw.example"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theFarEndAnswersAtEachGatewayOnTheLinkOfTheInterface() throws Exception {
    FakeExecutor host = new FakeExecutor().on(List.of("ip"), "");
    List<SandboxInterface> interfaces =
        List.of(
            new SandboxInterface("wan0", List.of("198.51.100.2/24"), List.of("198.51.100.1")),
            new SandboxInterface("wan1", List.of(), List.of("203.0.113.1", "2001:db8:2::1")));
    try (Sandbox box = Sandbox.create(host, interfaces)) {
      String inside = host.commands().get(3).stdin();
      String outside = host.commands().get(4).stdin();
      assertThat(inside)
          .contains("addr add 198.51.100.2/24 dev wan0\n")
          .contains("addr add 203.0.113.0/31 dev wan1\n")
          .contains("addr add 2001:db8:2:0:0:0:0:0/127 dev wan1 nodad\n");
      assertThat(outside)
          .contains("addr add 198.51.100.1/24 dev up0\n")
          .contains("addr add 203.0.113.1/31 dev up1\n")
          .contains("addr add 2001:db8:2::1/127 dev up1 nodad\n");
      assertThat(box.namespace()).startsWith("nc-sandbox-");
    }
  }

  @Test
  void familiesAreParsedNotGuessed() {
    assertThat(Sandbox.familyOf("198.51.100.2/24")).isEqualTo(io.netconverge.core.net.Family.IPV4);
    assertThat(Sandbox.familyOf("2001:db8::1/64")).isEqualTo(io.netconverge.core.net.Family.IPV6);
  }

  @Test
  void anAddressThatIsNoAddressStopsTheSandboxBeforeAnyNamespaceIsMade() {
    FakeExecutor host = new FakeExecutor().on(List.of("ip"), "");
    List<SandboxInterface> interfaces =
        List.of(new SandboxInterface("wan0", List.of("wan-address/24"), List.of("198.51.100.1")));
    assertThatThrownBy(() -> Sandbox.create(host, interfaces))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("wan-address");
    assertThat(host.argvs()).noneMatch(argv -> argv.contains("add"));
  }

  @Test
  void aLeaseGatewayIsParsedBeforeAnyNamespaceIsMadeNotGuessedByItsColon() {
    FakeExecutor host = new FakeExecutor().on(List.of("ip"), "");
    List<SandboxInterface> interfaces =
        List.of(
            new SandboxInterface(
                "wan0", List.of("198.51.100.2/24"), List.of(), List.of("gw:not-an-address")));
    assertThatThrownBy(() -> Sandbox.create(host, interfaces))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("gw:not-an-address");
    assertThat(host.argvs()).noneMatch(argv -> argv.contains("add"));
  }
}
