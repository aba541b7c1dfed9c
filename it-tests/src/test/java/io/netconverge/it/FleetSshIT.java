package io.netconverge.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netconverge.core.engine.Host;
import io.netconverge.core.engine.HostLock;
import io.netconverge.core.engine.NamespaceLock;
import io.netconverge.core.exec.LocalExecutor;
import io.netconverge.core.exec.NetnsExecutor;
import io.netconverge.core.exec.SshConnection;
import io.netconverge.core.exec.SshExecutor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fleets over ssh: real sshd in network namespaces made by each test (see {@link SshLab}). */
class FleetSshIT {

  @TempDir Path dir;

  private static final String STATE =
      "    hostState:\n"
          + "      sysctl:\n"
          + "        net.ipv4.ip_forward: 1\n"
          + "        net.ipv4.conf.all.rp_filter: 2\n"
          + "        net.ipv4.ip_local_port_range: \"20000 40000\"\n";

  private Path inventory(SshLab lab, List<String> hostLines) throws Exception {
    StringBuilder sb = new StringBuilder(lab.inventoryHead() + STATE + "    hosts:\n");
    hostLines.forEach(l -> sb.append("      - ").append(l).append('\n'));
    Path file = dir.resolve("fleet.yaml");
    Files.writeString(file, sb.toString());
    return file;
  }

  private static List<String> byAlias(SshLab lab) {
    List<String> lines = new ArrayList<>();
    for (SshLab.Host h : lab.hosts()) {
      lines.add("{ name: " + h.alias() + " }");
    }
    return lines;
  }

  @Test
  void convergesHostsInParallelOverOneReusedConnectionEachThenPlansZeroChanges() throws Exception {
    try (SshLab lab = SshLab.start(dir, 3, 0)) {
      Path file = inventory(lab, byAlias(lab));

      Cli apply = Cli.run("apply", "--forks", "3", file.toString());
      assertThat(apply.exitCode()).as(apply.toString()).isZero();
      for (SshLab.Host h : lab.hosts()) {
        assertThat(apply.out()).contains("apply " + h.alias() + "\n");
        assertThat(apply.out()).contains(h.alias() + " : ok=0 changed=3 failed=0");
        assertThat(h.run("cat", "/proc/sys/net/ipv4/ip_forward")).isEqualTo("1\n");
        assertThat(h.run("cat", "/proc/sys/net/ipv4/conf/all/rp_filter")).isEqualTo("2\n");
        // One argument with a space went through the remote shell as one argument.
        assertThat(h.run("cat", "/proc/sys/net/ipv4/ip_local_port_range"))
            .isEqualTo("20000\t40000\n");
        // lock holder, read, the new values tried in a throw-away namespace, the check that no
        // earlier apply awaits its confirm, apply, verify: one ssh channel each, over one TCP
        // connection.
        assertThat(h.commands()).isEqualTo(6);
        assertThat(h.connections()).isEqualTo(1);
      }
      // The recap lists every host after the per-host results, in inventory order.
      String recap = apply.out().substring(apply.out().lastIndexOf("\n\n"));
      assertThat(recap)
          .containsSubsequence("h0 : ok=0 changed=3", "h1 : ok=0 changed=3", "h2 : ok=0 changed=3");

      Cli plan = Cli.run("plan", file.toString());
      assertThat(plan.exitCode()).as(plan.toString()).isZero();
      for (SshLab.Host h : lab.hosts()) {
        assertThat(plan.out()).contains(h.alias() + " : ok=3 changed=0 failed=0");
        // The plan reused the master connection the apply left (ControlPersist).
        assertThat(h.connections()).isEqualTo(1);
        // The apply's six, and the plan's read (its values, the same, are not tried again).
        assertThat(h.commands()).isEqualTo(7);
      }
    }
  }

  @Test
  void hostsConvergeAtTheSameTime() throws Exception {
    Path started = dir.resolve("h1-started");
    // h0 goes on only once h1 has run a command; h1 runs after h0 unless they run together.
    String waitForH1 =
        "i=0; while [ ! -e "
            + started
            + " ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done; [ -e "
            + started
            + " ] || { echo 'h1 did not start while h0 waited' >&2; exit 3; };"
            + " eval \"$SSH_ORIGINAL_COMMAND\"";
    String markH1 = "touch " + started + "; eval \"$SSH_ORIGINAL_COMMAND\"";
    try (SshLab lab = SshLab.start(dir, 2, 0, Map.of(0, waitForH1, 1, markH1))) {
      Cli apply = Cli.run("apply", "--forks", "2", inventory(lab, byAlias(lab)).toString());
      assertThat(apply.exitCode()).as(apply.toString()).isZero();
      assertThat(apply.out())
          .contains("h0 : ok=0 changed=3 failed=0")
          .contains("h1 : ok=0 changed=3 failed=0");
    }
  }

