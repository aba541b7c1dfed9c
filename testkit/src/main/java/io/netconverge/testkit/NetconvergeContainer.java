package io.netconverge.testkit;

import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.HostConfig;
import io.netconverge.Netconverge;
import io.netconverge.core.engine.HostReport;
import io.netconverge.core.engine.Progress;
import io.netconverge.core.exec.DockerExecutor;
import io.netconverge.core.exec.ExecException;
import io.netconverge.core.sandbox.Sandbox;
import io.netconverge.core.spec.InvalidSpecException;
import io.netconverge.hoststate.HostState;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * A container of a Debian release in which a host state file is converged, for a user's CI: the
 * image is built on this machine from a debootstrap root filesystem (no registry), the interfaces
 * the file names are made inside the container as veth pairs whose far ends answer at the file's
 * gateways, the file is applied there, and a second plan must find nothing to change.
 *
 * <pre>{@code
 * try (NetconvergeContainer router = NetconvergeContainer.debian("bookworm")) {
 *   router.start();
 *   router.converge(Path.of("router.yaml")).assertStable();
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
   * @throws InvalidSpecException when the file is not valid (nothing ran)
   * @throws IllegalArgumentException when the file sets sysctls that no network namespace keeps
   *     apart: they would change the machine running the tests
   * @throws ExecException when the interfaces cannot be made
   */
  public Convergence converge(Path hostStateFile) throws InvalidSpecException, ExecException {
    HostState state = Netconverge.load(hostStateFile, Path.of("/etc/iproute2"));
    List<String> hostWide = state.hostWideSysctls();
    if (!hostWide.isEmpty()) {
      throw new IllegalArgumentException(
          hostStateFile
              + ": sysctl: not per network namespace, converging would change the machine running"
              + " the tests: "
              + String.join(", ", hostWide));
    }
    try (Sandbox sandbox =
        Sandbox.create(new DockerExecutor(getContainerId()), state.interfaces())) {
      HostReport apply = Netconverge.apply(state, sandbox.target(), Progress.NONE);
      HostReport replan = Netconverge.plan(state, sandbox.target(), Progress.NONE);
      return new Convergence(apply, replan);
    }
  }
}
