package io.netconverge.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.model.Capability;
import io.netconverge.Netconverge;
import io.netconverge.core.engine.Change;
import io.netconverge.core.engine.Host;
import io.netconverge.core.engine.HostReport;
import io.netconverge.core.engine.Progress;
import io.netconverge.core.exec.DockerExecutor;
import io.netconverge.hoststate.HostState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The full dualWan profile — both backends, IPv4 and IPv6 — converged through the docker target in
 * a container of each supported Debian release, whose nft, iptables and iproute2 differ: the
 * canonical comparison must hold on each (a second plan has zero changes), and the names written
 * for iproute2 must show in {@code ip rule} on each. One test per release, so that the suite's
 * report says per release whether it ran; each uses one container for all its steps, and the
 * releases run side by side (their time is docker exec latency).
 *
 * <p>The least a container needs (found here): NET_ADMIN (rules, routes, nft, iptables), SYS_ADMIN
 * (Docker's default seccomp profile refuses {@code unshare} without it, and the canonical
 * comparison loads the declaration into a throw-away network namespace), and /proc/sys neither
 * masked nor read-only ({@code --security-opt systempaths=unconfined}) for the profile's sysctls.
 * Not privileged, no NET_RAW, no network.
 */
@Testcontainers(disabledWithoutDocker = true)
@Execution(ExecutionMode.CONCURRENT)
class DebianMatrixIT {

  @TempDir Path dir;

  @Test
  void bullseye() throws Exception {
    convergeDualWanOn("bullseye");
  }

  @Test
  void bookworm() throws Exception {
    convergeDualWanOn("bookworm");
  }

  @Test
  void trixie() throws Exception {
    convergeDualWanOn("trixie");
  }

  @Test
  void aContainerWithOnlyNetAdminIsToldWhatItLacksAndNothingChanges() throws Exception {
    String image = DebianTestImage.ensure("bookworm");
    try (GenericContainer<?> c = DebianTestImage.container(image, true, Capability.NET_ADMIN)) {
      c.start();
      addWans(c);
      Host host = Host.docker("netadmin-only", new DockerExecutor(c.getContainerId()));
      String rulesBefore = DebianTestImage.exec(c, "ip", "rule", "show");
      for (String backend : List.of("nftables", "iptables")) {
        // The profile alone, so that each backend's own check is the one that fails.
        String file = profile(backend).replaceFirst("(?s)\nnftables:\n.*", "\n");
        HostReport report = Netconverge.apply(load(backend + ".yaml", file), host, Progress.NONE);
        assertThat(report.status()).as(backend).isEqualTo(HostReport.Status.FAILED);
        assertThat(report.error())
            .as(backend)
            .contains("cannot make a throw-away network namespace on")
            .contains("unshare failed: Operation not permitted")
            .contains("netconverge needs CAP_SYS_ADMIN there");
      }
      assertThat(DebianTestImage.exec(c, "ip", "rule", "show")).isEqualTo(rulesBefore);
      assertThat(DebianTestImage.exec(c, "nft", "list", "ruleset")).isEmpty();
    }
  }

  @Test
  void aContainerWithAReadOnlyProcSysIsToldWhatItLacksAndNothingChanges() throws Exception {
    String image = DebianTestImage.ensure("bookworm");
    try (GenericContainer<?> c =
        DebianTestImage.container(image, false, Capability.NET_ADMIN, Capability.SYS_ADMIN)) {
      c.start();
      Host host = Host.docker("procsys-read-only", new DockerExecutor(c.getContainerId()));
      String before = DebianTestImage.exec(c, "sysctl", "-n", "net.ipv4.ip_forward");
      HostReport report =
          Netconverge.apply(
              load(
                  "sysctl.yaml",
                  "apiVersion: netconverge/v1\nkind: HostState\n"
                      + "sysctl:\n  net.ipv4.ip_forward: "
                      + (before.strip().equals("1") ? "0" : "1")
                      + "\n"),
              host,
              Progress.NONE);
      assertThat(report.status()).isEqualTo(HostReport.Status.FAILED);
      assertThat(report.error())
          .contains("permission denied on key \"net.ipv4.ip_forward\"")
          .contains("a container needs --security-opt systempaths=unconfined");
      assertThat(DebianTestImage.exec(c, "sysctl", "-n", "net.ipv4.ip_forward")).isEqualTo(before);
    }
  }

  /** Both families on two WANs, plus a table of the user's with a named counter beside it. */
  private static String profile(String backend) {
    StringBuilder sb =
        new StringBuilder(
            "apiVersion: netconverge/v1\nkind: HostState\n"
                + "sysctl:\n  net.ipv4.ip_forward: 1\n  net.ipv6.conf.all.forwarding: 1\n"
                + "dualWan:\n  backend: "
                + backend
                + "\n  markMask: \"0xff00\"\n  families: both\n  wans:\n");
    for (int n = 1; n <= 2; n++) {
      sb.append("    - { name: isp")
          .append(n)
          .append(", interface: wan")
          .append(n)
          .append(", mark: 0x")
          .append(n)
          .append("00, table: ")
          .append(100 + n * 10)
          .append(", gateway: 198.18.")
          .append(n)
          .append(".1, address: 198.18.")
          .append(n)
          .append(".2/24, gateway6: \"2001:db8:")
          .append(n)
          .append("::1\", address6: \"2001:db8:")
          .append(n)
          .append("::2/64\" }\n");
    }
    // nft 0.9.8 prints a named counter's closing brace on its last line.
    sb.append(
        "nftables:\n  - table: inet nc-counted\n    definition: |\n"
            + "      counter lan { }\n"
            + "      chain input {\n"
            + "        type filter hook input priority 0; policy accept;\n"
            + "        iifname \"wan1\" counter name \"lan\"\n"
            + "      }\n");
    return sb.toString();
  }