  @Test
  void anUnreachableHostFailsAloneAndEveryHostIsReported() throws Exception {
    try (SshLab lab = SshLab.start(dir, 2, 1)) {
      Path file = inventory(lab, byAlias(lab));
      SshLab.Host down = lab.hosts().get(2);
      String before = down.run("sysctl", "-a", "-r", "^net\\.ipv4\\.");

      Cli plan = Cli.run("plan", "--output", "json", file.toString());
      assertThat(plan.exitCode()).as(plan.toString()).isEqualTo(1);
      JsonNode hosts = new ObjectMapper().readTree(plan.out()).path("hosts");
      assertThat(hosts).hasSize(3);
      assertThat(hosts.path(0).path("status").asText()).isEqualTo("changed");
      assertThat(hosts.path(1).path("status").asText()).isEqualTo("changed");
      assertThat(hosts.path(1).path("changed").asInt()).isEqualTo(3);
      assertThat(hosts.path(2).path("host").asText()).isEqualTo("h2");
      assertThat(hosts.path(2).path("status").asText()).isEqualTo("failed");
      assertThat(hosts.path(2).path("error").asText()).contains("Connection refused");

      Cli apply = Cli.run("apply", file.toString());
      assertThat(apply.exitCode()).as(apply.toString()).isEqualTo(1);
      assertThat(apply.out())
          .contains("h0 : ok=0 changed=3 failed=0")
          .contains("h1 : ok=0 changed=3 failed=0")
          .contains("h2 : ok=0 changed=0 failed=1");
      assertThat(lab.hosts().get(0).run("cat", "/proc/sys/net/ipv4/ip_forward")).isEqualTo("1\n");
      assertThat(lab.hosts().get(1).run("cat", "/proc/sys/net/ipv4/ip_forward")).isEqualTo("1\n");
      assertThat(down.run("sysctl", "-a", "-r", "^net\\.ipv4\\.")).isEqualTo(before);

      Cli limited = Cli.run("plan", "--limit", "h0,h1", file.toString());
      assertThat(limited.exitCode()).as(limited.toString()).isZero();
      assertThat(limited.out()).doesNotContain("h2 :");
    }
  }

  @Test
  void aNamespaceLockedLocallyIsLockedOverSshToo() throws Exception {
    try (SshLab lab = SshLab.start(dir, 2, 0)) {
      Path file = inventory(lab, byAlias(lab));
      SshLab.Host h0 = lab.hosts().get(0);
      Host local =
          new Host(
              "local",
              new NetnsExecutor(h0.namespace(), new LocalExecutor()),
              NamespaceLock.standard());
      try (HostLock held = local.lock()) {
        Cli apply = Cli.run("apply", file.toString());
        assertThat(apply.exitCode()).as(apply.toString()).isEqualTo(75);
        assertThat(apply.out()).contains("h0 : ok=0 changed=0 failed=1 locked");
        assertThat(apply.out()).contains("h1 : ok=0 changed=3 failed=0");
        assertThat(h0.run("cat", "/proc/sys/net/ipv4/ip_forward")).isEqualTo("0\n");
      }
      Cli again = Cli.run("apply", "--limit", "h0", file.toString());
      assertThat(again.exitCode()).as(again.toString()).isZero();
    }
  }

  @Test
  void nothingInAnArgumentIsInterpretedByTheRemoteShell() throws Exception {
    try (SshLab lab = SshLab.start(dir, 1, 0)) {
      SshLab.Host h0 = lab.hosts().get(0);
      Path marker = dir.resolve("pwned");
      List<String> hostile =
          List.of(
              "two words",
              "it's",
              "\"double\"",
              "$(touch " + marker + ")",
              "`touch " + marker + "`",
              "x; touch " + marker,
              "x && touch " + marker,
              "$HOME",
              "*",
              "back\\slash",
              "");
      SshExecutor ssh =
          new SshExecutor(
              new SshConnection(
                  h0.alias(),
                  Optional.empty(),
                  OptionalInt.empty(),
                  Optional.of(lab.config()),
                  Map.of("ControlPath", lab.controlPath())),
              dir.resolve("unused"),
              new LocalExecutor());
      List<String> argv = new ArrayList<>(List.of("printf", "<%s>\\n"));
      argv.addAll(hostile);
      String out = ssh.check(io.netconverge.core.exec.Command.of(argv)).stdout();
      StringBuilder expected = new StringBuilder();
      hostile.forEach(a -> expected.append('<').append(a).append(">\n"));
      assertThat(out).isEqualTo(expected.toString());
      assertThat(marker).doesNotExist();

      // The same through a host state: a sysctl value is one argument of sysctl -w, nothing more.
      String before = h0.run("cat", "/proc/sys/net/ipv4/ip_local_port_range");
      Path file = dir.resolve("hostile.yaml");
      Files.writeString(
          file,
          "apiVersion: netconverge/v1\nkind: Inventory\nhosts:\n"
              + "  - name: h0\n"
              + "    ssh: { configFile: "
              + lab.config()
              + ", options: { ControlPath: \""
              + lab.controlPath()
              + "\" } }\n"
              + "    hostState:\n"
              + "      sysctl:\n"
              + "        net.ipv4.ip_local_port_range: '20000 40000; touch "
              + marker
              + " $(touch "
              + marker
              + ") `touch "
              + marker
              + "` '' \"'\n");
      Cli apply = Cli.run("apply", file.toString());
      // The value is tried in a throw-away namespace first: the kernel refuses it, at its line.
      assertThat(apply.exitCode()).as(apply.toString()).isEqualTo(65);
      assertThat(apply.out()).contains("the kernel refuses the value");
      assertThat(marker).doesNotExist();
      assertThat(h0.run("cat", "/proc/sys/net/ipv4/ip_local_port_range")).isEqualTo(before);
    }
  }
}
