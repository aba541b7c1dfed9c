package io.netconverge.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.junit.jupiter.Testcontainers;

/** The docker target: host states converged inside real containers through {@code docker exec}. */
@Testcontainers(disabledWithoutDocker = true)
class DockerTargetIT {

  @TempDir Path dir;

  @Test
  void containersConvergeInParallelAndAContainerThatCannotFailsAlone() throws Exception {
    String image = DebianTestImage.ensure();
    try (GenericContainer<?> c1 = DebianTestImage.router(image, true);
        GenericContainer<?> c2 = DebianTestImage.router(image, true);
        GenericContainer<?> locked = DebianTestImage.router(image, false)) {
      c1.start();
      c2.start();
      locked.start();
      Path file = dir.resolve("containers.yaml");
      Files.writeString(
          file,
          "apiVersion: netconverge/v1\nkind: Inventory\ngroups:\n"
              + "  - name: containers\n"
              + "    hostState:\n"
              + "      sysctl:\n"
              + "        net.ipv4.ip_forward: 1\n"
              + "        net.ipv4.conf.all.rp_filter: 2\n"
              + "        net.ipv4.ip_local_port_range: \"20000 40000\"\n"
              + "    hosts:\n"
              + "      - { name: c1, docker: { container: "
              + c1.getContainerId()
              + " } }\n"
              + "      - { name: c2, docker: { container: "
              + c2.getContainerId()
              + " } }\n"
              + "      - { name: ro, docker: { container: "
              + locked.getContainerId()
              + " } }\n");
      String untouched = DebianTestImage.exec(locked, "sysctl", "-a", "-r", "^net\\.ipv4\\.");

      Cli apply = Cli.run("apply", "--forks", "3", file.toString());
      assertThat(apply.exitCode()).as(apply.toString()).isEqualTo(1);
      assertThat(apply.out()).contains("c1 : ok=").contains("c2 : ok=");
      assertThat(apply.out()).containsPattern("c1 : ok=\\d changed=[1-3] failed=0");
      assertThat(apply.out()).containsPattern("c2 : ok=\\d changed=[1-3] failed=0");
      // A container with the engine's default read-only /proc/sys fails, says why, keeps its state.
      assertThat(apply.out()).contains("ro : ok=").containsPattern("ro : .* failed=[1-3]");
      assertThat(apply.out()).contains("permission denied on key \"net.ipv4.ip_local_port_range\"");
      assertThat(DebianTestImage.exec(locked, "sysctl", "-a", "-r", "^net\\.ipv4\\."))
          .isEqualTo(untouched);
      for (GenericContainer<?> c : java.util.List.of(c1, c2)) {
        assertThat(DebianTestImage.exec(c, "cat", "/proc/sys/net/ipv4/ip_forward"))
            .isEqualTo("1\n");
        assertThat(DebianTestImage.exec(c, "cat", "/proc/sys/net/ipv4/ip_local_port_range"))
            .isEqualTo("20000\t40000\n");
      }

      Cli plan = Cli.run("plan", "--limit", "c1,c2", file.toString());
      assertThat(plan.exitCode()).as(plan.toString()).isZero();
      assertThat(plan.out())
          .contains("c1 : ok=3 changed=0 failed=0")
          .contains("c2 : ok=3 changed=0 failed=0");
    }
  }
}
