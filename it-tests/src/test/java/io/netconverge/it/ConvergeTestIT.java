package io.netconverge.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.netconverge.core.exec.Command;
import io.netconverge.core.exec.LocalExecutor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * {@code converge test FILE --distro bookworm}, as a user's CI runs it: the image is the one the
 * container tests build (same tag, built once per machine), the container is started by the command
 * itself with the least capabilities and removed afterwards, and the exit code and the per-step
 * lines say what passed and what did not.
 */
@Testcontainers(disabledWithoutDocker = true)
class ConvergeTestIT {

  @TempDir Path dir;

  /** The bookworm image as DebianMatrixIT makes it; skips the class when it cannot be made. */
  private static String image;

  @BeforeAll
  static void image() throws Exception {
    image = DebianTestImage.ensure("bookworm");
  }

  private static String name(String what) {
    byte[] id = new byte[3];
    new SecureRandom().nextBytes(id);
    return "ctest-" + what + "-" + HexFormat.of().formatHex(id);
  }

  /** Whether the engine still has a container of that name, running or not. */
  private static boolean exists(String container) throws Exception {
    return !new LocalExecutor()
        .check(Command.of("docker", "ps", "-a", "-q", "--filter", "name=^" + container + "$"))
        .stdout()
        .isBlank();
  }

  @Test
  void theDualWanExampleConvergesReplansCleanAndEachGatewayAnswers() throws Exception {
    String container = name("dualwan");
    Cli r =
        Cli.run(
            "test",
            Cli.example("dualwan-nftables.yaml"),
            "--distro",
            "bookworm",
            "--probe",
            "--name",
            container);
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out())
        // The image DebianMatrixIT made, not one of its own.
        .contains("PASSED  image                        " + image + " ")
        .contains("PASSED  container                    " + container + " (--cap-add NET_ADMIN")
        .contains("nftables v1.0.6")
        .contains("PASSED  interfaces                   wan0 198.51.100.2/24 gateway 198.51.100.1;")
        .containsPattern("PASSED  apply +[1-9][0-9]* changed")
        .contains("PASSED  second plan                  zero changes")
        .contains("PASSED  probe wan0 198.51.100.1      answered")
        .contains("PASSED  probe wan1 203.0.113.1       answered")
        .contains("PASSED  probe wwan0 192.0.2.1        answered")
        .contains("test bookworm: PASSED (8 passed, 0 failed, 0 skipped)");
    assertThat(r.err()).contains("image " + image + " (already built)");
    assertThat(exists(container)).as("container " + container + " removed").isFalse();
  }

  @Test
  void aContainerThatHasTheNameAlreadyIsLeftAsItIsAndTheClashIsNamed() throws Exception {
    String theirs = name("theirs");
    LocalExecutor local = new LocalExecutor();
    local.check(
        Command.of(
            "docker",
            "run",
            "--detach",
            "--pull",
            "never",
            "--name",
            theirs,
            image,
            "sleep",
            "infinity"));
    try {
      Cli r =
          Cli.run(
              "test", Cli.example("sysctl-basics.yaml"), "--distro", "bookworm", "--name", theirs);
      assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
      assertThat(r.out())
          .contains("FAILED  container")
          .contains(
              "a container named "
                  + theirs
                  + " exists already (it was left as it is): pick another --name");
      assertThat(exists(theirs)).as("someone else's container " + theirs + " kept").isTrue();
    } finally {
      local.run(Command.of("docker", "rm", "--force", theirs));
    }
  }

  @Test
  void aDefinitionTheContainersNftRejectsIsAnInvalidFileWithNftsReason() throws Exception {
    Path file = dir.resolve("bad-nft.yaml");
    Files.writeString(
        file,
        "apiVersion: netconverge/v1\nkind: HostState\nnftables:\n"
            + "  - table: inet ctest-bad\n"
            + "    definition: |\n"
            + "      chain input {\n"
            + "        type filter hook input priority 0; policy accept;\n"
            + "        tcp dport 22 frobnicate\n"
            + "      }\n");
    String container = name("badnft");
    Cli r = Cli.run("test", file.toString(), "--name", container);
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(65);
    assertThat(r.out())
        .contains("FAILED  apply                        INVALID: " + file + ":8:")
        .contains("nft: syntax error")
        .contains("frobnicate")
        .contains("SKIPPED second plan                  the apply failed")
        .contains("test bookworm: FAILED (3 passed, 1 failed, 1 skipped)");
    assertThat(r.err()).contains(file + " is not valid on bookworm; nothing was changed");
    assertThat(exists(container)).as("container " + container + " removed").isFalse();
  }

  @Test
  void aGatewayThatDoesNotAnswerFailsItsProbeAlone() throws Exception {
    // The file converges cleanly, but its own rule drops pings out of wan1.
    Path file = dir.resolve("drop.yaml");
    Files.writeString(
        file,
        "apiVersion: netconverge/v1\nkind: HostState\n"
            + "dualWan:\n  backend: nftables\n  markMask: \"0xff\"\n  families: ipv4\n  wans:\n"
            + "    - { name: isp1, interface: wan0, mark: 0x10, table: 110, gateway: 198.51.100.1,"
            + " address: 198.51.100.2/24 }\n"
            + "    - { name: isp2, interface: wan1, mark: 0x20, table: 120, gateway: 203.0.113.1,"
            + " address: 203.0.113.2/24 }\n"
            + "nftables:\n  - table: inet ctest-drop\n    definition: |\n"
            + "      chain output {\n"
            + "        type filter hook output priority 0; policy accept;\n"
            + "        oifname \"wan1\" icmp type echo-request drop\n"
            + "      }\n");
    String container = name("drop");
    Cli r = Cli.run("test", file.toString(), "--probe", "--name", container);
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
    assertThat(r.out())
        .contains("PASSED  second plan                  zero changes")
        .contains("PASSED  probe wan0 198.51.100.1      answered")
        .contains("FAILED  probe wan1 203.0.113.1       no answer (ping exit 1)")
        .contains("100% packet loss")
        .contains("test bookworm: FAILED (6 passed, 1 failed, 0 skipped)");
    assertThat(exists(container)).as("container " + container + " removed").isFalse();
  }
}
