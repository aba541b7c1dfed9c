package io.netconverge.it;

import io.netconverge.core.exec.Command;
import io.netconverge.core.exec.ExecException;
import io.netconverge.core.exec.ExecResult;
import io.netconverge.core.exec.Executor;
import io.netconverge.core.exec.LocalExecutor;
import io.netconverge.core.exec.NetnsExecutor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Test hosts reached over ssh: each is a fresh network namespace joined to the test's own namespace
 * by a veth pair (a /30 of 10.250.0.0/16, on nothing but that veth), running its own sshd from
 * Debian's openssh-server with a host key made here. The client side is a private ssh configuration
 * ({@code ssh -F}) with a key and a known_hosts file made here, so neither the user's ~/.ssh nor
 * any outside address is involved. Closing ends every process left in the namespaces (sshd and its
 * sessions) and removes them.
 */
final class SshLab implements AutoCloseable {

  private static final Executor HOST = new LocalExecutor();
  private static final SecureRandom RANDOM = new SecureRandom();

  /** One host: its ssh alias, namespace, address, and the sshd log (connections, sessions). */
  record Host(String alias, String namespace, String address, Path log) {
    Executor executor() {
      return new NetnsExecutor(namespace, HOST);
    }

    String run(String... argv) {
      try {
        return executor().check(argv).stdout();
      } catch (ExecException e) {
        throw new AssertionError(e.getMessage(), e);
      }
    }

    /** TCP connections sshd accepted: one per master connection. */
    long connections() throws IOException {
      return Files.readAllLines(log).stream().filter(l -> l.contains("Connection from")).count();
    }

    /** Commands sshd started: one per ssh channel. */
    long commands() throws IOException {
      return Files.readAllLines(log).stream().filter(l -> l.contains("Starting session:")).count();
    }
  }

  private final Path dir;
  private final List<Host> hosts = new ArrayList<>();
  private final List<Process> daemons = new ArrayList<>();
  private final String id;
  private final int subnet;

  private SshLab(Path dir) {
    this.dir = dir;
    byte[] b = new byte[3];
    RANDOM.nextBytes(b);
    this.id = HexFormat.of().formatHex(b);
    this.subnet = Byte.toUnsignedInt(b[0]);
  }

  /**
   * Starts {@code withSshd} hosts running sshd and {@code withoutSshd} more that only answer
   * "connection refused" on port 22.
   */
  static SshLab start(Path dir, int withSshd, int withoutSshd) throws Exception {
    return start(dir, withSshd, withoutSshd, java.util.Map.of());
  }

  /**
   * As above, where host {@code i}'s sshd runs {@code forceCommands.get(i)} (an sshd ForceCommand
   * line) for every command, e.g. to make one host wait for another.
   */
  static SshLab start(
      Path dir, int withSshd, int withoutSshd, java.util.Map<Integer, String> forceCommands)
      throws Exception {
    SshLab lab = new SshLab(dir);
    try {
      lab.keys();
      for (int i = 0; i < withSshd + withoutSshd; i++) {
        lab.addHost(i, i < withSshd, forceCommands.get(i));
      }
      lab.writeClientConfig();
      return lab;
    } catch (Exception | AssertionError e) {
      lab.close();
      throw e;
    }
  }

  List<Host> hosts() {
    return hosts;
  }

  /**
   * The head of an inventory whose group {@code routers} reaches this lab's hosts through its ssh
   * config and control path; the caller adds the group's hostState and hosts.
   */
  String inventoryHead() {
    return "apiVersion: netconverge/v1\nkind: Inventory\ngroups:\n"
        + "  - name: routers\n"
        + "    ssh:\n"
        + "      configFile: "
        + config()
        + "\n"
        + "      options: { ControlPath: \""
        + controlPath()
        + "\" }\n";
  }

  /** Ends the master connection a converge left to {@code host} (as a controller's death does). */
  void endMaster(Host host) throws ExecException {
    new LocalExecutor()
        .run(
            Command.of(
                "ssh",
                "-F",
                config().toString(),
                "-o",
                "ControlPath=" + controlPath(),
                "-O",
                "exit",
                host.alias()));
  }

  Path config() {
    return dir.resolve("ssh_config");
  }

  /** Where the master connections' sockets go: this test's own, not the user's. */
  String controlPath() {
    return dir.resolve("cm-%C").toString();
  }

  private void keys() throws ExecException {
    check(
        HOST,
        "ssh-keygen",
        "-q",
        "-t",
        "ed25519",
        "-N",
        "",
        "-C",
        "nc-test",
        "-f",
        dir.resolve("client_key").toString());
  }

