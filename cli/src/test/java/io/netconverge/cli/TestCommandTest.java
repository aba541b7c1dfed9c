package io.netconverge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code converge test}'s answers that come before any container: usage errors (64) and invalid
 * files (65). Each would otherwise have started an image build, so none prints a step.
 */
class TestCommandTest {

  record Run(int code, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = ConvergeCommand.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Run(code, out.toString(), err.toString());
  }

  private static Path file(Path dir, String text) throws Exception {
    Path file = dir.resolve("router.yaml");
    Files.writeString(file, "apiVersion: netconverge/v1\nkind: HostState\n" + text);
    return file;
  }

  @Test
  void anUnsupportedReleaseIsAUsageError(@TempDir Path dir) throws Exception {
    Run r = run("test", file(dir, "").toString(), "--distro", "jessie");
    assertThat(r.code()).isEqualTo(64);
    assertThat(r.err())
        .contains("--distro jessie is not supported (one of bullseye, bookworm, trixie)");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void aContainerNameDockerWouldReadAsAnOptionIsAUsageError(@TempDir Path dir) throws Exception {
    Run r = run("test", file(dir, "").toString(), "--name=--privileged");
    assertThat(r.code()).isEqualTo(64);
    assertThat(r.err()).contains("'--privileged' is not a container name");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void anInventoryIsAUsageError(@TempDir Path dir) throws Exception {
    Path inventory = dir.resolve("fleet.yaml");
    Files.writeString(
        inventory,
        "apiVersion: netconverge/v1\nkind: Inventory\nhosts:\n"
            + "  - { name: r1, netns: r1, hostState: router.yaml }\n");
    file(dir, "");
    Run r = run("test", inventory.toString());
    assertThat(r.code()).isEqualTo(64);
    assertThat(r.err()).contains("test takes a HostState file; " + inventory + " is an inventory");
  }

  @Test
  void aFileWithAnErrorIsInvalidAtItsLine(@TempDir Path dir) throws Exception {
    Path file = file(dir, "sysctl:\n  net.ipv4.ip_forward: 1\nfrobnicate: true\n");
    Run r = run("test", file.toString());
    assertThat(r.code()).isEqualTo(65);
    assertThat(r.err())
        .contains(file + ":5")
        .contains("frobnicate")
        .contains("is not valid; nothing was run");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void aSysctlOfTheWholeMachineIsRefusedAtItsLine(@TempDir Path dir) throws Exception {
    // A container shares the kernel of the machine running it: this would change the CI machine.
    Path file = file(dir, "sysctl:\n  net.ipv4.ip_forward: 1\n  net.core.bpf_jit_enable: 1\n");
    Run r = run("test", file.toString());
    assertThat(r.code()).isEqualTo(65);
    assertThat(r.err())
        .contains(file + ":5")
        .contains("net.core.bpf_jit_enable is not per network namespace")
        .contains("is not valid; nothing was run");
    assertThat(r.out()).isEmpty();
  }
}
