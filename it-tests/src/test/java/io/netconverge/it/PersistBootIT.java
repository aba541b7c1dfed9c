package io.netconverge.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.netconverge.core.exec.Command;
import io.netconverge.core.exec.ExecResult;
import io.netconverge.core.exec.LocalExecutor;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * `apply --persist` and netconverge.service: the state saved on one namespace comes back when the
 * unit's own ExecStart line runs in a fresh one (what the boot does), and the units pass {@code
 * systemd-analyze verify}. The CLI runs as a process inside the namespace (its target is "this
 * machine"); the saved folder and systemctl are the test's own, never the host's.
 */
@ExtendWith(NetnsExtension.class)
class PersistBootIT {

  private static final Path UNITS = Cli.root().resolve("dist/systemd");
  private static final Path JAR = Cli.root().resolve("cli/target/converge.jar");
  private static final String SEED = Cli.example("seed-dualwan-iptables.yaml");

  @TempDir Path tmp;

  /** The seed router's interfaces: wan0 and wan1 with the file's addresses, each with a peer. */
  private static void seedInterfaces(TestNamespace ns) {
    ns.addVethPair("wan0", "wan0p");
    ns.addVethPair("wan1", "wan1p");
    ns.run("ip", "addr", "add", "198.51.100.2/24", "dev", "wan0");
    ns.run("ip", "addr", "add", "203.0.113.2/24", "dev", "wan1");
  }

  private List<String> java() {
    return List.of(
        "java",
        "-Dnetconverge.persist.dir=" + tmp.resolve("etc-netconverge"),
        "-Dnetconverge.persist.systemctl=" + tmp.resolve("systemctl"),
        "-Dnetconverge.iproute2.dir=" + tmp.resolve("no-iproute2"),
        "-jar",
        JAR.toString());
  }

  private static ExecResult inNamespace(String ns, List<String> argv) throws Exception {
    List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", ns));
    all.addAll(argv);
    return new LocalExecutor().run(new Command(all, "", Duration.ofMinutes(3)));
  }

  /** ExecStart of the unit, as argv (the unit uses no quoting), and its SuccessExitStatus. */
  private static List<String> unitLine(String key) throws Exception {
    List<String> lines =
        Files.readAllLines(UNITS.resolve("netconverge.service")).stream()
            .filter(l -> l.startsWith(key + "="))
            .toList();
    assertThat(lines).as(key + " in netconverge.service").hasSize(1);
    return Arrays.asList(lines.get(0).substring(key.length() + 1).strip().split("\\s+"));
  }

  /**
   * The dump without what differs between two namespaces' veths, not in state: `ip link` (index,
   * MAC) and the kernel's local routes of the MAC-derived link-local addresses.
   */
  private static String state(TestNamespace ns) {
    return Stream.of(ns.dump().split("(?m)^(?=== )"))
        .filter(s -> !s.startsWith("== ip link"))
        .collect(Collectors.joining())
        .replaceAll("(?m)^(local|2) fe80::\\S+ dev .*\n", "");
  }

  @Test
  void theUnitsExecStartBringsThePersistedStateBackInAFreshNamespace(TestNamespace ns)
      throws Exception {
    Path systemctl = tmp.resolve("systemctl");
    Files.writeString(
        systemctl,
        "#!/bin/sh\necho \"$@\" >> "
            + tmp.resolve("systemctl.log")
            + "\nif [ \"$1\" = list-unit-files ]; then echo \"netconverge.service disabled enabled\"; fi\n");
    Files.setPosixFilePermissions(systemctl, PosixFilePermissions.fromString("rwx------"));
    seedInterfaces(ns);

    List<String> apply = new ArrayList<>(java());
    apply.addAll(List.of("apply", "--persist", SEED));
    ExecResult persisted = inNamespace(ns.name(), apply);
    assertThat(persisted.exitCode()).as(persisted.stderr()).isZero();

    Path saved = tmp.resolve("etc-netconverge/host.yaml");
    assertThat(saved).hasSameTextualContentAs(Path.of(SEED));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(saved)))
        .isEqualTo("rw-------");
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(saved.getParent(), LinkOption.NOFOLLOW_LINKS)))
        .isEqualTo("rwx------");
    assertThat(Files.readString(tmp.resolve("systemctl.log")))
        .isEqualTo(
            "list-unit-files --no-legend --no-pager netconverge.service\n"
                + "enable netconverge.service\n");
    String before = state(ns);

    List<String> execStart = unitLine("ExecStart");
    assertThat(execStart.get(0)).isEqualTo("/usr/bin/converge");
    assertThat(execStart.subList(1, execStart.size() - 1)).containsExactly("apply");
    assertThat(execStart.get(execStart.size() - 1)).isEqualTo("/etc/netconverge/host.yaml");
    Set<Integer> success =
        unitLine("SuccessExitStatus").stream().map(Integer::valueOf).collect(Collectors.toSet());
    assertThat(success).contains(3);

    byte[] id = new byte[3];
    new SecureRandom().nextBytes(id);
    String boot = "pk-boot-" + HexFormat.of().formatHex(id);
    TestNamespace.hostRun("ip", "netns", "add", boot);
    try {
      TestNamespace fresh = new TestNamespace(boot);
      fresh.run("ip", "link", "set", "lo", "up");
      fresh.resetSysctlBaseline();
      seedInterfaces(fresh);
      assertThat(state(fresh)).isNotEqualTo(before);

      // The unit's argv with its two paths mapped to this build and this test's folder.
      List<String> argv = new ArrayList<>(java());
      for (String arg : execStart.subList(1, execStart.size())) {
        argv.add(arg.replace("/etc/netconverge/", saved.getParent() + "/"));
      }
      ExecResult started = inNamespace(boot, argv);
      assertThat(started.exitCode()).as(started.stderr()).isZero();

      assertThat(state(fresh)).isEqualTo(before);
      List<String> plan = new ArrayList<>(java());
      plan.addAll(List.of("plan", saved.toString()));
      ExecResult again = inNamespace(boot, plan);
      assertThat(again.exitCode()).as(again.stdout() + again.stderr()).isZero();
    } finally {
      TestNamespace.hostRun("ip", "netns", "del", boot);
    }
  }

  @Test
  void theUnitsPassSystemdAnalyzeVerify() throws Exception {
    Assumptions.assumeTrue(
        new LocalExecutor().run(Command.of("sh", "-c", "command -v systemd-analyze")).ok(),
        "systemd-analyze is missing (scripts/prerequisites installs systemd)");
    // A root with the system's units, ours and the launcher the package installs: verify checks
    // that ExecStart's program exists, and the host has no /usr/bin/converge.
    Path root = tmp.resolve("root");
    Path units = Files.createDirectories(root.resolve("lib/systemd"));
    new LocalExecutor().check("cp", "-a", "/lib/systemd/system", units.toString());
    Files.createDirectories(root.resolve("usr/bin"));
    Files.copy(
        Cli.root().resolve("packaging/src/deb/bin/converge"), root.resolve("usr/bin/converge"));
    Files.setPosixFilePermissions(
        root.resolve("usr/bin/converge"), PosixFilePermissions.fromString("rwxr-xr-x"));
    // The watch unit's ExecReload runs kill (procps), found as systemd finds it on a router.
    Path kill =
        Files.exists(Path.of("/usr/bin/kill")) ? Path.of("/usr/bin/kill") : Path.of("/bin/kill");
    Files.copy(kill, root.resolve("usr/bin/kill"));
    List<String> names;
    try (Stream<Path> files = Files.list(UNITS)) {
      names =
          files
              .map(p -> p.getFileName().toString())
              .filter(n -> n.endsWith(".service"))
              .sorted()
              .toList();
    }
    assertThat(names).contains("netconverge.service");
    for (String name : names) {
      Files.copy(UNITS.resolve(name), units.resolve("system").resolve(name));
    }
    List<String> argv =
        new ArrayList<>(List.of("systemd-analyze", "verify", "--man=no", "--root=" + root));
    argv.addAll(names);
    ExecResult r = new LocalExecutor().run(Command.of(argv));
    // verify exits 0 on mere warnings (an unknown key): clean means no word at all.
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.stdout() + r.stderr()).isEmpty();
  }
}