  private void addHost(int i, boolean sshd, String forceCommand) throws Exception {
    String ns = "nc-ssh-" + id + "-" + i;
    String outside = "ncs" + id + "o" + i;
    String address = "10.250." + subnet + "." + (4 * i + 2);
    check(HOST, "ip", "netns", "add", ns);
    Path log = dir.resolve("sshd-" + i + ".log");
    Host host = new Host("h" + i, ns, address, log);
    hosts.add(host);
    check(HOST, "ip", "link", "add", outside, "type", "veth", "peer", "name", "eth0", "netns", ns);
    check(
        HOST, "ip", "addr", "add", "10.250." + subnet + "." + (4 * i + 1) + "/30", "dev", outside);
    check(HOST, "ip", "link", "set", outside, "up");
    Executor in = host.executor();
    check(in, "ip", "link", "set", "lo", "up");
    check(in, "ip", "addr", "add", address + "/30", "dev", "eth0");
    check(in, "ip", "link", "set", "eth0", "up");
    // A new namespace inherits ip_forward from the host's, which a Docker engine may have set:
    // tests that count changes start from the kernel's defaults.
    check(
        in,
        "sysctl",
        "-q",
        "-w",
        "net.ipv4.ip_forward=0",
        "net.ipv4.conf.all.rp_filter=0",
        "net.ipv4.ip_local_port_range=32768 60999");
    Files.writeString(log, "");
    if (!sshd) {
      return;
    }
    Path key = dir.resolve("host_key_" + i);
    check(
        HOST,
        "ssh-keygen",
        "-q",
        "-t",
        "ed25519",
        "-N",
        "",
        "-C",
        host.alias(),
        "-f",
        key.toString());
    Files.copy(
        dir.resolve("client_key.pub"),
        dir.resolve("authorized_keys"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.writeString(
        dir.resolve("known_hosts"),
        address + " " + Files.readString(dir.resolve("host_key_" + i + ".pub")),
        java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.APPEND);
    Path config = dir.resolve("sshd_config_" + i);
    Files.writeString(
        config,
        String.join(
            "\n",
            "ListenAddress " + address + ":22",
            "HostKey " + key,
            "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
            "PermitRootLogin prohibit-password",
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            "UsePAM no",
            // The keys live in a test's temp dir, which sshd's ownership checks would refuse.
            "StrictModes no",
            "PidFile none",
            "LogLevel VERBOSE",
            // bash sources ~/.bashrc for ssh commands unless it is a nested shell; root's here
            // runs pyenv, which costs 0.2 s per command and sometimes writes to stderr.
            "SetEnv SHLVL=1",
            forceCommand == null ? "" : "ForceCommand " + forceCommand,
            ""));
    // sshd's privilege separation directory; Debian's package makes it only at service start.
    Files.createDirectories(Path.of("/run/sshd"));
    Process daemon =
        new ProcessBuilder(
                "ip", "netns", "exec", ns, "/usr/sbin/sshd", "-D", "-e", "-f", config.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    daemons.add(daemon);
    Instant until = Instant.now().plus(Duration.ofSeconds(10));
    while (!check(in, "ss", "-Hltn").stdout().contains(address + ":22")) {
      if (!daemon.isAlive() || Instant.now().isAfter(until)) {
        throw new AssertionError("sshd in " + ns + " did not start: " + Files.readString(log));
      }
      Thread.sleep(50);
    }
  }

  private void writeClientConfig() throws IOException {
    StringBuilder sb = new StringBuilder();
    for (Host h : hosts) {
      sb.append("Host ").append(h.alias()).append("\n  HostName ").append(h.address()).append('\n');
    }
    sb.append("Host *\n")
        .append("  User root\n")
        .append("  IdentityFile ")
        .append(dir.resolve("client_key"))
        .append('\n')
        .append("  IdentitiesOnly yes\n")
        .append("  UserKnownHostsFile ")
        .append(dir.resolve("known_hosts"))
        .append('\n')
        .append("  GlobalKnownHostsFile /dev/null\n")
        .append("  StrictHostKeyChecking yes\n")
        .append("  LogLevel ERROR\n");
    Files.writeString(config(), sb.toString());
  }

  @Override
  public void close() {
    for (Host h : hosts) {
      // The master connections first, so no client is left waiting on a host that goes away.
      attempt(
          HOST,
          "ssh",
          "-F",
          config().toString(),
          "-o",
          "ControlPath=" + controlPath(),
          "-O",
          "exit",
          h.alias());
    }
    for (Host h : hosts) {
      // A reverter a test left pending dies with the processes below; its folder would outlive
      // the namespace and refuse the next apply of a namespace that gets the same inode.
      attempt(
          h.executor(),
          "sh",
          "-c",
          "id=$(readlink /proc/self/ns/net); id=${id#net:[}; id=${id%]};"
              + " rm -rf /run/netconverge/revert-$id /run/netconverge/revert-$id.new"
              + " /run/netconverge/revert-$id.running /run/netconverge/revert-$id.confirmed");
    }
    for (Host h : hosts) {
      String pids = attempt(HOST, "ip", "netns", "pids", h.namespace());
      for (String pid : pids.split("\\s+")) {
        if (!pid.isBlank()) {
          attempt(HOST, "kill", "-KILL", pid.strip());
        }
      }
    }
    for (Process p : daemons) {
      try {
        p.waitFor(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    for (Host h : hosts) {
      attempt(HOST, "ip", "netns", "del", h.namespace());
    }
  }

  private static ExecResult check(Executor on, String... argv) throws ExecException {
    return on.check(Command.of(argv));
  }

  /** For cleanup: what is already gone is fine. */
  private static String attempt(Executor on, String... argv) {
    try {
      return on.run(Command.of(argv)).stdout();
    } catch (ExecException e) {
      return "";
    }
  }
}
