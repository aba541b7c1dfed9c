package io.netconverge.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netconverge.core.exec.Command;
import io.netconverge.core.exec.ExecResult;
import io.netconverge.core.exec.Executor;
import io.netconverge.core.exec.LocalExecutor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Trust on a host that carries the way in: a signal during apply restores the snapshot, and the
 * reverter that `apply --confirm-timeout` leaves on the target restores it unless confirmed, also
 * when the apply cut the ssh path or the controller died.
 */
@ExtendWith(NetnsExtension.class)
class TrustIT {

  @TempDir Path dir;

  private static final String STATE =
      "apiVersion: netconverge/v1\n"
          + "kind: HostState\n"
          + "sysctl:\n"
          + "  net.ipv4.ip_forward: 1\n"
          + "  net.ipv4.conf.all.rp_filter: 2\n"
          + "ipRules:\n"
          + "  - { priority: 1010, fwmark: \"0xa/0xff\", table: 110 }\n"
          + "  - { priority: 1020, fwmark: \"0x14/0xff\", table: 120 }\n"
          + "nftables:\n"
          + "  - table: inet trsig\n"
          + "    definition: |\n"
          + "      chain prerouting { type filter hook prerouting priority mangle; ct mark set 7; }\n"
          + "iptables:\n"
          + "  - family: ipv4\n"
          + "    table: mangle\n"
          + "    chain: NC-TRSIG\n"
          + "    jumpFrom: PREROUTING\n"
          + "    rules:\n"
          + "      - \"-j CONNMARK --restore-mark\"\n";

