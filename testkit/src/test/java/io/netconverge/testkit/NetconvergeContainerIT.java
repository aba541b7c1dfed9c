package io.netconverge.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netconverge.container.ContainerTest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.junit.jupiter.Testcontainers;

/** The testkit as a user's CI uses it: a file converged in a local Debian container. */
@Testcontainers(disabledWithoutDocker = true)
class NetconvergeContainerIT {

  @TempDir Path dir;

  private static Path example(String name) {
    return Path.of(System.getProperty("user.dir"))
        .resolve("../inventory-examples")
        .resolve(name)
        .normalize();
  }

  @Test
  void aDualStackDualWanRouterConvergesWithItsInterfacesAndASecondPlanIsEmpty() throws Exception {
    try (NetconvergeContainer router = NetconvergeContainer.debian("bookworm")) {
      router.start();
      Convergence first = router.converge(example("dualwan-ipv6.yaml")).assertStable();
      assertThat(first.apply().changed()).isPositive();
      // Again in a fresh namespace of the same container, each gateway pinged out of its WAN.
      Convergence probed = router.converge(example("dualwan-ipv6.yaml"), true).assertStable();
      assertThat(probed.probes())
          .extracting(ContainerTest.Step::name)
          .contains(
              "probe wan0 198.51.100.1",
              "probe wan0 2001:db8:1::1",
              "probe wan1 203.0.113.1",
              "probe wan1 2001:db8:2::1");
      assertThat(probed.probes())
          .allSatisfy(p -> assertThat(p.outcome()).isEqualTo(ContainerTest.Outcome.PASSED));
      // A file the target's nft rejects is reported, not passed.
      Path broken = dir.resolve("broken.yaml");
      Files.writeString(
          broken,
          "apiVersion: netconverge/v1\nkind: HostState\nnftables:\n"
              + "  - table: inet nc-bad\n    definition: |\n"
              + "      chain c {\n        meta mark set 0x5 foo\n      }\n");
      Convergence failed = router.converge(broken);
      assertThat(failed.stable()).isFalse();
      assertThatThrownBy(failed::assertStable)
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("apply INVALID")
          .hasMessageContaining("syntax error")
          .hasMessageContaining("no second plan: the apply failed");
    }
  }
}
