package io.netconverge.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netconverge.cli.ConvergeCommand;
import io.netconverge.core.exec.Command;
import io.netconverge.core.exec.ExecException;
import io.netconverge.core.exec.ExecResult;
import io.netconverge.core.exec.LocalExecutor;
import io.netconverge.core.exec.NetnsExecutor;
import io.netconverge.it.DualIspNetwork.Attempt;
import io.netconverge.it.DualIspNetwork.Counters;
import io.netconverge.it.DualIspNetwork.Family;
import io.netconverge.it.DualIspNetwork.Isp;
import io.netconverge.it.DualIspNetwork.Service;
import io.netconverge.wan.WatchState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Living WANs with real traffic, on the world of {@link DualIspNetwork} (ISP1 on the router's wan1,
 * ISP2 on wan2; each ISP drops packets whose source is not its customer's): degraded apply,
 * failover by health tracking, {@code converge watch} completing a WAN that comes up, and a
 * DHCP-style gateway change. {@code watch} runs as its own process and is stopped with SIGTERM.
 * Every wait is on a condition with a deadline.
 */
@ExtendWith(NetnsExtension.class)
class LivingWanIT {

  /** A TCP service at the client, for connections the router starts (outbound). */
  private static final int CLIENT_PORT = 7003;

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private final List<Process> processes = new ArrayList<>();
  private String runDirBefore;

  @BeforeEach
  void stateFilesInTheTestsFolder() {
    runDirBefore = System.getProperty(WatchState.DIR_PROPERTY);
    System.setProperty(WatchState.DIR_PROPERTY, dir.resolve("run").toString());
  }

  @AfterEach
  void stopProcesses() throws InterruptedException {
    for (Process p : processes) {
      p.descendants().forEach(ProcessHandle::destroy);
      p.destroy();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
    if (runDirBefore == null) {
      System.clearProperty(WatchState.DIR_PROPERTY);
    } else {
      System.setProperty(WatchState.DIR_PROPERTY, runDirBefore);
    }
  }

  /**
   * Both ISPs with addresses; ISP1's gateway as the file gives it ({@code dhcp} or the address),
   * tracking (1 s, down 2, up 2) by pinging the client, and the profile's outbound default.
   */
  private static String profile(String isp1Gateway, boolean track) {
    return DualIspProfile.of().withDefaultTable().isp1Gateway(isp1Gateway).tracked(track).yaml();
  }

  private Path write(String yaml) throws IOException {
    Path file = dir.resolve("router.yaml");
    Files.writeString(file, yaml);
    return file;
  }

  @Test
  void applyWithAWanDownConvergesTheRestExits3AndWatchCompletesItWhenItComesUp(TestNamespace ns)
      throws Exception {
    Path file = write(profile(Isp.ISP1.gateway(Family.IPV4), false));
    try (DualIspNetwork net = DualIspNetwork.build(ns)) {
      ns.run("ip", "link", "set", Isp.ISP2.wan(), "down");

      Cli apply = Cli.run("apply", "--netns", ns.name(), file.toString());
      assertThat(apply.exitCode()).as(apply.toString()).isEqualTo(3);
      assertThat(apply.out())
          .contains("pending isp2: route table isp2 (120): interface wan2 is down");
      // Everything else converged: the marking table, ISP1's table, the rules.
      assertThat(ns.run("nft", "list", "tables")).contains("table inet dualwan");
      assertThat(ns.run("ip", "route", "show", "table", "110")).contains("default via");
      assertThat(ns.run("ip", "-N", "rule")).contains("lookup 120");
      for (Service service : Service.values()) {
        Attempt a = net.connect(Isp.ISP1, service, Family.IPV4);
        assertThat(a.answered()).as("%s through ISP1: %s", service, a).isTrue();
      }
      Cli json = Cli.run("apply", "--output", "json", "--netns", ns.name(), file.toString());
      assertThat(json.exitCode()).as(json.toString()).isEqualTo(3);
      JsonNode host = JSON.readTree(json.out()).path("hosts").get(0);
      assertThat(host.path("pending").get(0).path("wan").asText()).isEqualTo("isp2");
      assertThat(host.path("pending").get(0).path("reason").asText())
          .isEqualTo("interface wan2 is down");
      assertThat(host.path("changed").asInt()).as("the second run changes nothing").isZero();

      Process watch = watch(ns, file);
      ns.run("ip", "link", "set", Isp.ISP2.wan(), "up");
      awaitTrue(
          Duration.ofSeconds(30),
          () -> ns.attempt("ip", "route", "show", "table", "120").stdout().contains("default via"),
          "watch completes ISP2's table after the link comes up");
      Attempt through2 = awaitAnswer(net, Isp.ISP2, Duration.ofSeconds(10));
      assertThat(through2.answered()).as("ISP2 inbound after watch: %s", through2).isTrue();
      // The watch may still be converging the events of the link coming up: plan takes no lock.
      Cli again = Cli.run("plan", "--netns", ns.name(), file.toString());
      assertThat(again.exitCode()).as(again.toString()).isZero();
      assertThat(again.out()).contains("changed=0 failed=0").doesNotContain("pending");

      watch.destroy(); // SIGTERM
      assertThat(watch.waitFor(20, TimeUnit.SECONDS)).as("watch ends on SIGTERM").isTrue();
      assertThat(watch.exitValue()).as(output(watch)).isZero();
      assertThat(Files.list(dir.resolve("run")).toList()).as("state file removed").isEmpty();
    }
  }

  @Test
  void watchTakesTheEditedFileAndKeepsTheLastValidVersionOfABrokenOne(TestNamespace ns)
      throws Exception {
    String plain = profile(Isp.ISP1.gateway(Family.IPV4), false);
    Path file = write(plain);
    try (DualIspNetwork net = DualIspNetwork.build(ns)) {
      Process watch = watch(ns, file);
      awaitTrue(
          Duration.ofSeconds(30),
          () ->
              ns.attempt("ip", "route", "show", "table", "120")
                  .stdout()
                  .contains("via 203.0.113.1"),
          "the first version converged");
      // The operator edits the file (a new gateway for ISP2) and applies it: the watch must not
      // put the old version back.
      String edited = plain.replace("gateway: 203.0.113.1", "gateway: 203.0.113.254");
      assertThat(edited).isNotEqualTo(plain);
      Files.writeString(file, edited);
      Cli apply = Cli.run("apply", "--netns", ns.name(), file.toString());
      assertThat(apply.exitCode()).as(apply.toString()).isIn(0, 75);
      awaitTrue(
          Duration.ofSeconds(15),
          () -> output(watch).contains("reloaded " + file),
          "watch reloads the saved file");
      // Events on a WAN make the watch converge: it converges the new version.
      ns.run("ip", "link", "set", Isp.ISP2.wan(), "down");
      ns.run("ip", "link", "set", Isp.ISP2.wan(), "up");
      awaitTrue(
          Duration.ofSeconds(20),
          () -> output(watch).contains("converged") && !output(watch).contains("FAILED"),
          "watch converges after the link events");
      Thread.sleep(3000);
      assertThat(ns.run("ip", "route", "show", "table", "120"))
          .contains("via 203.0.113.254")
          .doesNotContain("via 203.0.113.1 ");

      // A broken save is said, and the last valid version stays in force.
      Files.writeString(file, edited + "  frobnicate: 1\n");
      awaitTrue(
          Duration.ofSeconds(15),
          () -> output(watch).contains("keeps converging the last valid version"),
          "watch says the new version is not valid");
      assertThat(output(watch)).contains("frobnicate");
      assertThat(watch.isAlive()).isTrue();
      // status cannot read the broken file, and still shows what the watch keeps converging.
      Cli status = Cli.run("status", "--netns", ns.name(), file.toString());
      assertThat(status.exitCode()).as(status.toString()).isEqualTo(65);
      assertThat(status.err()).contains("frobnicate");
      assertThat(status.out())
          .contains("with the last valid version of " + file)
          .contains("isp2 (wan2): link up, gateway 203.0.113.254, health untracked, in use");
      assertThat(ns.run("ip", "route", "show", "table", "120")).contains("via 203.0.113.254");

      // Killed outright (SIGKILL: no shutdown hook runs), it leaves no ip monitor behind.
      assertThat(monitorsIn(ns)).as("the watch's ip monitor runs in the namespace").isPositive();
      watch.destroyForcibly();
      assertThat(watch.waitFor(20, TimeUnit.SECONDS)).isTrue();
      awaitTrue(Duration.ofSeconds(10), () -> monitorsIn(ns) == 0, "no ip monitor left");
    }
  }

  /** The {@code ip monitor} processes running in the test's namespace. */
  private static long monitorsIn(TestNamespace ns) {
    try {
      Process p = new ProcessBuilder("ip", "netns", "pids", ns.name()).start();
      String pids = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor();
      long n = 0;
      for (String pid : pids.split("\\s+")) {
        if (pid.isBlank()) {
          continue;
        }
        try {
          String cmd = Files.readString(Path.of("/proc", pid, "cmdline")).replace('\0', ' ');
          if (cmd.startsWith("ip monitor ")) {
            n++;
          }
        } catch (IOException gone) {
          // ended meanwhile
        }
      }
      return n;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aWanUpBeforeItsAddressWaitsWhileTheOtherKeepsItsRoutes(TestNamespace ns) throws Exception {
    Path file = write(profile(Isp.ISP1.gateway(Family.IPV4), false));
    try (DualIspNetwork net = DualIspNetwork.build(ns)) {
      Cli first = Cli.run("apply", "--netns", ns.name(), file.toString());
      assertThat(first.exitCode()).as(first.toString()).isZero();
      // wan2 stays up but loses its address, as before ifupdown or networkd set it.
      ns.run("ip", "-4", "addr", "flush", "dev", Isp.ISP2.wan());

      Cli apply = Cli.run("apply", "--netns", ns.name(), file.toString());
      assertThat(apply.exitCode()).as(apply.toString()).isEqualTo(3);
      assertThat(apply.out())
          .contains(
              "pending isp2: route table isp2 (120): gateway 203.0.113.1 is not on the link of"
                  + " wan2 yet");
      assertThat(ns.run("ip", "route", "show", "table", "110")).contains("default via");
      assertThat(ns.run("ip", "route", "show", "table", "100"))
          .contains("dev wan1")
          .doesNotContain("dev wan2");
      Attempt through1 = net.connect(Isp.ISP1, Service.ROUTER, Family.IPV4);
      assertThat(through1.answered()).as("ISP1 inbound: %s", through1).isTrue();

      ns.run("ip", "addr", "add", Isp.ISP2.routerCidr(Family.IPV4), "dev", Isp.ISP2.wan());
      Cli back = Cli.run("apply", "--netns", ns.name(), file.toString());
      assertThat(back.exitCode()).as(back.toString()).isZero();
      assertThat(ns.run("ip", "route", "show", "table", "120")).contains("default via");
      Cli again = Cli.run("plan", "--netns", ns.name(), file.toString());
      assertThat(again.exitCode()).as(again.toString()).isZero();
    }
  }

  @Test
  void aDeadIspLeavesTheOutboundDefaultAndRejoinsWhileProbesUseOnlyTheirOwnWan(TestNamespace ns)
      throws Exception {
    Path hookLog = dir.resolve("hooks.log");
    String hook =
        "[[/bin/sh, -c, 'echo \"$NETCONVERGE_WAN $NETCONVERGE_EVENT%s\" >> " + hookLog + "']]";
    String plain = profile(Isp.ISP1.gateway(Family.IPV4), true);
    int isp1Track = plain.indexOf('\n', plain.indexOf("      track: ")) + 1;
    String withHooks =
        "allowHooks: true\n"
            + plain.substring(0, isp1Track)
            + "      flushConntrack: true\n"
            + "      hooks: { down: "
            + String.format(hook, " $NETCONVERGE_TABLE")
            + ", up: "
            + String.format(hook, "")
            + " }\n"
            + plain.substring(isp1Track);
    Path file = write(withHooks);
    try (DualIspNetwork net = DualIspNetwork.build(ns)) {
      for (Isp isp : Isp.values()) {
        inIsp(ns, isp, probeCounters(isp), "nft", "-f", "-");
      }
      // Spread the router's own connections over both paths by port, so both are seen in use.
      ns.run("sysctl", "-q", "-w", "net.ipv4.fib_multipath_hash_policy=1");
      Process client = clientService(ns);
      Process watch = watch(ns, file);
      awaitTrue(
          Duration.ofSeconds(30),
          () -> healthOf(ns, file, "isp1").equals("up") && healthOf(ns, file, "isp2").equals("up"),
          "both WANs tracked up");
      assertThat(defaultVia(ns)).contains("dev wan1").contains("dev wan2");

      Map<Isp, Long> used = outbound(ns, net, 12);
      assertThat(used.values())
          .as("both up: each ISP carries some new connections")
          .allMatch(n -> n > 0);

      // ISP1 stops forwarding; its link stays up.
      inIsp(
          ns,
          Isp.ISP1,
          "table inet lvdead { chain forward { type filter hook forward priority -10; policy drop; }; }\n",
          "nft",
          "-f",
          "-");
      long dead = System.nanoTime();
      awaitTrue(
          Duration.ofSeconds(10),
          () -> !defaultVia(ns).contains("dev wan1"),
          "ISP1 leaves the outbound default");
      long failoverMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - dead);
      System.err.println("failover took " + failoverMillis + " ms");
      assertThat(failoverMillis).as("within interval x down + 2 s").isLessThanOrEqualTo(4000);
      Map<Isp, Long> after = outbound(ns, net, 8);
      assertThat(after.get(Isp.ISP2)).as("every new connection through ISP2").isEqualTo(8);
      Attempt inbound = net.connect(Isp.ISP2, Service.ROUTER, Family.IPV4);
      assertThat(inbound.answered()).as("inbound through ISP2: %s", inbound).isTrue();
      assertThat(statusText(ns, file)).contains("isp1 (wan1): link up").contains("health down");

      inIsp(ns, Isp.ISP1, "", "nft", "delete", "table", "inet", "lvdead");
      long back = System.nanoTime();
      awaitTrue(
          Duration.ofSeconds(10),
          () -> defaultVia(ns).contains("dev wan1"),
          "ISP1 rejoins the outbound default");
      long rejoinMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - back);
      System.err.println("rejoin took " + rejoinMillis + " ms");
      assertThat(rejoinMillis).as("within interval x up + 2 s").isLessThanOrEqualTo(4000);

      for (Isp isp : Isp.values()) {
        Map<String, Long> c = probeCounts(ns, isp);
        assertThat(c.get("own")).as("%s saw its customer's probes", isp).isPositive();
        assertThat(c.get("other")).as("%s saw the other WAN's probes", isp).isZero();
      }
      JsonNode status = JSON.readTree(statusJson(ns, file));
      assertThat(status.path("watch").path("running").asBoolean()).isTrue();
      assertThat(status.path("transitions").toString())
          .contains("\"to\":\"down\"")
          .contains("\"from\":\"down\"");
      // Hooks run after the full converge that follows each transition.
      awaitTrue(
          Duration.ofSeconds(90),
          () -> {
            try {
              return Files.exists(hookLog) && Files.readAllLines(hookLog).size() >= 2;
            } catch (IOException e) {
              return false;
            }
          },
          "the down and up hooks ran");
      client.destroy();
      watch.destroy();
      assertThat(watch.waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(watch.exitValue()).as(output(watch)).isZero();
      assertThat(output(watch))
          .contains("isp1 up -> down")
          .contains("isp1 down -> up")
          .contains("conntrack flush of isp1");
      assertThat(Files.readAllLines(hookLog))
          .as("hooks ran with the WAN's variables, down then up")
          .containsExactly("isp1 down 110", "isp1 up");
    }
  }

  @Test
  void aDhcpGatewayChangeMovesTheWansDefaultWithinOneEvent(TestNamespace ns) throws Exception {
    Path file = write(profile("dhcp", false));
    try (DualIspNetwork net = DualIspNetwork.build(ns)) {
      // The test plays the DHCP client: the lease's default route, proto dhcp.
      ns.run(
          "ip",
          "route",
          "replace",
          "default",
          "via",
          "198.51.100.1",
          "dev",
          "wan1",
          "proto",
          "dhcp");
      Cli apply = Cli.run("apply", "--netns", ns.name(), file.toString());
      assertThat(apply.exitCode()).as(apply.toString()).isZero();
      assertThat(ns.run("ip", "route", "show", "table", "110"))
          .contains("default via 198.51.100.1 dev wan1")
          .contains("198.51.100.0/24 dev wan1");
      assertThat(ns.run("ip", "-N", "rule")).contains("from 198.51.100.2 lookup 110");

      Process watch = watch(ns, file);
      // A new lease: ISP1 moves its router to .254.
      inIsp(ns, Isp.ISP1, "", "ip", "addr", "add", "198.51.100.254/24", "dev", "cust");
      ns.run(
          "ip",
          "route",
          "replace",
          "default",
          "via",
          "198.51.100.254",
          "dev",
          "wan1",
          "proto",
          "dhcp");
      long changed = System.nanoTime();
      awaitTrue(
          Duration.ofSeconds(10),
          () -> ns.run("ip", "route", "show", "table", "110").contains("via 198.51.100.254"),
          "table 110 follows the lease");
      System.err.println(
          "lease change reached table 110 in "
              + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - changed)
              + " ms");
      assertThat(ns.run("ip", "route", "show", "table", "110")).doesNotContain("198.51.100.1 ");
      assertThat(defaultVia(ns)).contains("198.51.100.254");
      Attempt a = net.connect(Isp.ISP1, Service.ROUTER, Family.IPV4);
      assertThat(a.answered()).as("ISP1 inbound through the new gateway: %s", a).isTrue();
      watch.destroy();
      assertThat(watch.waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(watch.exitValue()).as(output(watch)).isZero();
    }
  }

  @Test
  void statusWithoutAWatchReadsLinkAndGatewayNowAndSaysHealthIsUnknown(TestNamespace ns)
      throws Exception {
    Path file = write(profile("dhcp", true));
    ns.addVethPair("wan2", "lvp2");
    // Its address makes its static gateway reachable on the link.
    ns.run("ip", "addr", "add", "203.0.113.2/24", "dev", "wan2");
    Cli status = Cli.run("status", "--output", "json", "--netns", ns.name(), file.toString());
    assertThat(status.exitCode()).as(status.toString()).isZero();
    JsonNode doc = JSON.readTree(status.out());
    assertThat(doc.path("watch").path("running").asBoolean()).isFalse();
    JsonNode isp1 = doc.path("wans").get(0);
    assertThat(isp1.path("link").asText()).isEqualTo("missing");
    assertThat(isp1.path("health").asText()).isEqualTo("unknown");
    assertThat(isp1.path("pending").get(0).path("reason").asText())
        .isEqualTo("interface wan1 is missing; no gateway from DHCP on wan1 yet");
    assertThat(doc.path("wans").get(1).path("link").asText()).isEqualTo("up");
    Cli text = Cli.run("status", "--netns", ns.name(), file.toString());
    assertThat(text.out())
        .contains("watch: not running")
        .contains("isp1 (wan1): link missing, gateway (none), health unknown")
        .contains("isp2 (wan2): link up, gateway 203.0.113.1, health unknown, in the outbound")
        .contains("isp1 (wan1): link missing, gateway (none), health unknown, not in the outbound");
    // Without defaultTable the profile has no outbound default to be in: a WAN is in use or not.
    Path noDefault = dir.resolve("plain.yaml");
    Files.writeString(noDefault, profile("dhcp", false).replace("  defaultTable: 100\n", ""));
    Cli plain = Cli.run("status", "--netns", ns.name(), noDefault.toString());
    assertThat(plain.out())
        .as(plain.toString())
        .contains("isp2 (wan2): link up, gateway 203.0.113.1, health untracked, in use")
        .contains("isp1 (wan1): link missing, gateway (none), health untracked, not in use")
        .doesNotContain("outbound default");
    // plan says the same word for the same tracked WAN no watch has probed.
    Cli plan = Cli.run("plan", "--output", "json", "--netns", ns.name(), file.toString());
    JsonNode planned = JSON.readTree(plan.out()).path("hosts").get(0).path("wans");
    assertThat(planned.get(0).path("health").asText()).as(plan.toString()).isEqualTo("unknown");
    assertThat(planned.get(1).path("health").asText()).isEqualTo("unknown");
  }

  @Test
  void theWatchUnitPassesSystemdAnalyzeVerify() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        new LocalExecutor().run(Command.of("sh", "-c", "command -v systemd-analyze")).ok(),
        "systemd-analyze is missing (scripts/prerequisites installs systemd)");
    Path root = dir.resolve("root");
    Path units = Files.createDirectories(root.resolve("lib/systemd"));
    new LocalExecutor().check("cp", "-a", "/lib/systemd/system", units.toString());
    Files.createDirectories(root.resolve("usr/bin"));
    Path launcher = root.resolve("usr/bin/converge");
    Files.copy(Cli.root().resolve("bin/converge"), launcher);
    launcher.toFile().setExecutable(true);
    // ExecReload runs kill (procps), found as systemd finds it on a router.
    Path kill =
        Files.exists(Path.of("/usr/bin/kill")) ? Path.of("/usr/bin/kill") : Path.of("/bin/kill");
    Files.copy(kill, root.resolve("usr/bin/kill"));
    Files.copy(
        Cli.root().resolve("dist/systemd/netconverge-watch.service"),
        units.resolve("system/netconverge-watch.service"));
    ExecResult r =
        new LocalExecutor()
            .run(
                Command.of(
                    "systemd-analyze",
                    "verify",
                    "--man=no",
                    "--root=" + root,
                    "netconverge-watch.service"));
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.stdout() + r.stderr()).as("no warning at all").isEmpty();
  }

  // --- helpers

  /** Starts {@code converge watch} as its own process and waits for its first converge. */
  private Process watch(TestNamespace ns, Path file) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path log = dir.resolve("watch-" + processes.size() + ".log");
    Process p =
        new ProcessBuilder(
                java,
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-cp",
                System.getProperty("java.class.path"),
                "-D" + WatchState.DIR_PROPERTY + "=" + dir.resolve("run"),
                "-Dnetconverge.iproute2.dir=" + System.getProperty("netconverge.iproute2.dir"),
                ConvergeCommand.class.getName(),
                "watch",
                "--netns",
                ns.name(),
                file.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    processes.add(p);
    try {
      // The first converge of a loaded machine (2 cores shared by many) can take a minute.
      awaitTrue(
          Duration.ofSeconds(180),
          () -> {
            try {
              return Files.exists(WatchState.file(ns.executor())) || !p.isAlive();
            } catch (ExecException e) {
              return false;
            }
          },
          "watch writes its state after its first converge");
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\n" + output(p), e);
    }
    assertThat(p.isAlive()).as(output(p)).isTrue();
    return p;
  }

  private String output(Process p) {
    try {
      return Files.readString(dir.resolve("watch-" + processes.indexOf(p) + ".log"));
    } catch (IOException e) {
      return "(no output: " + e.getMessage() + ")";
    }
  }

  private static String healthOf(TestNamespace ns, Path file, String wan) {
    try {
      for (JsonNode w : JSON.readTree(statusJson(ns, file)).path("wans")) {
        if (w.path("name").asText().equals(wan)) {
          return w.path("health").asText();
        }
      }
      return "absent";
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static String statusJson(TestNamespace ns, Path file) {
    Cli status = Cli.run("status", "--output", "json", "--netns", ns.name(), file.toString());
    assertThat(status.exitCode()).as(status.toString()).isZero();
    return status.out();
  }

  private static String statusText(TestNamespace ns, Path file) {
    Cli status = Cli.run("status", "--netns", ns.name(), file.toString());
    assertThat(status.exitCode()).as(status.toString()).isZero();
    return status.out();
  }

  /** The outbound default of the profile (table 100). */
  private static String defaultVia(TestNamespace ns) {
    return ns.run("ip", "route", "show", "table", "100");
  }

  /** {@code count} new connections from the router to the client; how many each ISP carried. */
  private static Map<Isp, Long> outbound(TestNamespace ns, DualIspNetwork net, int count) {
    Map<Isp, Long> used = new EnumMap<>(Isp.class);
    for (Isp isp : Isp.values()) {
      used.put(isp, 0L);
    }
    for (int i = 0; i < count; i++) {
      Map<Isp, Counters> before = new EnumMap<>(Isp.class);
      for (Isp isp : Isp.values()) {
        before.put(isp, net.counters(isp));
      }
      ExecResult r =
          ns.attempt(
              "socat",
              "-t",
              "2",
              "-T",
              "2",
              "-",
              "TCP:"
                  + DualIspNetwork.clientAddress(Family.IPV4)
                  + ":"
                  + CLIENT_PORT
                  + ",connect-timeout=2");
      assertThat(r.exitCode() == 0 && r.stdout().strip().equals("client"))
          .as("outbound connection %d: %s %s", i, r.stdout(), r.stderr())
          .isTrue();
      for (Isp isp : Isp.values()) {
        Counters seen = net.counters(isp).minus(before.get(isp));
        assertThat(seen.spoofed()).as("%s dropped spoofed packets", isp).isZero();
        if (seen.fromCustomer() > 0) {
          used.merge(isp, 1L, Long::sum);
        }
      }
    }
    return used;
  }

  /** A TCP service at the client's address, answering "client". */
  private Process clientService(TestNamespace ns) throws Exception {
    String client = ns.name() + "-client";
    Process p =
        new ProcessBuilder(
                "ip",
                "netns",
                "exec",
                client,
                "socat",
                "TCP-LISTEN:" + CLIENT_PORT + ",fork,reuseaddr",
                "SYSTEM:echo client")
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    processes.add(p);
    NetnsExecutor in = new NetnsExecutor(client);
    awaitTrue(
        Duration.ofSeconds(5),
        () -> {
          try {
            return !in.check("ss", "-Hltn", "sport = :" + CLIENT_PORT).stdout().isBlank();
          } catch (ExecException e) {
            return false;
          }
        },
        "the client's service listens");
    return p;
  }

  /** Counts echo requests at an ISP: from its own customer's address, and from any other. */
  private static String probeCounters(Isp isp) {
    String own = isp.routerAddress(Family.IPV4);
    return String.join(
        "\n",
        "table inet lvprobes {",
        "  counter own { }",
        "  counter other { }",
        "  chain forward {",
        "    type filter hook forward priority -20; policy accept;",
        "    iifname \"cust\" icmp type echo-request ip saddr " + own + " counter name own",
        "    iifname \"cust\" icmp type echo-request ip saddr != " + own + " counter name other",
        "  }",
        "}",
        "");
  }

  private static Map<String, Long> probeCounts(TestNamespace ns, Isp isp) throws IOException {
    String json = inIsp(ns, isp, "", "nft", "-j", "list", "counters", "table", "inet", "lvprobes");
    Map<String, Long> counts = new java.util.HashMap<>();
    for (JsonNode item : JSON.readTree(json).path("nftables")) {
      JsonNode c = item.path("counter");
      if (!c.isMissingNode()) {
        counts.put(c.path("name").asText(), c.path("packets").asLong());
      }
    }
    return counts;
  }

  private static String inIsp(TestNamespace ns, Isp isp, String stdin, String... argv) {
    String namespace = ns.name() + "-" + isp.name().toLowerCase(java.util.Locale.ROOT);
    try {
      return new NetnsExecutor(namespace).check(Command.of(argv).withStdin(stdin)).stdout();
    } catch (ExecException e) {
      throw new AssertionError(e.getMessage(), e);
    }
  }

  private static Attempt awaitAnswer(DualIspNetwork net, Isp isp, Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    Attempt a = net.connect(isp, Service.ROUTER, Family.IPV4);
    while (!a.answered() && System.nanoTime() < deadline) {
      a = net.connect(isp, Service.ROUTER, Family.IPV4);
    }
    return a;
  }

  private static void awaitTrue(Duration limit, BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + limit.toMillis() + " ms: " + what);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }
  }
}
