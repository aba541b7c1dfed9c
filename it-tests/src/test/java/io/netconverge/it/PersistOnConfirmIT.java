package io.netconverge.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.netconverge.core.exec.Command;
import io.netconverge.core.exec.ExecResult;
import io.netconverge.core.exec.LocalExecutor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code apply --persist --confirm-timeout}: nothing is saved for boot until the apply is
 * confirmed. The file waits with the reverter on the target; a revert drops it, {@code converge
 * confirm} (or {@code --confirm-when-healthy}) saves it and enables the unit. The command runs as a
 * process inside a namespace of this test (its target is "this machine"); the boot folder and
 * systemctl are the test's own, never the host's.
 */
class PersistOnConfirmIT {

  private static final String STATE =
      "apiVersion: netconverge/v1\n"
          + "kind: HostState\n"
          + "sysctl:\n"
          + "  net.ipv4.ip_forward: 1\n"
          + "nftables:\n"
          + "  - table: inet trpersist\n"
          + "    definition: |\n"
          + "      chain input { type filter hook input priority 0; policy accept; }\n";

  @TempDir Path tmp;

  private TestNamespace ns;
  private String id;

  @BeforeEach
  void namespace() throws Exception {
    byte[] random = new byte[3];
    new SecureRandom().nextBytes(random);
    String name = "tr-persist-" + HexFormat.of().formatHex(random);
    TestNamespace.hostRun("ip", "netns", "add", name);
    ns = new TestNamespace(name);
    ns.run("ip", "link", "set", "lo", "up");
    ns.resetSysctlBaseline();
    String link = ns.run("readlink", "/proc/self/ns/net").strip();
    id = link.substring(link.indexOf('[') + 1, link.indexOf(']'));
    Path systemctl = tmp.resolve("systemctl");
    Files.writeString(
        systemctl,
        "#!/bin/sh\necho \"$@\" >> "
            + tmp.resolve("systemctl.log")
            + "\nif [ \"$1\" = list-unit-files ]; then echo \"netconverge.service disabled"
            + " enabled\"; fi\n");
    Files.setPosixFilePermissions(systemctl, PosixFilePermissions.fromString("rwx------"));
  }

  @AfterEach
  void removeNamespace() {
    TestNamespace.hostRun("rm", "-rf", "/run/netconverge/revert-" + id);
    TestNamespace.hostRun("rm", "-f", "/run/netconverge/revert-" + id + ".log");
    TestNamespace.hostRun("ip", "netns", "del", ns.name());
  }

  private Path bootDir() {
    return tmp.resolve("etc-netconverge");
  }

  /** The command in its own JVM inside the namespace, with the test's boot folder and systemctl. */
  private ExecResult converge(String... args) throws Exception {
    List<String> argv =
        new ArrayList<>(
            List.of(
                "ip",
                "netns",
                "exec",
                ns.name(),
                ProcessHandle.current().info().command().orElse("java"),
                "-Dnetconverge.persist.dir=" + bootDir(),
                "-Dnetconverge.persist.systemctl=" + tmp.resolve("systemctl"),
                "-Dnetconverge.iproute2.dir=" + tmp.resolve("no-iproute2"),
                "-cp",
                System.getProperty("java.class.path"),
                "io.netconverge.cli.ConvergeCommand"));
    argv.addAll(List.of(args));
    return new LocalExecutor().run(new Command(argv, "", Duration.ofMinutes(2)));
  }

  private static String describe(ExecResult r) {
    return "exit " + r.exitCode() + "\n" + r.stdout() + r.stderr();
  }

  private Path file() throws Exception {
    return Files.writeString(tmp.resolve("router.yaml"), STATE);
  }

  @Test
  void aRevertedApplyLeavesNothingPersistedToComeBackAtBoot() throws Exception {
    Path file = file();
    String before = ns.dump();
    long start = System.nanoTime();
    ExecResult apply = converge("apply", "--persist", "--confirm-timeout", "4s", file.toString());
    assertThat(apply.exitCode()).as(describe(apply)).isZero();
    assertThat(apply.stderr())
        .contains("NOT CONFIRMED")
        .contains("persist pending: `converge confirm` saves " + file)
        .doesNotContain("persisted:");
    assertThat(ns.run("cat", "/proc/sys/net/ipv4/ip_forward")).isEqualTo("1\n");
    // The file waits with the reverter, not in the boot folder.
    assertThat(Path.of("/run/netconverge/revert-" + id, "persist.yaml")).hasContent(STATE.strip());
    assertThat(bootDir()).doesNotExist();

    String after = ns.dump();
    while (!after.equals(before) && (System.nanoTime() - start) / 1e9 < 4 + 5 + 10) {
      Thread.sleep(200);
      after = ns.dump();
    }
    assertThat(after).isEqualTo(before);
    assertThat((System.nanoTime() - start) / 1e9).isLessThan(4 + 5);
    assertThat(Path.of("/run/netconverge/revert-" + id)).doesNotExist();
    assertThat(bootDir()).doesNotExist();

    ExecResult confirm = converge("confirm", file.toString());
    assertThat(confirm.stdout()).as(describe(confirm)).contains("nothing was pending");
    assertThat(bootDir()).doesNotExist();
    assertThat(Files.readString(tmp.resolve("systemctl.log")))
        .isEqualTo("list-unit-files --no-legend --no-pager netconverge.service\n");
  }

  @Test
  void theConfirmSavesTheAppliedFileAndEnablesTheUnit() throws Exception {
    Path file = file();
    ExecResult apply = converge("apply", "--persist", "--confirm-timeout", "60s", file.toString());
    assertThat(apply.exitCode()).as(describe(apply)).isZero();
    assertThat(bootDir()).doesNotExist();
    // The file changes after the apply: the confirm saves what was applied.
    Files.writeString(file, STATE.replace("ip_forward: 1", "ip_forward: 0"));

    ExecResult confirm = converge("confirm", file.toString());
    assertThat(confirm.exitCode()).as(describe(confirm)).isZero();
    Path saved = bootDir().resolve("host.yaml");
    assertThat(confirm.stdout())
        .contains(": confirmed, the applied state stays")
        .contains(": persisted: saved as " + saved + " and netconverge.service enabled");
    assertThat(saved).hasContent(STATE.strip());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(saved)))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(bootDir())))
        .isEqualTo("rwx------");
    assertThat(Files.readString(tmp.resolve("systemctl.log")))
        .isEqualTo(
            "list-unit-files --no-legend --no-pager netconverge.service\n"
                + "enable netconverge.service\n");
    assertThat(Path.of("/run/netconverge/revert-" + id)).doesNotExist();
  }

  @Test
  void confirmWhenHealthySavesTheFileAtItsOwnConfirm() throws Exception {
    Path file = file();
    ExecResult apply =
        converge(
            "apply",
            "--persist",
            "--confirm-timeout",
            "20s",
            "--confirm-when-healthy",
            file.toString());
    assertThat(apply.exitCode()).as(describe(apply)).isZero();
    Path saved = bootDir().resolve("host.yaml");
    assertThat(apply.stderr())
        .contains("confirmed: a new connection works")
        .contains("persisted: " + file + " saved as " + saved);
    assertThat(saved).hasContent(STATE.strip());

    // Nothing to change the second time: nothing is armed, and the file is saved at once.
    Files.delete(saved);
    ExecResult again = converge("apply", "--persist", "--confirm-timeout", "20s", file.toString());
    assertThat(again.exitCode()).as(describe(again)).isZero();
    assertThat(again.stderr()).doesNotContain("NOT CONFIRMED");
    assertThat(saved).hasContent(STATE.strip());
  }
}
