package io.netconverge.it;

import io.netconverge.core.exec.Command;
import io.netconverge.core.exec.ExecException;
import io.netconverge.core.exec.ExecResult;
import io.netconverge.core.exec.Executor;
import io.netconverge.core.exec.LocalExecutor;
import io.netconverge.core.exec.NetnsExecutor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The plumbing the traffic fixtures share: namespaces they make and remove, veth pairs, {@code ip
 * -batch} and commands inside a namespace, and socat services stopped on close. Every failure is an
 * {@link AssertionError} naming the command.
 */
abstract class NamespaceLab implements AutoCloseable {
  static final Executor HOST = new LocalExecutor();

  private final List<String> namespaces = new ArrayList<>();
  private final List<Process> services = new ArrayList<>();

  /** Adds a namespace that {@link #close()} removes. */
  final void addNamespace(String name) {
    TestNamespace.hostRun("ip", "netns", "add", name);
    namespaces.add(name);
  }

  /** The namespaces made so far, in order. */
  final List<String> namespaces() {
    return List.copyOf(namespaces);
  }

  static void veth(String itf, String namespace, String peer, String peerNamespace) {
    TestNamespace.hostRun(
        "ip",
        "link",
        "add",
        itf,
        "netns",
        namespace,
        "type",
        "veth",
        "peer",
        "name",
        peer,
        "netns",
        peerNamespace);
  }

  static void batch(String namespace, List<String> lines) {
    try {
      HOST.check(
          Command.of("ip", "-n", namespace, "-batch", "-")
              .withStdin(String.join("\n", lines) + "\n"));
    } catch (ExecException e) {
      throw new AssertionError(e.getMessage(), e);
    }
  }

  static String in(String namespace, String... argv) {
    return inWithStdin(namespace, "", argv);
  }

  static String inWithStdin(String namespace, String stdin, String... argv) {
    return run(namespace, Command.of(argv).withStdin(stdin), false);
  }

  /**
   * Runs in the namespace: its stdout, or with {@code anyExit} stdout and stderr whatever it exits.
   */
  static String run(String namespace, Command command, boolean anyExit) {
    try {
      Executor in = new NetnsExecutor(namespace, HOST);
      if (anyExit) {
        ExecResult r = in.run(command);
        return r.stdout() + r.stderr();
      }
      return in.check(command).stdout();
    } catch (ExecException e) {
      throw new AssertionError(e.getMessage(), e);
    }
  }

  /** No duplicate address detection, so IPv6 addresses answer at once. */
  static void noDad(String namespace) {
    in(
        namespace,
        "sysctl",
        "-q",
        "-w",
        "net.ipv6.conf.all.accept_dad=0",
        "net.ipv6.conf.default.accept_dad=0");
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /**
   * Starts {@code socat LISTEN REPLY} in the namespace and waits until it listens on the port
   * ({@code ssFamily} is ss's family option, e.g. {@code -4}, or empty for both).
   */
  final void startSocat(String namespace, String listen, String reply, int port, String ssFamily) {
    ProcessBuilder pb =
        new ProcessBuilder("ip", "netns", "exec", namespace, "socat", listen, reply)
            .redirectInput(ProcessBuilder.Redirect.PIPE)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD);
    try {
      services.add(pb.start());
    } catch (IOException e) {
      throw new AssertionError("cannot start socat (is it installed?): " + e.getMessage(), e);
    }
    List<String> ss = new ArrayList<>(List.of("ss", "-Hltn"));
    if (!ssFamily.isEmpty()) {
      ss.add(ssFamily);
    }
    ss.add("sport = :" + port);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (in(namespace, ss.toArray(String[]::new)).isBlank()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the service " + listen + " in " + namespace + " never listened");
      }
      sleep(50);
    }
  }

  /** Stops the services, then removes every namespace this fixture made (not the router's). */
  @Override
  public void close() {
    for (Process p : services) {
      p.descendants().forEach(ProcessHandle::destroy);
      p.destroy();
    }
    for (Process p : services) {
      try {
        if (!p.waitFor(2, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor(2, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    services.clear();
    List<String> problems = new ArrayList<>();
    for (String ns : namespaces) {
      try {
        ExecResult r = HOST.run(Command.of("ip", "netns", "del", ns));
        if (!r.ok()) {
          problems.add(ns + ": " + r.stderr().strip());
        }
      } catch (ExecException e) {
        problems.add(ns + ": " + e.getMessage());
      }
    }
    namespaces.clear();
    if (!problems.isEmpty()) {
      throw new AssertionError("could not remove namespaces: " + problems);
    }
  }
}