  private void convergeDualWanOn(String release) throws Exception {
    String image = DebianTestImage.ensure(release);
    try (GenericContainer<?> c =
        DebianTestImage.container(image, true, Capability.NET_ADMIN, Capability.SYS_ADMIN)) {
      c.start();
      String tools =
          DebianTestImage.exec(c, "sh", "-c", "nft --version; iptables --version; ip -V");
      System.out.println("DebianMatrixIT " + release + ": " + tools.replace('\n', ';'));
      addWans(c);
      Host host = Host.docker(release, new DockerExecutor(c.getContainerId()));

      // nftables backend: converge, then nothing left to change.
      HostState nft = load("nftables.yaml", profile("nftables"));
      convergeThenPlanIsEmpty(release + " nftables", nft, host);
      assertThat(DebianTestImage.exec(c, "nft", "list", "table", "inet", "dualwan"))
          .contains("ct state new iifname \"wan2\" ct mark set ct mark & 0xffff02ff | 0x00000200")
          .contains("type route hook output priority mangle");
      assertThat(DebianTestImage.exec(c, "nft", "list", "table", "inet", "nc-counted"))
          .contains("counter name \"lan\"");

      // The names iproute2 shows are netconverge's on every release, /etc/iproute2 or not.
      for (String family : List.of("-4", "-6")) {
        assertThat(DebianTestImage.exec(c, "ip", family, "rule", "show"))
            .as("ip %s rule on %s", family, release)
            .contains("lookup isp1 proto netconverge")
            .contains("lookup isp2 proto netconverge")
            .doesNotContain("proto 77")
            .doesNotContain("lookup 110");
      }
      assertThat(DebianTestImage.exec(c, "ip", "route", "show", "table", "isp2"))
          .contains("default via 198.18.2.1 dev wan2 proto netconverge");

      // iptables backend: the nft marking goes first (switching backends leaves it, by design).
      DebianTestImage.exec(c, "nft", "delete", "table", "inet", "dualwan");
      HostState ipt = load("iptables.yaml", profile("iptables"));
      convergeThenPlanIsEmpty(release + " iptables", ipt, host);
      for (String save : List.of("iptables-save", "ip6tables-save")) {
        assertThat(DebianTestImage.exec(c, save, "-t", "mangle"))
            .as("%s on %s", save, release)
            .contains("-A PREROUTING -m comment --comment netconverge -j NC-DUALWAN-PRE")
            .contains("-A OUTPUT -m comment --comment netconverge -j NC-DUALWAN-OUT")
            .contains("--set-xmark 0x200/0xff00");
      }
    }
  }

  /** wan1 and wan2 as veth pairs inside the container, with both families' addresses. */
  private static void addWans(GenericContainer<?> c) throws Exception {
    // Docker turns IPv6 off in a container without an IPv6 network.
    DebianTestImage.exec(
        c,
        "sysctl",
        "-w",
        "net.ipv6.conf.all.disable_ipv6=0",
        "net.ipv6.conf.default.disable_ipv6=0");
    for (int n = 1; n <= 2; n++) {
      DebianTestImage.exec(
          c,
          "sh",
          "-c",
          "ip link add wanN type veth peer name wanNp && ip link set wanNp up && ip link set wanN up"
                  .replace("N", String.valueOf(n))
              + " && ip addr add 198.18.N.2/24 dev wanN && ip addr add 2001:db8:N::2/64 dev wanN nodad"
                  .replace("N", String.valueOf(n)));
    }
  }

  private HostState load(String name, String text) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, text);
    // The container's own /etc/iproute2: the names are part of what each release is checked for.
    return Netconverge.load(file, Path.of("/etc/iproute2"));
  }

  private static void convergeThenPlanIsEmpty(String what, HostState state, Host host) {
    HostReport first = Netconverge.apply(state, host, Progress.NONE);
    assertThat(first.error()).as(what + ": first apply").isNull();
    assertThat(first.status()).as(what + ": first apply").isEqualTo(HostReport.Status.CHANGED);
    HostReport second = Netconverge.plan(state, host, Progress.NONE);
    assertThat(second.error()).as(what + ": second plan").isNull();
    assertThat(second.changes().stream().filter(Change::changes).map(Change::toString).toList())
        .as(what + ": second plan")
        .isEmpty();
    assertThat(second.status()).as(what + ": second plan").isEqualTo(HostReport.Status.OK);
  }
}
