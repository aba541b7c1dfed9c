package io.netconverge.it;

import io.netconverge.core.engine.Host;
import io.netconverge.core.engine.NamespaceLock;
import io.netconverge.core.exec.Command;
import io.netconverge.core.exec.ExecException;
import io.netconverge.core.exec.ExecResult;
import io.netconverge.core.exec.Executor;
import io.netconverge.core.exec.LocalExecutor;
import io.netconverge.core.exec.NetnsExecutor;
import java.util.ArrayList;
import java.util.List;

/** A fresh network namespace made for one test (see {@link NetnsExtension}). */
public final class TestNamespace {

  private static final Executor HOST = new LocalExecutor();

  private final String name;
  private final Executor executor;

  TestNamespace(String name) {
    this.name = name;
    this.executor = new NetnsExecutor(name, HOST);
  }

  public String name() {
    return name;
  }

  public Executor executor() {
    return executor;
  }

  public Host target() {
    return new Host("netns:" + name, executor, NamespaceLock.standard());
  }

  /** Runs a command inside the namespace; fails the test when it fails. */
  public String run(String... argv) {
    try {
      return executor.check(argv).stdout();
    } catch (ExecException e) {
      throw new AssertionError(e.getMessage(), e);
    }
  }

  /**
   * Sets the sysctls of inventory-examples/sysctl-basics.yaml to the kernel's defaults. A new
   * namespace inherits some of them (ip_forward) from the host's, which another program (dockerd)
   * may have changed; tests that count changes start from here.
   */
  public void resetSysctlBaseline() {
    run(
        "sysctl",
        "-q",
        "-w",
        "net.ipv4.ip_forward=0",
        "net.ipv6.conf.all.forwarding=0",
        "net.ipv4.conf.all.rp_filter=0",
        "net.ipv4.conf.default.rp_filter=0",
        "net.ipv4.tcp_fwmark_accept=0",
        "net.ipv4.fwmark_reflect=0",
        "net.ipv6.fwmark_reflect=0",
        "net.ipv4.ip_local_port_range=32768 60999");
  }

  /** Runs a command inside the namespace, with stdin; fails the test when it fails. */
  public String runWithStdin(String stdin, String... argv) {
    try {
      return executor.check(Command.of(argv).withStdin(stdin)).stdout();
    } catch (ExecException e) {
      throw new AssertionError(e.getMessage(), e);
    }
  }

  /** Runs a command and returns whatever it did, for tests that expect failures. */
  public ExecResult attempt(String... argv) {
    try {
      return executor.run(Command.of(argv));
    } catch (ExecException e) {
      throw new AssertionError(e.getMessage(), e);
    }
  }

  /** Adds a veth pair with both ends in this namespace, both up: the stand-in for a dummy. */
  public void addVethPair(String itf, String peer) {
    run("ip", "link", "add", itf, "type", "veth", "peer", "name", peer);
    run("ip", "link", "set", itf, "up");
    run("ip", "link", "set", peer, "up");
  }

  static void hostRun(String... argv) {
    try {
      HOST.check(argv);
    } catch (ExecException e) {
      throw new AssertionError(e.getMessage(), e);
    }
  }

  /**
   * Everything netconverge could touch, as text: sysctls under net, ip rules and routes of both
   * families, the nft ruleset, iptables of both families and both backends. Two equal dumps mean
   * nothing changed.
   */
  public String dump() {
    awaitIpv6Settled();
    List<String> parts = new ArrayList<>();
    parts.add(section("sysctl", "sysctl", "-a", "-r", "^net\\."));
    // Numbers, not names: the names in /etc/iproute2 belong to the machine, and a converge run
    // elsewhere on it (or a name file written meanwhile) must not change what a dump says.
    parts.add(section("ip rule", "ip", "-N", "-d", "rule", "show"));
    parts.add(section("ip -6 rule", "ip", "-N", "-6", "-d", "rule", "show"));
    parts.add(section("ip route", "ip", "-N", "-d", "route", "show", "table", "all"));
    parts.add(section("ip -6 route", "ip", "-N", "-6", "-d", "route", "show", "table", "all"));
    parts.add(section("ip link", "ip", "-d", "link", "show"));
    parts.add(section("nft", "nft", "list", "ruleset"));
    parts.add(section("iptables", "iptables-save"));
    parts.add(section("ip6tables", "ip6tables-save"));
    parts.add(section("iptables-legacy", "iptables-legacy-save"));
    parts.add(section("ip6tables-legacy", "ip6tables-legacy-save"));
    return String.join("\n", parts);
  }

  /**
   * The kernel adds an interface's IPv6 link-local address (and its local route) a moment after the
   * link comes up, and holds it tentative during duplicate address detection: a dump taken in that
   * moment would differ from the next one with nothing changed. Waits (at most 5 s) until every
   * interface that is up with a carrier has its link-local address and none is tentative.
   */
  private void awaitIpv6Settled() {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (System.nanoTime() < deadline) {
      String tentative = attempt("ip", "-6", "-o", "addr", "show", "tentative").stdout().strip();
      String linkLocal = attempt("ip", "-6", "-o", "addr", "show", "scope", "link").stdout();
      boolean missing = false;
      for (String line : attempt("ip", "-o", "link", "show", "up").stdout().split("\n")) {
        String[] f = line.split(":\\s+|@", 3);
        if (f.length < 2 || !line.contains("LOWER_UP") || line.contains("LOOPBACK")) {
          continue;
        }
        String disabled =
            attempt("sysctl", "-n", "net.ipv6.conf." + f[1] + ".disable_ipv6").stdout().strip();
        if (!"1".equals(disabled) && !linkLocal.contains(" " + f[1] + " ")) {
          missing = true;
        }
      }
      if (tentative.isEmpty() && !missing) {
        return;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private String section(String title, String... argv) {
    ExecResult r = attempt(argv);
    // iptables-save prints the time of the dump in its comments; they are not state.
    String body = r.stdout().replaceAll("(?m)^#.*\n", "");
    return "== " + title + " (exit " + r.exitCode() + ")\n" + body + r.stderr();
  }
}
