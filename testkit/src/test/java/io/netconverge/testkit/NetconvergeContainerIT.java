package io.netconverge.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
          .hasMessageContaining("syntax error");
    }
  }
}
