package io.netconverge.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.netconverge.core.exec.Command;
import io.netconverge.core.exec.ExecResult;
import io.netconverge.core.exec.LocalExecutor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's first run on a machine without nftables, iptables and iproute2: with a PATH that
 * lacks them (and stand-ins for apt-get and java), it asks apt-get for exactly those packages
 * before it runs the command. Nothing is installed for real.
 */
class BinConvergeFirstRunIT {

  @TempDir Path bin;

  private void stub(String name, String script) throws Exception {
    Path file = bin.resolve(name);
    Files.writeString(file, "#!/bin/bash\n" + script + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private void real(String name) throws Exception {
    for (String dir : List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin")) {
      Path tool = Path.of(dir, name);
      if (Files.isExecutable(tool)) {
        Files.createSymbolicLink(bin.resolve(name), tool);
        return;
      }
    }
    throw new AssertionError(name + " is not installed");
  }

  @Test
  void aFreshMachineGetsTheSandboxToolsInstalledBeforeTheCommandRuns() throws Exception {
    Path log = bin.resolve("calls.log");
    launcherTools(log);
    ExecResult r = launch("");
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.stderr()).contains("converge: first run: installing iproute2 nftables iptables");
    List<String> calls = Files.readAllLines(log);
    assertThat(calls.get(0)).isEqualTo("apt-get update -q");
    assertThat(calls.get(1))
        .isEqualTo(
            "apt-get install -y -q --no-install-recommends iproute2 nftables iptables"
                + (calls.get(1).endsWith("maven") ? " maven" : ""));
    assertThat(calls.get(calls.size() - 1)).isEqualTo("java --version");
  }

  @Test
  void toolsInSbinAreFoundWhenThePathLacksIt(@TempDir Path sbin) throws Exception {
    Path log = bin.resolve("calls.log");
    launcherTools(log);
    for (String tool : List.of("ip", "nft", "iptables")) {
      Path file = sbin.resolve(tool);
      Files.writeString(file, "#!/bin/bash\n");
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    stub("java", "echo \"java ${@: -1} PATH=$PATH\" >> " + log);

    ExecResult r = launch(sbin.toString());

    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.stderr()).doesNotContain("installing").doesNotContain("missing");
    List<String> calls = Files.readAllLines(log);
    assertThat(calls).noneMatch(call -> call.startsWith("apt-get"));
    // The command runs with sbin on its PATH, so it finds nft the same way.
    assertThat(calls.get(calls.size() - 1)).isEqualTo("java --version PATH=" + bin + ":" + sbin);
  }

  private void launcherTools(Path log) throws Exception {
    for (String tool : List.of("bash", "readlink", "dirname", "find", "id", "cat", "sed")) {
      real(tool);
    }
    stub("apt-get", "echo \"apt-get $*\" >> " + log);
    stub("java", "echo \"java ${@: -1}\" >> " + log);
    stub("mvn", "echo \"mvn $*\" >> " + log);
  }

  /** The launcher with only {@link #bin} on its PATH and {@code systemPath} as its sbin list. */
  private ExecResult launch(String systemPath) throws Exception {
    return new LocalExecutor()
        .run(
            new Command(
                List.of(
                    "env",
                    "-i",
                    "PATH=" + bin,
                    "NETCONVERGE_SYSTEM_PATH=" + systemPath,
                    "bash",
                    Cli.root().resolve("bin/converge").toString(),
                    "--version"),
                "",
                Duration.ofMinutes(1)));
  }
}
