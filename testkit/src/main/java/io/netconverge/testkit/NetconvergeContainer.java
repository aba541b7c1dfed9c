package io.netconverge.testkit;

import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.HostConfig;
import io.netconverge.container.ContainerTest;
import io.netconverge.container.TestContainer;
import io.netconverge.core.exec.DockerExecutor;
import io.netconverge.core.exec.ExecException;
import io.netconverge.core.exec.LocalExecutor;
import io.netconverge.core.spec.InvalidSpecException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * A container of a Debian release in which a host state file is converged, for a user's CI: the
 * image is built on this machine from a debootstrap root filesystem (no registry), the interfaces
 * the file names are made inside the container as veth pairs whose far ends answer at the file's
 * gateways, the file is applied there, and a second plan must find nothing to change; with probes,
 * each declared gateway must also answer a ping sent out of its interface.
 *
 * <pre>{@code
 * try (NetconvergeContainer router = NetconvergeContainer.debian("bookworm")) {
 *   router.start();
 *   router.converge(Path.of("router.yaml")).assertStable();
 *   router.converge(Path.of("router.yaml"), true).assertStable(); // and ping each gateway
 * }
 * }</pre>
 *
 * <p>The container gets the least that a converge needs, not privileged mode: NET_ADMIN (rules,
 * routes, nft, iptables), SYS_ADMIN (Docker's default seccomp profile refuses {@code unshare}
 * without it, and netconverge compares rules in a throw-away network namespace; the interfaces are
 * made in one too), a writable /proc/sys ({@code systempaths=unconfined}, for sysctls) and IPv6
 * turned on; no network. Making the image needs root and debootstrap on the machine running the
 * tests (the first build of a release takes minutes; its tarball is cached under
 * /var/cache/netconverge).
 */
public final class NetconvergeContainer extends GenericContainer<NetconvergeContainer> {

  /**
   * What the container is given, as {@code docker run} options: {@code --cap-add NET_ADMIN} (rules,
   * routes, nft, iptables), {@code --cap-add SYS_ADMIN} (Docker's default seccomp profile refuses
   * {@code unshare} without it; netconverge compares rules in a throw-away network namespace and
   * makes the file's interfaces in one), {@code --security-opt systempaths=unconfined} (a writable
   * /proc/sys, for sysctls), IPv6 turned on, and no network. The same as {@code converge test}
   * uses.
   */
  public static final List<String> DOCKER_RUN_OPTIONS = TestContainer.LEAST_PRIVILEGE;

  /** The Debian releases an image can be made of. */
  public static final List<String> RELEASES = DebianImage.RELEASES;

  private NetconvergeContainer(String image) {
    super(DockerImageName.parse(image));
    withCommand("sleep", "infinity");
    withNetworkMode("none");
    withCreateContainerCmdModifier(
        cmd -> {
          HostConfig config = UnconfinedSystemPaths.copyOf(cmd.getHostConfig());
          config.withCapAdd(Capability.NET_ADMIN, Capability.SYS_ADMIN);
          // Docker turns IPv6 off in a container without an IPv6 network.
          config.withSysctls(
              Map.of(
                  "net.ipv6.conf.all.disable_ipv6", "0",
                  "net.ipv6.conf.default.disable_ipv6", "0"));
          cmd.withHostConfig(config);
        });
  }

  /**
   * A container of {@code release} (bullseye, bookworm or trixie), its image built first when this
   * machine lacks it.
   *
   * @throws IllegalStateException when the image cannot be made (no debootstrap, no mirror, not
   *     root), with the reason
   */
  public static NetconvergeContainer debian(String release) {
    return new NetconvergeContainer(DebianImage.ensure(release));
  }

  /**
   * Converges {@code hostStateFile} in a fresh network namespace of the started container that has
   * the interfaces the file names, then plans it again; the namespace is removed afterwards.
   *
   * @throws InvalidSpecException when the file is not valid, or sets sysctls that no network
   *     namespace keeps apart (they would change the machine running the tests), each at its line;
   *     nothing ran
   * @throws ExecException when the interfaces cannot be made
   */
  public Convergence converge(Path hostStateFile) throws InvalidSpecException, ExecException {
    return converge(hostStateFile, false);
  }

  /**
   * As {@link #converge(Path)}; with {@code probe}, each gateway the file declares must then answer
   * a ping sent out of its interface (the far end of each veth answers at the gateways), or {@link
   * Convergence#assertStable()} fails naming it.
   */
  public Convergence converge(Path hostStateFile, boolean probe)
      throws InvalidSpecException, ExecException {
    ContainerTest.Result result =
        new ContainerTest(new LocalExecutor(), ContainerTest.Listener.NONE)
            .run(hostStateFile, new DockerExecutor(getContainerId()), probe);
    for (ContainerTest.Step step : result.steps()) {
      if (step.name().equals("interfaces") && step.outcome() != ContainerTest.Outcome.PASSED) {
        throw new ExecException(
            "cannot make the interfaces of " + hostStateFile + ": " + step.detail());
      }
    }
    return new Convergence(
        result.apply(),
        result.replan(),
        result.steps().stream().filter(s -> s.name().startsWith("probe ")).toList());
  }
}