  /** The converge command in its own JVM, so that it can be signalled and killed. */
  private static Process converge(Path log, List<String> props, String... args) throws Exception {
    List<String> argv = new ArrayList<>();
    argv.add(ProcessHandle.current().info().command().orElse("java"));
    argv.addAll(props);
    argv.addAll(List.of("-cp", System.getProperty("java.class.path")));
    argv.add("io.netconverge.cli.ConvergeCommand");
    argv.addAll(List.of(args));
    return new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  @Test
  void aConfirmedApplysTimerIsGoneAndCannotRevertALaterApply(TestNamespace ns) throws Exception {
    ns.resetSysctlBaseline();
    Path a = dir.resolve("a.yaml");
    Path b = dir.resolve("b.yaml");
    Files.writeString(a, STATE);
    Files.writeString(b, STATE.replace("rp_filter: 2", "rp_filter: 1"));
    assertThat(Files.readString(b)).isNotEqualTo(STATE);
    Cli first = Cli.run("apply", "--netns", ns.name(), "--confirm-timeout", "3s", a.toString());
    assertThat(first.out()).as(first.toString()).contains("NOT CONFIRMED");
    Cli confirm = Cli.run("confirm", "--netns", ns.name(), a.toString());
    assertThat(confirm.out()).as(confirm.toString()).contains("confirmed, the applied state stays");
    // A later apply, armed anew: the first timer (had it survived the confirm) would fire at 3 s
    // and put back this apply's snapshot.
    Cli second = Cli.run("apply", "--netns", ns.name(), "--confirm-timeout", "60s", b.toString());
    assertThat(second.out()).as(second.toString()).contains("NOT CONFIRMED");
    Thread.sleep(4500);
    assertThat(ns.run("cat", "/proc/sys/net/ipv4/conf/all/rp_filter"))
        .as("the later apply stands until its own timeout")
        .isEqualTo("1\n");
    Cli last = Cli.run("confirm", "--netns", ns.name(), b.toString());
    assertThat(last.out()).as(last.toString()).contains("confirmed, the applied state stays");
  }

  @Test
  void aPlainApplyWhileAnEarlierOneAwaitsItsConfirmIsRefusedAndChangesNothing(TestNamespace ns)
      throws Exception {
    ns.resetSysctlBaseline();
    Path a = dir.resolve("a.yaml");
    Path b = dir.resolve("b.yaml");
    Files.writeString(a, STATE);
    Files.writeString(b, STATE.replace("rp_filter: 2", "rp_filter: 1"));
    Cli first = Cli.run("apply", "--netns", ns.name(), "--confirm-timeout", "60s", a.toString());
    assertThat(first.out()).as(first.toString()).contains("NOT CONFIRMED");
    String before = ns.dump();
    // Its reverter would put back the state before `a` over part of this apply later.
    Cli plain = Cli.run("apply", "--netns", ns.name(), b.toString());
    assertThat(plain.exitCode()).as(plain.toString()).isEqualTo(1);
    assertThat(plain.out() + plain.err())
        .contains("nothing was changed: an earlier apply is not confirmed yet");
    assertThat(ns.dump()).isEqualTo(before);
    Cli confirm = Cli.run("confirm", "--netns", ns.name(), a.toString());
    assertThat(confirm.out()).as(confirm.toString()).contains("confirmed");
    Cli now = Cli.run("apply", "--netns", ns.name(), b.toString());
    assertThat(now.exitCode()).as(now.toString()).isZero();
  }

  @Test
  void sigtermDuringASandboxRunCancelsItRemovesTheNamespaceAndExitsOne() throws Exception {
    Path file = dir.resolve("sandbox.yaml");
    Files.writeString(file, STATE);
    Path pause = dir.resolve("paused-sandbox");
    Path log = dir.resolve("sandbox.log");
    // Paused at its third cancel check, inside the run, with the namespace made.
    Process p =
        converge(
            log,
            List.of("-Dnetconverge.test.pauseAt=3", "-Dnetconverge.test.pauseFile=" + pause),
            "apply",
            "--sandbox",
            file.toString());
    while (!Files.exists(pause) && p.isAlive()) {
      Thread.sleep(20);
    }
    assertThat(Files.exists(pause)).as(Files.readString(log)).isTrue();
    p.destroy(); // SIGTERM
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String output = Files.readString(log);
    assertThat(p.exitValue()).as(output).isEqualTo(1);
    assertThat(output).contains("CANCELLED: cancelled before").contains("sandbox: removed");
    java.util.regex.Matcher made =
        java.util.regex.Pattern.compile("sandbox: network namespace (\\S+)").matcher(output);
    assertThat(made.find()).as(output).isTrue();
    assertThat(new LocalExecutor().check("ip", "netns", "list").stdout())
        .doesNotContain(made.group(1));
    assertThat(output).doesNotContain("warning: could not remove");
  }

  @Test
  void sigtermAtEachCommandBoundaryRestoresTheDumpAndExitsOneSayingCancelled(TestNamespace ns)
      throws Exception {
    Path file = dir.resolve("state.yaml");
    Files.writeString(file, STATE);
    ns.resetSysctlBaseline();
    // A foreign chain: the mangle table exists before, as on any router that marks.
    ns.run("iptables", "-t", "mangle", "-N", "TR-FOREIGN");
    ns.run("iptables", "-t", "mangle", "-A", "PREROUTING", "-j", "TR-FOREIGN");
    String before = ns.dump();
    int boundary = 1;
    int interrupted = 0;
    while (true) {
      Path pause = dir.resolve("paused-" + boundary);
      Path log = dir.resolve("run-" + boundary + ".log");
      Process p =
          converge(
              log,
              List.of(
                  "-Dnetconverge.test.pauseAt=" + boundary,
                  "-Dnetconverge.test.pauseFile=" + pause),
              "apply",
              "--netns",
              ns.name(),
              file.toString());
      while (!Files.exists(pause) && p.isAlive()) {
        Thread.sleep(20);
      }
      if (!Files.exists(pause)) {
        // Past the last boundary: the apply ran to its end.
        assertThat(p.waitFor()).as(Files.readString(log)).isZero();
        break;
      }
      p.destroy(); // SIGTERM
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      String output = Files.readString(log);
      assertThat(p.exitValue()).as("boundary %d: %s", boundary, output).isEqualTo(1);
      assertThat(output)
          .as("boundary %d", boundary)
          .contains("CANCELLED: cancelled before ")
          .doesNotContain("could NOT be fully restored");
      assertThat(ns.dump()).as("boundary %d: %s", boundary, output).isEqualTo(before);
      interrupted++;
      boundary++;
    }
    // lock, each read, arm, per module and per command, verify: every one was a boundary tried.
    assertThat(interrupted).isGreaterThanOrEqualTo(8);
  }

  private Path inventory(SshLab lab, String hostState) throws Exception {
    StringBuilder sb = new StringBuilder(lab.inventoryHead() + "    hostState:\n");
    hostState.lines().forEach(l -> sb.append("      ").append(l).append('\n'));
    sb.append("    hosts:\n");
    for (SshLab.Host h : lab.hosts()) {
      sb.append("      - { name: ").append(h.alias()).append(" }\n");
    }
    Path file = dir.resolve("fleet.yaml");
    Files.writeString(file, sb.toString());
    return file;
  }

  /** The controller's side of a lab host's /30: the address its ssh connections come from. */
  private static String controller(SshLab.Host h) {
    String[] o = h.address().split("\\.");
    return o[0] + "." + o[1] + "." + o[2] + "." + (Integer.parseInt(o[3]) - 1);
  }

  private static final String SYSCTLS =
      "sysctl:\n  net.ipv4.ip_forward: 1\n  net.ipv4.conf.all.rp_filter: 2\n";

  @Test
  void aStateThatDropsTheSshPathIsRevertedInTimeWithoutAConfirm() throws Exception {
    try (SshLab lab = SshLab.start(dir, 1, 0)) {
      SshLab.Host h = lab.hosts().get(0);
      TestNamespace host = new TestNamespace(h.namespace());
      String cut =
          SYSCTLS
              + "nftables:\n"
              + "  - table: inet trcut\n"
              + "    definition: |\n"
              + "      chain input { type filter hook input priority 0; ip saddr "
              + controller(h)
              + " drop; }\n";
      Path file = inventory(lab, cut);
      String before = host.dump();
      Path log = dir.resolve("cut.log");
      Process p = converge(log, List.of(), "apply", "--confirm-timeout", "6s", file.toString());
      try {
        // The cut is in place (the controller cannot reach the host any more) ...
        waitUntil(() -> h.run("nft", "list", "tables").contains("trcut"), 60);
        // The reverter was armed before this change, so its timeout runs from earlier still.
        long start = System.nanoTime();
        assertThat(sshWorks(lab, h)).isFalse();
        // ... and gone again within the timeout and 5 s, with nobody confirming.
        waitUntil(() -> !h.run("nft", "list", "tables").contains("trcut"), 60);
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(seconds).as(Files.readString(log)).isLessThan(6 + 5);
      } finally {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      assertThat(host.dump()).isEqualTo(before);
      assertThat(sshWorks(lab, h)).isTrue();
      Cli confirm = Cli.run("confirm", file.toString());
      assertThat(confirm.out()).as(confirm.toString()).contains("h0: nothing was pending");
      assertThat(confirm.out()).contains("exit 0");
      assertThat(h.run("stat", "-c", "%a", "/run/netconverge/revert-" + id(h) + ".log"))
          .isEqualTo("600\n");
      h.run("rm", "-f", "/run/netconverge/revert-" + id(h) + ".log");
    }
  }

  @Test
  void aConfirmedApplyStaysAndASecondConfirmSaysNothingWasPending() throws Exception {
    try (SshLab lab = SshLab.start(dir, 1, 0)) {
      SshLab.Host h = lab.hosts().get(0);
      Path file = inventory(lab, SYSCTLS);
      Cli apply = Cli.run("apply", "--confirm-timeout", "4s", file.toString());
      assertThat(apply.exitCode()).as(apply.toString()).isZero();
      assertThat(apply.err()).contains("NOT CONFIRMED");
      assertThat(h.run("cat", "/proc/sys/net/ipv4/ip_forward")).isEqualTo("1\n");
      assertThat(pendingFolders(h)).hasSize(1);

      Cli confirm = Cli.run("confirm", file.toString());
      assertThat(confirm.exitCode()).as(confirm.toString()).isZero();
      assertThat(confirm.out()).contains("h0: confirmed");
      Thread.sleep(6000);
      assertThat(h.run("cat", "/proc/sys/net/ipv4/ip_forward")).isEqualTo("1\n");
      assertThat(h.run("cat", "/proc/sys/net/ipv4/conf/all/rp_filter")).isEqualTo("2\n");
      assertThat(pendingFolders(h)).isEmpty();

      Cli again = Cli.run("confirm", file.toString());
      assertThat(again.exitCode()).as(again.toString()).isZero();
      assertThat(again.out()).contains("h0: nothing was pending");
    }
  }

  @Test
  void confirmWhenHealthyConfirmsThroughANewConnection() throws Exception {
    try (SshLab lab = SshLab.start(dir, 1, 0)) {
      SshLab.Host h = lab.hosts().get(0);
      Path file = inventory(lab, SYSCTLS);
      long connections = h.connections();
      Cli apply =
          Cli.run("apply", "--confirm-timeout", "3s", "--confirm-when-healthy", file.toString());
      assertThat(apply.exitCode()).as(apply.toString()).isZero();
      assertThat(apply.err()).contains("confirmed: a new connection works");
      // The master connection and the health check's own.
      assertThat(h.connections()).isEqualTo(connections + 2);
      Thread.sleep(5000);
      assertThat(h.run("cat", "/proc/sys/net/ipv4/ip_forward")).isEqualTo("1\n");
      assertThat(pendingFolders(h)).isEmpty();
    }
  }

  @Test
  void killingTheControllerInTheMiddleOfTheApplyStillReverts() throws Exception {
    try (SshLab lab = SshLab.start(dir, 1, 0)) {
      SshLab.Host h = lab.hosts().get(0);
      TestNamespace host = new TestNamespace(h.namespace());
      Path file = inventory(lab, STATE.substring(STATE.indexOf("sysctl:")));
      // As on a router that marks: mangle PREROUTING exists. (Where it does not, iptables-nft's
      // restore leaves an empty PREROUTING base chain behind, seen by nft, not iptables-save.)
      host.run("iptables", "-t", "mangle", "-N", "TR-FOREIGN");
      host.run("iptables", "-t", "mangle", "-A", "PREROUTING", "-j", "TR-FOREIGN");
      String before = host.dump();
      Path pause = dir.resolve("paused");
      Path log = dir.resolve("kill.log");
      // The cancel checks of a fleet run: 1 before the batch, 2 before the lock, 3 before the
      // modules' reads (they run at once), 4 before arming, 5 before the first module (sysctl, one
      // command): check 6 comes after its write.
      Process p =
          converge(
              log,
              List.of("-Dnetconverge.test.pauseAt=6", "-Dnetconverge.test.pauseFile=" + pause),
              "apply",
              "--confirm-timeout",
              "5s",
              file.toString());
      waitUntil(() -> Files.exists(pause) || !p.isAlive(), 60);
      // The reverter was armed before the pause.
      long start = System.nanoTime();
      assertThat(Files.exists(pause)).as(Files.readString(log)).isTrue();
      assertThat(h.run("cat", "/proc/sys/net/ipv4/ip_forward"))
          .as(Files.readString(log))
          .isEqualTo("1\n");
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      // The controller's master connection goes with it.
      lab.endMaster(h);
      // The pending folder goes when the reverter claims it, its .running copy when it is done.
      waitUntil(() -> pendingFolders(h).isEmpty() && !running(h), 60);
      assertThat((System.nanoTime() - start) / 1e9).isLessThan(5 + 5);
      assertThat(host.dump()).as(revertLog(h)).isEqualTo(before);
      h.run("rm", "-f", "/run/netconverge/revert-" + id(h) + ".log");
    }
  }

  @Test
  void aConnectionLostInTheMiddleOfTheApplyExitsFourAndTheTargetRestoresItself() throws Exception {
    try (SshLab lab = SshLab.start(dir, 1, 0)) {
      SshLab.Host h = lab.hosts().get(0);
      TestNamespace host = new TestNamespace(h.namespace());
      Path file =
          inventory(
              lab,
              SYSCTLS
                  + "nftables:\n"
                  + "  - table: inet trlost\n"
                  + "    definition: |\n"
                  + "      chain c { type filter hook input priority 0; }\n");
      String before = stableDump(host);
      Path pause = dir.resolve("paused");
      Path resume = dir.resolve("resume");
      Path log = dir.resolve("lost.log");
      // The cancel checks of a fleet run: 1 before the batch, 2 before the lock, 3 before the reads
      // of sysctl and nftables (at once), 4 before arming, 5 before sysctl: check 6 comes after
      // the sysctl write, before the nftables one.
      Process p =
          converge(
              log,
              List.of(
                  "-Dnetconverge.test.pauseAt=6",
                  "-Dnetconverge.test.pauseFile=" + pause,
                  "-Dnetconverge.test.resumeFile=" + resume),
              "apply",
              "--confirm-timeout",
              "8s",
              file.toString());
      String cut = "trust_cut_" + Long.toHexString(System.nanoTime() & 0xffffff);
      try {
        waitUntil(() -> Files.exists(pause) || !p.isAlive(), 60);
        long start = System.nanoTime();
        assertThat(Files.exists(pause)).as(Files.readString(log)).isTrue();
        // Half-applied: the sysctls are written, the nft table is not there yet.
        assertThat(h.run("cat", "/proc/sys/net/ipv4/ip_forward"))
            .as(Files.readString(log))
            .isEqualTo("1\n");
        assertThat(h.run("nft", "list", "tables")).doesNotContain("trlost");
        assertThat(pendingFolders(h)).hasSize(1);
        // The path is cut: the controller's master connection ends, new ones are refused.
        new LocalExecutor()
            .check(
                new Command(
                    List.of("nft", "-f", "-"),
                    "table inet "
                        + cut
                        + " {\n  chain out {\n    type filter hook output priority 0;\n"
                        + "    ip daddr "
                        + h.address()
                        + " tcp dport 22 reject with tcp reset\n  }\n}\n",
                    null));
        lab.endMaster(h);
        assertThat(sshWorks(lab, h)).isFalse();
        Files.writeString(resume, "go");

        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(Files.readString(log)).isTrue();
        String output = Files.readString(log);
        assertThat(p.exitValue()).as(output).isEqualTo(4);
        assertThat(output)
            .contains("could not verify the restore from here")
            .contains("the reverter on the target restores the state read before apply at about")
            .contains("NOT verified from here");
        // Nobody confirms and the controller cannot reach the host: the target restores itself,
        // and the whole dump is the one before within the timeout and 5 s of the cut.
        long deadline = start + (8 + 5) * 1_000_000_000L;
        String after = host.dump();
        while (!after.equals(before) && System.nanoTime() < deadline) {
          Thread.sleep(200);
          after = host.dump();
        }
        assertThat(after).as(revertLog(h)).isEqualTo(before);
        assertThat(System.nanoTime()).isLessThan(deadline);
        waitUntil(() -> pendingFolders(h).isEmpty() && !running(h), 10);
        assertThat(revertLog(h)).contains("reverted at");
      } finally {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        new LocalExecutor().run(Command.of("nft", "delete", "table", "inet", cut));
      }
      assertThat(sshWorks(lab, h)).isTrue();
      h.run("rm", "-f", "/run/netconverge/revert-" + id(h) + ".log");
    }
  }

  @Test
  void aRestoreThatCannotCompleteExitsFour(TestNamespace ns) throws Exception {
    // The interface whose sysctl the apply wrote is gone by the time the restore runs (deleted
    // at the pause, as a hotplug or another tool might): its value cannot be put back.
    ns.addVethPair("eg0", "eg1");
    ns.run("sysctl", "-q", "-w", "net.ipv4.conf.eg0.rp_filter=0");
    Path file = dir.resolve("gone-interface.yaml");
    Files.writeString(
        file,
        "apiVersion: netconverge/v1\nkind: HostState\n"
            + "sysctl:\n  net.ipv4.conf.eg0.rp_filter: 2\n");
    Path pause = dir.resolve("paused-gone-interface");
    Path log = dir.resolve("gone-interface.log");
    // The cancel checks: 1 before the lock, 2 before reading sysctl, 3 before changing anything,
    // 4 before sysctl: check 5 comes after its write, before the verification.
    Process p =
        converge(
            log,
            List.of("-Dnetconverge.test.pauseAt=5", "-Dnetconverge.test.pauseFile=" + pause),
            "apply",
            "--netns",
            ns.name(),
            file.toString());
    waitUntil(() -> Files.exists(pause) || !p.isAlive(), 60);
    assertThat(Files.exists(pause)).as(Files.readString(log)).isTrue();
    assertThat(ns.run("cat", "/proc/sys/net/ipv4/conf/eg0/rp_filter")).isEqualTo("2\n");
    ns.run("ip", "link", "del", "eg0");
    p.destroy(); // SIGTERM
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String output = Files.readString(log);
    assertThat(p.exitValue()).as(output).isEqualTo(4);
    assertThat(output)
        .contains("CANCELLED: cancelled before verifying; restore incomplete: sysctl")
        .contains("the state could NOT be fully restored");
  }

  @Test
  void aPendingReverterWhoseTimerWasKilledIsNamedAsSuchAndConfirmDropsIt(TestNamespace ns)
      throws Exception {
    Executor in = ns.executor();
    io.netconverge.trust.Reverter reverter =
        new io.netconverge.trust.Reverter(java.time.Duration.ofSeconds(60));
    reverter.arm(in, List.of(Command.of("sysctl", "-q", "-w", "net.ipv4.ip_forward=0")));
    String id = in.check("readlink", "/proc/self/ns/net").stdout().replaceAll("\\D", "");
    String folder = "/run/netconverge/revert-" + id;
    try {
      // Armed and alive: a second arm is told to confirm or wait.
      assertThatThrownBy(() -> reverter.arm(in, List.of()))
          .hasMessageContaining("an earlier apply is not confirmed yet");
      // Its timer dies (as when the processes of a namespace are killed) ...
      String pid = in.check("cat", folder + "/pid").stdout().strip();
      in.check("kill", "-KILL", "--", "-" + pid);
      waitUntil(() -> in.run(Command.of("kill", "-0", pid)).exitCode() != 0, 10);
      // ... and the next arm says that nothing will restore that snapshot.
      assertThatThrownBy(() -> reverter.arm(in, List.of()))
          .hasMessageContaining("lost its timer")
          .hasMessageContaining("run converge confirm to drop it");
      assertThat(io.netconverge.trust.Reverter.confirm(in).confirmation())
          .isEqualTo(io.netconverge.trust.Reverter.Confirmation.CONFIRMED);
      assertThat(in.check("sh", "-c", "ls -d " + folder + "* 2>/dev/null; true").stdout())
          .isEmpty();
    } finally {
      in.run(Command.of("rm", "-rf", folder, folder + ".new", folder + ".log"));
    }
  }

  /** A dump taken twice the same: ip's view of a veth peer in another namespace may flicker. */
  private static String stableDump(TestNamespace ns) {
    String last = ns.dump();
    for (int i = 0; i < 5; i++) {
      String again = ns.dump();
      if (again.equals(last)) {
        return again;
      }
      last = again;
    }
    throw new AssertionError("the namespace's dump does not settle: " + last);
  }

  private static List<String> pendingFolders(SshLab.Host h) {
    String id = h.run("readlink", "/proc/self/ns/net").replaceAll("\\D", "");
    String list = h.run("sh", "-c", "ls -d /run/netconverge/revert-" + id + " 2>/dev/null; true");
    return list.lines().filter(l -> !l.isBlank()).toList();
  }

  private static String id(SshLab.Host h) {
    return h.run("readlink", "/proc/self/ns/net").replaceAll("\\D", "");
  }

  private static boolean running(SshLab.Host h) {
    return h.run(
            "sh", "-c", "[ -d /run/netconverge/revert-" + id(h) + ".running ] && echo yes; true")
        .contains("yes");
  }

  private static String revertLog(SshLab.Host h) {
    return h.run("sh", "-c", "cat /run/netconverge/revert-" + id(h) + ".log 2>&1; true");
  }

  private static boolean sshWorks(SshLab lab, SshLab.Host h) throws Exception {
    ExecResult r =
        new LocalExecutor()
            .run(
                Command.of(
                        "ssh",
                        "-F",
                        lab.config().toString(),
                        "-o",
                        "ControlPath=none",
                        "-o",
                        "ConnectTimeout=2",
                        "-o",
                        "BatchMode=yes",
                        h.alias(),
                        "true")
                    .withTimeout(java.time.Duration.ofSeconds(10)));
    return r.exitCode() == 0;
  }

  interface Condition {
    boolean holds() throws Exception;
  }

  private static void waitUntil(Condition c, int seconds) throws Exception {
    long until = System.nanoTime() + seconds * 1_000_000_000L;
    while (!c.holds()) {
      if (System.nanoTime() > until) {
        throw new AssertionError("not within " + seconds + " s");
      }
      Thread.sleep(100);
    }
  }

  @Test
  void aSerialRolloutStopsAfterAFailedBatchAndReportsTheRestAsNotRun(TestNamespace a)
      throws Exception {
    String b = "tr-serial-" + Long.toHexString(System.nanoTime() & 0xffffff);
    TestNamespace.hostRun("ip", "netns", "add", b);
    try {
      TestNamespace nsB = new TestNamespace(b);
      nsB.resetSysctlBaseline();
      Path file = dir.resolve("serial.yaml");
      Files.writeString(
          file,
          "apiVersion: netconverge/v1\nkind: Inventory\ngroups:\n  - name: all\n"
              + "    hostState: { sysctl: { net.ipv4.ip_forward: 1 } }\n"
              + "    hosts:\n"
              + "      - { name: gone, netns: tr-no-such-namespace }\n"
              + "      - { name: a, netns: "
              + a.name()
              + " }\n"
              + "      - { name: b, netns: "
              + b
              + " }\n");
      Cli stopped = Cli.run("apply", "--serial", "1", file.toString());
      assertThat(stopped.exitCode()).as(stopped.toString()).isEqualTo(1);
      assertThat(stopped.out())
          .contains("gone : ok=0 changed=0 failed=1")
          // Said as a plan says it: the namespace is not there, not a problem of the lock.
          .contains("network namespace tr-no-such-namespace does not exist")
          .doesNotContain("converge lock")
          .contains("a : ok=0 changed=0 failed=0 not run")
          .contains("b : ok=0 changed=0 failed=0 not run");
      assertThat(a.run("cat", "/proc/sys/net/ipv4/ip_forward")).isEqualTo("0\n");
      assertThat(nsB.run("cat", "/proc/sys/net/ipv4/ip_forward")).isEqualTo("0\n");

      Cli tolerated =
          Cli.run(
              "apply",
              "--serial",
              "1",
              "--max-fail-percent",
              "100",
              "--confirm-timeout",
              "3s",
              file.toString());
      assertThat(tolerated.exitCode()).as(tolerated.toString()).isEqualTo(1);
      assertThat(tolerated.out())
          .contains("a : ok=0 changed=1 failed=0")
          .contains("b : ok=0 changed=1 failed=0");
      // Each batch was confirmed before the next: the applied state outlives the timeout.
      assertThat(tolerated.err().indexOf("[a] confirmed"))
          .isPositive()
          .isLessThan(tolerated.err().indexOf("[b] locking"));
      Thread.sleep(5000);
      assertThat(a.run("cat", "/proc/sys/net/ipv4/ip_forward")).isEqualTo("1\n");
      assertThat(nsB.run("cat", "/proc/sys/net/ipv4/ip_forward")).isEqualTo("1\n");
    } finally {
      TestNamespace.hostRun("ip", "netns", "del", b);
    }
  }
}
