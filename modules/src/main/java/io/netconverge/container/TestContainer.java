package io.netconverge.container;

import io.netconverge.core.exec.Command;
import io.netconverge.core.exec.DockerExecutor;
import io.netconverge.core.exec.ExecException;
import io.netconverge.core.exec.ExecResult;
import io.netconverge.core.exec.Executor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running container of a local image in which netconverge converges a host state, started and
 * removed with the {@code docker} client (no Testcontainers, no registry: {@code --pull never}).
 *
 * <p>It gets {@link #LEAST_PRIVILEGE}, not privileged mode:
 *
 * <ul>
 *   <li>{@code NET_ADMIN}: rules, routes, nft and iptables;
 *   <li>{@code SYS_ADMIN}: Docker's default seccomp profile refuses {@code unshare} without it, and
 *       netconverge compares rules in a throw-away network namespace; the interfaces of the file
 *       are made in named network namespaces too ({@code ip netns add} mounts);
 *   <li>{@code --security-opt systempaths=unconfined}: /proc/sys writable, for sysctls (only the
 *       container's own network namespaces' keys are written);
 *   <li>IPv6 on: Docker turns it off in a container without an IPv6 network;
 *   <li>no network ({@code --network none});
 *   <li>NET_RAW, which Docker gives by default, is kept: the probes' ping needs it.
 * </ul>
 */
public final class TestContainer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(TestContainer.class);

  /** What {@code docker run} is given, and why: see the class comment. */
  public static final List<String> LEAST_PRIVILEGE =
      List.of(
          "--cap-add",
          "NET_ADMIN",
          "--cap-add",
          "SYS_ADMIN",
          "--security-opt",
          "systempaths=unconfined",
          "--sysctl",
          "net.ipv6.conf.all.disable_ipv6=0",
          "--sysctl",
          "net.ipv6.conf.default.disable_ipv6=0",
          "--network",
          "none");

  private final Executor local;
  private final String name;
  private final AtomicBoolean removed = new AtomicBoolean();
  // The id of the container this made; null until docker said it, or when it made none.
  private volatile String id;
  private final Thread cleanup = new Thread(this::remove, "test-container-cleanup");

  private TestContainer(Executor local, String name) {
    this.local = local;
    this.name = name;
  }

  /**
   * Starts a container named {@code name} of {@code image} (which must be in the engine already),
   * removed when closed or when this JVM exits.
   */
  public static TestContainer start(Executor local, String image, String name)
      throws ExecException {
    String problem = DockerExecutor.nameProblem(name);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    // docker writes the id of the container it made to this file, even when the run fails after
    // making it: only that container is removed, never another one that has the name already.
    Path cidFile;
    try {
      cidFile = Files.createTempDirectory("netconverge-cid").resolve("cid");
    } catch (IOException e) {
      throw new ExecException("cannot make a temporary file for the container's id: " + e);
    }
    List<String> argv =
        new ArrayList<>(
            List.of(
                "docker",
                "run",
                "--detach",
                "--pull",
                "never",
                "--cidfile",
                cidFile.toString(),
                "--name",
                name));
    argv.addAll(LEAST_PRIVILEGE);
    argv.addAll(List.of(image, "sleep", "infinity"));
    TestContainer container = new TestContainer(local, name);
    Runtime.getRuntime().addShutdownHook(container.cleanup);
    Command command = Command.of(argv);
    try {
      ExecResult run = local.run(command);
      container.id = idIn(cidFile);
      if (!run.ok()) {
        if (container.id == null && run.stderr().contains("is already in use")) {
          throw new ExecException(
              "a container named "
                  + name
                  + " exists already (it was left as it is): pick another --name",
              run,
              null);
        }
        throw ExecException.failed(local, command, run);
      }
      return container;
    } catch (ExecException | RuntimeException e) {
      container.close();
      throw e;
    } finally {
      try {
        Files.deleteIfExists(cidFile);
        Files.deleteIfExists(cidFile.getParent());
      } catch (IOException e) {
        LOG.debug("cannot remove {}", cidFile, e);
      }
    }
  }

  /** The id docker wrote, or null when it made no container. */
  private static String idIn(Path cidFile) {
    try {
      String id = Files.readString(cidFile).strip();
      return id.isEmpty() ? null : id;
    } catch (IOException e) {
      return null;
    }
  }

  public String name() {
    return name;
  }

  /** Runs programs in the container. */
  public DockerExecutor executor() {
    return new DockerExecutor(name, local);
  }

  @Override
  public void close() {
    remove();
    try {
      Runtime.getRuntime().removeShutdownHook(cleanup);
    } catch (IllegalStateException e) {
      // Already shutting down: the hook removes it, and remove() is idempotent.
    }
  }

  private void remove() {
    if (!removed.compareAndSet(false, true)) {
      return;
    }
    String made = id;
    if (made == null) {
      return; // docker made no container: the name may be someone else's
    }
    try {
      ExecResult r = local.run(Command.of("docker", "rm", "--force", "--volumes", made));
      if (!r.ok() && !r.stderr().contains("No such container")) {
        LOG.warn("could not remove container {}: {}", name, r.stderr().strip());
      }
    } catch (ExecException e) {
      LOG.warn("could not remove container {}: {}", name, e.getMessage());
    }
  }
}
